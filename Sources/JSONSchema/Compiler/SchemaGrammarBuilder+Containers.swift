import Grammar

/// Objects and arrays of a pure conjunction.
///
/// Objects: the named properties of every node in the conjunction (first `properties` order, then
/// other `required` names, then names that `dependentRequired` mentions) are *slots* in that order,
/// each present or absent; other keys come after them, in any order, from classes that
/// `patternProperties`/`additionalProperties` decide (one class per set of matching patterns, keys
/// as an exact language that excludes the named keys). A state is (slot, members so far capped for
/// `min/maxProperties`, presence bits of the slots `dependentRequired` involves), so those keywords
/// are exact even with optional properties.
extension SchemaGrammarBuilder {
    struct ObjectAtom {
        var node: Int
        var order: [String] = []
        var named: [ExactKey: Int] = [:]
        var patterns: [(ECMARegex, String, Int)] = []
        var additional: Int?
        var hasProperties = false
    }

    struct Slot {
        var key: String
        var required: Bool
        var value: RuleID
        var bit: Int?
    }

    struct ExtraClass {
        var first: TerminalID
        var later: TerminalID
        var value: RuleID
    }

    struct ObjectPlan {
        var slots: [Slot]
        var first: RuleID?
        var later: RuleID?
        var minP: Int
        var maxP: Int?
        var cap: Int
        var deps: [(Int, [Int])]  // bit → bits
        var absentOne: [[Int]] = []  // for each: not all of these bits
        var at: String
        /// Some key outside a negated node's names must be present: a slot of `outsideSlots`
        /// (sets bit 31) or an extra key.
        var needsOutside = false
        var outsideSlots = Set<Int>()
    }

