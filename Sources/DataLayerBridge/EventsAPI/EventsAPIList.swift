/// The list names the Events API accepts in an `event`'s `lists`, exactly as written there: the
/// names are case-sensitive.
enum EventsAPIListName: String, CaseIterable, Sendable, GuessedName {
    case searchResults = "Search Results"
    case autocomplete = "Autocomplete"
    case productListing = "Product Listing"
    case recommendation = "Recommendation"

    static func guess(for name: String) -> Self? {
        switch name.utf8.count {
        case 12: .autocomplete
        case 14: name.utf8.first == UInt8(ascii: "S") ? .searchResults : .recommendation
        case 15: .productListing
        default: nil
        }
    }

    /// Where a list of this name and its parts are.
    var pointers: EventsAPIListPointers {
        switch self {
        case .searchResults: return EventsAPIListPointers.searchResults
        case .autocomplete: return EventsAPIListPointers.autocomplete
        case .productListing: return EventsAPIListPointers.productListing
        case .recommendation: return EventsAPIListPointers.recommendation
        }
    }
}

/// The pointers the list rules report at. They are the same in every envelope, so they are spelled
/// once per list name: building them for each envelope cost more than the checks that use them,
/// and most envelopes have no finding that reads them.
final class EventsAPIListPointers: Sendable {
    /// `/lists`
    static let lists = JSONPointer.root.appending("lists")

    static let searchResults = EventsAPIListPointers(.searchResults)
    static let autocomplete = EventsAPIListPointers(.autocomplete)
    static let productListing = EventsAPIListPointers(.productListing)
    static let recommendation = EventsAPIListPointers(.recommendation)

    /// `/lists/NAME`
    let list: JSONPointer
    /// `/lists/NAME/items`
    let items: JSONPointer
    /// `/lists/NAME/query`
    let query: JSONPointer
    /// `/lists/NAME/query/filters`
    let filters: JSONPointer
    /// `/lists/NAME/query/scopes`
    let scopes: JSONPointer

    private init(_ name: EventsAPIListName) {
        list = Self.lists.appending(name.rawValue)
        items = list.appending("items")
        query = list.appending("query")
        filters = query.appending("filters")
        scopes = query.appending("scopes")
    }
}

/// One well-formed list of an `event` envelope: a known name whose value is an object. The rules
/// for a list's items and query only look at these; ``ListsRule`` reports everything else.
struct EventsAPIList: Sendable {
    let name: EventsAPIListName
    let body: JSONObject
    /// Where the list and its parts are: `/lists/Search Results`, `/lists/Search Results/items`…
    let pointers: EventsAPIListPointers

}

/// The well-formed lists of an `event` envelope, in source order. The first is held inline: an
/// envelope almost always has one list, and an array for it cost an allocation and a deallocation
/// per envelope, more than that list's checks.
struct EventsAPILists: Sendable {
    private var first: EventsAPIList?
    /// The lists after the first.
    private var others: [EventsAPIList] = []

    /// No lists: those of an envelope that is not an `event`.
    init() {}

    /// The well-formed lists of `envelope`, an `event` whose `lists` member is at `index`.
    init(of envelope: JSONObject, at index: Int?) {
        guard let index, let lists = envelope.members[index].value.objectValue else { return }
        // Read in place: a member copied out of the array is retained and released.
        lists.uniqueMembers.withUnsafeBufferPointer { members in
            for index in members.indices {
                if let name = EventsAPIListName(name: members[index].key), case .object(let body) = members[index].value {
                    let list = EventsAPIList(name: name, body: body, pointers: name.pointers)
                    if first == nil { first = list } else { others.append(list) }
                }
            }
        }
    }

    /// How many lists there are.
    var count: Int { first == nil ? 0 : 1 + others.count }

    /// The list at `index`, in source order.
    subscript(index: Int) -> EventsAPIList {
        index == 0 ? first! : others[index - 1]
    }
}
