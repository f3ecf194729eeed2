/// What a successful evaluation marked as evaluated, for `unevaluatedProperties` and
/// `unevaluatedItems` (JSON Schema Core 2020-12 §11): property names, a prefix of items, single
/// items (from `contains`), or everything.
struct Annotations {
    var properties: Set<ExactKey> = []
    var allProperties = false
    var itemPrefix = 0
    var allItems = false
    var items: Set<Int> = []

    mutating func merge(_ other: Annotations) {
        if other.allProperties { allProperties = true } else if !allProperties { properties.formUnion(other.properties) }
        if other.allItems { allItems = true } else if !allItems {
            itemPrefix = max(itemPrefix, other.itemPrefix)
            items.formUnion(other.items)
        }
    }

    func hasProperty(_ name: String) -> Bool { allProperties || properties.contains(ExactKey(name)) }
    func hasItem(_ index: Int) -> Bool { allItems || index < itemPrefix || items.contains(index) }
}
