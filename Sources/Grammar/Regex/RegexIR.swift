/// A hash-consed regular-expression arena over bytes: the intermediate representation every
/// lexeme, JSON Schema `pattern` and `--regex` is compiled into, and from which `ByteDFA`
/// determinizes lazily by Brzozowski derivatives.
///
/// Expressions are small integer handles (`RegexIR.Expr`) into the arena; structurally equal
/// expressions get the same handle, and the smart constructors normalize (associativity,
/// commutativity and idempotence of `or`/`and`, units and zeros), which keeps the number of
/// distinct derivatives finite (Brzozowski 1964; Owens, Reppy, Turon 2009, "Regular-expression
/// derivatives re-examined").
///
/// Besides concatenation, alternation and bounded repetition the IR has intersection (`and`),
/// complement (`not`, relative to valid UTF-8) and zero-width assertions (`^`, `$`, `\b`, `\B`),
/// whose truth depends on the previous byte and the next byte; the derivative takes that context.
///
/// ```swift
/// var ir = RegexIR()
/// let digits = ir.repeat(ir.chars(CodePointSet(ranges: [0x30...0x39])), min: 1, max: nil)
/// let notZero = ir.not(ir.literal("0"))
/// let e = ir.and([digits, notZero])            // digit strings other than "0"
/// var dfa = ByteDFA(ir, root: e)
/// try dfa.matches(Array("10".utf8))            // true
/// ```
public struct RegexIR: Sendable {
    /// A handle to an expression in one arena. Handles from different arenas must not be mixed,
    /// except that an arena copy keeps every handle of the original valid.
    public struct Expr: Hashable, Comparable, Sendable, CustomStringConvertible {
        public let id: Int32
        @inlinable init(_ id: Int32) { self.id = id }
        public static func < (a: Expr, b: Expr) -> Bool { a.id < b.id }
        public var description: String { "#\(id)" }
    }

    /// Zero-width assertions.
    public enum Assertion: UInt8, Hashable, Sendable {
        /// `^` without the multiline flag: the start of the text.
        case textStart
        /// `$` with ECMA semantics: the very end of the text (not before a final newline).
        case textEnd
        /// `\b`: exactly one of the previous and next characters is an ECMA word character.
        case wordBoundary
        /// `\B`: the negation of `\b`.
        case notWordBoundary
    }

    /// Limits on the arena size.
    public struct Limits: Sendable, Hashable {
        /// The maximum number of distinct expressions; beyond it, building fails with a budget error.
        public var maxExpressions: Int
        /// The deepest nesting of a parsed pattern (groups, quantifiers, classes).
        public var maxNestingDepth: Int
        /// The largest repetition bound `{n,m}` accepted.
        public var maxRepetition: Int
        public init(maxExpressions: Int = 2_000_000, maxNestingDepth: Int = 500, maxRepetition: Int = 100_000) {
            self.maxExpressions = maxExpressions
            self.maxNestingDepth = maxNestingDepth
            self.maxRepetition = maxRepetition
        }
    }

    enum Node: Hashable {
        case nothing
        case empty
        case bytes(ByteSet)
        case concat(Expr, Expr)
        case or([Expr])
        case and([Expr])
        case not(Expr)
        /// `max == unbounded` means no upper bound.
        case `repeat`(Expr, UInt32, UInt32)
        case assertion(Assertion)
    }

    static let unbounded = UInt32.max

    // Nullability context: the previous byte's class (0 start of text, 1 word, 2 other) times the
    // next position's class (0 word byte, 1 other byte, 2 end of text): bit ctx * 3 + next.
    static let allContexts: UInt16 = 0x1FF
    static let startMask: UInt16 = 0x007
    static let endMask: UInt16 = 0x124
    static let boundaryMask: UInt16 = 0x071

