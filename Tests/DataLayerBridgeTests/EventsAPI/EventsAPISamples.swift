@testable import DataLayerBridge

/// Small valid envelopes, one per event type, for the rule tests to break one member at a time.
enum EventsAPISamples {
    static func number(_ text: String) -> JSONValue {
        guard let number = JSONNumber(text: text) else { fatalError("not a JSON number in a test: \(text)") }
        return .number(number)
    }

    static func item(_ url: String, position: JSONValue) -> JSONValue {
        ["title": .string("Shirt \(url)"), "type": "item", "url": .string(url), "position": position]
    }

    static let pageView: JSONValue = ["type": "pv", "id": "e1", "tracker_id": "1234-5678", "client_id": "c1", "url": "39818"]

    static func event(_ name: String, _ list: JSONValue) -> JSONValue {
        ["type": "event", "id": "e2", "tracker_id": "1234-5678", "client_id": "c1", "lists": [name: list]]
    }

    static let search = event("Search Results", [
        "items": [item("39818", position: 21), item("288828", position: 22)],
        "query": ["string": "white shirt"],
    ])

    static func listing(scopes: JSONValue) -> JSONValue {
        event("Product Listing", ["items": [item("39818", position: 1)], "query": ["scopes": scopes]])
    }

    static func recommendation(filters: JSONValue) -> JSONValue {
        event("Recommendation", ["items": [item("283838", position: 1)], "query": ["filters": filters]])
    }

    static func click(action: JSONValue) -> JSONValue {
        ["type": "click", "id": "e3", "tracker_id": "1234-5678", "client_id": "c1", "action": action]
    }

    static func transaction(items: JSONValue) -> JSONValue {
        ["type": "transaction", "id": "e4", "tracker_id": "1234-5678", "client_id": "c1", "items": items]
    }

    static func purchased(count: JSONValue = 1, totalPrice: JSONValue = 19) -> JSONValue {
        ["url": "9339993", "count": count, "total_price": totalPrice, "was_discounted": false, "was_volume_discounted": false]
    }

    /// `value` with member `key` set (or removed, for `nil`).
    static func setting(_ value: JSONValue, _ key: String, _ member: JSONValue?) -> JSONValue {
        guard var object = value.objectValue else { return value }
        object[key] = member
        return .object(object)
    }

    /// The findings of `rule` alone for `envelope`.
    static func findings(_ rule: some EventsAPIRule, _ envelope: JSONValue) -> [EventsAPIFinding] {
        rule.findings(for: envelope.objectValue ?? JSONObject())
    }

    static func error(_ pointer: String, _ reason: String) -> EventsAPIFinding {
        EventsAPIFinding(severity: .error, pointer: pointer, reason: reason)
    }

    static func warning(_ pointer: String, _ reason: String) -> EventsAPIFinding {
        EventsAPIFinding(severity: .warning, pointer: pointer, reason: reason)
    }
}
