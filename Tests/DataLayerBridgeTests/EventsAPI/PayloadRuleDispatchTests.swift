@testable import DataLayerBridge
import Testing

/// ``EventsAPIValidator`` calls each payload rule only for the event type it checks: its findings
/// must be those of every rule family run on the envelope in reporting order, for envelopes of
/// each type (and none, and an unknown one) that also carry the payloads of the other types.
struct PayloadRuleDispatchTests {
    /// Every rule family, in the validator's reporting order.
    static let rules: [any EventsAPIRule] = [
        EnvelopeMembersRule(), LocalTimestampRule(), OptionalMembersRule(), PageViewRule(), ListsRule(), ListItemsRule(),
        SearchQueryRule(), ProductListingScopesRule(), RecommendationFiltersRule(), ClickActionRule(), TransactionItemsRule(),
    ]

    static let types: [JSONValue?] = [nil, "pv", "event", "click", "transaction", "Event", "", 1]

    /// The fixtures and their variants, each also with every type, and with every payload added.
    static func envelopes() throws -> [JSONValue] {
        let payloads: [(String, JSONValue)] = [
            ("url", 1),
            ("lists", ["Search Results": ["items": [["position": 0]]], "Product Listing": [:], "Recommendation": [:], "x": 1]),
            ("action", ["type": 2]),
            ("items", [["count": 0]]),
        ]
        var envelopes: [JSONValue] = []
        for envelope in try FirstErrorTests.envelopes() {
            envelopes.append(envelope)
            for type in types {
                let typed = EventsAPISamples.setting(envelope, "type", type)
                envelopes.append(typed)
                envelopes.append(payloads.reduce(typed) { EventsAPISamples.setting($0, $1.0, $1.1) })
            }
        }
        return envelopes
    }

    @Test func findingsAreThoseOfEveryRuleInOrder() throws {
        let validator = EventsAPIValidator()
        for envelope in try Self.envelopes() {
            guard let object = envelope.objectValue else { continue }
            let everyRule = Self.rules.flatMap { $0.findings(for: object) }
            #expect(validator.findings(for: envelope) == everyRule, "\(envelope)")
        }
    }
}
