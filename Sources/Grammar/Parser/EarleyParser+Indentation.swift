/// The indentation post-lexer inside the Earley parser (`IndentationPostLexer` says what it
/// enforces): the per-sequence state and the hooks `push`, `finishRow` and `signature` call when
/// the grammar has one.
///
/// Lark's indenter keeps one stack and one bracket level per token stream; here different splits
/// of the text are different streams, so the state lives in the Earley items. An item's high 12
/// bits name an interned `IndentationAttribute`:
/// - `width`: the innermost open block's width at the item's dot. Predictions inherit it; an
///   `indent` sets it to the pending newline's width; a completed production passes it back up
///   only to parents of the same width, or, for a production that opened a block, of a smaller
///   one (its `indent` required that).
/// - `depth`: open brackets at the dot, inherited; brackets balance within a production
///   (checked by `attach`), so a completion matches parents of equal depth.
/// - `pending`: right after a newline token (outside brackets), its width; cleared by the next
///   token. `indent` needs `pending > width`, `dedent` needs `pending < width`, and any other
///   token needs `pending == width` (then the stack's top is the newline's width; a width not on
///   the stack leaves no item able to go on: Lark's DedentError).
/// - `restriction`: also right after a newline token, which bytes would have continued it; the
///   next lexeme starts as a variant that cannot begin with one (the newline was maximal).
///   Ignored lexemes (comments, line continuations) keep `pending` and clear `restriction`.
///
/// Inside brackets the newline lexeme is ignored (started wherever an item has `depth > 0`; its
/// completion re-adds those items). At the end of the text every open block closes: `accepting`
/// follows `dedent`s for free (`acceptsAtEnd`). Items unable to take any token
/// (`pending ≠ width`) start no lexeme, so a lexeme in progress still means a viable prefix
/// (what `push` and the mask plans rely on).
struct IndentationAttribute: Hashable {
    var width: Int32
    var depth: Int32
    var pending: Int32
    var restriction: Int32

    static let initial = IndentationAttribute(width: 0, depth: 0, pending: -1, restriction: -1)

    /// May take a token (other than `indent` / `dedent`).
    @inline(__always) var isLive: Bool { pending < 0 || pending == width }
}

/// Per-sequence state of the indentation post-lexer (copied with the parser on fork; per-row
/// arrays shrink on `pop`; interned attributes only grow, within `maxAttributes`).
struct IndentationState {
    let post: IndentationPostLexer
    var attributes: [IndentationAttribute] = [.initial]
    var attributeIDs: [IndentationAttribute: UInt64] = [.initial: 0]
    /// Content hash per attribute id (ids differ between parsers; signatures must not).
    var attributeHash: [UInt64] = [0]
    /// Per row: `spaces + tabLength × tabs` since the last `\n` (Lark's width of a newline token
    /// ending there), and the row just after the last `\n` (-1: none yet).
    var lineWidth: [Int32] = [0]
    var lastNewline: [Int32] = [-1]
    var endSeen = StampedSet()
    var endStack: [UInt64] = []

    static let shift: UInt64 = 52
    static let dotMask: UInt64 = (1 << 20) - 1
    static let attributeMask: UInt64 = 0xFFF0_0000_0000_0000

    init(_ post: IndentationPostLexer) { self.post = post }

    @inline(__always)
    func attribute(_ item: UInt64) -> IndentationAttribute { attributes[Int(item >> Self.shift)] }

    /// `item` with attribute `a` (interned; over `maxAttributes` is an error).
    @inline(__always)
    mutating func with(_ item: UInt64, _ a: IndentationAttribute) throws(GrammarError) -> UInt64 {
        if let id = attributeIDs[a] { return item & ~Self.attributeMask | id << Self.shift }
        guard attributes.count < IndentationPostLexer.maxAttributes else {
            throw GrammarError("indentation: more than \(IndentationPostLexer.maxAttributes) distinct indentation states (block widths, bracket depths) in one text")
        }
        let id = UInt64(attributes.count)
        attributes.append(a)
        attributeIDs[a] = id
        attributeHash.append(signatureMix(signatureMix(UInt64(UInt32(bitPattern: a.width)) << 32 | UInt64(UInt32(bitPattern: a.depth)))
                                          ^ (UInt64(UInt32(bitPattern: a.pending)) << 32 | UInt64(UInt32(bitPattern: a.restriction)))))
        return item & ~Self.attributeMask | id << Self.shift
    }

