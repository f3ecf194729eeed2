/// A lazily determinized byte automaton for one `RegexIR` expression.
///
/// States are derivatives of the root expression (paired with the class of the previous byte
/// when the expression has `^`, `\b` or `\B`). Bytes are grouped into classes that no leaf of the
/// expression distinguishes, and transitions live in a flat `[Int32]` table indexed by
/// `state << rowShift | class`; a cached step is two loads and no allocation. Missing
/// transitions are computed on first use, within `Limits.maxStates` (then a budget error).
///
/// The DFA is a value: copy it per sequence or thread (copies share storage until one of them
/// adds a state). `RegexIR` handles stay valid in the DFA's private copy of the arena.
///
/// ```swift
/// var ir = RegexIR()
/// let e = try ir.add(ecma: "[a-z]+@[a-z]+", mode: .fullMatch)
/// var dfa = ByteDFA(ir, root: e)
/// var s = dfa.initialState
/// for b in "me@host".utf8 { s = try dfa.next(s, b) }
/// dfa.isAccepting(s)                 // true
/// try dfa.isDead(dfa.next(s, 0x20))  // true: no completion after a space
/// ```
public struct ByteDFA: Sendable {
    /// A state number; `ByteDFA.deadState` is the empty language.
    public typealias State = Int32

    /// Limits on determinization.
    public struct Limits: Sendable, Hashable {
        /// The most states the DFA may hold.
        public var maxStates: Int
        /// The most transition-table entries (states × byte classes rounded up to a power of two,
        /// 4 bytes each: 16 MiB by default). Together with `maxStates` this bounds the work of
        /// `isDead` and `determinizeAll` to a few seconds at worst.
        public var maxTableEntries: Int
        /// The most derivative work (`RegexIR.work` units: derivative calls plus operands
        /// normalized) one search may spend: an emptiness check (`isDead`, `isEmptyLanguage`),
        /// `computeLiveness`, `determinizeEagerly`, a shortest or random path. States and table
        /// entries do not bound time: one derivative of an intersection of complemented patterns
        /// can cost thousands of units. Single steps (`next`) are not budgeted: each costs at
        /// most one derivative.
        public var maxWork: Int
        public init(maxStates: Int = 250_000, maxTableEntries: Int = 1 << 22, maxWork: Int = ByteDFA.defaultMaxWork) {
            self.maxStates = maxStates
            self.maxTableEntries = maxTableEntries
            self.maxWork = maxWork
        }
    }

    /// The state of the empty language: no byte string is accepted from it.
    public static let deadState: State = 0

    @usableFromInline var ir: RegexIR
    /// Byte → class.
    @usableFromInline let classOf: [UInt8]
    /// Number of byte classes (the table's row width).
    @usableFromInline let classCount: Int
    /// Rows are `1 << rowShift` entries wide (the class count rounded up to a power of two), so
    /// a step is a shift and an or instead of a multiply.
    @usableFromInline let rowShift: Int
    /// Class → its member bytes.
    let classMembers: [[UInt8]]
    /// `state << rowShift | class` → next state, or -1 when not computed yet (padding stays -1).
    @usableFromInline var table: [Int32] = []
    @usableFromInline var accepting: [Bool] = []
    var stateExpr: [RegexIR.Expr] = []
    var stateContext: [UInt8] = []
    /// 0 unknown, 1 can reach an accepting state, 2 cannot.
    var liveness: [UInt8] = []
    var stateIndex: [UInt64: Int32] = [:]
    public let limits: Limits
    /// The expression's canonical form, for automata from `forLexeme` (the key under which a
    /// completed copy is shared process-wide).
    var sharedKey: RegexIR.CanonicalForm?
    /// Set once the automaton is complete (`determinizeEagerly`): its state classes, shared by
    /// every copy.
    var classMemo: StateClassMemo?
    /// The default `Limits.maxWork`: high enough for every lexeme of jsonschemabench's sample
    /// (a `time` format or a 10,000-character string determinizes within it), low enough to end
    /// the emptiness check of `Handwritten---allany14` (intersections of complemented patterns).
    public static let defaultMaxWork = 8_000_000
    /// The start state.
    public private(set) var initialState: State = 0

