/// The members every envelope needs: `type`, `id`, `tracker_id`, `client_id`, and `customer_id`
/// when present (Events API v1, "Common parameters"; guide, "Impression event").
final class EnvelopeMembersRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let type = MemberName("type")
    private let id = MemberName("id")
    private let trackerID = MemberName("tracker_id")
    private let clientID = MemberName("client_id")
    private let customerID = MemberName("customer_id")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        if let index = findings.validate(type, at: findings.members.type, of: envelope, at: .root, .string, .required),
            findings.eventType(of: envelope) == nil, let type = envelope.members[index].value.stringValue
        {
            findings.error(
                JSONPointer.root.appending("type"),
                "unknown event type \(JSONValue.string(type)) (expected pv, event, click or transaction)")
        }
        // v1 types `id` as a string, but the guide's own Product Listing example sends a number:
        // an integer id is deliverable, so it is only warned about.
        if let index = findings.members.id, case .number(let number) = envelope.members[index].value, number.isInteger {
            findings.warning(JSONPointer.root.appending("id"), "should be a string (Events API v1), not a number")
        } else {
            findings.validate(id, at: findings.members.id, of: envelope, at: .root, .identifier, .required)
        }
        findings.validate(trackerID, at: findings.members.trackerID, of: envelope, at: .root, .identifier, .required)
        findings.validate(clientID, at: findings.members.clientID, of: envelope, at: .root, .identifierOrInteger, .required)
        findings.validate(customerID, at: findings.members.customerID, of: envelope, at: .root, .identifierOrInteger, .optional)
    }
}
