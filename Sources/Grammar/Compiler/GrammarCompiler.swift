/// Compiles a `GrammarIR` into a `CompiledGrammar`: lexemes to byte automata, rules to flat
/// productions, repetitions to helper nonterminals; drops unproductive productions.
///
/// The language is the plain context-free language of the IR with each terminal standing for its
/// regular language (docs/grammar-engine.md): no maximal munch, ignored terminals between any two
/// lexemes. Where lexeme boundaries are drawn is therefore only an optimization: without ignored
/// terminals, a purely regular sub-expression of a rule (`[0-9]+`, `[^"\\]*`) becomes one lexeme.
///
/// ```swift
/// let g = try GrammarCompiler.compile(GBNF.parse("root ::= [a-z]+ \"!\""))
/// g.lexemes.count   // 2
/// ```
public enum GrammarCompiler {
    /// Size limits; exceeding one is a `GrammarError` naming the rule.
    public struct Limits: Sendable, Hashable {
        /// Total symbols over all productions.
        public var maxSymbols: Int
        /// Total lexemes.
        public var maxLexemes: Int
        /// Regex expressions per lexeme.
        public var maxRegexExpressions: Int
        public init(maxSymbols: Int = 2_000_000, maxLexemes: Int = 100_000, maxRegexExpressions: Int = 200_000) {
            self.maxSymbols = maxSymbols
            self.maxLexemes = maxLexemes
            self.maxRegexExpressions = maxRegexExpressions
        }
    }

    public static func compile(_ ir: GrammarIR, limits: Limits = Limits()) throws(GrammarError) -> CompiledGrammar {
        var b = Builder(ir: ir, limits: limits)
        return try b.build()
    }

    /// The same, where each terminal of `direct` that becomes a lexeme of its own gets the
    /// automaton of its `RegexIR` expression directly (see `compile(_:external:limits:)`).
    static func compile(_ ir: GrammarIR, limits: Limits, direct: [TerminalID: ExternalTerminal]) throws(GrammarError) -> CompiledGrammar {
        var b = Builder(ir: ir, limits: limits)
        b.direct = direct
        return try b.build()
    }
}

private struct Builder {
    let ir: GrammarIR
    let limits: GrammarCompiler.Limits
    var lexemes: [CompiledGrammar.Lexeme] = []
    var lexemeByKey: [GrammarExpr: Int32] = [:]
    var productions: [[[Int32]]] = []   // per nonterminal, its alternatives
    var names: [String] = []
    var symbolTotal = 0
    var currentRule = ""
    var currentLocation: SourceLocation?
    /// Terminals whose lexeme automaton is given (external terminals), and the lexemes made so.
    var direct: [TerminalID: ExternalTerminal] = [:]
    var directLexemes = Set<Int>()

    init(ir: GrammarIR, limits: GrammarCompiler.Limits) {
        self.ir = ir
        self.limits = limits
    }

    mutating func build() throws(GrammarError) -> CompiledGrammar {
        // Nonterminal 0 is the augmented start; rules follow as 1 + rule index.
        productions = [[[Int32(ir.start.index) + 1]]]
        names = ["<start>"]
        for r in ir.rules { productions.append([]); names.append(r.name) }
        let reachable = ir.reachableRules
        for (i, r) in ir.rules.enumerated() where reachable.contains(RuleID(Int32(i))) {
            currentRule = r.name
            currentLocation = r.location
            productions[i + 1] = try alternatives(r.body)
        }
        for t in ir.ignored {
            currentRule = ir[t].name
            currentLocation = ir[t].location
            _ = try makeLexeme(.terminal(t), ignored: true)
        }
        return try finish()
    }

    /// The alternatives of a rule body.
    mutating func alternatives(_ e: GrammarExpr) throws(GrammarError) -> [[Int32]] {
        if case .choice(let items) = e {
            var out: [[Int32]] = []
            for i in items { out.append(try sequence(i)) }
            return out
        }
        return [try sequence(e)]
    }

    mutating func sequence(_ e: GrammarExpr) throws(GrammarError) -> [Int32] {
        switch e {
        case .empty: return []
        case .sequence(let items) where !isLexical(e):
            var out: [Int32] = []
            for i in items { out.append(contentsOf: try sequence(i)) }
            return out
        default: return [try symbol(e)]
        }
    }

    /// Whether `e` may become a single lexeme without changing the language.
    func isLexical(_ e: GrammarExpr) -> Bool {
        // With ignored terminals, every literal/regex is its own terminal (ignores may come between).
        guard ir.ignored.isEmpty else { return false }
        switch e {
        case .empty, .literal, .characterClass, .regex: return true
        case .terminal: return true
        case .rule: return false
        case .sequence(let items), .choice(let items): return items.allSatisfy(isLexical)
        case .repeat(let item, let min, let max):
            return isLexical(item) && min <= 64 && (max ?? 0) <= 64
        }
    }