    /// Builds the (empty) cache for `root` of `ir`. Build `root` first, then pass the arena:
    /// in `ByteDFA(ir, root: ir.and(…))` the arena is copied before `and` adds to it.
    public init(_ ir: RegexIR, root: RegexIR.Expr, limits: Limits = Limits()) {
        precondition(Int(root.id) < ir.count,
                     "root is not in this arena: build the expression before passing the RegexIR (let root = ir.and(…); ByteDFA(ir, root: root))")
        self.ir = ir
        self.limits = limits
        // Byte classes: refine the partition of all bytes by every byte set reachable from the
        // root (derivatives only recombine these), and by word bytes when `\b`/`\B` occur.
        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        var seen = Set<Int32>()
        var stack = [root]
        var sets: Set<ByteSet> = []
        while let e = stack.popLast() {
            guard seen.insert(e.id).inserted else { continue }
            switch ir.node(e) {
            case .bytes(let s): sets.insert(s)
            case .concat(let a, let b): stack.append(a); stack.append(b)
            case .or(let xs), .and(let xs): stack.append(contentsOf: xs)
            case .not(let x), .repeat(let x, _, _): stack.append(x)
            case .assertion(let a): if a == .wordBoundary || a == .notWordBoundary { sets.insert(ByteSet.word) }
            case .nothing, .empty: break
            }
        }
        for s in sets {
            var remap = [Int16](repeating: -1, count: classCount * 2)
            var next = 0
            for b in 0..<256 {
                let k = Int(classOf[b]) * 2 + (s.contains(UInt8(b)) ? 1 : 0)
                if remap[k] < 0 { remap[k] = Int16(next); next += 1 }
                classOf[b] = UInt8(remap[k])
            }
            classCount = next
        }
        var members = [[UInt8]](repeating: [], count: classCount)
        for b in 0..<256 { members[Int(classOf[b])].append(UInt8(b)) }
        self.classOf = classOf
        self.classCount = classCount
        var shift = 0
        while 1 << shift < classCount { shift += 1 }
        self.rowShift = shift
        self.classMembers = members
        _ = addState(RegexIR.nothing, context: 2)
        liveness[0] = 2
        initialState = addState(root, context: 0)
    }

    /// Parses and compiles an ECMA-262 pattern into a fresh arena.
    ///
    /// ```swift
    /// var dfa = try ByteDFA(ecma: "\\d{3}-\\d{4}", mode: .fullMatch)
    /// try dfa.matches(Array("555-1234".utf8))   // true
    /// ```
    public init(ecma pattern: String, mode: RegexMatchMode, limits: Limits = Limits()) throws(RegexError) {
        var ir = RegexIR()
        let root = try ir.add(ecma: pattern, mode: mode)
        self.init(ir, root: root, limits: limits)
    }

    /// The number of states built so far.
    public var stateCount: Int { stateExpr.count }

    /// Derivative work spent in this automaton's arena so far (`RegexIR.work`).
    public var work: Int { ir.work }

    /// The transition from `state` by class `cls` within a search that began when the arena's
    /// work was `start`: a budget error once the search has spent more than `limits.maxWork`.
    @inline(__always)
    mutating func searchStep(_ state: State, _ cls: Int, since start: Int) throws(RegexError) -> State {
        let t = table[Int(state) << rowShift | cls]
        if t >= 0 { return t }
        if ir.work - start > limits.maxWork { throw Self.workBudgetError(limits.maxWork) }
        return try computeTransition(state, cls)
    }

    /// The error of a search over `Limits.maxWork`.
    static func workBudgetError(_ limit: Int) -> RegexError {
        RegexError(.budget, offset: nil, "regex automaton needs more than \(limit) derivative steps (intersections or complements too costly to determinize)")
    }

