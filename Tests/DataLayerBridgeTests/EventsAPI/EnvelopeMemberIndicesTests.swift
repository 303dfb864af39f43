@testable import DataLayerBridge
import Testing

/// ``EnvelopeMemberIndices`` finds the envelope members the rules read in one pass, comparing each
/// key only with the names of its length: on envelopes of every mix of those names, look-alikes
/// and duplicates, each position must be the one ``JSONObject/lastIndex(named:)`` finds by name.
struct EnvelopeMemberIndicesTests {
    /// Each name the rules read, with where the one-pass search keeps its position (computed: key
    /// paths are not `Sendable`, so no static may keep them).
    static var names: [(name: String, index: KeyPath<EnvelopeMemberIndices, Int?>)] { [
        ("type", \.type), ("id", \.id), ("tracker_id", \.trackerID), ("client_id", \.clientID),
        ("customer_id", \.customerID), ("local_timestamp", \.localTimestamp), ("platform", \.platform),
        ("user_agent", \.userAgent), ("referer", \.referer), ("context", \.context), ("ab_test_variant", \.abTestVariant),
        ("consent_granted", \.consentGranted), ("recommendation_id", \.recommendationID), ("app_version", \.appVersion),
        ("url", \.url), ("title", \.title), ("lists", \.lists), ("action", \.action), ("items", \.items),
    ] }

    /// Keys of the same lengths as the names but none of them, a canonically equivalent spelling
    /// of a name (`e` and a combining accent), and keys of other lengths.
    static let lookAlikes = ["ix", "urn", "Type", "titlf", "listx", "itemz", "actioN", "referex", "contexx", "platforn",
                             "client_ix", "tracker_ie", "user_agenx", "customer_ie", "app_versiom", "local_timestamq",
                             "consent_grantef", "ab_test_varianu", "recommendation_ie", "re\u{301}ferer", "référer", "",
                             "a_very_long_member_name_indeed"]

    static func envelope(seed: UInt64) -> JSONObject {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let keys = names.map(\.name) + lookAlikes
        return JSONObject((0..<next(30)).map { index in JSONObject.Member(key: keys[next(keys.count)], value: .number(JSONNumber(index))) })
    }

    @Test(arguments: 0..<200)
    func positionsAreThoseOfALookupByName(_ seed: Int) {
        let envelope = Self.envelope(seed: UInt64(seed))
        let found = EnvelopeMemberIndices(envelope)
        for (name, index) in Self.names {
            #expect(found[keyPath: index] == envelope.lastIndex(named: MemberName(name)), "\(name) in \(envelope.keys)")
        }
    }

    /// Every name is found, and the last of two members of one name wins.
    @Test func everyNameIsFoundAndTheLastWins() {
        let members = Self.names.flatMap { [JSONObject.Member(key: $0.name, value: 1), JSONObject.Member(key: $0.name, value: 2)] }
        let found = EnvelopeMemberIndices(JSONObject(members))
        for (offset, name) in Self.names.enumerated() {
            #expect(found[keyPath: name.index] == 2 * offset + 1, "\(name.name)")
        }
    }
}
