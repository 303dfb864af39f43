/// The list names the Events API accepts in an `event`'s `lists`, exactly as written there: the
/// names are case-sensitive.
enum EventsAPIListName: String, CaseIterable, Sendable {
    case searchResults = "Search Results"
    case autocomplete = "Autocomplete"
    case productListing = "Product Listing"
    case recommendation = "Recommendation"
}

/// One well-formed list of an `event` envelope: a known name whose value is an object. The rules
/// for a list's items and query only look at these; ``ListsRule`` reports everything else.
struct EventsAPIList: Sendable {
    let name: EventsAPIListName
    let body: JSONObject
    /// Where the list is: `/lists/Search Results`.
    let pointer: JSONPointer

    /// The well-formed lists of `envelope`, in source order; none unless it is an `event`.
    static func lists(of envelope: JSONObject) -> [EventsAPIList] {
        guard EventsAPIEventType(of: envelope) == .event, let lists = envelope["lists"]?.objectValue else { return [] }
        let pointer = JSONPointer.root.appending("lists")
        return lists.uniqueMembers.compactMap { member in
            guard let name = EventsAPIListName(rawValue: member.key), let body = member.value.objectValue else { return nil }
            return EventsAPIList(name: name, body: body, pointer: pointer.appending(member.key))
        }
    }
}
