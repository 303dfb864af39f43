@testable import DataLayerBridge
import Testing

private typealias S = EventsAPISamples

/// ``ListItemsRule`` finds an item's members in one pass and accepts the usual item from the types
/// and words of its values in place, checking the rest one member at a time: on items of every
/// shape near the usual one, its findings must be those of the member-by-member checks spelled out
/// here (the rule as it was before the fast path), in the same order.
struct ListItemsFastPathTests {
    /// Member names the rule looks for, look-alikes of the same length, and a long key.
    static let keys = ["title", "type", "url", "position", "price", "titlf", "Title", "pricf", "typ", "urls", "positio",
                       "a_very_long_member_name"]

    /// Values of every type the checks tell apart, short and long texts, and positions that parse
    /// as machine integers, that are integers only by exact value, and that are neither.
    static let values: [JSONValue] = [
        "", "x", "item", "SKU-CS-00928", "Sluneční brýle Meindl Summit", "a\"b", .string(String(repeating: "u", count: 15)),
        .string(String(repeating: "u", count: 16)), nil, true, [], [:], ["x"],
        S.number("1"), S.number("2"), S.number("3"), S.number("0"), S.number("-1"), S.number("2.5"), S.number("3.0"),
        S.number("1e0"), S.number("-0"), S.number("123456789012345"), S.number("1234567890123456"),
        S.number("99999999999999999999"), S.number("35.66"),
    ]

