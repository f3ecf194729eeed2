/// A compiled ECMA-262 regex with a ready-made matcher: the convenient front of the engine.
///
/// Immutable and `Sendable`: the automaton is determinized up to `warmTransitions` transitions when
/// it is built, and each `matches` call works on a private copy that only allocates if it reaches a
/// state not built yet. Use `ByteDFA` directly for streaming or per-sequence state.
///
/// ```swift
/// let r = try ByteRegex(ecma: "^\\p{Lu}\\w*$", mode: .search)
/// try r.matches("Hello")   // true
/// try r.matches("hello")   // false
/// ```
public struct ByteRegex: Sendable {
    /// The pattern text.
    public let pattern: String
    /// The mode it was compiled in.
    public let mode: RegexMatchMode
    /// The automaton, determinized as far as it was at build time.
    public let dfa: ByteDFA

    /// Parses and compiles `pattern`, then computes up to `warmTransitions` transitions breadth
    /// first from the start state, so typical patterns are fully built once and shared.
    public init(ecma pattern: String, mode: RegexMatchMode = .search, limits: ByteDFA.Limits = ByteDFA.Limits(),
                warmTransitions: Int = 2_048) throws(RegexError) {
        self.pattern = pattern
        self.mode = mode
        var dfa = try ByteDFA(ecma: pattern, mode: mode, limits: limits)
        var budget = warmTransitions
        var s = 0
        outer: while s < dfa.stateCount {
            for cls in 0..<dfa.classCount where dfa.table[s << dfa.rowShift | cls] < 0 {
                if budget <= 0 { break outer }
                budget -= 1
                _ = try dfa.computeTransition(ByteDFA.State(s), cls)
            }
            s += 1
        }
        self.dfa = dfa
    }

    /// True if `bytes` is accepted (for `.search`: some substring matches).
    public func matches(_ bytes: some Sequence<UInt8>) throws(RegexError) -> Bool {
        var d = dfa
        return try d.matches(bytes)
    }

    /// True if the UTF-8 of `text` is accepted.
    public func matches(_ text: String) throws(RegexError) -> Bool {
        var d = dfa
        return try d.matches(text.utf8)
    }

    /// True if no text is accepted.
    public func isEmptyLanguage() throws(RegexError) -> Bool {
        var d = dfa
        return try d.isEmptyLanguage()
    }
}
