@testable import DataLayerBridge
import Testing

/// ``EventsAPILists`` keeps the first list inline and the rest in an array: on `lists` objects of
/// up to five members, known names and others, objects and not, repeated names included, it must
/// hand out the well-formed lists of ``JSONObject/uniqueMembers`` in their order.
struct EventsAPIListsTests {
    static let names = ["Search Results", "Autocomplete", "Product Listing", "Recommendation", "product listing"]
    static let values: [JSONValue] = [["items": []], ["query": [:]], 1, "x"]

    static func listsObject(seed: UInt64) -> JSONObject {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        return JSONObject((0..<next(6)).map { _ in JSONObject.Member(key: names[next(names.count)], value: values[next(values.count)]) })
    }

    @Test(arguments: 0..<300)
    func listsAreTheWellFormedUniqueMembersInOrder(_ seed: Int) {
        let lists = Self.listsObject(seed: UInt64(seed))
        let envelope = JSONObject([JSONObject.Member(key: "lists", value: .object(lists))])
        let found = EventsAPILists(of: envelope, at: 0)
        let expected = lists.uniqueMembers.compactMap { member -> (EventsAPIListName, JSONObject)? in
            guard let name = EventsAPIListName(rawValue: member.key), let body = member.value.objectValue else { return nil }
            return (name, body)
        }
        #expect(found.count == expected.count, "\(lists.keys)")
        for index in 0..<min(found.count, expected.count) {
            #expect(found[index].name == expected[index].0 && found[index].body == expected[index].1, "\(lists.keys)")
        }
    }
}
