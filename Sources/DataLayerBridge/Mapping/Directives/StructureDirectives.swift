// Directives that build or reshape containers: @arrayPath, @merge, @flatten.

/// `{"@arrayPath": [source, itemTemplate?]}`: `source` is a path string or a template giving an
/// array (an object counts as a one-element array, as in mapping-kit). Each item is mapped
/// through `itemTemplate`, in which the current document (`$.`, `@`) is the item and `$item` and
/// `$index` (0-based) are bound; items that resolve to missing are dropped. Without an item
/// template the source value is returned as is.
struct ArrayPathDirective: Directive {
    static let name = "@arrayPath"
    let source: Template
    let item: Template?
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> ArrayPathDirective {
        guard argument.kind == .array else {
            throw argument.error("@arrayPath must be an array [path, item template], not \(argument.typeDescription)")
        }
        let elements = argument.elements
        guard (1...2).contains(elements.count) else {
            throw argument.error("@arrayPath takes 1 or 2 elements [path, item template], found \(elements.count)")
        }
        let source: Template
        switch elements[0].kind {
        case .string:
            source = .directive(PathDirective(path: try compiler.path(elements[0], "@arrayPath path"), location: elements[0].location))
        case .object:
            source = try compiler.template(elements[0])
        default:
            throw elements[0].error("@arrayPath path must be a path string or a directive, not \(elements[0].typeDescription)")
        }
        var item: Template?
        if elements.count == 2, elements[1].kind != .null {
            item = try compiler.adding(["item", "index"]).template(elements[1])
        }
        return ArrayPathDirective(source: source, item: item, location: argument.location)
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        guard let root = try source.resolve(scope) else { return nil }
        guard let item else { return root }
        let items: [JSONValue]
        switch root {
        case .array(let elements): items = elements
        case .object: items = [root]
        default: throw MappingRuntimeError(location: location, reason: "@arrayPath: expected an array, got \(root.typeName)")
        }
        var results: [JSONValue] = []
        results.reserveCapacity(items.count)
        var inner = scope
        for (index, element) in items.enumerated() {
            inner.document = element
            inner.variables.set(element, slot: MappingCompiler.itemSlot, name: "item")
            inner.variables.set(.position(index), slot: MappingCompiler.indexSlot, name: "index")
            if let value = try item.resolve(inner) { results.append(value) }
        }
        return .array(results)
    }
}

/// `{"@merge": {"objects": [template, …], "direction": "right" | "left"}}`: a shallow merge.
/// `right` (the default): later objects win; `left`: earlier objects win. Members that are
/// missing are skipped; anything else that is not an object fails the push.
struct MergeDirective: Directive {
    static let name = "@merge"
    let objects: [Template]
    let laterWins: Bool
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> MergeDirective {
        let members = try argument.checkedMembers(["objects", "direction"], in: "@merge")
        guard let objectsNode = members["objects"] else { throw argument.error("@merge needs 'objects': an array of templates") }
        guard objectsNode.kind == .array else { throw objectsNode.error("@merge/objects must be an array, not \(objectsNode.typeDescription)") }
        var laterWins = true
        if let directionNode = members["direction"] {
            let direction = try directionNode.requireString("@merge/direction")
            guard direction == "left" || direction == "right" else {
                throw directionNode.error("@merge/direction must be \"left\" or \"right\", not \"\(direction)\"")
            }
            laterWins = direction == "right"
        }
        var objects: [Template] = []
        for element in objectsNode.elements {
            guard element.kind == .object else { throw element.error("@merge/objects holds objects and directives, not \(element.typeDescription)") }
            objects.append(try compiler.template(element))
        }
        return MergeDirective(objects: objects, laterWins: laterWins, location: argument.location)
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        var merged = JSONObject()
        for (position, template) in objects.enumerated() {
            guard let value = try template.resolve(scope) else { continue }
            guard case .object(let object) = value else {
                throw MappingRuntimeError(location: location, reason: "@merge: objects[\(position)] is \(value.typeName), expected an object")
            }
            for member in object.uniqueMembers where laterWins || merged[member.key] == nil {
                merged[member.key] = member.value
            }
        }
        return .object(merged)
    }
}

/// `{"@flatten": {"value": template, "separator": ".", "omitArrays": false}}`: nested objects
/// (and arrays, by index, unless `omitArrays`) become one object whose keys are the joined paths.
/// Empty containers are kept as values; a scalar passes through; missing stays missing (mapping-kit
/// gives `{}`).
struct FlattenDirective: Directive {
    static let name = "@flatten"
    let value: Template
    let separator: String
    let omitArrays: Bool

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> FlattenDirective {
        let members = try argument.checkedMembers(["value", "separator", "omitArrays"], in: "@flatten")
        guard let valueNode = members["value"] else { throw argument.error("@flatten needs 'value'") }
        guard let separatorNode = members["separator"] else { throw argument.error("@flatten needs 'separator', such as \".\"") }
        return FlattenDirective(
            value: try compiler.template(valueNode),
            separator: try separatorNode.requireString("@flatten/separator"),
            omitArrays: try members["omitArrays"]?.requireBool("@flatten/omitArrays") ?? false
        )
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        guard let resolved = try value.resolve(scope) else { return nil }
        guard isFlattened(resolved) else { return resolved }
        var result = JSONObject()
        flatten(resolved, prefix: nil, into: &result)
        return .object(result)
    }

    private func isFlattened(_ value: JSONValue) -> Bool {
        switch value {
        case .object: return true
        case .array: return !omitArrays
        default: return false
        }
    }

    private func flatten(_ value: JSONValue, prefix: String?, into result: inout JSONObject) {
        func key(_ name: String) -> String { prefix.map { $0 + separator + name } ?? name }
        switch value {
        case .object(let object) where !object.isEmpty:
            for member in object.uniqueMembers { flatten(member.value, prefix: key(member.key), into: &result) }
        case .array(let elements) where !elements.isEmpty && !omitArrays:
            for (index, element) in elements.enumerated() { flatten(element, prefix: key(String(index)), into: &result) }
        default:
            if let prefix { result.append(key: prefix, value: value) }
        }
    }
}