    var nodes: [Node] = []
    @usableFromInline var nullable: [UInt16] = []
    /// Bit 0: depends on the previous byte (contains `^`, `\b` or `\B`).
    @usableFromInline var contextual: [Bool] = []
    /// Bytes that can start a non-empty match (an over-approximation); a derivative by any other
    /// byte is `nothing` without further work.
    var firstBytes: [ByteSet] = []
    var index: [Node: Int32] = [:]
    var derivatives: [UInt64: Int32] = [:]
    var charsCache: [CodePointSet: Expr] = [:]
    public var limits: Limits
    /// Set when `limits.maxExpressions` is exceeded; further expressions are still built (so the
    /// caller can unwind), and callers check it to report a budget error.
    public private(set) var overBudget = false
    /// Derivative work done in this arena so far: one unit per derivative call (memoized or not:
    /// a memo hit on each of a thousand operands costs as much as computing a few) plus one per
    /// operand normalized by `or`/`and`. `ByteDFA` budgets it, because the
    /// cost of one derivative of a large intersection or complement is not bounded by the number
    /// of states or expressions (every derivative re-normalizes the whole operand list).
    public private(set) var work = 0

    /// The empty language.
    public static let nothing = Expr(0)
    /// The language of the empty string.
    public static let empty = Expr(1)
    /// Every byte string (complement of `nothing`, over raw bytes).
    static let anyBytes = Expr(2)
    /// One valid UTF-8 encoded code point.
    public private(set) var anyChar: Expr
    /// Any valid UTF-8 string.
    public private(set) var anyString: Expr

    public init(limits: Limits = Limits()) {
        // Start from a shared prototype holding the fixed expressions (copy-on-write: O(1)).
        self = RegexIR.prototype
        self.limits = limits
    }

    private init(building limits: Limits) {
        self.limits = limits
        anyChar = RegexIR.nothing
        anyString = RegexIR.nothing
        _ = intern(.nothing)
        _ = intern(.empty)
        _ = intern(.not(RegexIR.nothing))
        let c = chars(.all)
        let s = self.repeat(c, min: 0, max: nil)
        anyChar = c
        anyString = s
    }

    private static let prototype = RegexIR(building: Limits())

    /// The number of expressions in the arena.
    public var count: Int { nodes.count }

    // MARK: Interning

    mutating func intern(_ node: Node) -> Expr {
        if let id = index[node] { return Expr(id) }
        let id = Int32(nodes.count)
        let (n, c): (UInt16, Bool)
        switch node {
        case .nothing: (n, c) = (0, false)
        case .empty: (n, c) = (Self.allContexts, false)
        case .bytes: (n, c) = (0, false)
        case .concat(let a, let b):
            (n, c) = (nullable[Int(a.id)] & nullable[Int(b.id)], contextual[Int(a.id)] || contextual[Int(b.id)])
        case .or(let xs):
            (n, c) = (xs.reduce(0) { $0 | nullable[Int($1.id)] }, xs.contains { contextual[Int($0.id)] })
        case .and(let xs):
            (n, c) = (xs.reduce(Self.allContexts) { $0 & nullable[Int($1.id)] }, xs.contains { contextual[Int($0.id)] })
        case .not(let x):
            (n, c) = (~nullable[Int(x.id)] & Self.allContexts, contextual[Int(x.id)])
        case .repeat(let x, let lo, _):
            (n, c) = (lo == 0 ? Self.allContexts : nullable[Int(x.id)], contextual[Int(x.id)])
        case .assertion(let a):
            switch a {
            case .textStart: (n, c) = (Self.startMask, true)
            case .textEnd: (n, c) = (Self.endMask, false)
            case .wordBoundary: (n, c) = (Self.boundaryMask, true)
            case .notWordBoundary: (n, c) = (~Self.boundaryMask & Self.allContexts, true)
            }
        }
        let first: ByteSet
        switch node {
        case .nothing, .empty, .assertion: first = ByteSet()
        case .bytes(let s): first = s
        case .concat(let a, let b):
            first = nullable[Int(a.id)] != 0 ? firstBytes[Int(a.id)].union(firstBytes[Int(b.id)]) : firstBytes[Int(a.id)]
        case .or(let xs): first = xs.reduce(ByteSet()) { $0.union(firstBytes[Int($1.id)]) }
        case .and(let xs): first = xs.reduce(ByteSet.all) { $0.intersection(firstBytes[Int($1.id)]) }
        case .not: first = ByteSet.all
        case .repeat(let x, _, _): first = firstBytes[Int(x.id)]
        }
        firstBytes.append(first)
        nodes.append(node)
        nullable.append(n)
        contextual.append(c)
        index[node] = id
        if nodes.count > limits.maxExpressions { overBudget = true }
        return Expr(id)
    }

