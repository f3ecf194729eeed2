/// The mutable state of one validation: the dynamic scope (for `$dynamicRef` / `$recursiveRef`),
/// the instance path, the errors found. The compiled schema stays untouched.
struct ValidationRun {
    let schema: CompiledSchema
    var recordErrors: Bool
    var errors: [InstanceError] = []
    /// Schema resources entered, outermost first (JSON Schema Core 2020-12 §7.1 dynamic scope).
    var scope: [Int] = []
    /// Path of the instance being checked, as unescaped tokens.
    var path: [String] = []
    var depth = 0
    /// The thread's stack left for recursion, checked every level.
    let stack = StackBudget()

    init(schema: CompiledSchema, recordErrors: Bool) {
        self.schema = schema
        self.recordErrors = recordErrors
    }

    private var instanceLocation: String { path.map { "/" + JSONPointer.escape($0) }.joined() }

    private mutating func fail(_ node: Int, _ keyword: String, _ message: @autoclosure () -> String) {
        guard recordErrors else { return }
        errors.append(InstanceError(instanceLocation: instanceLocation,
                                      keywordLocation: schema.nodes[node].location + "/" + JSONPointer.escape(keyword),
                                      message: message()))
    }

    /// Evaluates `node` against `instance`. When `annotations` is non-nil the evaluated properties
    /// and items are added to it (only if the result is valid).
    mutating func evaluate(_ node: Int, _ instance: JSONValue, _ annotations: inout Annotations?) -> Bool {
        let n = schema.nodes[node]
        if n.alwaysFails {
            fail(node, "", "no value is valid here (false schema)")
            return false
        }
        if n.keywords.isEmpty { return true }
        depth += 1
        defer { depth -= 1 }
        let limit = schema.options.maxEvaluationDepth
        if depth > limit {
            fail(node, "", "evaluation deeper than \(limit) levels (ValidatorOptions.maxEvaluationDepth)")
            return false
        }
        if !stack.hasRoom() {
            let level = depth
            fail(node, "", "instance nested too deeply for this thread's stack (at evaluation depth \(level)); validate on a thread with a larger stack")
            return false
        }
        let entered = scope.last != n.resource
        if entered { scope.append(n.resource) }
        defer { if entered { scope.removeLast() } }

        var local: Annotations? = (annotations != nil || n.hasUnevaluated) ? Annotations() : nil
        var valid = true
        for (name, check) in n.keywords {
            if !evaluate(check, name, node, instance, &local) {
                valid = false
                if !recordErrors { return false }
            }
        }
        if valid, let local, annotations != nil { annotations!.merge(local) }
        return valid
    }

    /// A subschema applied to a child of the instance (annotations stay with that child).
    private mutating func evaluateChild(_ node: Int, _ value: JSONValue, _ token: String) -> Bool {
        path.append(token)
        defer { path.removeLast() }
        var none: Annotations?
        return evaluate(node, value, &none)
    }

    /// A subschema whose own failure is not an error of the whole (anyOf branches, not, if, contains).
    private mutating func probe(_ node: Int, _ value: JSONValue, _ annotations: inout Annotations?) -> Bool {
        let saved = recordErrors
        recordErrors = false
        defer { recordErrors = saved }
        return evaluate(node, value, &annotations)
    }

    private mutating func evaluate(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        switch check {
        case .contains: return checkContains(check, name, node, instance, &ann)
        case .dependentSchemas: return checkDependentSchemas(check, name, node, instance, &ann)
        case .propertyNames: return checkPropertyNames(check, name, node, instance, &ann)
        case .properties: return checkProperties(check, name, node, instance, &ann)
        case .items: return checkItems(check, name, node, instance, &ann)
        case .ref: return checkRef(check, name, node, instance, &ann)
        case .dynamicRef: return checkDynamicRef(check, name, node, instance, &ann)
        case .recursiveRef: return checkRecursiveRef(check, name, node, instance, &ann)
        case .allOf: return checkAllOf(check, name, node, instance, &ann)
        case .anyOf: return checkAnyOf(check, name, node, instance, &ann)
        case .oneOf: return checkOneOf(check, name, node, instance, &ann)
        case .not: return checkNot(check, name, node, instance, &ann)
        case .conditional: return checkConditional(check, name, node, instance, &ann)
        case .unevaluatedProperties: return checkUnevaluatedProperties(check, name, node, instance, &ann)
        case .unevaluatedItems: return checkUnevaluatedItems(check, name, node, instance, &ann)
        default: return checkAssertion(check, name, node, instance)
        }
    }

