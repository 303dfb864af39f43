/// A `Recommendation` list names its placement in `query.filters.RecommenderClientId` and should
/// name the returned set in `RecommendationId` (v1, "Recommendation events": "Strongly
/// recommended"; the guide calls it required for new integrations, so its absence is a warning).
struct RecommendationFiltersRule: EventsAPIRule {
    static let optionalFilters: [(key: String, type: EventsAPIType)] = [
        ("ItemIds", .array),
        ("Recommender", .string),
        ("Type", .string),
    ]

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        for list in findings.lists(of: envelope) where list.name == .recommendation {
            guard let query = findings.object("query", of: list.body, at: list.pointers.list, .required) else { continue }
            guard let filters = findings.object("filters", of: query, at: list.pointers.query, .required) else { continue }
            let pointer = list.pointers.filters
            if let placement = findings.member("RecommenderClientId", of: filters, at: pointer, .identifier, .required)?
                .stringValue, !Self.isPlainIdentifier(placement)
            {
                findings.warning(pointer.appending("RecommenderClientId"), "should use only a-z and _ (Events API guide)")
            }
            _ = findings.member(
                "RecommendationId", of: filters, at: pointer, .identifier,
                .recommended("strongly recommended (required for new integrations)"))
            for (key, type) in Self.optionalFilters {
                _ = findings.member(key, of: filters, at: pointer, type, .optional)
            }
        }
    }

    /// The guide: the parts "must always be lowercased and joined by a symbol _. Please, avoid using
    /// any other characters than a-z and _."
    static func isPlainIdentifier(_ text: String) -> Bool {
        text.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") }
    }
}