    func node(_ e: Expr) -> Node { nodes[Int(e.id)] }

    /// True if `e` matches the empty string in every context.
    public func isNullable(_ e: Expr) -> Bool { nullable[Int(e.id)] == Self.allContexts }

    /// True if `e` matches the empty string at the end of a text (previous byte unknown: true
    /// if it does for some previous context, which is exact for expressions without `^`/`\b`).
    func nullableAtEnd(_ e: Expr, context: UInt8) -> Bool {
        nullable[Int(e.id)] & (1 << (UInt16(context) * 3 + 2)) != 0
    }

    // MARK: Smart constructors

    /// One byte from `set`.
    public mutating func bytes(_ set: ByteSet) -> Expr {
        set.isEmpty ? Self.nothing : intern(.bytes(set))
    }

    /// The exact byte string.
    public mutating func literal(bytes: some Sequence<UInt8>) -> Expr {
        concat(bytes.map { self.bytes(ByteSet([$0])) })
    }

    /// The UTF-8 encoding of `string`.
    public mutating func literal(_ string: String) -> Expr { literal(bytes: string.utf8) }

    /// One code point from `set`, as its UTF-8 encoding (only valid UTF-8; surrogates never match).
    public mutating func chars(_ set: CodePointSet) -> Expr {
        if let last = set.bounds.last, last < 0x80 {
            // All ASCII: one byte node.
            var bs = ByteSet()
            for i in stride(from: 0, to: set.bounds.count, by: 2) {
                bs = bs.union(ByteSet(UInt8(set.bounds[i])...UInt8(set.bounds[i + 1])))
            }
            return bytes(bs)
        }
        if let e = charsCache[set] { return e }
        let seqs = set.utf8Sequences.map { $0.ranges }
        let e = factor(seqs[...], position: 0)
        charsCache[set] = e
        return e
    }

    /// Builds a trie-shaped expression from byte-range sequences sorted by their ranges: runs with
    /// the same range at `position` share one node, so a derivative by a lead byte only looks at
    /// the few groups of the top level.
    private mutating func factor(_ seqs: ArraySlice<[ClosedRange<UInt8>]>, position: Int) -> Expr {
        var alternatives: [Expr] = []
        var i = seqs.startIndex
        while i < seqs.endIndex {
            guard position < seqs[i].count else { alternatives.append(Self.empty); i += 1; continue }
            let r = seqs[i][position]
            var j = i + 1
            while j < seqs.endIndex, position < seqs[j].count, seqs[j][position] == r { j += 1 }
            alternatives.append(concat(bytes(ByteSet(r)), factor(seqs[i..<j], position: position + 1)))
            i = j
        }
        return or(alternatives)
    }

    /// A zero-width assertion.
    public mutating func assertion(_ a: Assertion) -> Expr { intern(.assertion(a)) }

    /// The concatenation of `parts` in order.
    public mutating func concat(_ parts: [Expr]) -> Expr {
        var result = Self.empty
        for p in parts.reversed() {
            result = concat(p, result)
            if result == Self.nothing { return result }
        }
        return result
    }

