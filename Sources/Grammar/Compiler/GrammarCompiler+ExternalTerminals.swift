/// Terminals whose language is given directly as a `RegexIR` expression (built by a front-end such
/// as the JSON Schema compiler, which needs intersection and complement of byte languages that no
/// regex syntax spells), instead of a `GrammarExpr` body.
///
/// ```swift
/// var rx = RegexIR()
/// let digits = rx.repeat(rx.bytes(ByteSet(48...57)), min: 1, max: nil)
/// var ir = GrammarIR(rules: [Rule(name: "root", body: .terminal(TerminalID(0)))],
///                    terminals: [Terminal(name: "digits", body: .empty)], start: RuleID(0))
/// let g = try GrammarCompiler.compile(ir, external: [TerminalID(0): ExternalTerminal(rx, digits)])
/// ```
public struct ExternalTerminal: Sendable {
    public var regex: RegexIR
    public var root: RegexIR.Expr
    public init(_ regex: RegexIR, _ root: RegexIR.Expr) {
        self.regex = regex
        self.root = root
    }
}

extension GrammarCompiler {
    /// Compiles `ir` where each terminal in `external` matches the language of its `RegexIR`
    /// expression (the terminal's own body is ignored).
    ///
    /// Each external terminal must be referenced where the compiler makes it a lexeme of its own:
    /// alone as a rule alternative, or as an item of a sequence that also holds a rule reference
    /// (a sequence or choice of terminals only is fused into one lexeme). A violation is an error,
    /// never a silently different language.
    public static func compile(_ ir: GrammarIR, external: [TerminalID: ExternalTerminal],
                               limits: Limits = Limits()) throws(GrammarError) -> CompiledGrammar {
        var placeholder = ir
        for (t, x) in external {
            // A private-use placeholder with the same nullability; names are unique by construction.
            let name = "\u{1}external#\(t.index)"
            let mark = GrammarExpr.literal("\u{10FFFD}\u{10FFFD}\(t.index)\u{10FFFD}")
            placeholder.terminals[Int(t.index)].name = name
            placeholder.terminals[Int(t.index)].body = x.regex.isNullable(x.root) ? .optional(mark) : mark
        }
        var originalName: [String: String] = [:]
        for (t, _) in external { originalName["\u{1}external#\(t.index)"] = ir[t].name }
        if placeholder.ignored.isEmpty {
            var checker = FusionCheck(ir: placeholder, external: Set(external.keys))
            for r in placeholder.rules { try checker.alternatives(r.body) }
        }
        let g: CompiledGrammar
        do { g = try compile(placeholder, limits: limits, direct: external) } catch {
            // Name the terminal in errors as the caller did, not by its placeholder.
            var e = error
            for (placeholderName, name) in originalName { e.message = e.message.replacing(placeholderName, with: name) }
            throw e
        }
        var lexemes = g.lexemes
        for i in lexemes.indices {
            if let name = originalName[lexemes[i].name] { lexemes[i].name = name }
        }
        return try CompiledGrammar(lexemes: lexemes, symbols: g.symbols, lhsAt: g.lhsAt, productionOffsets: g.productionOffsets,
                               productionStarts: g.productionStarts, nullable: g.nullable, nonterminalNames: g.nonterminalNames,
                               startNonterminal: g.startNonterminal, complete: g.lexemeIsComplete)
    }
}

/// Mirrors where `GrammarCompiler` fuses regular sub-expressions into one lexeme, to refuse an
/// external terminal placed inside such a fusion.
private struct FusionCheck {
    let ir: GrammarIR
    let external: Set<TerminalID>

    func isLexical(_ e: GrammarExpr) -> Bool {
        switch e {
        case .empty, .literal, .characterClass, .regex, .terminal: return true
        case .rule: return false
        case .sequence(let items), .choice(let items): return items.allSatisfy(isLexical)
        case .repeat(let item, let min, let max): return isLexical(item) && min <= 64 && (max ?? 0) <= 64
        }
    }

    func mentionsExternal(_ e: GrammarExpr) -> Bool {
        switch e {
        case .terminal(let t): return external.contains(t)
        case .sequence(let items), .choice(let items): return items.contains(where: mentionsExternal)
        case .repeat(let item, _, _): return mentionsExternal(item)
        default: return false
        }
    }

    mutating func alternatives(_ e: GrammarExpr) throws(GrammarError) {
        if case .choice(let items) = e { for i in items { try sequence(i) } } else { try sequence(e) }
    }

    mutating func sequence(_ e: GrammarExpr) throws(GrammarError) {
        if case .sequence(let items) = e, !isLexical(e) { for i in items { try symbol(i) } } else { try symbol(e) }
    }

    mutating func symbol(_ e: GrammarExpr) throws(GrammarError) {
        switch e {
        case .terminal, .rule, .empty, .literal, .characterClass, .regex: return
        case _ where isLexical(e):
            if mentionsExternal(e) { throw GrammarError("an external terminal stands inside a fused lexeme: reference it alone or beside a rule") }
        case .sequence, .choice: try alternatives(e)
        case .repeat(let item, _, _): try symbol(item)
        }
    }
}
