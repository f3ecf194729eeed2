extension Lark {
    /// Compiles a Lark grammar, with Lark's indentation post-lexer when `postLexer` is given
    /// (as Python's `lark` needs `postlex=PythonIndenter()` for python.lark).
    ///
    /// The indent and dedent terminals must be `%declare`d (Lark's convention); without
    /// `postLexer`, a grammar that uses them is refused, saying so. With it, see
    /// `IndentationPostLexer` for the language enforced.
    ///
    /// ```swift
    /// let g = try Lark.compile(source, start: "file_input", postLexer: .python, loader: loader)
    /// var m = try Matcher(grammar: g, vocabulary: vocab)
    /// ```
    public static func compile(
        _ source: String, start: String = "start", postLexer: IndentationPostLexer.Options? = nil,
        loader: ((String) -> String?)? = nil
    ) throws(GrammarError) -> CompiledGrammar {
        guard let options = postLexer else {
            return try GrammarCompiler.compile(parse(source, start: start, loader: loader))
        }
        let ir = try parse(source, start: start, loader: loader, postLexed: [options.indent, options.dedent])
        // The indent and dedent lexemes: one byte no UTF-8 text holds, each its own (the parser
        // never scans them; `IndentationPostLexer` decides them).
        var external: [TerminalID: ExternalTerminal] = [:]
        for (name, byte) in [(options.indent, UInt8(0xFE)), (options.dedent, UInt8(0xFF))] {
            guard let i = ir.terminals.firstIndex(where: { $0.name == name }) else {
                throw GrammarError("indentation post-lexer: the grammar has no terminal \(name) (%declare it)")
            }
            var rx = RegexIR()
            let root = rx.bytes(ByteSet([byte]))
            external[TerminalID(Int32(i))] = ExternalTerminal(rx, root)
        }
        guard let nl = ir.terminals.firstIndex(where: { $0.name == options.newline }) else {
            throw GrammarError("indentation post-lexer: the grammar has no terminal \(options.newline)")
        }
        // Without %ignore the compiler may fuse a sequence of terminals into one lexeme, which
        // would hide newline and bracket tokens from the post-lexer.
        guard !ir.ignored.isEmpty else {
            throw GrammarError("indentation post-lexer: the grammar needs an %ignore (as python.lark's whitespace): without one, terminal sequences are fused into single lexemes and newline or bracket tokens would not be seen")
        }
        var usesNewline = false
        for r in ir.reachableRules {
            ir[r].body.forEachTerminalReference { if Int($0.index) == nl { usesNewline = true } }
        }
        let g = try IndentationPostLexer.attach(to: try GrammarCompiler.compile(ir, external: external), options: options)
        if usesNewline && g.postLexer == nil {
            throw GrammarError("indentation post-lexer: \(options.newline) is not a lexeme of its own")
        }
        return g
    }
}
