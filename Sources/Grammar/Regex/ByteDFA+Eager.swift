extension ByteDFA {
    /// Determinizes every state reachable from the initial state and marks each live or dead, when
    /// that fits in `maxTableEntries` transition-table entries; returns whether it did.
    ///
    /// A complete DFA never changes again (`next` and `isDead` only read), so copies of it share one
    /// table and its state numbers mean the same thing in every parser. The matcher relies on that
    /// to share mask plans, keyed by `(lexeme, state)`, between sequences (`SharedMaskPlans`).
    /// A DFA over budget stays lazy (and is extended per parser, as before).
    ///
    /// ```swift
    /// var dfa = try ByteDFA(ecma: "[0-9]{1,3}", mode: .fullMatch)
    /// try dfa.determinizeEagerly(maxTableEntries: 1 << 16)   // true
    /// dfa.stateCount                                          // 5: dead, start, 1, 2, 3 digits
    /// ```
    @discardableResult
    public mutating func determinizeEagerly(maxTableEntries budget: Int) throws(RegexError) -> Bool {
        var s = 0
        while s < stateExpr.count {
            for cls in 0..<classCount where table[s << rowShift | cls] < 0 {
                if table.count + (1 << rowShift) > budget { return false }
                _ = try computeTransition(State(s), cls)
            }
            s += 1
        }
        try computeLiveness(from: initialState)
        return true
    }
}
