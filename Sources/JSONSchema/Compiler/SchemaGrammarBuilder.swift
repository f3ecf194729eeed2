import Grammar

/// Compiles the validator's schema graph (`CompiledSchema`) to a `GrammarIR` whose terminals are
/// exact byte languages (`ExternalTerminal`s).
///
/// The unit of compilation is a *conjunction*: the set of schema nodes that apply to one value
/// (`allOf`, `$ref` and the node itself all apply in place). Disjunctions (`anyOf`, `oneOf`,
/// `if`/`then`/`else`, `not`) are distributed over the conjunction into alternatives, each its own
/// conjunction; every conjunction becomes one rule (memoized, so `$ref` cycles are rule cycles).
/// A pure conjunction is split by JSON type: scalars become one regular language (intersections of
/// the leaf languages in Languages/), objects a chain of rules over the ordered property slots,
/// arrays a chain over positions. Anything not expressed exactly throws `SchemaCompileError`.
struct SchemaGrammarBuilder {
    let schema: CompiledSchema
    let options: SchemaGrammarOptions
    var rules: [Rule] = []
    var terminals: [Terminal] = []
    var external: [TerminalID: ExternalTerminal] = [:]
    var ruleForConj: [Conj: RuleID] = [:]
    var punctuation: [String: TerminalID] = [:]
    var knownNames: Set<String> = []
    var objectStateRules: [ObjectStateKey: RuleID?] = [:]
    var objectPlans: [ObjectPlan] = []
    /// Scalar and enum terminals by the description of their language (types and the raw string
    /// and number keywords, or the listed values): the many `{"type": "string"}` properties of a
    /// schema share one lexeme (nil: the language is empty).
    var scalarTerminals: [String: TerminalID?] = [:]
    /// Object key terminals (`"key" :`, with the leading comma unless first), by key (code points).
    var namedKeys: [NamedKey: TerminalID] = [:]

    struct NamedKey: Hashable {
        var key: ExactKey
        var first: Bool
    }

    /// One schema node applied in place; `expanded` marks its keywords (by index) whose in-place
    /// applicators were already taken into the conjunction.
    struct Atom: Hashable, Comparable {
        var node: Int
        var expanded: UInt64
        static func < (a: Atom, b: Atom) -> Bool { a.node != b.node ? a.node < b.node : a.expanded < b.expanded }
    }

    /// Nodes that all apply (`atoms`), nodes that must all fail (`negated`), and conditions on
    /// named members that come from distributing `dependentSchemas` (`constraints`; any of them
    /// makes the value an object).
    struct Conj: Hashable {
        var atoms: [Atom]
        var negated: [Int]
        var constraints: [MemberConstraint] = []
    }

    /// A condition on one named member of an object value.
    enum MemberConstraint: Hashable, Comparable {
        /// The key is absent.
        case absent(String)
        /// The key is present.
        case present(String)
        /// The key is present and its value fails the node (a reason a negated node fails).
        case failing(String, Int)
        /// Some key outside the `properties` names of the node is present (a negated node with
        /// `additionalProperties: false` fails so).
        case outside(Int)

        /// The key this condition names ("" for `outside`).
        var key: String {
            switch self {
            case .absent(let k), .present(let k), .failing(let k, _): k
            case .outside: ""
            }
        }
        static func < (a: MemberConstraint, b: MemberConstraint) -> Bool {
            func rank(_ c: MemberConstraint) -> (String, Int, Int) {
                switch c {
                case .absent(let k): (k, 0, 0)
                case .present(let k): (k, 1, 0)
                case .failing(let k, let n): (k, 2, n)
                case .outside(let n): ("", 3, n)
                }
            }
            let (x, y) = (rank(a), rank(b))
            // Keys compare by code points (ExactKey), not by canonical equivalence.
            if !x.0.exactlyEquals(y.0) { return Array(x.0.unicodeScalars.map(\.value)).lexicographicallyPrecedes(y.0.unicodeScalars.map(\.value)) }
            return (x.1, x.2) < (y.1, y.2)
        }
        static func == (a: MemberConstraint, b: MemberConstraint) -> Bool {
            switch (a, b) {
            case (.absent(let x), .absent(let y)), (.present(let x), .present(let y)): x.exactlyEquals(y)
            case (.failing(let x, let m), .failing(let y, let n)): x.exactlyEquals(y) && m == n
            case (.outside(let m), .outside(let n)): m == n
            default: false
            }
        }
        func hash(into h: inout Hasher) {
            switch self {
            case .absent(let k): h.combine(0); h.combine(ExactKey(k))
            case .present(let k): h.combine(1); h.combine(ExactKey(k))
            case .failing(let k, let n): h.combine(2); h.combine(ExactKey(k)); h.combine(n)
            case .outside(let n): h.combine(3); h.combine(n)
            }
        }
    }

