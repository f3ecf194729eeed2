/// Turns a Lark module's definitions into a `GrammarIR`: names become rule and terminal ids,
/// templates are instantiated, `%ignore` becomes ignored terminals.
struct LarkResolver {
    let module: LarkModule
    var rules: [Rule] = []
    var terminals: [Terminal] = []
    var ruleIDs: [String: RuleID] = [:]
    var terminalIDs: [String: TerminalID] = [:]
    var templates: [String: LarkDefinition] = [:]
    var instances: [TemplateKey: RuleID] = [:]
    /// Terminals named by `%declare` only: a post-lexer makes them, no grammar can.
    var declaredOnly: [TerminalID: SourceLocation] = [:]
    /// Declared terminals a post-lexer produces (`Lark.compile(…, postLexer:)`): allowed.
    var postLexed: Set<String> = []
    /// Templates being instantiated, innermost last.
    var instantiating: [String] = []

    struct TemplateKey: Hashable {
        var name: String
        var args: [GrammarExpr]
    }

    init(_ module: LarkModule) { self.module = module }

    mutating func resolve(start: String) throws(GrammarError) -> GrammarIR {
        // Pass 1: ids for every name, so definitions may come in any order.
        var seen: [String: SourceLocation] = [:]
        for def in module.definitions {
            if let first = seen[def.name] {
                throw GrammarError("'\(def.name)' is defined twice (first at \(first))", at: def.location)
            }
            seen[def.name] = def.location
            if !def.params.isEmpty {
                guard !def.isTerminal else { throw GrammarError("terminal \(def.name) cannot take template parameters", at: def.location) }
                templates[def.name] = def
            } else if def.isTerminal {
                terminalIDs[def.name] = TerminalID(Int32(terminals.count))
                terminals.append(Terminal(name: def.name, body: .empty, priority: def.priority, location: def.location))
            } else {
                ruleIDs[def.name] = RuleID(Int32(rules.count))
                let inlined = def.name.hasPrefix("_")
                rules.append(Rule(name: def.name, body: .empty, location: def.location, inlined: inlined))
            }
        }
        for (name, at) in module.declared.sorted(by: { $0.key < $1.key }) where seen[name] == nil {
            let id = TerminalID(Int32(terminals.count))
            terminalIDs[name] = id
            declaredOnly[id] = at
            terminals.append(Terminal(name: name, body: .choice([]), location: at))
        }
        // Pass 2: bodies.
        for def in module.definitions where def.params.isEmpty {
            if def.isTerminal {
                let id = terminalIDs[def.name]!
                terminals[Int(id.index)].body = try terminalExpr(def.body)
            } else {
                let id = ruleIDs[def.name]!
                rules[Int(id.index)].body = try ruleExpr(def.body, bindings: [:])
            }
        }
        try checkTerminalCycles()
        var ignored: [TerminalID] = []
        for (k, (expr, at)) in module.ignores.enumerated() {
            let body = try terminalExpr(expr)
            if case .terminal(let id) = body { ignored.append(id); continue }
            let id = TerminalID(Int32(terminals.count))
            terminals.append(Terminal(name: "__IGNORE_\(k)", body: body, location: at))
            ignored.append(id)
        }
        guard let startID = ruleIDs[start] else {
            // Name the rules nothing else uses (python.lark's file_input, single_input, eval_input):
            // one of them is the start rule the grammar was written for.
            var used = Set<RuleID>()
            for r in rules { r.body.forEachRuleReference { used.insert($0) } }
            let tops = rules.indices.filter { !used.contains(RuleID(Int32($0))) && !rules[$0].inlined }
            let names = tops.prefix(8).map { i in rules[i].location.map { "\(rules[i].name) (at \($0))" } ?? rules[i].name }
            throw GrammarError("no rule named '\(start)' (the start rule)"
                               + (names.isEmpty ? "" : "; rules no other rule uses: \(names.joined(separator: ", ")) — start from one of them"),
                               at: tops.first.flatMap { rules[$0].location })
        }
        let grammar = GrammarIR(rules: rules, terminals: terminals, ignored: ignored, start: startID)
        try checkDeclaredTerminals(grammar)
        try grammar.checkNonEmptyLanguage()
        return grammar
    }

