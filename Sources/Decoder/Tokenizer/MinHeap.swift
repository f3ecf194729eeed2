/// A binary min-heap over a reusable array: the merge queues of both BPE algorithms.
///
/// ```swift
/// var heap = MinHeap<UInt64>()
/// heap.push(3); heap.push(1)
/// heap.pop()   // 1
/// ```
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    /// Empties the heap, keeping its storage for the next word.
    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ v: Element) {
        items.append(v)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent] <= v { break }
            items[i] = items[parent]
            i = parent
        }
        items[i] = v
    }

    /// The smallest element, removed; nil when empty.
    mutating func pop() -> Element? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        var i = 0
        let n = items.count
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n && items[child + 1] < items[child] { child += 1 }
            if last <= items[child] { break }
            items[i] = items[child]
            i = child
        }
        items[i] = last
        return top
    }
}
