/// The members every envelope needs: `type`, `id`, `tracker_id`, `client_id`, and `customer_id`
/// when present (Events API v1, "Common parameters"; guide, "Impression event").
struct EnvelopeMembersRule: EventsAPIRule {
    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        if let type = findings.member("type", of: envelope, at: .root, .string, .required)?.stringValue,
            EventsAPIEventType(rawValue: type) == nil
        {
            findings.error(
                JSONPointer.root.appending("type"),
                "unknown event type \(JSONValue.string(type)) (expected pv, event, click or transaction)")
        }
        // v1 types `id` as a string, but the guide's own Product Listing example sends a number:
        // an integer id is deliverable, so it is only warned about.
        if let id = envelope["id"]?.numberValue, id.isInteger {
            findings.warning(JSONPointer.root.appending("id"), "should be a string (Events API v1), not a number")
        } else {
            _ = findings.member("id", of: envelope, at: .root, .identifier, .required)
        }
        _ = findings.member("tracker_id", of: envelope, at: .root, .identifier, .required)
        _ = findings.member("client_id", of: envelope, at: .root, .identifierOrInteger, .required)
        _ = findings.member("customer_id", of: envelope, at: .root, .identifierOrInteger, .optional)
    }
}
