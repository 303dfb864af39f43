// Directives that transform text: @case, @replace, @json.

/// `{"@case": {"operator": "lower" | "upper", "value": template}}`: strings change case; any other
/// value passes through unchanged, as in mapping-kit.
struct CaseDirective: Directive {
    static let name = "@case"
    let upper: Bool
    let value: Template

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> CaseDirective {
        let members = try argument.checkedMembers(["operator", "value"], in: "@case")
        guard let operatorNode = members["operator"] else { throw argument.error("@case needs 'operator': \"lower\" or \"upper\"") }
        guard let valueNode = members["value"] else { throw argument.error("@case needs 'value'") }
        let name = try operatorNode.requireString("@case/operator")
        guard name == "lower" || name == "upper" else {
            throw operatorNode.error("@case/operator must be \"lower\" or \"upper\", not \"\(name)\"")
        }
        return CaseDirective(upper: name == "upper", value: try compiler.template(valueNode))
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        let resolved = try value.resolve(scope)
        guard case .string(let string)? = resolved else { return resolved }
        return .string(upper ? string.uppercased() : string.lowercased())
    }
}

/// `{"@replace": {"pattern": "-", "replacement": " ", "pattern2": …, "replacement2": …,
/// "ignorecase": false, "global": true, "value": template}}`: literal (not regex) replacement,
/// `pattern2` applied to the result of the first. Numbers are replaced in their exact text and
/// booleans in `true`/`false`; missing stays missing. Unlike mapping-kit, patterns and
/// replacements may be any length.
struct ReplaceDirective: Directive {
    static let name = "@replace"

    struct Replacement: Sendable {
        let pattern: [Character]
        let replacement: String
    }

    let replacements: [Replacement]
    let ignoreCase: Bool
    let global: Bool
    let value: Template
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> ReplaceDirective {
        let members = try argument.checkedMembers(["pattern", "replacement", "pattern2", "replacement2", "ignorecase", "global", "value"], in: "@replace")
        guard let patternNode = members["pattern"] else { throw argument.error("@replace needs 'pattern'") }
        guard let valueNode = members["value"] else { throw argument.error("@replace needs 'value'") }
        let pattern = try patternNode.requireString("@replace/pattern")
        guard !pattern.isEmpty else { throw patternNode.error("@replace/pattern must not be empty") }
        var replacements = [Replacement(pattern: Array(pattern), replacement: try members["replacement"]?.requireString("@replace/replacement") ?? "")]
        if let second = members["pattern2"] {
            let pattern2 = try second.requireString("@replace/pattern2")
            // mapping-kit ignores an empty second pattern rather than rejecting it.
            if !pattern2.isEmpty {
                replacements.append(Replacement(pattern: Array(pattern2), replacement: try members["replacement2"]?.requireString("@replace/replacement2") ?? ""))
            }
        } else if let orphan = members["replacement2"] {
            throw orphan.error("@replace/replacement2 without pattern2")
        }
        return ReplaceDirective(
            replacements: replacements,
            ignoreCase: try members["ignorecase"]?.requireBool("@replace/ignorecase") ?? false,
            global: try members["global"]?.requireBool("@replace/global") ?? true,
            value: try compiler.template(valueNode),
            location: argument.location
        )
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        guard let resolved = try value.resolve(scope) else { return nil }
        var text: String
        switch resolved {
        case .string(let string): text = string
        case .number(let number): text = number.text
        case .bool(let bool): text = bool ? "true" : "false"
        default: throw MappingRuntimeError(location: location, reason: "@replace: value is \(resolved.typeName), expected a string, number or boolean")
        }
        for replacement in replacements { text = replacing(replacement, in: text) }
        return .string(text)
    }

    private func replacing(_ replacement: Replacement, in text: String) -> String {
        let characters = Array(text)
        let pattern = ignoreCase ? replacement.pattern.map { $0.lowercased() } : replacement.pattern.map { String($0) }
        var result = ""
        var index = 0
        var replaced = false
        while index < characters.count {
            if (global || !replaced), index + pattern.count <= characters.count, matches(pattern, characters, at: index) {
                result += replacement.replacement
                index += pattern.count
                replaced = true
            } else {
                result.append(characters[index])
                index += 1
            }
        }
        return result
    }

    private func matches(_ pattern: [String], _ characters: [Character], at start: Int) -> Bool {
        for (offset, expected) in pattern.enumerated() {
            let character = characters[start + offset]
            if (ignoreCase ? character.lowercased() : String(character)) != expected { return false }
        }
        return true
    }
}

/// `{"@json": {"mode": "encode" | "decode", "value": template}}`: encode writes compact JSON
/// (numbers exact); decode parses a string (strictly) and passes any other value through. A
/// string that is not JSON fails the push, naming the parse error.
struct JSONDirective: Directive {
    static let name = "@json"
    let encode: Bool
    let value: Template
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> JSONDirective {
        let members = try argument.checkedMembers(["mode", "value"], in: "@json")
        guard let modeNode = members["mode"] else { throw argument.error("@json needs 'mode': \"encode\" or \"decode\"") }
        guard let valueNode = members["value"] else { throw argument.error("@json needs 'value'") }
        let mode = try modeNode.requireString("@json/mode")
        guard mode == "encode" || mode == "decode" else { throw modeNode.error("@json/mode must be \"encode\" or \"decode\", not \"\(mode)\"") }
        return JSONDirective(encode: mode == "encode", value: try compiler.template(valueNode), location: argument.location)
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        guard let resolved = try value.resolve(scope) else { return nil }
        if encode { return .string(resolved.description) }
        guard case .string(let text) = resolved else { return resolved }
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw MappingRuntimeError(location: location, reason: "@json: cannot decode: \(error)")
        }
    }
}
