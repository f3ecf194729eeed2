extension ByteDFA {
    /// Determinizes every state reachable from the initial state and marks each live or dead, when
    /// that fits in `maxTableEntries` transition-table entries; returns whether it did. Throws a
    /// budget error past `limits.maxWork` derivative steps (`ByteDFA.isWorkBudgetError`).
    ///
    /// Complete automata memoize their state classes (`boundedEquivalenceClasses`) for all copies.
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
        let start = ir.work
        while s < stateExpr.count {
            for cls in 0..<classCount where table[s << rowShift | cls] < 0 {
                if table.count + (1 << rowShift) > budget { return false }
                _ = try searchStep(State(s), cls, since: start)
            }
            s += 1
        }
        try computeLiveness(from: initialState)
        classMemo = StateClassMemo()
        return true
    }
}

extension ByteDFA {
    /// Classes of states that no byte string of at most `depth` bytes tells apart by "dead" and
    /// "accepting" along the way (Moore's partition refinement stopped after `depth` rounds), or
    /// nil when the automaton is not complete or the refinement would exceed `maxWork` steps.
    ///
    /// A mask plan only looks at those two facts along a token's bytes (at most the longest
    /// token), so states in one class have one plan: the counter of a string with `maxLength: 100`
    /// has a state per length, but all those more than `depth` bytes from the bound form one class.
    ///
    /// ```swift
    /// var dfa = try ByteDFA(ecma: "a{0,100}", mode: .fullMatch)
    /// try dfa.determinizeEagerly(maxTableEntries: 1 << 16)
    /// Set(dfa.boundedEquivalenceClasses(depth: 4)!).count   // 6: dead, and 0, 1, 2, 3, 4+ a's left
    /// ```
    public func boundedEquivalenceClasses(depth: Int, maxWork: Int = 20_000_000) -> [Int32]? {
        guard let memo = classMemo, maxWork == 20_000_000 else { return computeBoundedEquivalenceClasses(depth: depth, maxWork: maxWork) }
        return memo.value(depth) { computeBoundedEquivalenceClasses(depth: depth, maxWork: maxWork) }
    }

    private func computeBoundedEquivalenceClasses(depth: Int, maxWork: Int) -> [Int32]? {
        let n = stateExpr.count
        guard n * classCount * Swift.max(1, Swift.min(depth, n)) <= maxWork else { return nil }
        var cls = [Int32](repeating: 0, count: n)
        var count = 1
        for s in 0..<n {
            guard liveness[s] != 0 else { return nil }   // not complete: liveness unknown
            cls[s] = liveness[s] == 2 ? 0 : (accepting[s] ? 2 : 1)
        }
        count = Set(cls).count
        var row = [Int32](repeating: 0, count: classCount + 1)
        for _ in 0..<depth {
            var ids: [[Int32]: Int32] = [:]
            var next = [Int32](repeating: 0, count: n)
            for s in 0..<n {
                row[0] = cls[s]
                for c in 0..<classCount {
                    let t = table[s << rowShift | c]
                    guard t >= 0 else { return nil }
                    row[c + 1] = cls[Int(t)]
                }
                if let id = ids[row] { next[s] = id } else {
                    let id = Int32(ids.count)
                    ids[row] = id
                    next[s] = id
                }
            }
            cls = next
            if ids.count == count { break }   // stable: further rounds split nothing
            count = ids.count
        }
        return cls
    }
}