    /// True if `error` is the error of a search over `Limits.maxWork` (the automaton is too costly
    /// to explore, as opposed to merely large).
    public static func isWorkBudgetError(_ error: RegexError) -> Bool {
        error.kind == .budget && error.reason.hasSuffix("too costly to determinize)")
    }

    /// The expression a state stands for.
    public func expression(of state: State) -> RegexIR.Expr { stateExpr[Int(state)] }

    private mutating func addState(_ e: RegexIR.Expr, context: UInt8) -> State {
        if e == RegexIR.nothing && !stateExpr.isEmpty { return Self.deadState }
        let ctx: UInt8 = ir.contextual[Int(e.id)] ? context : 2
        let key = UInt64(UInt32(e.id)) << 2 | UInt64(ctx)
        if let s = stateIndex[key] { return s }
        let s = State(stateExpr.count)
        stateIndex[key] = s
        stateExpr.append(e)
        stateContext.append(ctx)
        accepting.append(ir.nullableAtEnd(e, context: ctx))
        liveness.append(0)
        table.append(contentsOf: repeatElement(-1, count: 1 << rowShift))
        return s
    }

    /// The state after reading `byte` in `state`. Computes and caches the transition on first use.
    @inlinable
    public mutating func next(_ state: State, _ byte: UInt8) throws(RegexError) -> State {
        let cls = Int(classOf[Int(byte)])
        let t = table[Int(state) &<< rowShift | cls]
        if t >= 0 { return t }
        return try computeTransition(state, cls)
    }

    /// The cached transition, or nil if it has not been computed yet (never computes).
    @inlinable
    public func cachedNext(_ state: State, _ byte: UInt8) -> State? {
        let t = table[Int(state) &<< rowShift | Int(classOf[Int(byte)])]
        return t >= 0 ? t : nil
    }

    @usableFromInline
    mutating func computeTransition(_ state: State, _ cls: Int) throws(RegexError) -> State {
        let b = classMembers[cls][0]
        let d = ir.derivative(stateExpr[Int(state)], b, context: stateContext[Int(state)])
        if ir.overBudget {
            throw RegexError(.budget, offset: nil, "regex automaton needs more than \(ir.limits.maxExpressions) expressions")
        }
        let t = addState(d, context: RegexIR.contextAfter(b))
        if stateExpr.count > limits.maxStates || table.count > limits.maxTableEntries {
            throw RegexError(.budget, offset: nil, "regex automaton needs more than \(limits.maxStates) states or \(limits.maxTableEntries) transitions")
        }
        table[Int(state) << rowShift | cls] = t
        return t
    }

    /// True if the bytes read so far form an accepted text.
    @inlinable
    public func isAccepting(_ state: State) -> Bool { accepting[Int(state)] }

    /// True if no continuation from `state` is accepted. Explores the states reachable from
    /// `state` (within the state budget) unless already known; the answer is cached.
    public mutating func isDead(_ state: State) throws(RegexError) -> Bool {
        if liveness[Int(state)] != 0 { return liveness[Int(state)] == 2 }
        return try anyPath(from: state) == nil
    }

    /// True if the automaton accepts nothing at all.
    public mutating func isEmptyLanguage() throws(RegexError) -> Bool { try isDead(initialState) }

    /// Breadth-first search to the nearest accepting state; marks liveness on the way.
    private mutating func shortestPath(from state: State) throws(RegexError) -> [UInt8]? {
        var parent: [State: (State, Int)] = [state: (-1, -1)]
        var queue: [State] = [state]
        var head = 0
        var found: State? = nil
        let start = ir.work
        while head < queue.count {
            let s = queue[head]; head += 1
            if accepting[Int(s)] { found = s; break }
            if liveness[Int(s)] == 2 { continue }
            for cls in 0..<classCount {
                let t = try searchStep(s, cls, since: start)
                if t == Self.deadState || parent[t] != nil { continue }
                parent[t] = (s, cls)
                queue.append(t)
            }
        }
        guard var s = found else {
            for s in queue { liveness[Int(s)] = 2 }
            return nil
        }
        var bytes: [UInt8] = []
        while let (p, cls) = parent[s], p >= 0 {
            liveness[Int(s)] = 1
            bytes.append(classMembers[cls][0])
            s = p
        }
        liveness[Int(state)] = 1
        return bytes.reversed()
    }

