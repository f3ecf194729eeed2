/// Python-style indentation as a post-lexer over a compiled grammar: Lark's `Indenter`
/// (lark/indenter.py) made exact for a non-deterministic byte-level Earley parser.
///
/// Lark's indenter rewrites the token stream: a newline token (`_NEWLINE`) outside brackets is
/// kept and followed by `_INDENT` when its last line is indented deeper than the innermost open
/// block, or by one `_DEDENT` per block it closes (a dedent to a width not on the stack is an
/// error); inside brackets (`(`, `[`, `{` tokens not yet closed) newline tokens are dropped; at
/// the end every open block gets a `_DEDENT`. Widths are `spaces + tabLength × tabs` of the text
/// after the token's last `\n` (a newline token without `\n` is an error in Lark: an IndexError).
///
/// The language we enforce: some split of the text into terminals, in which every newline token
/// is *maximal* (Lark's lexer always takes the longest newline token: the byte after it cannot
/// extend it), yields a stream the indenter turns into a sentence of the grammar. The parser
/// carries the indenter's state per Earley item, not per row (different splits may disagree on
/// it): an item holds the width of its innermost open block, its bracket depth, and, right after
/// a newline token, the token's width (pending until the next token) and the bytes that token
/// could have continued with. See `EarleyParser+Indentation.swift` for the parser side.
///
/// ```swift
/// let g = try Lark.compile(pythonGrammar, start: "file_input", postLexer: .python, loader: loader)
/// var p = try EarleyParser(g)
/// try p.push(bytes: Array("if x:\n    pass\n".utf8)) && p.isAccepting   // true
/// ```
public struct IndentationPostLexer: Sendable {
    /// Which terminals play which part (Lark's `Indenter` attributes).
    public struct Options: Sendable, Hashable {
        /// The newline terminal (`NL_type`).
        public var newline: String
        /// The declared indent and dedent terminals (`INDENT_type`, `DEDENT_type`).
        public var indent: String
        public var dedent: String
        /// Bracket tokens, by their text: Lark's `LPAR`, `LSQB`, `LBRACE` and closers are the
        /// terminals whose pattern is exactly `(`, `[`, `{` (`)`, `]`, `}`).
        public var openers: [String]
        public var closers: [String]
        /// Columns a tab counts for (`tab_len`).
        public var tabLength: Int

        public init(newline: String, indent: String, dedent: String, openers: [String], closers: [String], tabLength: Int) {
            self.newline = newline
            self.indent = indent
            self.dedent = dedent
            self.openers = openers
            self.closers = closers
            self.tabLength = tabLength
        }

        /// Lark's `PythonIndenter`: `_NEWLINE`, `_INDENT`, `_DEDENT`, brackets `([{` / `)]}`, tabs of 8.
        public static let python = Options(newline: "_NEWLINE", indent: "_INDENT", dedent: "_DEDENT",
                                           openers: ["(", "[", "{"], closers: [")", "]", "}"], tabLength: 8)
    }

    /// Distinct indentation states (block width, bracket depth, pending newline) one parser may
    /// hold: item attribute ids have 12 bits. Nested blocks need distinct widths, so this also
    /// bounds the indentation stack.
    public static let maxAttributes = 4096
    /// Bracket nesting depth (Python's own tokenizer stops at 200).
    public static let maxBracketDepth = 1000
    /// Symbols a grammar may have with a post-lexer (an item's dot keeps 20 bits).
    static let maxSymbols = 1 << 20

    public let options: Options
    let newline: Int32
    let indent: Int32
    let dedent: Int32
    let tabLength: Int32
    /// Per lexeme: +1 for an opening bracket, -1 for a closing one.
    let bracketDelta: [Int8]
    /// Per lexeme: the lexeme a restricted variant stands for (itself otherwise).
    let base: [Int32]
    /// `variants[c][l]`: the lexeme to start for rule or ignored lexeme `l` right after a newline
    /// token whose continuation bytes are class `c` (`l` itself when its first bytes avoid them,
    /// -1 when every first byte would extend the newline).
    let variants: [[Int32]]
    /// Per lexeme of the newline family (the newline lexeme and its variants), per automaton
    /// state: the restriction class that state's continuation bytes form (-1: not accepting).
    let restrictionAfter: [Int32: [Int32]]
    /// Per index of `symbols`: the end of a production holding `indent` (its block is deeper).
    let opensBlock: [Bool]