    /// A usual item, then 0 to 2 changes: a member's value replaced, a member removed, a member of
    /// any key added at the end (so sometimes a duplicate, which then wins).
    static func items(count: Int, seed: UInt64) -> [JSONValue] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        return (0..<count).map { index in
            if next(40) == 0 { return values[next(values.count)] }
            var members = [
                JSONObject.Member(key: "title", value: "Shirt"), JSONObject.Member(key: "type", value: "item"),
                JSONObject.Member(key: "url", value: .string("SKU-\(index)")),
                JSONObject.Member(key: "position", value: .number(JSONNumber(1 + (next(4) == 0 ? next(count) : index)))),
            ]
            if next(2) == 0 { members.append(JSONObject.Member(key: "price", value: next(2) == 0 ? S.number("35.66") : nil)) }
            for _ in 0..<next(3) {
                switch next(3) {
                case 0: members[next(members.count)].value = values[next(values.count)]
                case 1 where members.count > 1: members.remove(at: next(members.count))
                default: members.append(JSONObject.Member(key: keys[next(keys.count)], value: values[next(values.count)]))
                }
            }
            return .object(JSONObject(members))
        }
    }

    @Test(arguments: 0..<40)
    func findingsAreThoseOfTheMemberByMemberChecks(_ seed: Int) {
        let items = Self.items(count: 1 + seed % 30, seed: UInt64(seed))
        for name in ["Search Results", "Product Listing"] {
            let envelope = S.event(name, ["items": .array(items)]).objectValue ?? JSONObject()
            #expect(ListItemsRule().findings(for: envelope) == Self.memberByMember(envelope))
        }
    }

    /// Items that are not objects, or whose findings need their pointer (made only then), among
    /// usual ones, in several lists of one envelope, with lists that are not checked between them.
    @Test func itemPointersAreMadeForFindingsOnly() {
        let items: JSONValue = [
            "x", S.item("1", position: 1), S.item("2", position: 0), nil, S.item("3", position: 1), [:],
            S.item("4", position: S.number("2.5")), S.item("5", position: 4),
        ]
        let envelope = JSONObject([
            JSONObject.Member(key: "type", value: "event"),
            JSONObject.Member(key: "lists", value: [
                "Search Results": ["items": items], "Unknown": ["items": items], "Autocomplete": "x",
                "Recommendation": ["items": [S.item("6", position: 1), 7]],
            ]),
        ])
        let findings = ListItemsRule().findings(for: envelope)
        #expect(findings == Self.memberByMember(envelope))
        #expect(findings == [
            S.error("/lists/Search Results/items/0", "must be an object, not string"),
            S.error("/lists/Search Results/items/2/position", "must be a positive integer, not 0"),
            S.error("/lists/Search Results/items/3", "must be an object, not null"),
            S.error("/lists/Search Results/items/4/position", "duplicate position 1 (also at item 1)"),
            S.error("/lists/Search Results/items/5/title", "required member is missing"),
            S.error("/lists/Search Results/items/5/type", "required member is missing"),
            S.error("/lists/Search Results/items/5/url", "required member is missing"),
            S.error("/lists/Search Results/items/5/position", "required member is missing"),
            S.error("/lists/Search Results/items/6/position", "must be an integer, not 2.5"),
            S.error("/lists/Recommendation/items/1", "must be an object, not number"),
        ])
    }

    /// Items in the order a mapping writes them are told by one comparison per key: every key must
    /// still be compared, a fifth member that is not `price` (a repeat, a look-alike) must leave
    /// the item to the scan, and any other order must find the same members.
    @Test func usualMemberOrderIsToldByEveryKey() {
        func item(_ members: [(String, JSONValue)]) -> JSONValue {
            .object(JSONObject(members.map { JSONObject.Member(key: $0.0, value: $0.1) }))
        }
        let usual: [(String, JSONValue)] = [("title", "Shirt"), ("type", "item"), ("url", "SKU-1"), ("position", S.number("1"))]
        let items: [JSONValue] = [
            item(usual + [("title", 5)]),
            item(usual + [("pricf", "x")]),
            item(usual + [("price", "x")]),
            item([("title", "Shirt"), ("type", "item"), ("url", "SKU-2"), ("positio", S.number("2"))]),
            item([("type", "item"), ("title", "Shirt"), ("url", "SKU-3"), ("position", S.number("3")), ("price", "x")]),
            item([("title", "Shirt"), ("typ", "item"), ("url", "SKU-4"), ("position", S.number("4"))]),
            item([("title", "Shirt"), ("type", "item"), ("url", 4), ("position", S.number("5")), ("price", nil)]),
            item(usual.dropLast() + [("position", S.number("6")), ("price", S.number("1")), ("url", "")]),
        ]
        let envelope = S.event("Product Listing", ["items": .array(items)]).objectValue ?? JSONObject()
        let findings = ListItemsRule().findings(for: envelope)
        #expect(findings == Self.memberByMember(envelope))
        #expect(findings == [
            S.error("/lists/Product Listing/items/0/title", "must be a string, not number"),
            S.error("/lists/Product Listing/items/1/position", "duplicate position 1 (also at item 0)"),
            S.error("/lists/Product Listing/items/2/position", "duplicate position 1 (also at item 0)"),
            S.error("/lists/Product Listing/items/2/price", "must be a number or null, not string"),
            S.error("/lists/Product Listing/items/3/position", "required member is missing"),
            S.error("/lists/Product Listing/items/4/price", "must be a number or null, not string"),
            S.error("/lists/Product Listing/items/5/type", "required member is missing"),
            S.error("/lists/Product Listing/items/6/url", "must be a non-empty string, not number"),
            S.error("/lists/Product Listing/items/7/url", "must not be empty"),
        ])
    }

    /// The fast path reads values in place and positions from their words: both must work here,
    /// or the test above compares the checks one by one with themselves.
    @Test func usualItemsAreReadInPlace() {
        let items = (1...30).map { S.item("\($0)", position: .number(JSONNumber($0))) }
        #expect(S.findings(ListItemsRule(), S.event("Autocomplete", ["items": .array(items)])) == [])
        #expect(SmallUTF8.layoutHolds)
        #expect(SmallUTF8("15")?.decimalValue == 15 && SmallUTF8("123456789012345")?.decimalValue == 123_456_789_012_345)
        #expect(SmallUTF8("-1")?.decimalValue == nil && SmallUTF8("1.0")?.decimalValue == nil && SmallUTF8("")?.decimalValue == nil)
    }

    /// The rule's checks one member at a time, each looked up on its own, and a position's repeat
    /// found by exact value among the earlier positive ones.
    static func memberByMember(_ envelope: JSONObject) -> [EventsAPIFinding] {
        var findings = EventsAPIFindings(for: envelope)
        findings.forEachList(of: envelope) { findings, list in
            guard let items = findings.member(MemberName("items"), of: list.body, at: list.pointers.list, .array, .required)?.arrayValue
            else { return }
            var firstIndex: [(position: JSONNumber, index: Int)] = []
            findings.forEachObject(in: items, at: list.pointers.items) { findings, index, item in
                let pointer = list.pointers.items.appending(index)
                findings.validate(MemberName("title"), of: item, at: pointer, .string, .required)
                findings.validate(MemberName("type"), of: item, at: pointer, .identifier, .required)
                findings.validate(MemberName("url"), of: item, at: pointer, .identifier, .required)
                if let found = findings.validate(MemberName("position"), of: item, at: pointer, .integer, .required),
                    case .number(let position) = item.members[found].value
                {
                    if !(position > JSONNumber(0)) {
                        findings.error(pointer.appending("position"), "must be a positive integer, not \(position.text)")
                    } else if let earlier = firstIndex.first(where: { $0.position == position }) {
                        findings.error(pointer.appending("position"), "duplicate position \(position.text) (also at item \(earlier.index))")
                    } else {
                        firstIndex.append((position, index))
                    }
                }
                findings.validate(MemberName("price"), of: item, at: pointer, .numberOrNull, .optional)
            }
        }
        return findings.finish()
    }
}
