/// A `click` (and a conversion, which is a `click` whose `action.type` is not `click`) carries a
/// non-empty `action.type` and the clicked object's `action.resource_identifier` (v1, "Click
/// events" and "Conversion events").
final class ClickActionRule: EventsAPIRule {
    /// Spelled once, not for every click.
    static let pointer = JSONPointer.root.appending("action")

    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let action = MemberName("action")
    private let type = MemberName("type")
    private let resourceIdentifier = MemberName("resource_identifier")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard let action = findings.payload(action, at: findings.members.action, of: envelope, for: .click) else { return }
        findings.validate(type, of: action, at: Self.pointer, .identifier, .required)
        findings.validate(resourceIdentifier, of: action, at: Self.pointer, .identifier, .required)
    }
}