    /// `a` followed by `b`, normalized to a right-nested spine.
    public mutating func concat(_ a: Expr, _ b: Expr) -> Expr {
        if a == Self.nothing || b == Self.nothing { return Self.nothing }
        if a == Self.empty { return b }
        if b == Self.empty { return a }
        guard case .concat = node(a) else { return intern(.concat(a, b)) }
        // Re-associate a's spine onto b without recursion.
        var spine: [Expr] = []
        var cur = a
        while case .concat(let h, let t) = node(cur) { spine.append(h); cur = t }
        spine.append(cur)
        var result = b
        for h in spine.reversed() { result = intern(.concat(h, result)) }
        return result
    }

    /// The union of `alternatives`.
    public mutating func or(_ alternatives: [Expr]) -> Expr {
        var items: [Expr] = []
        items.reserveCapacity(alternatives.count)
        var byteUnion = ByteSet()
        var hasBytes = false
        var hasEmpty = false
        var stack = alternatives
        while let x = stack.popLast() {
            work &+= 1
            switch node(x) {
            case .nothing: continue
            case .empty: hasEmpty = true
            case .or(let xs): stack.append(contentsOf: xs)
            case .bytes(let s): byteUnion = byteUnion.union(s); hasBytes = true
            case .not(let y) where y == Self.nothing: return Self.anyBytes
            default: items.append(x)
            }
        }
        if hasBytes { items.append(bytes(byteUnion)) }
        if hasEmpty && !items.contains(where: { nullable[Int($0.id)] == Self.allContexts }) {
            items.append(Self.empty)
        }
        items.sort()
        var unique: [Expr] = []
        unique.reserveCapacity(items.count)
        for x in items where unique.last != x { unique.append(x) }
        switch unique.count {
        case 0: return Self.nothing
        case 1: return unique[0]
        default: return intern(.or(unique))
        }
    }

    /// The intersection of `parts`.
    public mutating func and(_ parts: [Expr]) -> Expr {
        var items: [Expr] = []
        var byteMeet = ByteSet.all
        var hasBytes = false
        var hasEmpty = false
        var stack = parts
        while let x = stack.popLast() {
            work &+= 1
            switch node(x) {
            case .nothing: return Self.nothing
            case .empty: hasEmpty = true
            case .and(let xs): stack.append(contentsOf: xs)
            case .bytes(let s): byteMeet = byteMeet.intersection(s); hasBytes = true
            case .not(let y) where y == Self.nothing: continue
            default: items.append(x)
            }
        }
        if hasBytes {
            if hasEmpty || byteMeet.isEmpty { return Self.nothing }
            items.append(bytes(byteMeet))
        }
        if hasEmpty {
            // ε ∩ X is ε where X is nullable: decide it now when X's nullability is constant.
            let meet = items.reduce(Self.allContexts) { $0 & nullable[Int($1.id)] }
            if meet == Self.allContexts { return Self.empty }
            if meet == 0 { return Self.nothing }
            items.append(Self.empty)
        }
        items.sort()
        var unique: [Expr] = []
        for x in items where unique.last != x { unique.append(x) }
        switch unique.count {
        case 0: return Self.anyBytes
        case 1: return unique[0]
        default: return intern(.and(unique))
        }
    }

    /// The complement of `e` within valid UTF-8 strings.
    public mutating func not(_ e: Expr) -> Expr {
        and([rawNot(e), anyString])
    }

    /// The complement of `e` over all byte strings.
    mutating func rawNot(_ e: Expr) -> Expr {
        if case .not(let x) = node(e) { return x }
        return intern(.not(e))
    }

    /// `e` repeated between `min` and `max` times (`max == nil`: unbounded).
    public mutating func `repeat`(_ e: Expr, min: Int, max: Int?) -> Expr {
        let lo = UInt32(clamping: Swift.max(0, min))
        let hi = max.map { UInt32(clamping: Swift.max(0, $0)) } ?? Self.unbounded
        return `repeat`(e, lo, hi)
    }