    // MARK: Keywords (applicators one function each: small frames on the recursion path)

    /// The keywords that only test the instance itself (no subschemas): a leaf call, so its large
    /// frame is never on the recursion path.
    private mutating func checkAssertion(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue) -> Bool {
        switch check {
        case .type(let types, let draft4Integers):
            if Self.matches(types, instance, draft4Integers: draft4Integers) { return true }
            fail(node, name, "\(Self.brief(instance)) is not of type \(types.names.joined(separator: " or "))")
            return false

        case .enumeration(let values, let set):
            if let set { if set.contains(instance) { return true } } else if values.contains(instance) { return true }
            fail(node, name, "\(Self.brief(instance)) is not one of the \(values.count) allowed values")
            return false

        case .const(let value):
            if instance == value { return true }
            fail(node, name, "\(Self.brief(instance)) is not the constant \(Self.brief(value))")
            return false

        case .multipleOf(let m):
            guard case .number(let x) = instance else { return true }
            if NumberMath.isMultiple(x, of: m) { return true }
            fail(node, name, "\(x.text) is not a multiple of \(m.text)")
            return false

        case .maximum(let m, let exclusive):
            guard case .number(let x) = instance else { return true }
            if exclusive ? x < m : !(m < x) { return true }
            fail(node, name, "\(x.text) is greater than \(exclusive ? "or equal to " : "")\(m.text)")
            return false

        case .minimum(let m, let exclusive):
            guard case .number(let x) = instance else { return true }
            if exclusive ? m < x : !(x < m) { return true }
            fail(node, name, "\(x.text) is less than \(exclusive ? "or equal to " : "")\(m.text)")
            return false

        case .maxLength(let limit):
            guard case .string(let s) = instance else { return true }
            if Self.length(s, atMost: limit) { return true }
            fail(node, name, "string is longer than \(limit) characters")
            return false

        case .minLength(let limit):
            guard case .string(let s) = instance else { return true }
            if limit == 0 || !Self.length(s, atMost: limit - 1) { return true }
            fail(node, name, "string is shorter than \(limit) characters")
            return false

        case .pattern(let regex):
            guard case .string(let s) = instance else { return true }
            if regex.search(s) { return true }
            fail(node, name, "\(Self.brief(instance)) does not match the pattern \(regex.source)")
            return false

        case .format(let format, let check):
            guard case .string(let s) = instance else { return true }
            if check(s) { return true }
            fail(node, name, "\(Self.brief(instance)) is not a valid \(format)")
            return false

        case .maxItems(let limit):
            guard case .array(let a) = instance else { return true }
            if a.count <= limit { return true }
            fail(node, name, "array has \(a.count) items, more than \(limit)")
            return false

        case .minItems(let limit):
            guard case .array(let a) = instance else { return true }
            if a.count >= limit { return true }
            fail(node, name, "array has \(a.count) items, fewer than \(limit)")
            return false

        case .uniqueItems:
            guard case .array(let a) = instance else { return true }
            var seen = Set<JSONValue>()
            for (k, item) in a.enumerated() where !seen.insert(item).inserted {
                fail(node, name, "item \(k) repeats an earlier item")
                return false
            }
            return true

        case .maxProperties(let limit):
            guard case .object(let o) = instance else { return true }
            let count = o.hasDuplicateKeys ? o.keys.count : o.count
            if count <= limit { return true }
            fail(node, name, "object has \(count) properties, more than \(limit)")
            return false

        case .minProperties(let limit):
            guard case .object(let o) = instance else { return true }
            let count = o.hasDuplicateKeys ? o.keys.count : o.count
            if count >= limit { return true }
            fail(node, name, "object has \(count) properties, fewer than \(limit)")
            return false

        case .required(let names):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for key in names where o[key] == nil {
                fail(node, name, "required property \"\(key)\" is missing")
                valid = false
                if !recordErrors { return false }
            }
            return valid

        case .dependentRequired(let pairs):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for (trigger, needed) in pairs where o[trigger] != nil {
                for key in needed where o[key] == nil {
                    fail(node, name, "property \"\(key)\" is required when \"\(trigger)\" is present")
                    valid = false
                    if !recordErrors { return false }
                }
            }
            return valid
        default:
            return true
        }
    }


