extension RegexIR {
    /// The expressions reachable from one root, renumbered in post-order (children before
    /// parents, the root last): equal for the same expression built in any two arenas whose
    /// normal forms agree, so it keys automata shared across grammars (`ByteDFA.shared`).
    ///
    /// ```swift
    /// var a = RegexIR(), b = RegexIR()
    /// _ = b.literal("unrelated")
    /// a.canonicalForm(a.literal("ab")) == b.canonicalForm(b.literal("ab"))   // true
    /// ```
    public struct CanonicalForm: Hashable, Sendable {
        /// Nodes whose operands are indices into this array.
        let nodes: [Node]
    }

    /// The canonical form of `root` (see `CanonicalForm`); linear in the reachable expressions
    /// (plus sorting operand lists).
    ///
    /// An arena sorts `or`/`and` operands by handle, i.e. by when each was first built, which
    /// differs between arenas; here operands are ordered by a structural hash instead (computed
    /// bottom-up), so the same expression gets the same form whatever else its arena held.
    public func canonicalForm(_ root: Expr) -> CanonicalForm {
        // Pass 1: structural hashes, children first.
        var hash: [Int32: UInt64] = [:]
        var stack: [(Expr, Bool)] = [(root, false)]
        func h(_ e: Expr) -> UInt64 { hash[e.id]! }
        while let (e, expanded) = stack.popLast() {
            if hash[e.id] != nil { continue }
            let n = node(e)
            if !expanded {
                stack.append((e, true))
                for x in Self.operands(n) { stack.append((x, false)) }
                continue
            }
            var hasher = Hasher()
            switch n {
            case .concat(let a, let b): hasher.combine(1); hasher.combine(h(a)); hasher.combine(h(b))
            case .or(let xs): hasher.combine(2); for v in xs.map(h).sorted() { hasher.combine(v) }
            case .and(let xs): hasher.combine(3); for v in xs.map(h).sorted() { hasher.combine(v) }
            case .not(let x): hasher.combine(4); hasher.combine(h(x))
            case .repeat(let x, let lo, let hi): hasher.combine(5); hasher.combine(h(x)); hasher.combine(lo); hasher.combine(hi)
            case .nothing, .empty, .bytes, .assertion: hasher.combine(6); hasher.combine(n)
            }
            hash[e.id] = Self.stable(hasher.finalize())
        }
        // Pass 2: post-order with operands in hash order, renumbered.
        var local: [Int32: Int32] = [:]
        var out: [Node] = []
        func mapped(_ e: Expr) -> Expr { Expr(local[e.id]!) }
        func ordered(_ xs: [Expr]) -> [Expr] { xs.sorted { (h($0), $0.id) < (h($1), $1.id) } }
        stack = [(root, false)]
        while let (e, expanded) = stack.popLast() {
            if local[e.id] != nil { continue }
            let n = node(e)
            if !expanded {
                stack.append((e, true))
                switch n {
                case .or(let xs), .and(let xs): for x in ordered(xs).reversed() { stack.append((x, false)) }
                default: for x in Self.operands(n).reversed() { stack.append((x, false)) }
                }
                continue
            }
            let m: Node
            switch n {
            case .concat(let a, let b): m = .concat(mapped(a), mapped(b))
            case .or(let xs): m = .or(ordered(xs).map(mapped))
            case .and(let xs): m = .and(ordered(xs).map(mapped))
            case .not(let x): m = .not(mapped(x))
            case .repeat(let x, let lo, let hi): m = .repeat(mapped(x), lo, hi)
            case .nothing, .empty, .bytes, .assertion: m = n
            }
            local[e.id] = Int32(out.count)
            out.append(m)
        }
        return CanonicalForm(nodes: out)
    }

    /// The operands of `n`, in stored order.
    private static func operands(_ n: Node) -> [Expr] {
        switch n {
        case .concat(let a, let b): return [a, b]
        case .or(let xs), .and(let xs): return xs
        case .not(let x), .repeat(let x, _, _): return [x]
        case .nothing, .empty, .bytes, .assertion: return []
        }
    }

    /// `Hasher` is seeded per process; that is fine here (forms are compared within a process),
    /// and the hash only orders operands: equal hashes of different operands fall back to the
    /// handle order, which at worst makes two forms of one expression differ (a cache miss).
    private static func stable(_ v: Int) -> UInt64 { UInt64(bitPattern: Int64(v)) }

    /// A fresh arena holding just `form`, and the handle of its root: the same expressions
    /// re-interned (operand lists re-sorted by their new handles), so its derivatives do not
    /// depend on what else the arena of origin held.
    public static func materialize(_ form: CanonicalForm, limits: Limits = Limits()) -> (RegexIR, Expr) {
        var ir = RegexIR(limits: limits)
        var ids: [Expr] = []
        ids.reserveCapacity(form.nodes.count)
        for n in form.nodes {
            let m: Node
            switch n {
            case .concat(let a, let b): m = .concat(ids[Int(a.id)], ids[Int(b.id)])
            case .or(let xs): m = .or(xs.map { ids[Int($0.id)] }.sorted())
            case .and(let xs): m = .and(xs.map { ids[Int($0.id)] }.sorted())
            case .not(let x): m = .not(ids[Int(x.id)])
            case .repeat(let x, let lo, let hi): m = .repeat(ids[Int(x.id)], lo, hi)
            case .nothing, .empty, .bytes, .assertion: m = n
            }
            ids.append(ir.intern(m))
        }
        return (ir, ids.last ?? RegexIR.nothing)
    }
}
