/// Reads grammars in the syntax of Python's `lark` into a `GrammarIR`.
///
/// Rules (`name: a | b`, with `?name`, `!name`, `_name`, aliases `-> x` and rule priorities, none of
/// which change the language), terminals (`NAME: …`, `NAME.2: …`, built from `"strings"`, `"i"`nsensitive
/// strings, `/regexes/flags`, `"a".."z"` ranges and other terminals), `[optional]`, `( )`, `* + ?`,
/// `~ n` and `~ n..m`, templates (`name{x}: …` used as `name{a}`), `%ignore`, `%declare`,
/// `%import common.NAME [-> ALIAS]`, `%import common (A, B)`, and imports from other grammar files
/// through `loader`. The language is the one Lark's Earley parser accepts with a complete dynamic
/// lexer: terminals are regular languages, ignored terminals may stand between any two terminals.
///
/// ```swift
/// let g = try Lark.parse("""
///     start: NAME ("," NAME)*
///     %import common.CNAME -> NAME
///     %ignore " "
///     """)
/// ```
public enum Lark {
    /// Parses `source`, starting at rule `start`. `loader` returns the text of another grammar module
    /// (`%import mymodule.rule` asks for "mymodule"); `common` is built in.
    public static func parse(
        _ source: String, start: String = "start", loader: ((String) -> String?)? = nil
    ) throws(GrammarError) -> GrammarIR {
        try parse(source, start: start, loader: loader, postLexed: [])
    }

    /// `parse`, allowing the `%declare`d terminals named in `postLexed` (a post-lexer makes them).
    static func parse(
        _ source: String, start: String, loader: ((String) -> String?)?, postLexed: Set<String>
    ) throws(GrammarError) -> GrammarIR {
        guard source.utf8.count <= 8 << 20 else { throw GrammarError("grammar source over the limit of 8 MiB") }
        var definitions = try LarkModuleReader.read(source)
        try definitions.resolveImports(loader: loader)
        var resolver = LarkResolver(definitions)
        resolver.postLexed = postLexed
        return try resolver.resolve(start: start)
    }
}

/// One definition of a Lark grammar before names are resolved.
struct LarkDefinition {
    var name: String            // without ?, ! prefixes
    var isTerminal: Bool
    var params: [String]
    var priority: Int
    var body: LarkExpr
    var location: SourceLocation
}

indirect enum LarkExpr {
    case name(String, SourceLocation)
    case string(String, caseInsensitive: Bool)
    case regex(String, flags: String, SourceLocation)
    case range(String, String, SourceLocation)
    case template(String, [LarkExpr], SourceLocation)
    case sequence([LarkExpr])
    case choice([LarkExpr])
    case repeatExpr(LarkExpr, min: Int, max: Int?)
}

struct LarkImport {
    var module: String
    var name: String
    var alias: String
    var location: SourceLocation
}

/// A module's definitions, ignores, declarations and imports.
struct LarkModule {
    var definitions: [LarkDefinition] = []
    var ignores: [(LarkExpr, SourceLocation)] = []
    var declared: [String: SourceLocation] = [:]
    var imports: [LarkImport] = []

    /// Pulls imported definitions in (with the names they need, renamed under the alias).
    mutating func resolveImports(loader: ((String) -> String?)?) throws(GrammarError) {
        var loaded: [String: LarkModule] = [:]
        for imp in imports {
            if imp.module == "common" {
                guard let regex = LarkCommonTerminals.regexes[imp.name] else {
                    throw GrammarError("common has no terminal \(imp.name)", at: imp.location)
                }
                definitions.append(LarkDefinition(name: imp.alias, isTerminal: true, params: [], priority: 0,
                                                  body: .regex(regex, flags: "", imp.location), location: imp.location))
                continue
            }
            if loaded[imp.module] == nil {
                guard let text = loader?(imp.module) else {
                    throw GrammarError("cannot import from module '\(imp.module)': no such grammar", at: imp.location)
                }
                do {
                    var module = try LarkModuleReader.read(text)
                    try module.resolveImports(loader: loader)
                    loaded[imp.module] = module
                } catch {
                    throw GrammarError("in module '\(imp.module)': \(error)", at: imp.location)
                }
            }
            let module = loaded[imp.module]!
            // The imported definition and everything it names, prefixed to avoid clashes.
            var needed = [imp.name]
            var copied = Set<String>()
            while let n = needed.popLast() {
                guard copied.insert(n).inserted else { continue }
                guard let def = module.definitions.first(where: { $0.name == n }) else {
                    throw GrammarError("module '\(imp.module)' has no definition '\(n)'", at: imp.location)
                }
                var copy = def
                copy.name = n == imp.name ? imp.alias : "\(imp.module).\(n)"
                copy.body = def.body.renamed { name in
                    if module.definitions.contains(where: { $0.name == name }) {
                        needed.append(name)
                        return name == imp.name ? imp.alias : "\(imp.module).\(name)"
                    }
                    return name
                }
                copy.location = imp.location
                definitions.append(copy)
            }
        }
        imports = []
    }
}