    private mutating func checkContains(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .contains(let sub, let minimum, let maximum, let annotates) = check else { return true }
        guard case .array(let a) = instance else { return true }
        var matched = 0
        var found: [Int] = []
        for (k, item) in a.enumerated() {
            path.append(String(k))
            var none: Annotations?
            let ok = probe(sub, item, &none)
            path.removeLast()
            if ok {
                matched += 1
                if annotates { found.append(k) }
                // Without max or annotations to collect, enough is enough.
                if maximum == nil && ann == nil && matched >= minimum { break }
            }
        }
        if matched < minimum {
            fail(node, name, minimum == 1 ? "no item matches the contains schema" : "only \(matched) items match the contains schema, fewer than \(minimum)")
            return false
        }
        if let maximum, matched > maximum {
            fail(node, "maxContains", "\(matched) items match the contains schema, more than \(maximum)")
            return false
        }
        if ann != nil && annotates {
            if found.count == a.count { ann!.allItems = true } else { ann!.items.formUnion(found) }
        }
        return true
    }

    private mutating func checkDependentSchemas(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .dependentSchemas(let pairs) = check else { return true }
        guard case .object(let o) = instance else { return true }
        var valid = true
        for (trigger, sub) in pairs where o[trigger] != nil {
            if !evaluate(sub, instance, &ann) {
                valid = false
                if !recordErrors { return false }
            }
        }
        return valid
    }

    private mutating func checkPropertyNames(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .propertyNames(let sub) = check else { return true }
        guard case .object(let o) = instance else { return true }
        for key in o.keys {
            var none: Annotations?
            path.append(key)
            let ok = probe(sub, .string(key), &none)
            path.removeLast()
            if !ok {
                fail(node, name, "property name \"\(key)\" is invalid")
                return false
            }
        }
        return true
    }

    private mutating func checkProperties(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .properties(let named, let patterns, let additional) = check else { return true }
        guard case .object(let o) = instance else { return true }
        var valid = true
        var evaluated: [String] = []
        for m in o.uniqueMembers {
            var matched = false
            if let sub = named[ExactKey(m.key)] {
                matched = true
                if !evaluateChild(sub, m.value, m.key) {
                    valid = false
                    if !recordErrors { return false }
                }
            }
            for (regex, sub) in patterns where regex.search(m.key) {
                matched = true
                if !evaluateChild(sub, m.value, m.key) {
                    valid = false
                    if !recordErrors { return false }
                }
            }
            if !matched, let additional {
                matched = true
                if !evaluateChild(additional, m.value, m.key) {
                    if schema.nodes[additional].alwaysFails && recordErrors {
                        _ = errors.popLast()
                        path.append(m.key)
                        fail(node, name, "property \"\(m.key)\" is not allowed")
                        path.removeLast()
                    }
                    valid = false
                    if !recordErrors { return false }
                }
            }
            if matched && ann != nil { evaluated.append(m.key) }
        }
        if valid, ann != nil {
            if additional != nil { ann!.allProperties = true } else { ann!.properties.formUnion(evaluated.lazy.map(ExactKey.init)) }
        }
        return valid
    }

    private mutating func checkItems(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .items(let prefix, let rest) = check else { return true }
        guard case .array(let a) = instance else { return true }
        var valid = true
        for (k, item) in a.enumerated() {
            let sub: Int
            if k < prefix.count { sub = prefix[k] } else if let rest { sub = rest } else { break }
            if !evaluateChild(sub, item, String(k)) {
                valid = false
                if !recordErrors { return false }
            }
        }
        if valid, ann != nil {
            if rest != nil { ann!.allItems = true } else { ann!.itemPrefix = max(ann!.itemPrefix, min(prefix.count, a.count)) }
        }
        return valid
    }

    private mutating func checkRef(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .ref(let target) = check else { return true }
        return evaluate(target, instance, &ann)
    }

    private mutating func checkDynamicRef(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .dynamicRef(let target, let anchor) = check else { return true }
        var resolved = target
        if let anchor {
            // The outermost resource in the dynamic scope with this dynamic anchor wins.
            for r in scope {
                if let n = schema.resources[r].dynamicAnchors[anchor] { resolved = n; break }
            }
        }
        return evaluate(resolved, instance, &ann)
    }

    private mutating func checkRecursiveRef(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .recursiveRef(let target) = check else { return true }
        var resolved = target
        if schema.resources[schema.nodes[target].resource].recursiveAnchor {
            // 2019-09 §8.2.4.2: follow $recursiveAnchor: true outward through the dynamic scope.
            for r in scope.reversed() {
                guard schema.resources[r].recursiveAnchor, let root = schema.resources[r].rootNode else { break }
                resolved = root
            }
        }
        return evaluate(resolved, instance, &ann)
    }