    /// Depth-first search for some path to an accepting state, trying classes in byte order (so
    /// ASCII first, which finishes characters soonest); marks liveness like `shortestPath`.
    private mutating func anyPath(from state: State) throws(RegexError) -> [UInt8]? {
        if accepting[Int(state)] { liveness[Int(state)] = 1; return [] }
        var visited: Set<State> = [state]
        // Each frame: a state and the next class to try.
        var stack: [(State, Int)] = [(state, 0)]
        let start = ir.work
        while let (s, cls) = stack.last {
            if cls == classCount {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].1 = cls + 1
            let t = try searchStep(s, cls, since: start)
            if t == Self.deadState || liveness[Int(t)] == 2 || !visited.insert(t).inserted { continue }
            if accepting[Int(t)] || liveness[Int(t)] == 1 {
                stack.append((t, 0))
                var bytes: [UInt8] = []
                for (i, frame) in stack.enumerated() {
                    liveness[Int(frame.0)] = 1
                    if i + 1 < stack.count { bytes.append(classMembers[frame.1 - 1][0]) }
                }
                if !accepting[Int(t)] {
                    guard let rest = try shortestPath(from: t) else { return nil }
                    bytes += rest
                }
                return bytes
            }
            stack.append((t, 0))
        }
        // Nothing accepting is reachable from any visited state.
        for v in visited { liveness[Int(v)] = 2 }
        return nil
    }

    /// A shortest byte string that leads from `state` to acceptance, or nil if `state` is dead.
    ///
    /// ```swift
    /// var dfa = try ByteDFA(ecma: "ab+c", mode: .fullMatch)
    /// try dfa.shortestAcceptedBytes()   // Array("abc".utf8)
    /// ```
    public mutating func shortestAcceptedBytes(from state: State? = nil) throws(RegexError) -> [UInt8]? {
        try shortestPath(from: state ?? initialState)
    }

    /// A random accepted byte string (valid UTF-8), or nil if the language is empty.
    ///
    /// Walks at most `maxLength` random live transitions (stopping early at accepting states
    /// with probability 1/4), then appends a shortest completion, so the result can be longer
    /// than `maxLength` by that completion. Deterministic for a given `seed`.
    public mutating func randomAcceptedBytes(seed: UInt64, maxLength: Int = 32, from state: State? = nil) throws(RegexError) -> [UInt8]? {
        var rng = SplitMix64(seed: seed)
        var s = state ?? initialState
        var path: [State] = [s]
        var out: [UInt8] = []
        var order = Array(0..<classCount)
        let start = ir.work
        walk: while out.count < maxLength {
            if accepting[Int(s)] && rng.next() % 4 == 0 { return out }
            // Try the classes in random order (Fisher–Yates, lazily) until one leads somewhere.
            for i in 0..<classCount {
                let j = i + Int(rng.next() % UInt64(classCount - i))
                order.swapAt(i, j)
                let cls = order[i]
                let t = try searchStep(s, cls, since: start)
                if t == Self.deadState || liveness[Int(t)] == 2 { continue }
                let members = classMembers[cls]
                out.append(members[Int(rng.next() % UInt64(members.count))])
                s = t
                path.append(s)
                continue walk
            }
            break
        }
        // Complete with a shortest suffix; a walk into a dead end (possible with `and`, `not`
        // and assertions) backs up until a state that still reaches acceptance.
        while true {
            if let tail = try anyPath(from: s) { return out + tail }
            guard path.count > 1 else { return nil }
            path.removeLast()
            out.removeLast()
            s = path[path.count - 1]
        }
    }

