/// An `event` reports at least one list in `lists`, under one of the four exact, case-sensitive
/// names (v1, "Search events" and the sections after it).
final class ListsRule: EventsAPIRule {
    /// Prepared once per validator (see ``MemberName``), not at every lookup.
    private let lists = MemberName("lists")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard let lists = findings.payload(lists, at: findings.members.lists, of: envelope, for: .event) else { return }
        let pointer = EventsAPIListPointers.lists
        if lists.isEmpty {
            findings.error(pointer, "must contain at least one list")
        }
        for member in lists.uniqueMembers {
            if EventsAPIListName(name: member.key) == nil {
                findings.error(pointer.appending(member.key), Self.unknownNameReason(member.key))
            } else if member.value.objectValue == nil {
                findings.error(pointer.appending(member.key), "must be an object, not \(member.value.typeName)")
            }
        }
    }

    static func unknownNameReason(_ name: String) -> String {
        if let intended = EventsAPIListName.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) {
            return "unknown list name; names are case-sensitive: did you mean \(JSONValue.string(intended.rawValue))?"
        }
        return #"unknown list name (expected "Search Results", "Autocomplete", "Product Listing" or "Recommendation")"#
    }
}