    mutating func symbol(_ e: GrammarExpr) throws(GrammarError) -> Int32 {
        switch e {
        case .rule(let r): return Int32(r.index) + 1
        case .literal, .characterClass, .regex, .terminal:
            return CompiledGrammar.lexemeSymbol(try makeLexeme(e, ignored: false))
        case _ where isLexical(e):
            return CompiledGrammar.lexemeSymbol(try makeLexeme(e, ignored: false))
        case .empty:
            return try helper([[]])
        case .sequence, .choice:
            return try helper(try alternatives(e))
        case .repeat(let item, let min, let max):
            let x = try symbol(item)
            return try repetition(x, min: min, max: max)
        }
    }

    mutating func helper(_ alts: [[Int32]]) throws(GrammarError) -> Int32 {
        let n = Int32(productions.count)
        productions.append(alts)
        names.append("\(currentRule)#\(n)")
        symbolTotal += alts.reduce(0) { $0 + $1.count + 1 }
        if symbolTotal > limits.maxSymbols {
            throw GrammarError("rule '\(currentRule)' expands to more than \(limits.maxSymbols) grammar symbols", at: currentLocation)
        }
        return n
    }

    /// `x{min,max}` as helper nonterminals: `x^min` then a left-recursive star `S → ε | S x`, or a
    /// chain of optional tails `O_k → ε | x O_{k-1}` for a bounded remainder.
    ///
    /// Left recursion, not right: in Earley, `S → x S` leaves one item per repetition on the
    /// chart (each `x` ends by completing the whole chain, O(n) per element, as Leo 1991 §1 notes),
    /// and its chart differs with every element read, so the mask cache keyed by the parser's
    /// state (`Matcher.fillMask`) would never hit inside a list. `S → S x` keeps one item whose
    /// origin is the list's start.
    mutating func repetition(_ x: Int32, min: Int, max: Int?) throws(GrammarError) -> Int32 {
        if min < 0 || (max.map { $0 < min } ?? false) {
            throw GrammarError("rule '\(currentRule)': bad repetition bounds {\(min),\(max.map(String.init) ?? "")}", at: currentLocation)
        }
        if min + (max.map { $0 - min } ?? 0) > limits.maxSymbols / 4 {
            throw GrammarError("rule '\(currentRule)': repetition bound too large", at: currentLocation)
        }
        var tail: Int32
        if let max {
            tail = try helper([[]])
            for _ in 0..<(max - min) { tail = try helper([[], [x, tail]]) }
        } else {
            let star = Int32(productions.count)
            tail = try helper([[], [star, x]])
        }
        if min == 0 { return tail }
        return try helper([Array(repeating: x, count: min) + [tail]])
    }

    mutating func makeLexeme(_ e: GrammarExpr, ignored: Bool) throws(GrammarError) -> Int32 {
        let key: GrammarExpr = ignored ? .sequence([e, .empty, .empty]) : e
        if let l = lexemeByKey[key] { return l }
        if lexemes.count >= limits.maxLexemes {
            throw GrammarError("more than \(limits.maxLexemes) lexemes", at: currentLocation)
        }
        if case .terminal(let t) = e, let x = direct[t] {
            // Built once, from the given expression (no placeholder automaton to throw away).
            let l = Int32(lexemes.count)
            lexemes.append(.init(name: ir[t].name, dfa: ByteDFA.forLexeme(x.regex, root: x.root), isNullable: x.regex.isNullable(x.root), isIgnored: ignored))
            lexemeByKey[key] = l
            directLexemes.insert(Int(l))
            return l
        }
        var rx = RegexIR(limits: RegexIR.Limits(maxExpressions: limits.maxRegexExpressions))
        var loc = currentLocation
        var name = currentRule
        if case .terminal(let t) = e { name = ir[t].name; loc = ir[t].location ?? loc }
        let root = try regex(e, into: &rx, depth: 0, location: loc)
        if rx.overBudget {
            throw GrammarError("lexeme '\(name)' needs more than \(limits.maxRegexExpressions) regex expressions", at: loc)
        }
        let dfa = ByteDFA.forLexeme(rx, root: root)
        let l = Int32(lexemes.count)
        lexemes.append(.init(name: name, dfa: dfa, isNullable: rx.isNullable(root), isIgnored: ignored))
        lexemeByKey[key] = l
        return l
    }