    struct ObjectStateKey: Hashable {
        var object: Int
        var slot: Int
        var count: Int
        var bits: UInt32
    }

    init(schema: CompiledSchema, options: SchemaGrammarOptions) {
        self.schema = schema
        self.options = options
    }

    static func fragment(_ location: String) -> String {
        if let i = location.firstIndex(of: "#") {
            let before = location[..<i]
            let after = String(location[location.index(after: i)...])
            return before.isEmpty ? after : location
        }
        return location
    }

    func pointer(_ node: Int, _ keyword: String = "") -> String {
        let base = Self.fragment(schema.nodes[node].location)
        return keyword.isEmpty ? base : base + "/" + JSONPointer.escape(keyword)
    }

    /// Pointer naming a conjunction (its first node; "" for the empty conjunction, any value).
    func at(_ c: Conj) -> String { c.atoms.first.map { pointer($0.node) } ?? "" }

    mutating func build() throws(SchemaCompileError) -> (GrammarIR, [TerminalID: ExternalTerminal]) {
        let start = try valueRule(Conj(atoms: [Atom(node: schema.root, expanded: 0)], negated: []))
        guard let start else {
            throw SchemaCompileError(.cannotEnforceExactly, at: "", "no value is valid under this schema")
        }
        return (GrammarIR(rules: rules, terminals: terminals, start: start), external)
    }

    // MARK: Rules and terminals

    mutating func newRule(_ name: String) throws(SchemaCompileError) -> RuleID {
        if rules.count >= options.maxRules {
            throw SchemaCompileError(.budget, at: "", "more than \(options.maxRules) grammar rules (anyOf/allOf distribution or object states)")
        }
        rules.append(Rule(name: name, body: .choice([])))
        return RuleID(Int32(rules.count - 1))
    }

    mutating func terminal(_ name: String, _ rx: RegexIR, _ root: RegexIR.Expr) -> TerminalID {
        let t = TerminalID(Int32(terminals.count))
        terminals.append(Terminal(name: name, body: .empty))
        external[t] = ExternalTerminal(rx, root)
        return t
    }

    func ws(_ ir: inout RegexIR) -> RegexIR.Expr {
        let set = ir.bytes(ByteSet([9, 10, 13, 32]))
        switch options.whitespace {
        case .flexible: return ir.repeat(set, min: 0, max: nil)
        case .bounded(let n): return ir.repeat(set, min: 0, max: max(0, n))
        case .compact: return RegexIR.empty
        }
    }

    /// `{`, `}`, `[`, `]`, `,` with whitespace on the inner side(s).
    mutating func punct(_ text: String) -> TerminalID {
        if let t = punctuation[text] { return t }
        var ir = RegexIR()
        let w = ws(&ir)
        let e: RegexIR.Expr
        switch text {
        case "{", "[": e = ir.concat(ir.literal(text), w)
        case "}", "]": e = ir.concat(w, ir.literal(text))
        default: e = ir.concat([w, ir.literal(text), w])
        }
        let t = terminal("'\(text)'", ir, e)
        punctuation[text] = t
        return t
    }

    // MARK: Conjunctions

    /// Adds the in-place applicators (`$ref`, `allOf`) of every atom; nil when a `false` schema applies.
    func closure(_ c: Conj) throws(SchemaCompileError) -> Conj? {
        var atoms = c.atoms
        var present = Set(atoms.map(\.node))
        var i = 0
        while i < atoms.count {
            let node = schema.nodes[atoms[i].node]
            if node.alwaysFails { return nil }
            for (k, kw) in node.keywords.enumerated() where k < 64 && atoms[i].expanded & (1 << UInt64(k)) == 0 {
                var targets: [Int] = []
                switch kw.check {
                case .ref(let n): targets = [n]
                case .allOf(let ns): targets = ns
                case .dynamicRef(let n, _), .recursiveRef(let n):
                    // The static target is right unless an outer resource re-binds the anchor.
                    if schema.resources.contains(where: { $0.recursiveAnchor || !$0.dynamicAnchors.isEmpty }) && schema.resources.count > 1 {
                        throw SchemaCompileError(.cannotEnforceExactly, at: pointer(atoms[i].node, kw.name),
                                                 "dynamic references resolve by the dynamic scope, which a grammar rule cannot see")
                    }
                    targets = [n]
                default: continue
                }
                atoms[i].expanded |= 1 << UInt64(k)
                for t in targets where !present.contains(t) {
                    present.insert(t)
                    atoms.append(Atom(node: t, expanded: 0))
                }
            }
            if node.keywords.count > 64 {
                throw SchemaCompileError(.budget, at: pointer(atoms[i].node), "more than 64 keywords in one schema object")
            }
            i += 1
        }
        // Discovery order (root, then allOf and $ref targets in order) is the slot order of objects.
        return Conj(atoms: atoms, negated: Array(Set(c.negated)).sorted(), constraints: Array(Set(c.constraints)).sorted())
    }