    /// Records the row reached by reading `byte`.
    mutating func pushRow(_ byte: UInt8) {
        let k = lineWidth.count - 1
        if byte == 0x0A {
            lineWidth.append(0)
            lastNewline.append(Int32(k + 1))
        } else {
            let w = lineWidth[k]
            lineWidth.append(byte == 0x20 ? w &+ 1 : byte == 0x09 ? w &+ post.tabLength : w)
            lastNewline.append(lastNewline[k])
        }
    }

    mutating func popRows(_ n: Int) {
        lineWidth.removeLast(n)
        lastNewline.removeLast(n)
    }
}

extension EarleyParser {
    /// `push`'s completions (lexeme, origin, state) when the grammar has a post-lexer.
    mutating func completeWithIndentation(row m: Int) throws(GrammarError) {
        let post = indentation!.post
        for (x, o, s) in completions {
            let base = post.base[Int(x)]
            let from = itemStart[Int(o)], to = itemStart[Int(o) + 1]
            if lexemeIsIgnored[Int(base)] {
                for j in from..<to {
                    let it = items[j]
                    let a = indentation!.attribute(it)
                    guard a.isLive, post.variant(base, a.restriction) == x else { continue }
                    if a.restriction < 0 { addItem(it); continue }
                    var b = a
                    b.restriction = -1
                    addItem(try indentation!.with(it, b))
                }
            } else if base == post.newline {
                let hasNewline = indentation!.lastNewline[m] > o
                let width = indentation!.lineWidth[m]
                let sym = CompiledGrammar.lexemeSymbol(base)
                let restriction = post.restrictionAfter[x]![Int(s)]
                for j in from..<to {
                    let it = items[j]
                    let a = indentation!.attribute(it)
                    if a.depth > 0 {
                        // Inside brackets Lark drops newline tokens: ignored here.
                        if x == base { addItem(it) }
                        continue
                    }
                    guard hasNewline, symbols[Int((it >> 32) & dotMask)] == sym, a.isLive,
                          post.variant(base, a.restriction) == x else { continue }
                    let b = IndentationAttribute(width: a.width, depth: 0, pending: width, restriction: restriction)
                    addItem(try indentation!.with(it + (1 << 32), b))
                }
            } else {
                let sym = CompiledGrammar.lexemeSymbol(base)
                let delta = Int32(post.bracketDelta[Int(base)])
                for j in from..<to {
                    let it = items[j]
                    guard symbols[Int((it >> 32) & dotMask)] == sym else { continue }
                    let a = indentation!.attribute(it)
                    guard a.isLive, post.variant(base, a.restriction) == x, a.depth + delta >= 0 else { continue }
                    guard a.depth + delta <= IndentationPostLexer.maxBracketDepth else {
                        throw GrammarError("indentation: brackets nested deeper than \(IndentationPostLexer.maxBracketDepth) at byte \(m)")
                    }
                    let b = IndentationAttribute(width: a.width, depth: a.depth + delta, pending: -1, restriction: -1)
                    addItem(try indentation!.with(it + (1 << 32), b))
                }
            }
        }
    }

    /// `finishRow`'s completion of item `it` (at the end of its production) under a post-lexer:
    /// every parent advanced over it is added to the row, or, `atEnd`, to the end-of-text closure.
    mutating func completeWithIndentation(_ it: UInt64, dot: Int, origin: Int, atEnd: Bool = false) throws(GrammarError) {
        let c = indentation!.attribute(it)
        let lhs = lhsAt[dot]
        let opens = indentation!.post.opensBlock[dot]
        for j in itemStart[origin]..<itemStart[origin + 1] {
            let w = items[j]
            guard symbols[Int((w >> 32) & dotMask)] == lhs else { continue }
            let p = indentation!.attribute(w)
            guard p.depth == c.depth, opens ? p.width < c.width : p.width == c.width else { continue }
            let b = IndentationAttribute(width: p.width, depth: p.depth, pending: c.pending, restriction: c.restriction)
            let q = try indentation!.with(w + (1 << 32), b)
            if !atEnd {
                addItem(q)
            } else if indentation!.endSeen.insert(q) {
                indentation!.endStack.append(q)
            }
        }
    }

    /// `finishRow`'s handling of item `it` expecting lexeme `l` under a post-lexer: `indent` and
    /// `dedent` are decided here (zero width); other lexemes start, as the variant the item's
    /// restriction calls for, when the item may take a token.
    mutating func expectWithIndentation(_ it: UInt64, lexeme l: Int32, row: Int) throws(GrammarError) {
        let a = indentation!.attribute(it)
        let post = indentation!.post
        if l == post.indent {
            if a.pending >= 0 && a.pending > a.width {
                var b = a
                b.width = a.pending
                addItem(try indentation!.with(it + (1 << 32), b))
            }
            return
        }
        if l == post.dedent {
            if a.pending >= 0 && a.pending < a.width { addItem(it + (1 << 32)) }
            return
        }
        guard a.isLive else { return }
        let x = post.variant(l, a.restriction)
        if x >= 0 && startedStamp[Int(x)] != rowStamp {
            startedStamp[Int(x)] = rowStamp
            try startLexeme(x, row: row)
        }
        if lexemeIsNullable[Int(l)] { addItem(it + (1 << 32)) }
    }