    func regex(_ e: GrammarExpr, into rx: inout RegexIR, depth: Int, location: SourceLocation?) throws(GrammarError) -> RegexIR.Expr {
        if depth > 200 { throw GrammarError("terminal definitions nest too deeply (a cycle?)", at: location) }
        switch e {
        case .empty: return RegexIR.empty
        case .literal(let s, let ci):
            if !ci { return rx.literal(s) }
            var parts: [RegexIR.Expr] = []
            for u in s.unicodeScalars { parts.append(rx.chars(CodePointSet(ranges: caseVariants(u).map { $0...$0 }))) }
            return rx.concat(parts)
        case .characterClass(let c):
            return rx.chars(CodePointSet(ranges: c.ranges))
        case .regex(let p, let dialect):
            do {
                let ecma = dialect.syntax == .ecma ? p : try PythonRegexTranslation.toECMA(p, flags: dialect.flags)
                return try rx.add(ecma: ecma, mode: .fullMatch)
            } catch let err as RegexError {
                throw GrammarError("regex /\(p)/: \(err)", at: location)
            } catch let err as GrammarError {
                throw GrammarError("regex /\(p)/: \(err.message)", at: location)
            } catch {
                throw GrammarError("regex /\(p)/: \(error)", at: location)
            }
        case .terminal(let t):
            return try regex(ir[t].body, into: &rx, depth: depth + 1, location: ir[t].location ?? location)
        case .rule(let r):
            throw GrammarError("terminal refers to rule '\(ir[r].name)'", at: location)
        case .sequence(let items):
            var parts: [RegexIR.Expr] = []
            for i in items { parts.append(try regex(i, into: &rx, depth: depth + 1, location: location)) }
            return rx.concat(parts)
        case .choice(let items):
            var parts: [RegexIR.Expr] = []
            for i in items { parts.append(try regex(i, into: &rx, depth: depth + 1, location: location)) }
            return rx.or(parts)
        case .repeat(let item, let min, let max):
            let x = try regex(item, into: &rx, depth: depth + 1, location: location)
            return rx.repeat(x, min: min, max: max)
        }
    }

    func caseVariants(_ u: Unicode.Scalar) -> [UInt32] {
        var out: Set<UInt32> = [u.value]
        for s in [String(u).lowercased(), String(u).uppercased()] where s.unicodeScalars.count == 1 {
            out.insert(s.unicodeScalars.first!.value)
        }
        return out.sorted()
    }

    /// Drops unproductive productions, computes nullability, flattens.
    mutating func finish() throws(GrammarError) -> CompiledGrammar {
        var lexemeLive: [Bool] = []
        for i in lexemes.indices {
            // Given automata count as live, as their placeholders did (emptiness can cost a
            // determinization; an empty one only leaves dead alternatives).
            if directLexemes.contains(i) { lexemeLive.append(true); continue }
            do { lexemeLive.append(!(try lexemes[i].dfa.isEmptyLanguage())) } catch {
                throw GrammarError("lexeme '\(lexemes[i].name)': \(error)")
            }
        }
        let n = productions.count
        var productive = [Bool](repeating: false, count: n)
        var nullable = [Bool](repeating: false, count: n)
        func ok(_ s: Int32, _ table: [Bool]) -> Bool {
            s >= 0 ? table[Int(s)] : lexemeLive[Int(-2 - s)]
        }
        var changed = true
        while changed {
            changed = false
            for a in 0..<n where !productive[a] {
                if productions[a].contains(where: { $0.allSatisfy { ok($0, productive) } }) {
                    productive[a] = true; changed = true
                }
            }
        }
        guard productive[0] else {
            throw GrammarError("the grammar's language is empty: rule '\(ir[ir.start].name)' derives no string",
                               at: ir[ir.start].location)
        }
        for a in 0..<n { productions[a].removeAll { !$0.allSatisfy { ok($0, productive) } } }
        changed = true
        while changed {
            changed = false
            for a in 0..<n where !nullable[a] {
                if productions[a].contains(where: { $0.allSatisfy { s in s >= 0 ? nullable[Int(s)] : lexemes[Int(-2 - s)].isNullable } }) {
                    nullable[a] = true; changed = true
                }
            }
        }
        var symbols: [Int32] = [], lhsAt: [Int32] = [], offsets: [Int32] = [0], starts: [Int32] = []
        for a in 0..<n {
            for alt in productions[a] {
                starts.append(Int32(symbols.count))
                symbols.append(contentsOf: alt); symbols.append(CompiledGrammar.end)
                lhsAt.append(contentsOf: repeatElement(Int32(a), count: alt.count + 1))
            }
            offsets.append(Int32(starts.count))
        }
        return try CompiledGrammar(lexemes: lexemes, symbols: symbols, lhsAt: lhsAt, productionOffsets: offsets,
                               productionStarts: starts, nullable: nullable, nonterminalNames: names, startNonterminal: 0)
    }
}