    /// The lexeme to start for `l` under restriction class `c` (-1: none).
    @inline(__always)
    func variant(_ l: Int32, _ c: Int32) -> Int32 { c < 0 ? l : variants[Int(c)][Int(l)] }
}

extension IndentationPostLexer {
    /// `g` with the post-lexer attached: checks the grammar's shape (`indent … dedent` pairs end
    /// their production; brackets balance within each production), adds the lexeme variants
    /// that may follow a newline token, and records the tables the parser reads.
    ///
    /// `indent` and `dedent` must be lexemes of their own in `g` (compile them as
    /// `ExternalTerminal`s over a byte no text holds; the parser never scans them).
    public static func attach(to g: CompiledGrammar, options: Options) throws(GrammarError) -> CompiledGrammar {
        // A terminal the start rule never reaches has no lexeme (-100: matches nothing).
        func lexeme(named name: String) throws(GrammarError) -> Int32 {
            let found = g.lexemes.indices.filter { g.lexemes[$0].name == name && !g.lexemes[$0].isIgnored }
            guard found.count <= 1 else {
                throw GrammarError("indentation post-lexer: terminal \(name) must be a lexeme of its own in the rules (found \(found.count))")
            }
            return found.first.map { Int32($0) } ?? -100
        }
        guard options.tabLength > 0 else { throw GrammarError("indentation post-lexer: tab length must be positive") }
        guard g.symbols.count < maxSymbols else {
            throw GrammarError("indentation post-lexer: grammar has \(g.symbols.count) symbols, over the limit of \(maxSymbols)")
        }
        let nl = try lexeme(named: options.newline)
        let ind = try lexeme(named: options.indent)
        let ded = try lexeme(named: options.dedent)
        // No newline token in reach: no indentation either (nothing to do).
        if nl < 0 { return g }
        guard g.lexemeIsComplete[Int(nl)] else {
            throw GrammarError("indentation post-lexer: the automaton of \(options.newline) is over the determinization budget")
        }
        var dfas = g.lexemes.map(\.dfa)
        func liveNext(_ l: Int, _ s: Int32, _ b: UInt8) -> Bool {
            guard let t = try? dfas[l].next(s, b), t != ByteDFA.deadState else { return false }
            return (try? dfas[l].isDead(t)) == false
        }
        // Brackets: lexemes whose language is exactly one bracket's text.
        func isExactly(_ l: Int, _ text: String) -> Bool {
            let bytes = Array(text.utf8)
            var s = dfas[l].initialState
            for (i, b) in bytes.enumerated() {
                for other in 0...255 where UInt8(other) != b && liveNext(l, s, UInt8(other)) { return false }
                guard let t = try? dfas[l].next(s, b), t != ByteDFA.deadState else { return false }
                s = t
                if i < bytes.count - 1 && dfas[l].isAccepting(s) { return false }
            }
            guard dfas[l].isAccepting(s) else { return false }
            for b in 0...255 where liveNext(l, s, UInt8(b)) { return false }
            return true
        }
        var delta = [Int8](repeating: 0, count: g.lexemes.count)
        for l in g.lexemes.indices where !g.lexemes[l].isIgnored && l != Int(ind) && l != Int(ded) {
            if options.openers.contains(where: { isExactly(l, $0) }) { delta[l] = 1 }
            if options.closers.contains(where: { isExactly(l, $0) }) { delta[l] = -1 }
        }
        // Productions: `indent … dedent` ends the production (the block's width lives in the
        // item until its completion); brackets balance (their depth is the item's, inherited).
        var opens = [Bool](repeating: false, count: g.symbols.count)
        var p = 0
        while p < g.symbols.count {
            var q = p, depth = 0, indentAt = -1, dedentAt = -1
            let rule = g.nonterminalNames[Int(g.lhsAt[p])]
            while g.symbols[q] != CompiledGrammar.end {
                let s = g.symbols[q]
                if s < -1 {
                    let l = -2 - s
                    if l == ind {
                        guard indentAt < 0 else { throw GrammarError("rule '\(rule)': two \(options.indent) in one alternative") }
                        indentAt = q
                    } else if l == ded {
                        guard indentAt >= 0, dedentAt < 0 else {
                            throw GrammarError("rule '\(rule)': \(options.dedent) without an \(options.indent) before it in the same alternative (the indentation post-lexer pairs them)")
                        }
                        dedentAt = q
                    }
                    depth += Int(delta[Int(l)])
                    if depth < 0 { throw GrammarError("rule '\(rule)': a closing bracket before its opening one in the same alternative (the post-lexer needs brackets balanced per alternative)") }
                }
                q += 1
            }
            if depth != 0 { throw GrammarError("rule '\(rule)': brackets do not balance within the alternative (the indentation post-lexer needs them to)") }
            if indentAt >= 0 && dedentAt != q - 1 {
                throw GrammarError("rule '\(rule)': an alternative with \(options.indent) must end with \(options.dedent)")
            }
            opens[q] = indentAt >= 0
            p = q + 1
        }
        // Restriction classes: for each accepting state of the newline automaton, the bytes
        // that continue it (a maximal newline token is never followed by one of them).
        var classes: [ByteSet] = []
        func classOf(_ l: Int, _ s: Int32) -> ByteSet {
            var set = ByteSet()
            for b in 0...255 where liveNext(l, s, UInt8(b)) { set = set.union(ByteSet([UInt8(b)])) }
            return set
        }
        for s in 0..<Int32(dfas[Int(nl)].stateCount) where dfas[Int(nl)].isAccepting(s) {
            let c = classOf(Int(nl), s)
            if !classes.contains(c) { classes.append(c) }
        }
        guard classes.count <= 16 else { throw GrammarError("indentation post-lexer: \(options.newline) has too many kinds of ending") }
        // Variants: `l` restricted to first bytes outside a class.
        var lexemes = g.lexemes
        var base = (0..<Int32(g.lexemes.count)).map { $0 }
        var variants: [[Int32]] = []
        let firstBytes = g.lexemes.indices.map { classOf($0, dfas[$0].initialState) }
        for c in classes {
            var row = [Int32](repeating: -1, count: g.lexemes.count)
            for l in g.lexemes.indices where l != Int(ind) && l != Int(ded) {
                let f = firstBytes[l]
                if f.intersection(c) == ByteSet() { row[l] = Int32(l); continue }
                if f.intersection(c) == f { continue }
                var ir = dfas[l].ir
                let root = dfas[l].stateExpr[Int(dfas[l].initialState)]
                var allowed = ByteSet()
                for b in 0...255 where !c.contains(UInt8(b)) { allowed = allowed.union(ByteSet([UInt8(b)])) }
                let first = ir.bytes(allowed)
                let rest = ir.repeat(ir.bytes(ByteSet.all), min: 0, max: nil)
                let guardExpr = ir.concat(first, rest)
                let v = ir.and([guardExpr, root])
                row[l] = Int32(lexemes.count)
                lexemes.append(.init(name: "\(g.lexemes[l].name) after \(options.newline)", dfa: ByteDFA(ir, root: v),
                                     isNullable: false, isIgnored: false))
                base.append(Int32(l))
            }
            variants.append(row)
        }
        for i in variants.indices { variants[i] += [Int32](repeating: -1, count: lexemes.count - g.lexemes.count) }
        var out = try CompiledGrammar(lexemes: lexemes, symbols: g.symbols, lhsAt: g.lhsAt, productionOffsets: g.productionOffsets,
                                  productionStarts: g.productionStarts, nullable: g.nullable,
                                  nonterminalNames: g.nonterminalNames, startNonterminal: g.startNonterminal)
        delta += [Int8](repeating: 0, count: lexemes.count - g.lexemes.count)
        // The newline family's accepting states, in the final automata.
        dfas = out.lexemes.map(\.dfa)
        var after: [Int32: [Int32]] = [:]
        for x in out.lexemes.indices where base[x] == nl {
            guard out.lexemeIsComplete[x] else {
                throw GrammarError("indentation post-lexer: the automaton of \(out.lexemes[x].name) is over the determinization budget")
            }
            var byState = [Int32](repeating: -1, count: dfas[x].stateCount)
            for s in 0..<Int32(dfas[x].stateCount) where dfas[x].isAccepting(s) {
                guard let c = classes.firstIndex(of: classOf(x, s)) else {
                    throw GrammarError("indentation post-lexer: \(out.lexemes[x].name) ends in a way \(options.newline) does not")
                }
                byState[Int(s)] = Int32(c)
            }
            after[Int32(x)] = byState
        }
        out.postLexer = IndentationPostLexer(options: options, newline: nl, indent: ind, dedent: ded,
                                             tabLength: Int32(options.tabLength), bracketDelta: delta, base: base,
                                             variants: variants, restrictionAfter: after, opensBlock: opens)
        return out
    }
}