    /// `randomAcceptedBytes` as a `String` (the bytes are always valid UTF-8).
    ///
    /// ```swift
    /// var dfa = try ByteDFA(ecma: "^[a-z]{3}\\d$", mode: .search)
    /// try dfa.randomAcceptedString(seed: 1)   // e.g. "qah7"
    /// ```
    public mutating func randomAcceptedString(seed: UInt64, maxLength: Int = 32) throws(RegexError) -> String? {
        try randomAcceptedBytes(seed: seed, maxLength: maxLength).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Determinizes everything reachable from `state` (within the budget) and marks every state
    /// found as live or dead by backward reachability from the accepting states.
    public mutating func computeLiveness(from state: State) throws(RegexError) {
        var seen: Set<State> = [state]
        var order: [State] = [state]
        var head = 0
        let start = ir.work
        while head < order.count {
            let s = order[head]; head += 1
            for cls in 0..<classCount {
                let t = try searchStep(s, cls, since: start)
                if seen.insert(t).inserted { order.append(t) }
            }
        }
        var predecessors: [State: [State]] = [:]
        for s in order {
            for cls in 0..<classCount {
                let t = table[Int(s) << rowShift | cls]
                predecessors[t, default: []].append(s)
            }
        }
        var work = order.filter { accepting[Int($0)] || liveness[Int($0)] == 1 }
        var live = Set(work)
        while let t = work.popLast() {
            for p in predecessors[t] ?? [] where live.insert(p).inserted { work.append(p) }
        }
        for s in order { liveness[Int(s)] = live.contains(s) ? 1 : 2 }
    }

    /// Advances from `state` over all of `bytes` and returns the state reached (the dead state
    /// as soon as no continuation can be accepted syntactically). The inner loop runs over cached
    /// transitions with raw pointers: one class lookup and one table load per byte.
    ///
    /// ```swift
    /// var dfa = try ByteDFA(ecma: "[0-9]+", mode: .fullMatch)
    /// let s = try "2024".utf8.withContiguousStorageIfAvailable { try dfa.advance(dfa.initialState, over: $0) }!
    /// dfa.isAccepting(s)   // true
    /// ```
    public mutating func advance(_ state: State, over bytes: UnsafeBufferPointer<UInt8>) throws(RegexError) -> State {
        var s = state
        var i = 0
        let n = bytes.count
        while i < n {
            if s == Self.deadState { return s }
            // Fast path: follow cached transitions until one is missing.
            let (reached, next) = table.withUnsafeBufferPointer { tb in
                classOf.withUnsafeBufferPointer { co in
                    var s = s, i = i
                    let shift = rowShift
                    while i < n {
                        let t = tb[Int(s) &<< shift | Int(co[Int(bytes[i])])]
                        if t <= 0 { break }
                        s = t
                        i &+= 1
                    }
                    return (s, i)
                }
            }
            s = reached
            i = next
            if i < n { s = try self.next(s, bytes[i]); i += 1 }
        }
        return s
    }

    /// True if the whole of `bytes` is accepted.
    public mutating func matches(_ bytes: some Sequence<UInt8>) throws(RegexError) -> Bool {
        let fast: Result<State, RegexError>? = bytes.withContiguousStorageIfAvailable { buf in
            Result { () throws(RegexError) -> State in try advance(initialState, over: buf) }
        }
        if let fast { return accepting[Int(try fast.get())] }
        var s = initialState
        for b in bytes {
            s = try next(s, b)
            if s == Self.deadState { return false }
        }
        return accepting[Int(s)]
    }

    /// True if the UTF-8 of `text` is accepted.
    public mutating func matches(_ text: String) throws(RegexError) -> Bool {
        var text = text
        let r = text.withUTF8 { buf in Result { () throws(RegexError) -> State in try advance(initialState, over: buf) } }
        return accepting[Int(try r.get())]
    }

    /// Computes every reachable state (within the budget), after which `next` never fails.
    public mutating func determinizeAll() throws(RegexError) {
        var s = 0
        while s < stateExpr.count {
            for cls in 0..<classCount where table[s << rowShift | cls] < 0 {
                _ = try computeTransition(State(s), cls)
            }
            s += 1
        }
    }
}

/// A small deterministic generator (SplitMix64, Steele et al. 2014) for reproducible test data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
