@testable import DataLayerBridge
import Testing

/// The event-type and list names are recognised by a length-picked comparison before the general
/// `init(rawValue:)`: both must agree on every name, including spellings that are canonically
/// equivalent to a known name at another UTF-8 length, near misses of the same length, and case.
struct EventsAPINameTests {
    static let eventTypeNames = EventsAPIEventType.allCases.map(\.rawValue) + [
        "", "p", "PV", "pw", "evenT", "Event", "click ", "clicK", "cvent", "elick", "transactioN", "transactions",
        "c\u{301}lick", "ev\u{E9}nt", "\u{212A}lick", "transaction\u{0}", "xxxxx", "pvpv",
    ]

    static let listNames = EventsAPIListName.allCases.map(\.rawValue) + [
        "", "Search results", "search Results", "Recommendatio", "Recommendations", "Sutocomplete", "autocomplete",
        "Product listing", "Product Listin", "Product Listing ", "Search Result\u{212A}", "Rearch Results",
        "Secommendation", "\u{212A}utocomplete", "Autocomplet\u{E9}",
    ]

    @Test(arguments: eventTypeNames)
    func eventTypeNameAgreesWithTheRawValue(_ name: String) {
        #expect(EventsAPIEventType(name: name) == EventsAPIEventType(rawValue: name))
    }

    @Test(arguments: listNames)
    func listNameAgreesWithTheRawValue(_ name: String) {
        #expect(EventsAPIListName(name: name) == EventsAPIListName(rawValue: name))
    }

    /// Names past a small string's 15 bytes, and near misses of the known names' lengths, go to the
    /// general lookup; it must agree there too.
    static let longNames = [
        "Search Results and more", "Recommendations!", String(repeating: "event", count: 4), "Product Listing\u{0}",
    ]

    @Test(arguments: longNames)
    func longNameAgreesWithTheRawValue(_ name: String) {
        #expect(EventsAPIEventType(name: name) == EventsAPIEventType(rawValue: name))
        #expect(EventsAPIListName(name: name) == EventsAPIListName(rawValue: name))
    }

    /// Every known name must be guessed right, or each lookup falls back to the general one.
    @Test func everyKnownNameIsGuessed() {
        for type in EventsAPIEventType.allCases { #expect(EventsAPIEventType.guess(for: type.rawValue) == type) }
        for list in EventsAPIListName.allCases { #expect(EventsAPIListName.guess(for: list.rawValue) == list) }
    }

    @Test func everyKnownNameIsFound() {
        for type in EventsAPIEventType.allCases { #expect(EventsAPIEventType(name: type.rawValue) == type) }
        for list in EventsAPIListName.allCases { #expect(EventsAPIListName(name: list.rawValue) == list) }
    }
}
