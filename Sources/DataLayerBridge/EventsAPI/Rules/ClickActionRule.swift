/// A `click` (and a conversion, which is a `click` whose `action.type` is not `click`) carries a
/// non-empty `action.type` and the clicked object's `action.resource_identifier` (v1, "Click
/// events" and "Conversion events").
struct ClickActionRule: EventsAPIRule {
    /// Spelled once, not for every click.
    static let pointer = JSONPointer.root.appending("action")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard let action = findings.payload("action", of: envelope, for: .click) else { return }
        _ = findings.member("type", of: action, at: Self.pointer, .identifier, .required)
        _ = findings.member("resource_identifier", of: action, at: Self.pointer, .identifier, .required)
    }
}
