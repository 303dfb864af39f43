// Directives that choose or drop values: @if, @excludeWhenNull.

/// `{"@if": {"exists" | "blank" | "expr": …, "then": …, "else": …}}`.
///
/// `exists`: the template resolves to something other than missing or null. `blank` (mapping-kit's
/// name, which reads backwards): the template resolves to something other than missing, null or
/// `""`. `expr`: a JMESPath expression is truthy (not null, false, "", [] or {}). A branch that is
/// not given is missing.
struct IfDirective: Directive {
    static let name = "@if"

    enum Condition: Sendable {
        case exists(Template)
        case blank(Template)
        case expr(Expression)
    }

    let condition: Condition
    let then: Template?
    let otherwise: Template?
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> IfDirective {
        let members = try argument.checkedMembers(["exists", "blank", "expr", "then", "else"], in: "@if")
        let conditions = ["exists", "blank", "expr"].filter { members[$0] != nil }
        guard conditions.count == 1 else {
            let reason = conditions.isEmpty ? "@if needs one condition: 'exists', 'blank' or 'expr'"
                : "@if takes one condition, found '\(conditions[0])' and '\(conditions[1])'"
            throw argument.error(reason)
        }
        guard members["then"] != nil || members["else"] != nil else { throw argument.error("@if needs 'then', 'else' or both") }
        let condition: Condition
        switch conditions[0] {
        case "exists": condition = .exists(try compiler.template(members["exists"]!))
        case "blank": condition = .blank(try compiler.template(members["blank"]!))
        default: condition = .expr(try compiler.expression(members["expr"]!, "@if/expr"))
        }
        return IfDirective(
            condition: condition,
            then: try members["then"].map { (node) throws(MappingError) in try compiler.template(node) },
            otherwise: try members["else"].map { (node) throws(MappingError) in try compiler.template(node) },
            location: argument.location
        )
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        let holds: Bool
        switch condition {
        case .exists(let template):
            holds = try template.resolve(scope).map { !$0.isNull } ?? false
        case .blank(let template):
            let value = try template.resolve(scope)
            holds = value != nil && value != .null && value != .string("")
        case .expr(let expression):
            holds = try expression.evaluate(scope, at: location, in: Self.name).isTruthy
        }
        return try (holds ? then : otherwise)?.resolve(scope)
    }
}

/// `{"@excludeWhenNull": template}`: null becomes missing, and null members of objects are
/// removed at every depth (null elements of arrays stay: their position means something).
struct ExcludeWhenNullDirective: Directive {
    static let name = "@excludeWhenNull"
    let template: Template

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> ExcludeWhenNullDirective {
        ExcludeWhenNullDirective(template: try compiler.template(argument))
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        guard let value = try template.resolve(scope), !value.isNull else { return nil }
        return Self.removingNullMembers(value)
    }

    private static func removingNullMembers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            for member in object where !member.value.isNull {
                result.append(key: member.key, value: removingNullMembers(member.value))
            }
            return .object(result)
        case .array(let elements):
            return .array(elements.map(removingNullMembers))
        default:
            return value
        }
    }
}