    /// The rule for values valid under `c` (nil: no value is).
    mutating func valueRule(_ c0: Conj) throws(SchemaCompileError) -> RuleID? {
        guard let c = try closure(c0) else { return nil }
        if let r = ruleForConj[c] { return r }
        let r = try newRule("v\(rules.count)@\(at(c))")
        ruleForConj[c] = r
        let body = try valueBody(c)
        if body.isEmpty {
            rules[Int(r.index)].body = .choice([])
            // Leave the (unproductive) rule in place: references to it are dropped by the compiler.
        } else {
            rules[Int(r.index)].body = .choice(body)
        }
        return body.isEmpty ? nil : r
    }

    func types(of c: Conj) -> TypeSet {
        var allowed = TypeSet(rawValue: 0x7F)
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords {
                if case .type(var t, _) = kw.check {
                    if t.contains(.number) { t.insert(.integer) }
                    allowed = allowed.intersection(t)
                }
            }
        }
        return allowed
    }

    /// The alternatives of the rule for closed conjunction `c`.
    mutating func valueBody(_ c: Conj) throws(SchemaCompileError) -> [GrammarExpr] {
        // ¬anyOf(A, B) = ¬A ∧ ¬B; ¬¬A = A (a negated node whose only keyword is the applicator).
        for (i, n) in c.negated.enumerated() {
            guard let kw = soleKeyword(n) else { continue }
            var d = c
            d.negated.remove(at: i)
            switch kw {
            case .anyOf(let ns): d.negated += ns
            case .not(let x): d.atoms.append(Atom(node: x, expanded: 0))
            default: continue
            }
            return try valueRule(d).map { [.rule($0)] } ?? []
        }
        // Distribute the first disjunction.
        for a in c.atoms.indices {
            let node = schema.nodes[c.atoms[a].node]
            for (k, kw) in node.keywords.enumerated() where c.atoms[a].expanded & (1 << UInt64(k)) == 0 {
                var branches: [Conj] = []
                var marked = c
                marked.atoms[a].expanded |= 1 << UInt64(k)
                switch kw.check {
                case .anyOf(let ns):
                    for n in ns { var b = marked; b.atoms.append(Atom(node: n, expanded: 0)); branches.append(b) }
                case .oneOf(let ns):
                    let disjoint = try provablyDisjoint(ns, under: marked)
                    for (i, n) in ns.enumerated() {
                        var b = marked
                        b.atoms.append(Atom(node: n, expanded: 0))
                        if !disjoint { for (j, m) in ns.enumerated() where j != i { b.negated.append(m) } }
                        branches.append(b)
                    }
                case .not(let n):
                    var b = marked
                    b.negated.append(n)
                    branches.append(b)
                case .conditional(let i, let t, let e):
                    var yes = marked
                    yes.atoms.append(Atom(node: i, expanded: 0))
                    if let t { yes.atoms.append(Atom(node: t, expanded: 0)) }
                    var no = marked
                    no.negated.append(i)
                    if let e { no.atoms.append(Atom(node: e, expanded: 0)) }
                    branches = [yes, no]
                case .dependentSchemas(let list):
                    // Each entry (key k, schema D) holds when k is absent, or k is present and D holds.
                    let entries = list.filter { !(schema.nodes[$0.1].keywords.isEmpty && !schema.nodes[$0.1].alwaysFails) }
                    guard entries.contains(where: { !schema.nodes[$0.1].alwaysFails && requiredOnly($0.1) == nil }) else { continue }
                    if entries.count > 6 {
                        throw SchemaCompileError(.budget, at: pointer(c.atoms[a].node, kw.name), "more than 6 dependent schemas beyond 'required' (one alternative per subset)")
                    }
                    branches = [marked]
                    for (key, d) in entries {
                        var next: [Conj] = []
                        for b in branches {
                            var absent = b
                            absent.constraints.append(.absent(key))
                            next.append(absent)
                            if !schema.nodes[d].alwaysFails {
                                var present = b
                                present.constraints.append(.present(key))
                                present.atoms.append(Atom(node: d, expanded: 0))
                                next.append(present)
                            }
                        }
                        branches = next
                    }
                default: continue
                }
                var out: [GrammarExpr] = []
                for b in branches where typesCompatible(b) {
                    if let r = try valueRule(b) { out.append(.rule(r)) }
                }
                return out
            }
        }
        return try pureBody(c)
    }

    /// Cheap pruning: a branch whose `type`s exclude everything (ignoring negations).
    func typesCompatible(_ c: Conj) -> Bool {
        guard let closed = try? closure(c) else { return true }
        var t = types(of: closed)
        if closed.constraints.contains(where: { if case .absent = $0 { return false }; return true }) { t = t.intersection(.object) }
        return t.rawValue != 0
    }

    /// The only keyword of node `n` (following a chain of `$ref`s), if it has exactly one.
    func soleKeyword(_ n: Int) -> Keyword? {
        var n = n
        for _ in 0..<64 {
            let node = schema.nodes[n]
            guard !node.alwaysFails, node.keywords.count == 1 else { return nil }
            if case .ref(let t) = node.keywords[0].check { n = t; continue }
            return node.keywords[0].check
        }
        return nil
    }

    /// `oneOf` branches no value can satisfy two of: their types are disjoint, or two required
    /// properties with disjoint constant values (a discriminator).
    func provablyDisjoint(_ ns: [Int], under c: Conj) throws(SchemaCompileError) -> Bool {
        var sets: [TypeSet] = []
        var consts: [[ExactKey: Set<JSONValue>]] = []
        for n in ns {
            guard let closed = try closure(Conj(atoms: c.atoms + [Atom(node: n, expanded: 0)], negated: [])) else {
                sets.append(TypeSet(rawValue: 0)); consts.append([:]); continue
            }
            var t = types(of: closed)
            if t.contains(.integer) && !t.contains(.number) { t.insert(.number) }
            sets.append(t)
            consts.append(discriminators(closed))
        }
        for i in ns.indices {
            for j in ns.indices where j > i {
                if sets[i].intersection(sets[j]).rawValue == 0 { continue }
                if sets[i].intersection(sets[j]) == .null || sets[i].intersection(sets[j]).rawValue == 0 { }
                var separated = false
                // A required member whose allowed values (const/enum) do not meet.
                for (key, v) in consts[i] {
                    if let w = consts[j][key], v.isDisjoint(with: w) { separated = true; break }
                }
                // Only objects can be told apart by a discriminator.
                if separated && sets[i].intersection(sets[j]).subtracting(.object).rawValue == 0 { continue }
                return false
            }
        }
        return true
    }

    /// Required property → the values its `const`/`enum` keywords allow (their intersection).
    func discriminators(_ c: Conj) -> [ExactKey: Set<JSONValue>] {
        var required: Set<ExactKey> = []
        var named: [ExactKey: [Int]] = [:]
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords {
                switch kw.check {
                case .required(let r): required.formUnion(r.map(ExactKey.init))
                case .properties(let m, _, _): for (k, n) in m { named[k, default: []].append(n) }
                default: break
                }
            }
        }
        var out: [ExactKey: Set<JSONValue>] = [:]
        for key in required {
            for n in named[key] ?? [] {
                guard let closed = try? closure(Conj(atoms: [Atom(node: n, expanded: 0)], negated: [])) else { continue }
                for a in closed.atoms {
                    for kw in schema.nodes[a.node].keywords {
                        guard let vs = Self.listedValues(kw) else { continue }
                        let set = Set(vs)
                        out[key] = out[key].map { $0.intersection(set) } ?? set
                    }
                }
            }
        }
        return out
    }

    // MARK: Pure conjunctions

    mutating func pureBody(_ c: Conj) throws(SchemaCompileError) -> [GrammarExpr] {
        var allowed = types(of: c)
        // Keywords the compiler does not enforce exactly: refuse before anything else.
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords {
                switch kw.check {
                case .unevaluatedProperties(let n), .unevaluatedItems(let n):
                    if schema.nodes[n].keywords.isEmpty && !schema.nodes[n].alwaysFails { continue }
                    throw SchemaCompileError(.cannotEnforceExactly, at: pointer(a.node, kw.name),
                                             "unevaluated* depends on the annotations of every subschema (not compiled yet)")
                default: break
                }
            }
        }
        // enum / const: a finite language, each value checked by the validator against the whole conjunction.
        var listed: [JSONValue]? = nil
        var listedAt = 0
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords {
                guard var vs = Self.listedValues(kw) else { continue }
                if let l = listed { vs = l.filter { x in vs.contains(x) } } else { listedAt = a.node }
                listed = vs
            }
        }
        if let listed {
            var run = ValidationRun(schema: schema, recordErrors: false)
            var none: Annotations?
            var survivors: [JSONValue] = []
            var seen = Set<JSONValue>()
            for v in listed where !seen.contains(v) {
                seen.insert(v)
                guard c.atoms.allSatisfy({ run.evaluate($0.node, v, &none) }) else { continue }
                guard c.negated.allSatisfy({ !run.evaluate($0, v, &none) }) else { continue }
                survivors.append(v)
            }
            if survivors.isEmpty { return [] }
            // The values' texts in order (a literal's language depends on the value only).
            let cacheKey = "enum:" + JSONWriter.string(.array(survivors))
            if case .some(.some(let t)) = scalarTerminals[cacheKey] { return [.terminal(t)] }
            var ir = RegexIR()
            var alts: [RegexIR.Expr] = []
            for v in survivors { alts.append(try literalLanguage(v, at: pointer(listedAt), in: &ir)) }
            let e = ir.or(alts)
            if ir.overBudget { throw SchemaCompileError(.budget, at: pointer(listedAt, "enum"), "enum too large for one automaton") }
            let t = terminal("enum@\(pointer(listedAt))", ir, e)
            scalarTerminals[cacheKey] = .some(t)
            return [.terminal(t)]
        }
        var out: [GrammarExpr] = []
        // Member constraints (present, failing) hold only for objects.
        if c.constraints.contains(where: { if case .absent = $0 { return false }; return true }) { allowed = allowed.intersection(.object) }
        // Negations: scalar languages are complemented; whole types a negated node accepts are
        // removed; an object fails a negated node with `properties`/`required` by one named member.
        var negatedScalars: [Int] = []
        var notAll: [[String]] = []
        var objectFailures: [[MemberConstraint]] = []
        var negatedNames: [String] = []
        for n in c.negated {
            // `not: {required: [...]}` (optionally with type object): objects missing one of the names.
            if let (names, typed) = requiredOnly(n) {
                if !typed { allowed = allowed.intersection(.object) }
                notAll.append(names)
                continue
            }
            let shape = try negation(n)
            if shape.objects == .all { allowed.remove(.object) }
            if shape.objects == .some {
                objectFailures.append(shape.failures)
                negatedNames += namesOf(n)
            }
            if shape.arrays == .all { allowed.remove(.array) }
            negatedScalars.append(n)
        }
        // Scalars (one terminal per distinct language when nothing is negated).
        let scalarKey = negatedScalars.isEmpty ? scalarSignature(c, allowed) : nil
        if let scalarKey, let known = scalarTerminals[scalarKey] {
            if let t = known { out.append(.terminal(t)) }
        } else {
            let t = try scalarTerminal(c, allowed, negatedScalars)
            if let scalarKey { scalarTerminals[scalarKey] = .some(t) }
            if let t { out.append(.terminal(t)) }
        }
        if allowed.contains(.object) && !objectFailures.isEmpty {
            // A name this conjunction requires cannot be absent: drop those ways of failing (an
            // overlapping oneOf's branches often share required names); none left: no object.
            var required = Set<ExactKey>()
            for a in c.atoms {
                for kw in schema.nodes[a.node].keywords { if case .required(let r) = kw.check { required.formUnion(r.map(ExactKey.init)) } }
            }
            for m in c.constraints { if case .present(let k) = m { required.insert(ExactKey(k)) } }
            for i in objectFailures.indices {
                objectFailures[i].removeAll { if case .absent(let k) = $0 { return required.contains(ExactKey(k)) }; return false }
                if objectFailures[i].isEmpty { allowed.remove(.object) }
            }
        }
        if allowed.contains(.object) {
            // One object alternative per choice of a failing member for each negated node.
            var choices: [[MemberConstraint]] = [[]]
            for fs in objectFailures {
                choices = choices.flatMap { ch in fs.map { ch + [$0] } }
                if choices.count > 64 {
                    throw SchemaCompileError(.budget, at: at(c), "negated object schemas: more than 64 combinations of failing members")
                }
            }
            for ch in choices {
                if let r = try objectRule(c, notAll: notAll, extra: ch, names: negatedNames) { out.append(.rule(r)) }
            }
        }
        if allowed.contains(.array), let r = try arrayRule(c) { out.append(.rule(r)) }
        return out
    }

    /// The null, boolean, string and number texts of `c` (types `allowed`) minus those of the
    /// negated nodes, as one terminal (nil: none).
    mutating func scalarTerminal(_ c: Conj, _ allowed: TypeSet, _ negatedScalars: [Int]) throws(SchemaCompileError) -> TerminalID? {
        var ir = RegexIR()
        var scalarAlts: [RegexIR.Expr] = []
        if allowed.contains(.null) { scalarAlts.append(ir.literal("null")) }
        if allowed.contains(.boolean) { scalarAlts.append(ir.or([ir.literal("true"), ir.literal("false")])) }
        if allowed.contains(.string) { scalarAlts.append(try stringLanguage(c, in: &ir)) }
        if allowed.contains(.integer) || allowed.contains(.number) {
            var numbers = try numberLanguage(c, integerOnly: !allowed.contains(.number), in: &ir)
            if !negatedScalars.isEmpty {
                // Complements are taken within plain notation only: the number languages with value
                // keywords are exact there and leave exponent spellings out.
                numbers = ir.and([numbers, ir.concat([ir.or([RegexIR.empty, ir.literal("-")]), DecimalComparison.anyMagnitude(&ir)])])
            }
            scalarAlts.append(numbers)
        }
        var scalars = ir.or(scalarAlts)
        if !negatedScalars.isEmpty && scalars != RegexIR.nothing {
            var excluded: [RegexIR.Expr] = []
            for n in negatedScalars { excluded.append(try scalarLanguage(n, in: &ir)) }
            scalars = ir.and([scalars, ir.not(ir.or(excluded))])
        }
        if ir.overBudget { throw SchemaCompileError(.budget, at: at(c), "scalar language too large") }
        if scalars == RegexIR.nothing { return nil }
        return terminal("scalar@\(at(c))", ir, scalars)
    }

    /// What the scalar language of `c` depends on, when nothing is negated: the types, the draft 4
    /// integer rule, and the raw string and number keywords the validator compiled.
    func scalarSignature(_ c: Conj, _ allowed: TypeSet) -> String {
        let draft4 = c.atoms.contains { a in schema.nodes[a.node].keywords.contains { kw in
            if case .type(let t, true) = kw.check, t.contains(.integer), !t.contains(.number) { return true }
            return false
        } }
        var key = "scalar:\(allowed.rawValue):\(draft4)"
        if allowed.contains(.string) { key += "|" + JSONWriter.string(.array(rawParts(c, keys: Self.stringKeys).map(\.1))) }
        if allowed.contains(.integer) || allowed.contains(.number) {
            key += "|" + JSONWriter.string(.array(rawParts(c, keys: Self.numberKeys).map(\.1)))
        }
        return key
    }

    /// The `properties` names (in order) then `required` names of node `n` and its in-place
    /// subschemas: the slots a negated node's members take, in every alternative.
    func namesOf(_ n: Int) -> [String] {
        guard let c = try? closure(Conj(atoms: [Atom(node: n, expanded: 0)], negated: [])) else { return [] }
        var out: [String] = []
        for a in c.atoms {
            if case .object(let p)? = schema.nodes[a.node].raw?["properties"] { out += p.uniqueMembers.map(\.key) }
        }
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords { if case .required(let r) = kw.check { out += r } }
        }
        return out
    }

    /// A node whose only keywords are `required` (and possibly `type: object`): its names, and
    /// whether the type is given.
    func requiredOnly(_ n: Int) -> ([String], Bool)? {
        let node = schema.nodes[n]
        guard !node.alwaysFails else { return nil }
        var names: [String]? = nil
        var typed = false
        for kw in node.keywords {
            switch kw.check {
            case .required(let r): names = (names ?? []) + r
            case .type(let t, _) where t == .object: typed = true
            default: return nil
            }
        }
        return names.map { ($0, typed) }
    }

    /// Raw keyword values of the conjunction's nodes with the given keys, per node.
    func rawParts(_ c: Conj, keys: Set<String>) -> [(Int, JSONValue)] {
        var out: [(Int, JSONValue)] = []
        for a in c.atoms {
            guard let raw = schema.nodes[a.node].raw else { continue }
            // Only keywords the validator compiled (drafts 4–7 ignore the siblings of $ref; a
            // metaschema may turn vocabularies off); draft 4's boolean exclusive* go with min/max.
            let names = Set(schema.nodes[a.node].keywords.map(\.name))
            var pairs: [(String, JSONValue)] = []
            for m in raw.uniqueMembers where keys.contains(m.key) {
                let compiled = names.contains(m.key)
                    || (m.key == "exclusiveMinimum" && m.value.boolValue != nil && names.contains("minimum"))
                    || (m.key == "exclusiveMaximum" && m.value.boolValue != nil && names.contains("maximum"))
                if compiled { pairs.append((m.key, m.value)) }
            }
            // format is asserted only if the validator asserts it (known formats).
            if !pairs.isEmpty { out.append((a.node, .object(JSONObject(pairs)))) }
        }
        return out
    }

    static let stringKeys: Set<String> = ["minLength", "maxLength", "pattern", "format"]
    static let numberKeys: Set<String> = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]

    func stringLanguage(_ c: Conj, in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        var parts: [RegexIR.Expr] = []
        for (node, raw) in rawParts(c, keys: Self.stringKeys) {
            var raw = raw
            if case .object(var o) = raw, let f = o["format"]?.stringValue,
               !schema.nodes[node].keywords.contains(where: { $0.name == "format" }) || FormatChecker.checks[f] == nil {
                o = JSONObject(o.uniqueMembers.filter { $0.key != "format" }.map { ($0.key, $0.value) })
                raw = .object(o)
            }
            parts.append(try JSONStringLanguage.decodedLanguage(for: raw, at: pointer(node), in: &ir))
        }
        let body = parts.isEmpty ? ir.repeat(JSONStringEncoding.encode(&ir, .all), min: 0, max: nil) : ir.and(parts)
        return ir.concat([ir.literal("\""), body, ir.literal("\"")])
    }

    func numberLanguage(_ c: Conj, integerOnly: Bool, in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        var parts: [RegexIR.Expr] = []
        for (node, raw) in rawParts(c, keys: Self.numberKeys) {
            parts.append(try JSONNumberLanguage.language(for: raw, integer: integerOnly, at: pointer(node), in: &ir))
        }
        if parts.isEmpty { parts.append(try JSONNumberLanguage.language(for: .object(JSONObject()), integer: integerOnly, in: &ir)) }
        // Draft 4 (as Python's json) counts 1.0 and 1e3 as non-integers; `plainNumbers` narrows
        // every number to plain notation (and integers to their digits) for generation.
        let draft4Integer = integerOnly && c.atoms.contains { a in schema.nodes[a.node].keywords.contains { kw in
            if case .type(let t, true) = kw.check, t.contains(.integer), !t.contains(.number) { return true }
            return false
        } }
        if draft4Integer || options.plainNumbers {
            let sign = ir.or([RegexIR.empty, ir.literal("-")])
            parts.append(ir.concat(sign, integerOnly ? DecimalComparison.anyInteger(&ir) : DecimalComparison.anyMagnitude(&ir)))
        }
        return parts.count == 1 ? parts[0] : ir.and(parts)
    }

    /// The values an `enum` or `const` keyword allows; nil for other keywords.
    static func listedValues(_ kw: (name: String, check: Keyword)) -> [JSONValue]? {
        switch kw.check {
        case .enumeration(let xs, _): xs
        case .const(let v): [v]
        default: nil
        }
    }

    /// `"text"` in every JSON spelling, or only the canonical one when the options ask for it.
    func quotedLiteral(_ text: String, in ir: inout RegexIR) -> RegexIR.Expr {
        if options.canonicalStringLiterals { return ir.literal(JSONWriter.string(.string(text))) }
        return ir.concat([ir.literal("\""), JSONStringEncoding.literal(&ir, text), ir.literal("\"")])
    }

    /// The JSON texts of exactly `v` (every spelling of strings and numbers, whitespace by policy,
    /// object keys in the value's order).
    func literalLanguage(_ v: JSONValue, at ptr: String, in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        switch v {
        case .null: return ir.literal("null")
        case .bool(let b): return ir.literal(b ? "true" : "false")
        case .string(let s): return quotedLiteral(s, in: &ir)
        case .number(let n): return try DecimalComparison.signed([.equal], n, at: ptr, in: &ir)
        case .array(let xs):
            var parts: [RegexIR.Expr] = [ir.literal("["), ws(&ir)]
            for (i, x) in xs.enumerated() {
                if i > 0 { parts += [ws(&ir), ir.literal(","), ws(&ir)] }
                parts.append(try literalLanguage(x, at: ptr, in: &ir))
            }
            parts += [ws(&ir), ir.literal("]")]
            return ir.concat(parts)
        case .object(let o):
            var parts: [RegexIR.Expr] = [ir.literal("{"), ws(&ir)]
            for (i, m) in o.uniqueMembers.enumerated() {
                if i > 0 { parts += [ws(&ir), ir.literal(","), ws(&ir)] }
                parts += [quotedLiteral(m.key, in: &ir), ws(&ir), ir.literal(":"), ws(&ir)]
                parts.append(try literalLanguage(m.value, at: ptr, in: &ir))
            }
            parts += [ws(&ir), ir.literal("}")]
            return ir.concat(parts)
        }
    }

    // MARK: Negation of scalar schemas

    /// All, none, or (objects only) some of the values of a type.
    enum Whole { case all, none, some }

    /// What a negated node says about objects and arrays: it accepts all or none of them (or, for
    /// objects with `properties`/`required`, those where no `failures` member condition holds).
    func negatable(_ n: Int) throws(SchemaCompileError) -> (objects: Whole, arrays: Whole) {
        let s = try negation(n)
        return (s.objects, s.arrays)
    }

    func negation(_ n: Int) throws(SchemaCompileError) -> (objects: Whole, arrays: Whole, failures: [MemberConstraint]) {
        guard let c = try closure(Conj(atoms: [Atom(node: n, expanded: 0)], negated: [])) else { return (.none, .none, []) }
        let t = types(of: c)
        var hasEnum = false
        var objectKeywords = false
        var failures: [MemberConstraint] = []
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords {
                switch kw.check {
                case .type, .minLength, .maxLength, .pattern, .format, .minimum, .maximum, .multipleOf, .ref, .allOf: continue
                case .enumeration, .const: hasEnum = true
                case .required(let r):
                    objectKeywords = true
                    failures += r.map { .absent($0) }
                case .properties(let named, let patterns, let additional)
                    where patterns.isEmpty && (additional == nil || schema.nodes[additional!].alwaysFails):
                    // additionalProperties false: an object also fails by one key outside the names.
                    if additional != nil { failures.append(.outside(a.node)) }
                    // An object fails `properties` exactly when a named member's value fails its schema.
                    objectKeywords = true
                    var order: [String] = []
                    if case .object(let p)? = schema.nodes[a.node].raw?["properties"] { order = p.uniqueMembers.map(\.key) }
                    for k in order {
                        guard let v = named[ExactKey(k)] else { continue }
                        if schema.nodes[v].keywords.isEmpty && !schema.nodes[v].alwaysFails { continue }
                        failures.append(.failing(k, v))
                    }
                default:
                    throw SchemaCompileError(.cannotEnforceExactly, at: pointer(a.node, kw.name),
                                             "negated (not / oneOf overlap / if) schema with '\(kw.name)': only scalar constraints, 'required' and 'properties' are negated exactly")
                }
            }
        }
        if hasEnum {
            for a in c.atoms {
                for kw in schema.nodes[a.node].keywords {
                    guard let values = Self.listedValues(kw) else { continue }
                    if values.contains(where: { if case .array = $0 { return true }; if case .object = $0 { return true }; return false }) {
                        throw SchemaCompileError(.cannotEnforceExactly, at: pointer(a.node, kw.name), "negated enum of arrays or objects")
                    }
                }
            }
            return (.none, .none, [])
        }
        var seen = Set<MemberConstraint>()
        failures = failures.filter { seen.insert($0).inserted }
        let objects: Whole = !t.contains(.object) ? .none : (objectKeywords && !failures.isEmpty ? .some : .all)
        return (objects, t.contains(.array) ? .all : .none, objects == .some ? failures : [])
    }

    /// The scalar texts valid under node `n` (already checked by `negatable`).
    func scalarLanguage(_ n: Int, in ir: inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr {
        guard let c = try closure(Conj(atoms: [Atom(node: n, expanded: 0)], negated: [])) else { return RegexIR.nothing }
        let allowed = types(of: c)
        var listed: [JSONValue]? = nil
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords {
                guard var vs = Self.listedValues(kw) else { continue }
                if let l = listed { vs = l.filter { x in vs.contains(x) } }
                listed = vs
            }
        }
        if let listed {
            var run = ValidationRun(schema: schema, recordErrors: false)
            var none: Annotations?
            var alts: [RegexIR.Expr] = []
            for v in listed where c.atoms.allSatisfy({ run.evaluate($0.node, v, &none) }) {
                alts.append(try literalLanguage(v, at: pointer(n), in: &ir))
            }
            return ir.or(alts)
        }
        var alts: [RegexIR.Expr] = []
        if allowed.contains(.null) { alts.append(ir.literal("null")) }
        if allowed.contains(.boolean) { alts.append(ir.or([ir.literal("true"), ir.literal("false")])) }
        if allowed.contains(.string) { alts.append(try stringLanguage(c, in: &ir)) }
        if allowed.contains(.integer) || allowed.contains(.number) {
            alts.append(try numberLanguage(c, integerOnly: !allowed.contains(.number), in: &ir))
        }
        return ir.or(alts)
    }
}
