#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mask plans, and whole masks by parser signature, shared by every matcher of one
/// `CompiledGrammar`, per token trie: a plan built by one sequence is never built again by another
/// (XGrammar keeps its token mask cache in the compiled grammar for the same reason).
///
/// Only plans whose lexer state uses compile-time determinized lexemes
/// (`CompiledGrammar.lexemeIsComplete`) are shared: their `(lexeme, state)` keys mean the same in
/// every parser. Plans are immutable once stored; a matcher copies the ones it uses into its own
/// index (retaining their arrays), so the lock is taken only on a matcher's first sight of a
/// lexer state, never on its warm path.
///
/// ```swift
/// let g = try GrammarCompiler.compile(GBNF.parse(#"root ::= [a-z]+"#))
/// var a = try Matcher(grammar: g, vocabulary: vocab, trie: trie)
/// var b = try Matcher(grammar: g, vocabulary: vocab, trie: trie)
/// try a.fillMask(into: &mask)   // builds the plan
/// try b.fillMask(into: &mask)   // finds it: b.planBuilds == 0
/// ```
final class SharedMaskPlans: @unchecked Sendable {
    /// Plans stop being added past this many bytes per grammar (matchers then keep new plans
    /// privately, under their own budget).
    static let budgetBytes = 256 << 20

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // Guarded by `mutex`.
    private var plans: [TokenTrie.Fingerprint: [[UInt64]: MaskPlan]] = [:]
    private var bytes = 0
    private var classes: [Int: [[Int32]]] = [:]
    private var masks: [TokenTrie.Fingerprint: [ParserSignature: [UInt32]]] = [:]
    private var maskBytes = 0
    /// Whole masks stop being added past this many bytes per grammar.
    static let maskBudgetBytes = 256 << 20

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// The stored plan for lexer-state `key` on `trie`, if any.
    func plan(_ key: [UInt64], trie: TokenTrie.Fingerprint) -> MaskPlan? {
        locked { plans[trie]?[key] }
    }

    /// Stores `plan` unless one is already stored for its key (a concurrent builder won: that one
    /// is returned) or the budget is spent (`plan` is returned, not shared).
    func insert(_ plan: MaskPlan, trie: TokenTrie.Fingerprint) -> (plan: MaskPlan, shared: Bool) {
        locked {
            if let p = plans[trie]?[plan.key] { return (p, true) }
            guard bytes + plan.memoryFootprint <= Self.budgetBytes else { return (plan, false) }
            plans[trie, default: [:]][plan.key] = plan
            bytes += plan.memoryFootprint
            return (plan, true)
        }
    }

    /// Per lexeme, its automaton states' classes for tokens of at most `depth` bytes
    /// (`ByteDFA.boundedEquivalenceClasses`), computed once per depth; an empty array for a
    /// lexeme without classes (lazy automaton, or over the work budget): its states key plans
    /// themselves.
    func stateClasses(depth: Int, lexemes: [CompiledGrammar.Lexeme], complete: [Bool]) -> [[Int32]] {
        locked {
            if let c = classes[depth] { return c }
            let c = lexemes.indices.map { complete[$0] ? lexemes[$0].dfa.boundedEquivalenceClasses(depth: depth) ?? [] : [] }
            classes[depth] = c
            return c
        }
    }

    /// The stored mask (end-of-generation bits excluded) for parser signature `sig` on `trie`.
    /// Only for grammars whose lexemes are all complete (signatures then mean the same in every
    /// matcher).
    func mask(_ sig: ParserSignature, trie: TokenTrie.Fingerprint) -> [UInt32]? {
        locked { masks[trie]?[sig] }
    }

    /// Stores `words` as the mask of `sig` unless present or over `maskBudgetBytes`.
    func insertMask(_ sig: ParserSignature, _ words: ArraySlice<UInt32>, trie: TokenTrie.Fingerprint) {
        locked {
            guard masks[trie]?[sig] == nil, maskBytes + words.count * 4 <= Self.maskBudgetBytes else { return }
            masks[trie, default: [:]][sig] = Array(words)
            maskBytes += words.count * 4 + 32
        }
    }

    /// Number of stored plans, over all tries.
    var count: Int { locked { plans.values.reduce(0) { $0 + $1.count } } }

    /// Bytes held by the stored plans and masks.
    var memoryFootprint: Int { locked { bytes + maskBytes } }
}