    /// A rule's body: names are rules, terminals, or template parameters in `bindings`.
    mutating func ruleExpr(_ e: LarkExpr, bindings: [String: GrammarExpr]) throws(GrammarError) -> GrammarExpr {
        switch e {
        case .name(let n, let at):
            if let bound = bindings[n] { return bound }
            if let r = ruleIDs[n] { return .rule(r) }
            if let t = terminalIDs[n] { return .terminal(t) }
            if templates[n] != nil { throw GrammarError("template '\(n)' used without arguments", at: at) }
            throw GrammarError("undefined name '\(n)'", at: at)
        case .string(let s, let ci): return s.isEmpty ? .empty : .literal(s, caseInsensitive: ci)
        case .regex(let r, let flags, _): return .regex(r, dialect: RegexDialect(.python, flags: Set(flags)))
        case .range(let lo, let hi, let at): return try range(lo, hi, at)
        case .sequence(let items):
            var out: [GrammarExpr] = []
            for item in items { out.append(try ruleExpr(item, bindings: bindings)) }
            return .sequence(out)
        case .choice(let items):
            var out: [GrammarExpr] = []
            for item in items { out.append(try ruleExpr(item, bindings: bindings)) }
            return .choice(out)
        case .repeatExpr(let item, let lo, let hi):
            return .repeat(try ruleExpr(item, bindings: bindings), min: lo, max: hi)
        case .template(let n, let args, let at):
            guard let def = templates[n] else { throw GrammarError("'\(n)' is not a template", at: at) }
            guard def.params.count == args.count else {
                throw GrammarError("template '\(n)' takes \(def.params.count) arguments, given \(args.count)", at: at)
            }
            var resolvedArgs: [GrammarExpr] = []
            for a in args { resolvedArgs.append(try ruleExpr(a, bindings: bindings)) }
            let key = TemplateKey(name: n, args: resolvedArgs)
            if let id = instances[key] { return .rule(id) }
            // A template that uses itself with other arguments would expand without end.
            guard !instantiating.contains(n), instances.count < 10_000 else {
                throw GrammarError("template '\(n)' expands without end (or into over 10000 instances)", at: at)
            }
            instantiating.append(n)
            defer { instantiating.removeLast() }
            let id = RuleID(Int32(rules.count))
            instances[key] = id
            rules.append(Rule(name: "\(n){\(instances.count)}", body: .empty, location: at, inlined: n.hasPrefix("_")))
            var inner: [String: GrammarExpr] = [:]
            for (p, a) in zip(def.params, resolvedArgs) { inner[p] = a }
            rules[Int(id.index)].body = try ruleExpr(def.body, bindings: inner)
            return .rule(id)
        }
    }

    /// A terminal's body: only strings, regexes, ranges and other terminals.
    func terminalExpr(_ e: LarkExpr) throws(GrammarError) -> GrammarExpr {
        switch e {
        case .name(let n, let at):
            if let t = terminalIDs[n] { return .terminal(t) }
            if ruleIDs[n] != nil || templates[n] != nil {
                throw GrammarError("terminal definitions cannot use rule '\(n)'", at: at)
            }
            throw GrammarError("undefined terminal '\(n)'", at: at)
        case .string(let s, let ci): return s.isEmpty ? .empty : .literal(s, caseInsensitive: ci)
        case .regex(let r, let flags, _): return .regex(r, dialect: RegexDialect(.python, flags: Set(flags)))
        case .range(let lo, let hi, let at): return try range(lo, hi, at)
        case .sequence(let items):
            var out: [GrammarExpr] = []
            for item in items { out.append(try terminalExpr(item)) }
            return .sequence(out)
        case .choice(let items):
            var out: [GrammarExpr] = []
            for item in items { out.append(try terminalExpr(item)) }
            return .choice(out)
        case .repeatExpr(let item, let lo, let hi): return .repeat(try terminalExpr(item), min: lo, max: hi)
        case .template(let n, _, let at): throw GrammarError("terminal definitions cannot use template '\(n)'", at: at)
        }
    }

    func range(_ lo: String, _ hi: String, _ at: SourceLocation) throws(GrammarError) -> GrammarExpr {
        guard lo.unicodeScalars.count == 1, hi.unicodeScalars.count == 1,
              let l = lo.unicodeScalars.first, let h = hi.unicodeScalars.first else {
            throw GrammarError("a range \"a\"..\"z\" needs one character on each side", at: at)
        }
        guard l.value <= h.value else { throw GrammarError("range \"\(lo)\"..\"\(hi)\" is reversed", at: at) }
        return .characterClass(CharacterClass(ranges: [l.value...h.value]))
    }

    /// Terminals are regular: one that names itself, directly or not, is an error.
    func checkTerminalCycles() throws(GrammarError) {
        var state = [UInt8](repeating: 0, count: terminals.count)  // 0 new, 1 on stack, 2 done
        func visit(_ t: Int) throws(GrammarError) {
            if state[t] == 2 { return }
            if state[t] == 1 {
                throw GrammarError("terminal \(terminals[t].name) refers to itself: terminals must be regular; make it a rule",
                                   at: terminals[t].location)
            }
            state[t] = 1
            var refs: [Int] = []
            terminals[t].body.forEachTerminalReference { refs.append(Int($0.index)) }
            for r in refs { try visit(r) }
            state[t] = 2
        }
        for t in terminals.indices { try visit(t) }
    }

    /// A `%declare`d terminal the start rule can reach cannot be produced: refuse the grammar.
    func checkDeclaredTerminals(_ g: GrammarIR) throws(GrammarError) {
        guard !declaredOnly.isEmpty else { return }
        for r in g.reachableRules.sorted() {
            var hit: TerminalID?
            g[r].body.forEachTerminalReference {
                if declaredOnly[$0] != nil, !postLexed.contains(g[$0].name), hit == nil { hit = $0 }
            }
            if let t = hit {
                throw GrammarError(
                    "terminal \(g[t].name) is only declared (%declare at \(declaredOnly[t]!)): a post-lexer such as Lark's indenter produces it, which a grammar alone cannot enforce; used by rule '\(g[r].name)' (for Lark's PythonIndenter: `Lark.compile(…, postLexer: .python)`, `gen --postlex python`)",
                    at: g[r].location)
            }
        }
    }
}

extension GrammarExpr {
    /// Calls `body` for every terminal this expression names directly.
    public func forEachTerminalReference(_ body: (TerminalID) -> Void) {
        switch self {
        case .terminal(let t): body(t)
        case .sequence(let items), .choice(let items): for i in items { i.forEachTerminalReference(body) }
        case .repeat(let item, _, _): item.forEachTerminalReference(body)
        case .empty, .literal, .characterClass, .regex, .rule: break
        }
    }
}