    /// Starts the ignored lexemes (as the variants the row's items call for) and, where an item
    /// is inside brackets, the newline lexeme (dropped there).
    mutating func startIgnoredWithIndentation(row: Int, itemsFrom: Int) throws(GrammarError) {
        var classes: UInt32 = 0
        var deep = false
        for j in itemsFrom..<items.count {
            let a = indentation!.attribute(items[j])
            if a.depth > 0 { deep = true }
            if a.isLive { classes |= 1 << UInt32(a.restriction + 1) }
        }
        let post = indentation!.post
        while classes != 0 {
            let c = Int32(classes.trailingZeroBitCount) - 1
            classes &= classes - 1
            for l in ignoredLexemes {
                let x = post.variant(l, c)
                if x >= 0 && startedStamp[Int(x)] != rowStamp {
                    startedStamp[Int(x)] = rowStamp
                    try startLexeme(x, row: row)
                }
            }
        }
        if deep && startedStamp[Int(post.newline)] != rowStamp {
            startedStamp[Int(post.newline)] = rowStamp
            try startLexeme(post.newline, row: row)
        }
    }

    /// Whether the text may end at `row`: the end closes every open block (Lark emits a `dedent`
    /// per level left), so `dedent`s are followed for free from the items that may take the end.
    mutating func acceptsAtEnd(row: Int, itemsFrom: Int) throws(GrammarError) -> Bool {
        let dedent = CompiledGrammar.lexemeSymbol(indentation!.post.dedent)
        indentation!.endSeen.clear()
        indentation!.endStack.removeAll(keepingCapacity: true)
        for j in itemsFrom..<items.count {
            let it = items[j]
            guard indentation!.attribute(it).isLive else { continue }
            let dot = Int((it >> 32) & dotMask)
            if dot == 1 && it & 0xFFFF_FFFF == 0 { return true }
            if symbols[dot] == dedent && indentation!.endSeen.insert(it + (1 << 32)) {
                indentation!.endStack.append(it + (1 << 32))
            }
        }
        while let e = indentation!.endStack.popLast() {
            let dot = Int((e >> 32) & dotMask)
            let origin = Int(e & 0xFFFF_FFFF)
            let sym = symbols[dot]
            if sym == dedent {
                if indentation!.endSeen.insert(e + (1 << 32)) { indentation!.endStack.append(e + (1 << 32)) }
            } else if sym == CompiledGrammar.end {
                if dot == 1 && origin == 0 { return true }
                if origin == row { continue }
                try completeWithIndentation(e, dot: dot, origin: origin, atEnd: true)
            }
        }
        return false
    }

    /// An item's dot for the signature, with its attribute's content hash (ids differ between
    /// parsers; masks are shared between them by signature).
    @inline(__always)
    func signatureDot(_ it: UInt64) -> UInt64 {
        guard indentation != nil else { return it >> 32 }
        return ((it >> 32) & IndentationState.dotMask) ^ (indentation!.attributeHash[Int(it >> IndentationState.shift)] << 20)
    }

    /// The post-lexer's share of row `k`'s signature: for each newline lexeme in progress that
    /// has read a `\n`, the current line's width (its width if it ended later on this line).
    func indentationSignature(row k: Int, _ s: inout SignatureScratch) -> (UInt64, UInt64) {
        guard let state = indentation else { return (0, 0) }
        var a: UInt64 = 0, b: UInt64 = 0
        for i in activeStart[k]..<activeStart[k + 1] {
            let x = actives[i]
            guard state.post.base[Int(x.lexeme)] == state.post.newline else { continue }
            let o = Int(x.origin)
            let seen = state.lastNewline[k] > o
            let (oa, ob) = o == k ? (UInt64(0x5E1F), UInt64(0x5E1F)) : (s.sigA[o], s.sigB[o])
            let v = UInt64(UInt32(bitPattern: seen ? state.lineWidth[k] + 1 : 0)) << 32 | UInt64(UInt32(bitPattern: x.state))
            a &+= signatureMix(signatureMix(v ^ 0x1D1D) ^ oa ^ UInt64(UInt32(bitPattern: x.lexeme)))
            b &+= signatureMix(signatureMix(v &+ 0x2E2E_0000) &+ ob &* 7)
        }
        return (a, b)
    }
}