    /// `extra`: member conditions of this alternative beside `c.constraints` (a failing member
    /// of a negated node, see `pureBody`).
    /// `names`: more keys to give (optional) slots, after the schema's own (a negated node's names,
    /// so its members keep their order in every alternative).
    mutating func objectRule(_ c: Conj, notAll: [[String]] = [], extra: [MemberConstraint] = [], names: [String] = []) throws(SchemaCompileError) -> RuleID? {
        var atoms: [ObjectAtom] = []
        var required: [String] = []
        var depPairs: [(String, [String])] = []
        var minP = 0
        var maxP: Int? = nil
        var nameSchemas: [Int] = []
        var forbiddenKeys = Set<ExactKey>()
        for a in c.atoms {
            let node = schema.nodes[a.node]
            var oa = ObjectAtom(node: a.node)
            for (index, kw) in node.keywords.enumerated() {
                switch kw.check {
                case .properties(let named, let patterns, let additional):
                    oa.hasProperties = true
                    for (k, n) in named { oa.named[k] = n }
                    if case .object(let p)? = node.raw?["properties"] { oa.order = p.uniqueMembers.map(\.key) }
                    for (rx, n) in patterns { oa.patterns.append((rx, rx.source, n)) }
                    oa.additional = additional
                case .required(let r): required += r
                case .dependentRequired(let list): depPairs += list
                case .dependentSchemas(let list):
                    // Distributed into alternatives by `valueBody` (member constraints) when an entry is more than `required`.
                    if index < 64 && a.expanded & (1 << UInt64(index)) != 0 { break }
                    for (key, n) in list {
                        let dn = schema.nodes[n]
                        if dn.keywords.isEmpty && !dn.alwaysFails { continue }
                        if dn.alwaysFails { forbiddenKeys.insert(ExactKey(key)); continue }
                        var names: [String] = []
                        for dk in dn.keywords {
                            guard case .required(let r) = dk.check else {
                                throw SchemaCompileError(.cannotEnforceExactly, at: pointer(a.node, kw.name),
                                                         "dependent schema of '\(key)' with '\(dk.name)': only 'required' is compiled")
                            }
                            names += r
                        }
                        depPairs.append((key, names))
                    }
                case .minProperties(let m): minP = max(minP, m)
                case .maxProperties(let m): maxP = min(maxP ?? m, m)
                case .propertyNames(let n): nameSchemas.append(n)
                default: break
                }
            }
            atoms.append(oa)
        }
        // Member constraints: absent keys are forbidden, present ones required, failing ones
        // required with the negated node on their value.
        var negatedValue: [ExactKey: [Int]] = [:]
        let constraints = c.constraints + extra
        // Names a key must fall outside of (one `outside` condition per alternative at most).
        var insideNames: Set<ExactKey>? = nil
        var outsideOrder: [String] = []
        for m in constraints {
            switch m {
            case .absent(let k): forbiddenKeys.insert(ExactKey(k))
            case .present(let k): required.append(k)
            case .failing(let k, let n): required.append(k); negatedValue[ExactKey(k), default: []].append(n)
            case .outside(let n):
                if insideNames != nil {
                    throw SchemaCompileError(.cannotEnforceExactly, at: pointer(n, "additionalProperties"),
                                             "two negated objects with additionalProperties: false in one alternative (not compiled)")
                }
                guard case .properties(let named, _, _)? = schema.nodes[n].keywords.first(where: { if case .properties = $0.check { return true }; return false })?.check else { continue }
                insideNames = Set(named.keys)
                // Its names become slots, so that every key of an extra class is outside them.
                if case .object(let p)? = schema.nodes[n].raw?["properties"] { outsideOrder = p.uniqueMembers.map(\.key) }
            }
        }
        if let m = maxP, m < minP { return nil }
        // Slot order.
        var keys: [String] = []
        // Keys compare by code points (RFC 8259 §8.3), not by Swift's canonical equivalence.
        var seen = Set<ExactKey>()
        func add(_ k: String) { if seen.insert(ExactKey(k)).inserted { keys.append(k) } }
        for oa in atoms { for k in oa.order { add(k) } }
        for k in names { add(k) }
        for k in required { add(k) }
        for (k, vs) in depPairs { add(k); for v in vs { add(v) } }
        for names in notAll { for k in names { add(k) } }
        for m in constraints where !m.key.isEmpty { add(m.key) }
        for k in outsideOrder { add(k) }
        for k in forbiddenKeys.map(\.string).sorted() { add(k) }
        knownNames.formUnion(keys)
        let requiredSet = Set(required.map(ExactKey.init))
        var run = ValidationRun(schema: schema, recordErrors: false)
        var none: Annotations?
        // Slots.
        var depKeys = Set<ExactKey>()
        for (k, vs) in depPairs where !vs.isEmpty { depKeys.insert(ExactKey(k)); depKeys.formUnion(vs.map(ExactKey.init)) }
        for names in notAll { depKeys.formUnion(names.map(ExactKey.init)) }
        var slots: [Slot] = []
        var bitOf: [ExactKey: Int] = [:]
        for k in keys {
            var nodes: [Int] = []
            for oa in atoms where oa.hasProperties {
                if let n = oa.named[ExactKey(k)] { nodes.append(n); continue }
                let matching = oa.patterns.filter { $0.0.search(k) }.map(\.2)
                if !matching.isEmpty { nodes += matching } else if let n = oa.additional { nodes.append(n) }
            }
            var allowedName = !forbiddenKeys.contains(ExactKey(k))
            for n in nameSchemas where !run.evaluate(n, .string(k), &none) { allowedName = false }
            let value = allowedName ? try valueRule(Conj(atoms: nodes.map { Atom(node: $0, expanded: 0) }, negated: negatedValue[ExactKey(k)] ?? [])) : nil
            guard let value else {
                if requiredSet.contains(ExactKey(k)) { return nil }
                continue  // forbidden key: no slot, and the extra classes exclude it too
            }
            var bit: Int? = nil
            if depKeys.contains(ExactKey(k)) { bit = bitOf.count; bitOf[ExactKey(k)] = bit }
            slots.append(Slot(key: k, required: requiredSet.contains(ExactKey(k)), value: value, bit: bit))
        }
        if bitOf.count > 12 {
            throw SchemaCompileError(.budget, at: at(c), "dependencies among more than 12 properties")
        }
        var deps: [(Int, [Int])] = []
        for (k, vs) in depPairs where !vs.isEmpty {
            guard let b = bitOf[ExactKey(k)] else { continue }  // the key can never be present
            var targets: [Int] = []
            var impossible = false
            for v in vs { if let t = bitOf[ExactKey(v)] { targets.append(t) } else { impossible = true } }
            if impossible { targets.append(-1) }  // k present ⇒ a forbidden key present: k is forbidden
            deps.append((b, targets))
        }
        // The outside flag: bit 31 of the state's bits (dependency bits are at most 12).
        var outsideSlots = Set<Int>()
        if let inside = insideNames {
            for (i, s) in slots.enumerated() where !inside.contains(ExactKey(s.key)) { outsideSlots.insert(i) }
        }
        var absentOne: [[Int]] = []
        for names in notAll {
            // A name that can never be present already satisfies "not all present".
            if names.contains(where: { bitOf[ExactKey($0)] == nil }) { continue }
            absentOne.append(names.map { bitOf[ExactKey($0)]! })
        }
        // Extra keys.
        let allPatterns: [(ECMARegex, String, Int, Int)] = atoms.enumerated().flatMap { (i, oa) in oa.patterns.map { ($0.0, $0.1, $0.2, i) } }
        if allPatterns.count > 6 {
            throw SchemaCompileError(.budget, at: pointer(c.atoms[0].node, "patternProperties"), "more than 6 patterns in one object (key classes are their subsets)")
        }
        var classes: [ExtraClass] = []
        let anyExtraAllowed = atoms.allSatisfy { oa in !oa.hasProperties || oa.additional.map { !schema.nodes[$0].alwaysFails } ?? true || !oa.patterns.isEmpty }
        if anyExtraAllowed {
            for subset in 0..<(1 << allPatterns.count) {
                var nodes: [Int] = []
                var dead = false
                for (i, oa) in atoms.enumerated() where oa.hasProperties {
                    let mine = allPatterns.enumerated().filter { $0.element.3 == i && subset & (1 << $0.offset) != 0 }.map(\.element.2)
                    if !mine.isEmpty { nodes += mine } else if let n = oa.additional { nodes.append(n) }
                }
                for n in nodes where schema.nodes[n].alwaysFails { dead = true }
                if dead { continue }
                guard let value = try valueRule(Conj(atoms: nodes.map { Atom(node: $0, expanded: 0) }, negated: [])) else { continue }
                // The key language.
                let named = keys
                let at = at(c)
                var emptyKeys = false
                let build: (inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr = { [self] ir throws(SchemaCompileError) in
                    let anyContent = ir.repeat(JSONStringEncoding.encode(&ir, .all), min: 0, max: nil)
                    var parts: [RegexIR.Expr] = [anyContent]
                    if !named.isEmpty {
                        var lits: [RegexIR.Expr] = []
                        for k in named { lits.append(JSONStringEncoding.literal(&ir, k)) }
                        parts.append(ir.not(ir.or(lits)))
                    }
                    for (j, p) in allPatterns.enumerated() {
                        let e = try JSONStringLanguage.embed(p.1, mode: .search, at: at + "/patternProperties", in: &ir)
                        parts.append(subset & (1 << j) != 0 ? e : ir.not(e))
                    }
                    var body = ir.and(parts)
                    body = ir.concat([ir.literal("\""), body, ir.literal("\"")])
                    if !nameSchemas.isEmpty {
                        var constraints = [body]
                        for n in nameSchemas {
                            _ = try negatable(n)
                            constraints.append(try scalarLanguage(n, in: &ir))
                        }
                        body = ir.and(constraints)
                    }
                    return body
                }
                // Key classes with an empty language are dropped (common: a pattern subset no key matches).
                if subset != 0 || !nameSchemas.isEmpty {
                    var ir = RegexIR()
                    let e = try build(&ir)
                    var dfa = ByteDFA(ir, root: e)
                    do { emptyKeys = try dfa.isEmptyLanguage() } catch {
                        throw SchemaCompileError(.budget, at: at + "/patternProperties", "key language automaton: \(error)")
                    }
                }
                if emptyKeys { continue }
                let name = "extra\(classes.count)@\(at)#\(rules.count)"
                let first = try keyTerminalQuoted(name, first: true, build)
                let later = try keyTerminalQuoted(name, first: false, build)
                classes.append(ExtraClass(first: first, later: later, value: value))
            }
        }
        var plan = ObjectPlan(slots: slots, first: nil, later: nil, minP: minP, maxP: maxP,
                              cap: max(1, minP, (maxP ?? -1) + 1), deps: deps, absentOne: absentOne, at: at(c))
        plan.needsOutside = insideNames != nil
        plan.outsideSlots = outsideSlots
        if !classes.isEmpty {
            let f = try newRule("member0@\(plan.at)")
            let l = try newRule("member@\(plan.at)")
            rules[Int(f.index)].body = .choice(classes.map { .sequence([.terminal($0.first), .rule($0.value)]) })
            rules[Int(l.index)].body = .choice(classes.map { .sequence([.terminal($0.later), .rule($0.value)]) })
            plan.first = f
            plan.later = l
        }
        let id = objectPlans.count
        objectPlans.append(plan)
        guard let inner = try objectState(id, slot: 0, count: 0, bits: 0) else { return nil }
        let r = try newRule("object@\(plan.at)")
        rules[Int(r.index)].body = .sequence([.terminal(punct("{")), .rule(inner), .terminal(punct("}"))])
        return r
    }

    mutating func keyTerminalQuoted(_ name: String, first: Bool,
                                    _ quoted: (inout RegexIR) throws(SchemaCompileError) -> RegexIR.Expr) throws(SchemaCompileError) -> TerminalID {
        var ir = RegexIR()
        let body = try quoted(&ir)
        var parts: [RegexIR.Expr] = []
        if !first { parts += [ws(&ir), ir.literal(","), ws(&ir)] }
        parts += [body, ws(&ir), ir.literal(":"), ws(&ir)]
        let e = ir.concat(parts)
        if ir.overBudget { throw SchemaCompileError(.budget, at: "", "key language of \(name) too large") }
        return terminal("key " + name, ir, e)
    }

    mutating func namedKey(_ key: String, first: Bool) throws(SchemaCompileError) -> TerminalID {
        let cacheKey = NamedKey(key: ExactKey(key), first: first)
        if let t = namedKeys[cacheKey] { return t }
        let t = try keyTerminalQuoted(JSONWriter.string(.string(key)), first: first) { [self] ir in
            quotedLiteral(key, in: &ir)
        }
        namedKeys[cacheKey] = t
        return t
    }

    mutating func objectState(_ id: Int, slot i: Int, count c: Int, bits: UInt32) throws(SchemaCompileError) -> RuleID? {
        let key = ObjectStateKey(object: id, slot: i, count: c, bits: bits)
        if let known = objectStateRules[key] { return known }
        let plan = objectPlans[id]
        if let m = plan.maxP, c > m { objectStateRules[key] = .some(nil); return nil }
        var alts: [GrammarExpr] = []
        if i == plan.slots.count {
            // Dependencies hold?
            for (b, targets) in plan.deps where bits & (1 << UInt32(b)) != 0 {
                for t in targets where t < 0 || bits & (1 << UInt32(t)) == 0 { objectStateRules[key] = .some(nil); return nil }
            }
            for group in plan.absentOne where group.allSatisfy({ bits & (1 << UInt32($0)) != 0 }) {
                objectStateRules[key] = .some(nil); return nil
            }
            var lo = max(0, plan.minP - c)
            if plan.needsOutside && bits & (1 << 31) == 0 { lo = max(lo, 1) }
            let hi = plan.maxP.map { $0 - c }
            if let hi, hi < lo { objectStateRules[key] = .some(nil); return nil }
            if let first = plan.first, let later = plan.later, hi != 0 {
                if c > 0 {
                    alts.append(.repeat(.rule(later), min: lo, max: hi))
                } else {
                    if lo == 0 { alts.append(.empty) }
                    alts.append(.sequence([.rule(first), .repeat(.rule(later), min: max(0, lo - 1), max: hi.map { $0 - 1 })]))
                }
            } else if lo == 0 {
                alts.append(.empty)
            }
        } else {
            let s = plan.slots[i]
            var nextBits = s.bit.map { bits | (1 << UInt32($0)) } ?? bits
            if plan.outsideSlots.contains(i) { nextBits |= 1 << 31 }
            if let next = try objectState(id, slot: i + 1, count: min(c + 1, plan.cap), bits: nextBits) {
                let k = try namedKey(s.key, first: c == 0)
                alts.append(.sequence([.terminal(k), .rule(s.value), .rule(next)]))
            }
            if !s.required, let next = try objectState(id, slot: i + 1, count: c, bits: bits) {
                alts.append(.rule(next))
            }
        }
        if alts.isEmpty { objectStateRules[key] = .some(nil); return nil }
        let r = try newRule("o\(id).\(i).\(c).\(bits)@\(plan.at)")
        rules[Int(r.index)].body = .choice(alts)
        objectStateRules[key] = .some(r)
        return r
    }

    // MARK: Arrays

    mutating func arrayRule(_ c: Conj) throws(SchemaCompileError) -> RuleID? {
        var prefixes: [[Int]] = []
        var rests: [Int] = []
        var minI = 0
        var maxI: Int? = nil
        var unique: Int? = nil
        var contains: (node: Int, lo: Int, hi: Int?, at: String)? = nil
        for a in c.atoms {
            for kw in schema.nodes[a.node].keywords {
                switch kw.check {
                case .items(let prefix, let rest):
                    prefixes.append(prefix)
                    if let rest { rests.append(rest) } else { rests.append(-1) }
                case .minItems(let m): minI = max(minI, m)
                case .maxItems(let m): maxI = min(maxI ?? m, m)
                case .uniqueItems: unique = a.node
                case .contains(let n, let lo, let hi, _):
                    if lo == 0 && hi == nil { continue }
                    if schema.nodes[n].keywords.isEmpty && !schema.nodes[n].alwaysFails { minI = max(minI, lo); if let hi { maxI = min(maxI ?? hi, hi) }; continue }
                    if contains != nil {
                        throw SchemaCompileError(.cannotEnforceExactly, at: pointer(a.node, kw.name), "two contains keywords on one array (not compiled)")
                    }
                    contains = (n, lo, hi, pointer(a.node, kw.name))
                default: break
                }
            }
        }
        if let m = maxI, m < minI { return nil }
        let P = prefixes.map(\.count).max() ?? 0
        if let u = unique, (maxI ?? 2) > 1 {
            if P == 0 && contains == nil, case .compiled(let r) = try uniqueArray(Conj(atoms: rests.filter { $0 >= 0 }.map { Atom(node: $0, expanded: 0) }, negated: []),
                                                                                 minI: minI, maxI: maxI, at: at(c)) {
                return r
            }
            throw SchemaCompileError(.cannotEnforceExactly, at: pointer(u, "uniqueItems"), "uniqueItems over more than one item whose values are not a small finite set (\(Self.maxUniqueValues) at most) is not compiled")
        }
        if let contains {
            guard P == 0 else {
                throw SchemaCompileError(.cannotEnforceExactly, at: contains.at, "contains beside prefixItems (not compiled)")
            }
            _ = try negatable(contains.node)  // items are told apart by the contains schema and its complement
            return try containsArray(rests: rests.filter { $0 >= 0 }, contains, minI: minI, maxI: maxI, at: at(c))
        }
        func nodes(at j: Int?) -> [Int] {
            var out: [Int] = []
            for (p, r) in zip(prefixes, rests) {
                if let j, j < p.count { out.append(p[j]) } else if r >= 0 { out.append(r) }
            }
            return out
        }
        var itemRules: [RuleID?] = []
        for j in 0..<P {
            if let m = maxI, j >= m { break }
            let r = try valueRule(Conj(atoms: nodes(at: j).map { Atom(node: $0, expanded: 0) }, negated: []))
            itemRules.append(r)
            if r == nil { maxI = min(maxI ?? j, j); break }
        }
        if let m = maxI, m < minI { return nil }
        var restRule: RuleID? = nil
        if maxI.map({ $0 > P }) ?? true {
            restRule = try valueRule(Conj(atoms: nodes(at: nil).map { Atom(node: $0, expanded: 0) }, negated: []))
        }
        let at = at(c)
        let comma = punct(",")
        // Tail after P items.
        var tail: RuleID? = nil
        if itemRules.count < P {
            let r = try newRule("end@\(at)")
            rules[Int(r.index)].body = .empty
            tail = r
        } else {
            let lo = max(0, minI - P)
            let hi = maxI.map { $0 - P }
            var alts: [GrammarExpr] = []
            if let hi, hi < lo {
            } else if let item = restRule, hi != 0 {
                let later = try newRule("item@\(at)")
                rules[Int(later.index)].body = .sequence([.terminal(comma), .rule(item)])
                if P > 0 {
                    alts.append(.repeat(.rule(later), min: lo, max: hi))
                } else {
                    if lo == 0 { alts.append(.empty) }
                    alts.append(.sequence([.rule(item), .repeat(.rule(later), min: max(0, lo - 1), max: hi.map { $0 - 1 })]))
                }
            } else if lo == 0 {
                alts.append(.empty)
            }
            if !alts.isEmpty && (maxI.map { $0 >= P } ?? true) {
                let r = try newRule("tail@\(at)")
                rules[Int(r.index)].body = .choice(alts)
                tail = r
            }
        }
        var next = tail
        var j = itemRules.count
        while j > 0 {
            j -= 1
            var alts: [GrammarExpr] = []
            if j >= minI { alts.append(.empty) }
            if let item = itemRules[j], let n = next {
                alts.append(.sequence(j == 0 ? [.rule(item), .rule(n)] : [.terminal(comma), .rule(item), .rule(n)]))
            }
            if alts.isEmpty { next = nil; continue }
            let r = try newRule("at\(j)@\(at)")
            rules[Int(r.index)].body = .choice(alts)
            next = r
        }
        guard let inner = next else { return nil }
        let r = try newRule("array@\(at)")
        rules[Int(r.index)].body = .sequence([.terminal(punct("[")), .rule(inner), .terminal(punct("]"))])
        return r
    }

    static let maxUniqueValues = 8

    enum UniqueArray {
        /// The item values are not a small finite set.
        case notFinite
        case compiled(RuleID?)
    }

    /// `uniqueItems` arrays whose items can take only a few values (an `enum`/`const`, or
    /// null/boolean types): a state per set of values used so far, each value at most once.
    /// `.compiled(nil)` when no array is valid.
    mutating func uniqueArray(_ items: Conj, minI: Int, maxI: Int?, at: String) throws(SchemaCompileError) -> UniqueArray {
        guard let closed = try closure(items) else {
            // No item is valid: only the empty array.
            guard minI == 0 else { return .compiled(nil) }
            let r = try newRule("array@\(at)")
            rules[Int(r.index)].body = .sequence([.terminal(punct("[")), .terminal(punct("]"))])
            return .compiled(r)
        }
        var candidates: [JSONValue]? = nil
        for a in closed.atoms {
            for kw in schema.nodes[a.node].keywords {
                guard let vs = Self.listedValues(kw) else { continue }
                candidates = candidates.map { l in l.filter { vs.contains($0) } } ?? vs
            }
        }
        if candidates == nil {
            let t = types(of: closed)
            guard t.isSubset(of: TypeSet([.null, .boolean])) else { return .notFinite }
            candidates = [.null, .bool(false), .bool(true)]
        }
        // The validator decides each candidate against the whole item schema (disjunctions included).
        var run = ValidationRun(schema: schema, recordErrors: false)
        var none: Annotations?
        var values: [JSONValue] = []
        var seen = Set<JSONValue>()
        for v in candidates ?? [] where seen.insert(v).inserted && closed.atoms.allSatisfy({ run.evaluate($0.node, v, &none) }) {
            values.append(v)
        }
        guard values.count <= Self.maxUniqueValues else { return .notFinite }
        var lits: [TerminalID] = []
        for v in values {
            var ir = RegexIR()
            let e = try literalLanguage(v, at: at + "/uniqueItems", in: &ir)
            lits.append(terminal("unique\(lits.count)@\(at)", ir, e))
        }
        let hi = min(maxI ?? values.count, values.count)
        guard minI <= hi else { return .compiled(nil) }
        let comma = punct(",")
        var memo: [Int: RuleID] = [:]
        // State: the set of values used (bits); the count of items is its population count.
        func state(_ used: Int, _ b: inout SchemaGrammarBuilder) throws(SchemaCompileError) -> RuleID {
            if let r = memo[used] { return r }
            let n = used.nonzeroBitCount
            var alts: [GrammarExpr] = []
            if n >= minI { alts.append(.empty) }
            if n < hi {
                for (i, t) in lits.enumerated() where used & (1 << i) == 0 {
                    let next = try state(used | (1 << i), &b)
                    alts.append(.sequence((n > 0 ? [.terminal(comma)] : []) + [.terminal(t), .rule(next)]))
                }
            }
            let r = try b.newRule("unique\(used)@\(at)")
            b.rules[Int(r.index)].body = .choice(alts)
            memo[used] = r
            return r
        }
        let inner = try state(0, &self)
        let r = try newRule("array@\(at)")
        rules[Int(r.index)].body = .sequence([.terminal(punct("[")), .rule(inner), .terminal(punct("]"))])
        return .compiled(r)
    }

    /// Arrays whose items are counted by a `contains` schema S (negatable): states are (items so
    /// far, capped for min/maxItems) × (items matching S so far, capped for min/maxContains).
    mutating func containsArray(rests: [Int], _ contains: (node: Int, lo: Int, hi: Int?, at: String), minI: Int, maxI: Int?,
                                at: String) throws(SchemaCompileError) -> RuleID? {
        let base = rests.map { Atom(node: $0, expanded: 0) }
        let matching = try valueRule(Conj(atoms: base + [Atom(node: contains.node, expanded: 0)], negated: []))
        let other = try valueRule(Conj(atoms: base, negated: [contains.node]))
        let cp = max(1, minI, (maxI ?? -1) + 1)
        let cm = max(contains.lo, (contains.hi ?? -1) + 1, 0)
        let comma = punct(",")
        var memo: [Int: RuleID?] = [:]
        func state(_ i: Int, _ k: Int, _ b: inout SchemaGrammarBuilder) throws(SchemaCompileError) -> RuleID? {
            let key = i * (cm + 2) + k
            if let r = memo[key] { return r }
            if let m = maxI, i > m { memo[key] = .some(nil); return nil }
            if let h = contains.hi, k > h { memo[key] = .some(nil); return nil }
            // The rule exists before its body: capped states refer to themselves.
            let r = try b.newRule("contains\(i).\(k)@\(at)")
            memo[key] = .some(r)
            var alts: [GrammarExpr] = []
            if i >= minI && k >= contains.lo { alts.append(.empty) }
            if maxI.map({ i < $0 }) ?? true {
                let sep: [GrammarExpr] = i > 0 ? [.terminal(comma)] : []
                if let m = matching, let next = try state(min(i + 1, cp), min(k + 1, cm), &b) { alts.append(.sequence(sep + [.rule(m), .rule(next)])) }
                if let o = other, let next = try state(min(i + 1, cp), k, &b) { alts.append(.sequence(sep + [.rule(o), .rule(next)])) }
            }
            b.rules[Int(r.index)].body = .choice(alts)
            if alts.isEmpty { memo[key] = .some(nil); return nil }
            return r
        }
        // Recursion depth is at most cp + cm.
        guard let inner = try state(0, 0, &self) else { return nil }
        let r = try newRule("array@\(at)")
        rules[Int(r.index)].body = .sequence([.terminal(punct("[")), .rule(inner), .terminal(punct("]"))])
        return r
    }
}