extension LarkExpr {
    func renamed(_ f: (String) -> String) -> LarkExpr {
        switch self {
        case .name(let n, let at): return .name(f(n), at)
        case .template(let n, let args, let at): return .template(f(n), args.map { $0.renamed(f) }, at)
        case .sequence(let items): return .sequence(items.map { $0.renamed(f) })
        case .choice(let items): return .choice(items.map { $0.renamed(f) })
        case .repeatExpr(let e, let lo, let hi): return .repeatExpr(e.renamed(f), min: lo, max: hi)
        case .string, .regex, .range: return self
        }
    }
}

/// Reads one module's statements from its tokens.
struct LarkModuleReader {
    var tokens: [LarkToken]
    var i = 0
    var depth = 0
    /// Open `(` and `[` around the cursor: inside them newlines do not end a definition.
    var groupDepth = 0

    static func read(_ text: String) throws(GrammarError) -> LarkModule {
        var lexer = LarkLexer(text)
        var reader = LarkModuleReader(tokens: try lexer.all())
        return try reader.module()
    }

    var current: LarkToken { tokens[i] }
    mutating func advance() { if i < tokens.count - 1 { i += 1 } }
    func isPunct(_ p: String) -> Bool { current.kind == .punct(p) }
    mutating func expect(_ p: String, _ what: String) throws(GrammarError) {
        guard isPunct(p) else { throw GrammarError("expected '\(p)' \(what), found \(describe(current))", at: current.location) }
        advance()
    }
    func describe(_ t: LarkToken) -> String {
        switch t.kind {
        case .rule(let n), .terminal(let n): return "'\(n)'"
        case .string(let s, _): return "string \"\(s)\""
        case .regex(let r, _): return "regex /\(r)/"
        case .number(let n): return "\(n)"
        case .directive(let d): return "%\(d)"
        case .punct(let p): return "'\(p)'"
        case .newline: return "end of line"
        case .end: return "end of grammar"
        }
    }

    /// Skips a newline when the next line continues the current definition with `|`.
    mutating func skipContinuation() {
        if groupDepth > 0 { skipNewlines(); return }
        if current.kind == .newline, i + 1 < tokens.count, tokens[i + 1].kind == .punct("|") { advance() }
    }

    mutating func module() throws(GrammarError) -> LarkModule {
        var m = LarkModule()
        while true {
            switch current.kind {
            case .end: return m
            case .newline: advance()
            case .rule(let raw), .terminal(let raw):
                let at = current.location
                let isTerminal: Bool = { if case .terminal = current.kind { return true }; return false }()
                advance()
                let name = String(raw.drop { $0 == "?" || $0 == "!" })
                var params: [String] = []
                if isPunct("{") {
                    advance()
                    while true {
                        switch current.kind {
                        case .rule(let p), .terminal(let p): params.append(p); advance()
                        default: throw GrammarError("expected a template parameter name, found \(describe(current))", at: current.location)
                        }
                        if isPunct(",") { advance(); continue }
                        try expect("}", "to close the template parameters")
                        break
                    }
                }
                var priority = 0
                if isPunct(".") {
                    advance()
                    var negative = false
                    if case .punct("-") = current.kind { negative = true; advance() }
                    guard case .number(let p) = current.kind else {
                        throw GrammarError("expected a priority number after '.'", at: current.location)
                    }
                    priority = negative ? -p : p
                    advance()
                }
                try expect(":", "after the name '\(name)'")
                let body = try expansions()
                try endOfStatement()
                m.definitions.append(LarkDefinition(name: name, isTerminal: isTerminal, params: params,
                                                    priority: priority, body: body, location: at))
            case .directive(let d):
                let at = current.location
                advance()
                switch d {
                case "ignore":
                    m.ignores.append((try expansions(), at))
                case "declare":
                    var any = false
                    while true {
                        if case .terminal(let n) = current.kind { m.declared[n] = at; any = true; advance() }
                        else if case .rule(let n) = current.kind { m.declared[n] = at; any = true; advance() }
                        else { break }
                    }
                    guard any else { throw GrammarError("%declare needs at least one name", at: at) }
                case "import":
                    try readImport(into: &m, at: at)
                default:
                    throw GrammarError("%\(d) is not supported: it edits definitions of an imported grammar", at: at)
                }
                try endOfStatement()
            default:
                throw GrammarError("expected a rule, a terminal or a directive, found \(describe(current))", at: current.location)
            }
        }
    }

    mutating func endOfStatement() throws(GrammarError) {
        switch current.kind {
        case .newline: advance()
        case .end: break
        default: throw GrammarError("unexpected \(describe(current)) at the end of a definition", at: current.location)
        }
    }