    mutating func `repeat`(_ e: Expr, _ lo: UInt32, _ hi: UInt32) -> Expr {
        if hi < lo || (hi == 0) { return hi < lo ? Self.nothing : Self.empty }
        if e == Self.nothing { return lo == 0 ? Self.empty : Self.nothing }
        if e == Self.empty { return Self.empty }
        if lo == 1 && hi == 1 { return e }
        // (x*){n,m} = x* for every n and m >= 1.
        if case .repeat(_, 0, Self.unbounded) = node(e) { return e }
        return intern(.repeat(e, lo, hi))
    }

    // MARK: Derivatives

    /// Class of a byte for assertions: 0 word byte, 1 other.
    @inlinable static func nextClass(_ b: UInt8) -> UInt16 { ByteSet.word.contains(b) ? 0 : 1 }

    /// The context after consuming `b`: 1 word, 2 other.
    @inlinable static func contextAfter(_ b: UInt8) -> UInt8 { ByteSet.word.contains(b) ? 1 : 2 }

    /// The Brzozowski derivative of `e` by byte `b`, with `context` the class of the previous
    /// byte (0 start of text, 1 word, 2 other). Assertions at the front are decided with the
    /// previous context and `b`; the concatenation spine is walked iteratively.
    mutating func derivative(_ e: Expr, _ b: UInt8, context: UInt8) -> Expr {
        work &+= 1
        if !firstBytes[Int(e.id)].contains(b) { return Self.nothing }
        let ctx: UInt8 = contextual[Int(e.id)] ? context : 0
        let key = UInt64(UInt32(e.id)) << 10 | UInt64(ctx) << 8 | UInt64(b)
        if let d = derivatives[key] { return Expr(d) }
        let nullBit: UInt16 = 1 << (UInt16(ctx) * 3 + Self.nextClass(b))
        let result: Expr
        switch node(e) {
        case .nothing, .empty, .assertion:
            result = Self.nothing
        case .bytes(let s):
            result = s.contains(b) ? Self.empty : Self.nothing
        case .concat:
            var terms: [Expr] = []
            var cur = e
            while true {
                if case .concat(let h, let t) = node(cur) {
                    let dh = derivative(h, b, context: context)
                    terms.append(concat(dh, t))
                    if nullable[Int(h.id)] & nullBit != 0 { cur = t; continue }
                } else {
                    terms.append(derivative(cur, b, context: context))
                }
                break
            }
            result = or(terms)
        case .or(let xs):
            var ds: [Expr] = []
            ds.reserveCapacity(xs.count)
            for x in xs {
                let d = derivative(x, b, context: context)
                if d != Self.nothing { ds.append(d) }
            }
            result = or(ds)
        case .and(let xs):
            var ds: [Expr] = []
            ds.reserveCapacity(xs.count)
            for x in xs {
                let d = derivative(x, b, context: context)
                if d == Self.nothing { ds = [Self.nothing]; break }
                ds.append(d)
            }
            result = and(ds)
        case .not(let x):
            result = rawNot(derivative(x, b, context: context))
        case .repeat(let x, let lo, let hi):
            let dx = derivative(x, b, context: context)
            if dx == Self.nothing {
                result = Self.nothing
            } else {
                // δ(x{m,n}) = δ(x)·x{m-1,n-1}, except that where x matches empty here (in this
                // context) any number of leading iterations may be empty, and the union over
                // them is δ(x)·x{0,n-1}. This matters for bodies with assertions, e.g.
                // (?:^|a){2} on "a" (first iteration `^`, second `a`).
                let emptyHere = nullable[Int(x.id)] & nullBit != 0
                let rest = `repeat`(x, (lo == 0 || emptyHere) ? 0 : lo - 1, hi == Self.unbounded ? hi : hi - 1)
                result = concat(dx, rest)
            }
        }
        derivatives[key] = result.id
        return result
    }
}
