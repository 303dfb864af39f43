/// The members every envelope needs: `type`, `id`, `tracker_id`, `client_id`, and `customer_id`
/// when present (Events API v1, "Common parameters"; guide, "Impression event").
struct EnvelopeMembersRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let type = MemberName("type")
    private let id = MemberName("id")
    private let trackerID = MemberName("tracker_id")
    private let clientID = MemberName("client_id")
    private let customerID = MemberName("customer_id")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        if let type = findings.member(type, of: envelope, at: .root, .string, .required)?.stringValue,
            findings.eventType(of: envelope) == nil
        {
            findings.error(
                JSONPointer.root.appending("type"),
                "unknown event type \(JSONValue.string(type)) (expected pv, event, click or transaction)")
        }
        // v1 types `id` as a string, but the guide's own Product Listing example sends a number:
        // an integer id is deliverable, so it is only warned about.
        if let index = envelope.lastIndex(named: id), case .number(let number) = envelope.members[index].value, number.isInteger {
            findings.warning(JSONPointer.root.appending("id"), "should be a string (Events API v1), not a number")
        } else {
            findings.validate(id, of: envelope, at: .root, .identifier, .required)
        }
        findings.validate(trackerID, of: envelope, at: .root, .identifier, .required)
        findings.validate(clientID, of: envelope, at: .root, .identifierOrInteger, .required)
        findings.validate(customerID, of: envelope, at: .root, .identifierOrInteger, .optional)
    }
}
