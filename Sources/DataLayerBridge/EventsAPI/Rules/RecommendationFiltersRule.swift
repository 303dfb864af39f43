/// A `Recommendation` list names its placement in `query.filters.RecommenderClientId` and should
/// name the returned set in `RecommendationId` (v1, "Recommendation events": "Strongly
/// recommended"; the guide calls it required for new integrations, so its absence is a warning).
final class RecommendationFiltersRule: EventsAPIRule {
    /// The optional filters and their types, the names prepared once (see ``TypedMemberName``).
    static let optionalFilters = [
        TypedMemberName("ItemIds", .array),
        TypedMemberName("Recommender", .string),
        TypedMemberName("Type", .string),
    ]
    private let query = MemberName("query")
    private let filters = MemberName("filters")
    private let recommenderClientID = MemberName("RecommenderClientId")
    private let recommendationID = MemberName("RecommendationId")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        findings.forEachList(of: envelope, where: { $0 == .recommendation }) { findings, list in
            guard let query = findings.object(query, of: list.body, at: list.pointers.list, .required) else { return }
            guard let filters = findings.object(filters, of: query, at: list.pointers.query, .required) else { return }
            let pointer = list.pointers.filters
            if let placement = findings.member(recommenderClientID, of: filters, at: pointer, .identifier, .required)?
                .stringValue, !Self.isPlainIdentifier(placement)
            {
                findings.warning(pointer.appending("RecommenderClientId"), "should use only a-z and _ (Events API guide)")
            }
            findings.validate(
                recommendationID, of: filters, at: pointer, .identifier,
                .recommended("strongly recommended (required for new integrations)"))
            for filter in Self.optionalFilters {
                findings.validate(filter.name, of: filters, at: pointer, filter.type, .optional)
            }
        }
    }

    /// The guide: the parts "must always be lowercased and joined by a symbol _. Please, avoid using
    /// any other characters than a-z and _."
    static func isPlainIdentifier(_ text: String) -> Bool {
        // Read as one buffer: walking `utf8` cost about 30 instructions a byte.
        var text = text
        return text.withUTF8 { bytes in
            bytes.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }
        }
    }
}
