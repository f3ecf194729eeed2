extension EarleyParser {
    /// Whether `push(byte)` would succeed, without building the row (the state is unchanged).
    ///
    /// A new row is viable exactly when some lexeme in progress survives the byte: a completion
    /// needs an accepting (so live) automaton state, and lexemes start, and items appear, only
    /// after a completion; so the row is viable iff the surviving lexemes are not none. The mask
    /// walk uses it for trie leaves, where the row itself is never needed (a push costs a
    /// completion and prediction closure, here a few automaton lookups).
    ///
    /// ```swift
    /// var p = try EarleyParser(try GrammarCompiler.compile(GBNF.parse(#"root ::= "ab""#)))
    /// try p.canPush(UInt8(ascii: "a"))   // true
    /// try p.canPush(UInt8(ascii: "b"))   // false
    /// ```
    mutating func canPush(_ byte: UInt8) throws(GrammarError) -> Bool {
        let k = byteCount
        for i in activeStart[k]..<activeStart[k + 1]
        where try stepLexeme(actives[i].lexeme, actives[i].state, byte) != ByteDFA.deadState {
            return true
        }
        return false
    }
}
