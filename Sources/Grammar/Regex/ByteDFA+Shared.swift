/// A process-wide store of complete lexeme automata, keyed by the canonical form of their
/// expression (`RegexIR.CanonicalForm`): the JSON string body, numbers, `date-time` and the
/// punctuation lexemes are the same expression in most schemas, and their determinization
/// (plus their state classes, memoized in the automaton) is paid once per process instead of once
/// per grammar. Entries are immutable complete automata; the store stops growing at
/// `budgetEntries` transition-table entries.
///
/// Time to first mask is therefore "warm" in a server that compiled similar schemas before and
/// "cold" in a fresh process; `gen maskbench --cold-lexemes` measures the cold case.
final class SharedLexemeAutomata: @unchecked Sendable {
    static let shared = SharedLexemeAutomata()
    /// The most transition-table entries (4 bytes each) held: 64 MiB.
    static let budgetEntries = 1 << 24

    private let lock = PosixLock()
    // Guarded by `lock`.
    private var automata: [RegexIR.CanonicalForm: ByteDFA] = [:]
    private var entries = 0
    /// When false, lookups miss and nothing is stored (to measure cold compiles).
    private var enabled = true

    private init() {}

    private func locked<T>(_ body: () -> T) -> T { lock.withLock(body) }

    func lookup(_ key: RegexIR.CanonicalForm) -> ByteDFA? { locked { enabled ? automata[key] : nil } }

    func insert(_ dfa: ByteDFA, for key: RegexIR.CanonicalForm) {
        locked {
            guard enabled, automata[key] == nil, entries + dfa.table.count <= Self.budgetEntries else { return }
            automata[key] = dfa
            entries += dfa.table.count
        }
    }

    /// Empties the store and turns it on or off.
    func reset(enabled on: Bool) {
        locked {
            automata = [:]
            entries = 0
            enabled = on
        }
    }
}

/// Memoized `boundedEquivalenceClasses` of a complete automaton, shared by all its copies (a
/// complete automaton never changes, so the classes of one copy are those of all).
final class StateClassMemo: @unchecked Sendable {
    private let lock = PosixLock()
    // Guarded by `lock`.
    private var classes: [Int: [Int32]?] = [:]

    /// The memoized value for `key`, computing it (under the lock: each is computed once) if absent.
    func value(_ key: Int, _ compute: () -> [Int32]?) -> [Int32]? {
        lock.withLock {
            if let c = classes[key] { return c }
            let c = compute()
            classes[key] = c
            return c
        }
    }
}

extension ByteDFA {
    /// The automaton of `root` for a grammar's lexeme: the shared complete one if the process has
    /// determinized the same expression before, else a fresh lazy one over a compact copy of the
    /// expression (so its work and state numbers do not depend on the rest of `ir`).
    ///
    /// ```swift
    /// var ir = RegexIR()
    /// let digits = ir.repeat(ir.bytes(ByteSet(48...57)), min: 1, max: nil)
    /// var dfa = ByteDFA.forLexeme(ir, root: digits)
    /// try dfa.determinizeEagerlyShared(maxTableEntries: 1 << 16)   // true; stored for the next grammar
    /// ```
    public static func forLexeme(_ ir: RegexIR, root: RegexIR.Expr, limits: Limits = Limits()) -> ByteDFA {
        let key = ir.canonicalForm(root)
        if let d = SharedLexemeAutomata.shared.lookup(key), d.limits == limits { return d }
        let (compact, r) = RegexIR.materialize(key, limits: ir.limits)
        var d = ByteDFA(compact, root: r, limits: limits)
        d.sharedKey = key
        return d
    }

    /// `determinizeEagerly` for automata from `forLexeme`: a shared complete automaton counts
    /// when its table fits `budget` as it would have when built here (so which lexemes are
    /// complete does not depend on what the process compiled before), else it is replaced by
    /// a lazy copy; a newly completed one is stored for later grammars.
    @discardableResult
    public mutating func determinizeEagerlyShared(maxTableEntries budget: Int) throws(RegexError) -> Bool {
        if classMemo != nil {
            // Complete already: determinizeEagerly would have stopped before the last state's
            // row once the table plus one row passed the budget.
            if table.count + (1 << rowShift) <= budget { return true }
            let key = sharedKey
            self = ByteDFA(ir, root: expression(of: initialState), limits: limits)
            sharedKey = key
            return false
        }
        guard try determinizeEagerly(maxTableEntries: budget) else { return false }
        if let key = sharedKey { SharedLexemeAutomata.shared.insert(self, for: key) }
        return true
    }

    /// Turns the process-wide store of lexeme automata on or off, emptying it (benchmarks use it
    /// to measure compiles without shared automata).
    public static func resetSharedLexemeAutomata(enabled: Bool) {
        SharedLexemeAutomata.shared.reset(enabled: enabled)
    }
}