    private mutating func checkAllOf(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .allOf(let subs) = check else { return true }
        var valid = true
        for sub in subs where !evaluate(sub, instance, &ann) {
            valid = false
            if !recordErrors { return false }
        }
        return valid
    }

    private mutating func checkAnyOf(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .anyOf(let subs) = check else { return true }
        var any = false
        for sub in subs where probe(sub, instance, &ann) {
            any = true
            if ann == nil { break }  // annotations need every passing branch
        }
        if !any { fail(node, name, "\(Self.brief(instance)) matches none of the \(subs.count) anyOf schemas") }
        return any
    }

    private mutating func checkOneOf(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .oneOf(let subs) = check else { return true }
        var passing: [Int] = []
        var collected = Annotations()
        for (k, sub) in subs.enumerated() {
            var branch: Annotations? = ann != nil ? Annotations() : nil
            if probe(sub, instance, &branch) {
                passing.append(k)
                if let branch { collected.merge(branch) }
                if passing.count > 1 { break }
            }
        }
        if passing.count == 1 {
            if ann != nil { ann!.merge(collected) }
            return true
        }
        fail(node, name, passing.isEmpty ? "\(Self.brief(instance)) matches none of the \(subs.count) oneOf schemas"
             : "\(Self.brief(instance)) matches more than one oneOf schema (\(passing.map(String.init).joined(separator: ", ")))")
        return false
    }

    private mutating func checkNot(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .not(let sub) = check else { return true }
        var none: Annotations?
        if !probe(sub, instance, &none) { return true }
        fail(node, name, "\(Self.brief(instance)) must not match the 'not' schema")
        return false
    }

    private mutating func checkConditional(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .conditional(let condition, let then, let otherwise) = check else { return true }
        var branch: Annotations? = ann != nil ? Annotations() : nil
        if probe(condition, instance, &branch) {
            if let branch, ann != nil { ann!.merge(branch) }
            guard let then else { return true }
            return evaluate(then, instance, &ann)
        }
        guard let otherwise else { return true }
        return evaluate(otherwise, instance, &ann)
    }

    private mutating func checkUnevaluatedProperties(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .unevaluatedProperties(let sub) = check else { return true }
        guard case .object(let o) = instance else { return true }
        var valid = true
        let seen = ann ?? Annotations()
        for m in o.uniqueMembers where !seen.hasProperty(m.key) {
            if !evaluateChild(sub, m.value, m.key) {
                valid = false
                if !recordErrors { return false }
            }
        }
        if valid, ann != nil { ann!.allProperties = true }
        return valid
    }

    private mutating func checkUnevaluatedItems(_ check: Keyword, _ name: String, _ node: Int, _ instance: JSONValue,
                                   _ ann: inout Annotations?) -> Bool {
        guard case .unevaluatedItems(let sub) = check else { return true }
        guard case .array(let a) = instance else { return true }
        var valid = true
        let seen = ann ?? Annotations()
        for (k, item) in a.enumerated() where !seen.hasItem(k) {
            if !evaluateChild(sub, item, String(k)) {
                valid = false
                if !recordErrors { return false }
            }
        }
        if valid, ann != nil { ann!.allItems = true }
        return valid
    }

    // MARK: Helpers

    static func matches(_ types: TypeSet, _ instance: JSONValue, draft4Integers: Bool) -> Bool {
        switch instance {
        case .null: return types.contains(.null)
        case .bool: return types.contains(.boolean)
        case .string: return types.contains(.string)
        case .array: return types.contains(.array)
        case .object: return types.contains(.object)
        case .number(let n):
            if types.contains(.number) { return true }
            guard types.contains(.integer) else { return false }
            // Draft 4 (and Python's json) counts 1.0 as a float, not an integer.
            if draft4Integers { return !n.text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) }
            return n.isInteger
        }
    }

    /// True when `s` has at most `limit` Unicode scalars (without counting all of a long string).
    static func length(_ s: String, atMost limit: Int) -> Bool {
        if s.utf8.count <= limit { return true }
        var count = 0
        for _ in s.unicodeScalars {
            count += 1
            if count > limit { return false }
        }
        return true
    }

    /// A short rendering of a value for messages.
    static func brief(_ v: JSONValue) -> String {
        let text = JSONWriter.string(v)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