    mutating func readImport(into m: inout LarkModule, at: SourceLocation) throws(GrammarError) {
        // %import a.b.NAME [-> ALIAS]  |  %import a.b (N1, N2)
        var path: [String] = []
        if isPunct(".") { throw GrammarError("relative imports ('%import .module') need a loader; use a module name", at: at) }
        while true {
            switch current.kind {
            case .rule(let n), .terminal(let n): path.append(n); advance()
            default: throw GrammarError("expected a module path after %import, found \(describe(current))", at: current.location)
            }
            if isPunct(".") { advance() } else { break }
        }
        if isPunct("(") {
            advance()
            let module = path.joined(separator: ".")
            while true {
                switch current.kind {
                case .rule(let n), .terminal(let n):
                    m.imports.append(LarkImport(module: module, name: n, alias: n, location: at)); advance()
                default: throw GrammarError("expected a name in the import list, found \(describe(current))", at: current.location)
                }
                if isPunct(",") { advance(); continue }
                try expect(")", "to close the import list")
                return
            }
        }
        guard path.count >= 2 else { throw GrammarError("%import needs module.NAME", at: at) }
        let name = path.removeLast()
        var alias = name
        if isPunct("->") {
            advance()
            switch current.kind {
            case .rule(let n), .terminal(let n): alias = n; advance()
            default: throw GrammarError("expected a name after '->'", at: current.location)
            }
        }
        m.imports.append(LarkImport(module: path.joined(separator: "."), name: name, alias: alias, location: at))
    }

    mutating func expansions() throws(GrammarError) -> LarkExpr {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 512 else { throw GrammarError("expressions nested deeper than 512", at: current.location) }
        var alternatives = [try alias()]
        skipContinuation()
        while isPunct("|") {
            advance()
            alternatives.append(try alias())
            skipContinuation()
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    mutating func alias() throws(GrammarError) -> LarkExpr {
        let e = try expansion()
        if isPunct("->") {
            advance()
            guard case .rule = current.kind else { throw GrammarError("expected a rule name after '->'", at: current.location) }
            advance()  // aliases name tree nodes; the language is unchanged
        }
        return e
    }

    mutating func expansion() throws(GrammarError) -> LarkExpr {
        var items: [LarkExpr] = []
        while true {
            if groupDepth > 0 { skipNewlines() }
            guard let atom = try atomOrNil() else { break }
            items.append(try postfix(atom))
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    mutating func postfix(_ atom: LarkExpr) throws(GrammarError) -> LarkExpr {
        var e = atom
        while true {
            if isPunct("*") { advance(); e = .repeatExpr(e, min: 0, max: nil) }
            else if isPunct("+") { advance(); e = .repeatExpr(e, min: 1, max: nil) }
            else if isPunct("?") { advance(); e = .repeatExpr(e, min: 0, max: 1) }
            else if isPunct("~") {
                let at = current.location
                advance()
                guard case .number(let lo) = current.kind else { throw GrammarError("expected a count after '~'", at: current.location) }
                advance()
                var hi = lo
                if isPunct("..") {
                    advance()
                    guard case .number(let h) = current.kind else { throw GrammarError("expected a count after '..'", at: current.location) }
                    advance()
                    hi = h
                }
                guard lo <= hi else { throw GrammarError("repetition ~\(lo)..\(hi) has its maximum below its minimum", at: at) }
                guard hi <= 100_000 else { throw GrammarError("repetition bound over the limit of 100000", at: at) }
                e = .repeatExpr(e, min: lo, max: hi)
            } else {
                return e
            }
        }
    }

    mutating func atomOrNil() throws(GrammarError) -> LarkExpr? {
        let at = current.location
        switch current.kind {
        case .punct("("):
            advance()
            groupDepth += 1
            let e = try expansions()
            skipNewlines()
            groupDepth -= 1
            try expect(")", "to close the group opened at \(at)")
            return e
        case .punct("["):
            advance()
            groupDepth += 1
            let e = try expansions()
            skipNewlines()
            groupDepth -= 1
            try expect("]", "to close the optional part opened at \(at)")
            return .repeatExpr(e, min: 0, max: 1)
        case .string(let text, let ci):
            advance()
            if isPunct("..") {
                advance()
                guard case .string(let hi, _) = current.kind else { throw GrammarError("expected a string after '..'", at: current.location) }
                advance()
                return .range(text, hi, at)
            }
            return .string(text, caseInsensitive: ci)
        case .regex(let r, let flags):
            advance()
            return .regex(r, flags: flags, at)
        case .rule(let raw), .terminal(let raw):
            // `name ::`-like lookahead: a name followed by ':' starts the next definition.
            if i + 1 < tokens.count, tokens[i + 1].kind == .punct(":") || tokens[i + 1].kind == .punct(".") { return nil }
            let name = String(raw.drop { $0 == "?" || $0 == "!" })
            advance()
            if isPunct("{") {
                advance()
                var args: [LarkExpr] = []
                while true {
                    args.append(try expansions())
                    if isPunct(",") { advance(); continue }
                    try expect("}", "to close the template arguments")
                    break
                }
                return .template(name, args, at)
            }
            return .name(name, at)
        default:
            return nil
        }
    }

    mutating func skipNewlines() { while current.kind == .newline { advance() } }
}
