extension ByteDFA {
    /// Bytes held by the lazily built part of the automaton (transition table and per-state data;
    /// the regex expressions it shares with the compiled grammar are not counted).
    var memoryFootprint: Int {
        table.capacity * 4 + accepting.capacity + stateExpr.capacity * MemoryLayout<RegexIR.Expr>.stride
            + stateContext.capacity + liveness.capacity + stateIndex.capacity * 12
    }
}
