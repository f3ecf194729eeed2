/// Whole-grammar checks every front-end runs: reachability, productivity, an empty language.
extension GrammarIR {
    /// Rules reachable from the start rule (through rules, and terminals' bodies never name rules).
    public var reachableRules: Set<RuleID> {
        var seen: Set<RuleID> = [start]
        var work = [start]
        while let r = work.popLast() {
            self[r].body.forEachRuleReference { ref in
                if seen.insert(ref).inserted { work.append(ref) }
            }
        }
        return seen
    }

    /// Rules that derive at least one finite string (a least fixed point, Hopcroft & Ullman §4.4).
    public var productiveRules: Set<RuleID> {
        var productive = Set<RuleID>()
        var changed = true
        while changed {
            changed = false
            for i in rules.indices {
                let id = RuleID(Int32(i))
                if !productive.contains(id), isProductive(rules[i].body, given: productive) {
                    productive.insert(id)
                    changed = true
                }
            }
        }
        return productive
    }

    private func isProductive(_ e: GrammarExpr, given productive: Set<RuleID>) -> Bool {
        switch e {
        case .empty, .literal, .regex, .terminal: return true
        case .characterClass(let c): return !c.isEmpty
        case .rule(let r): return productive.contains(r)
        case .sequence(let items): return items.allSatisfy { isProductive($0, given: productive) }
        case .choice(let items): return items.contains { isProductive($0, given: productive) }
        case .repeat(let item, let min, _): return min == 0 || isProductive(item, given: productive)
        }
    }

    /// Names of rules the start rule never reaches: reported to the author, harmless to matching.
    public var unusedRuleNames: [String] {
        let reachable = reachableRules
        return rules.indices.filter { !reachable.contains(RuleID(Int32($0))) }.map { rules[$0].name }
    }

    /// Throws when the start rule derives no string at all (every alternative needs an unproductive rule).
    public func checkNonEmptyLanguage() throws(GrammarError) {
        guard productiveRules.contains(start) else {
            throw GrammarError("the grammar's language is empty: rule '\(self[start].name)' derives no finite string",
                               at: self[start].location)
        }
    }
}

extension GrammarExpr {
    /// Calls `body` for every rule this expression names directly.
    public func forEachRuleReference(_ body: (RuleID) -> Void) {
        switch self {
        case .rule(let r): body(r)
        case .sequence(let items), .choice(let items): for i in items { i.forEachRuleReference(body) }
        case .repeat(let item, _, _): item.forEachRuleReference(body)
        case .empty, .literal, .characterClass, .regex, .terminal: break
        }
    }
}
