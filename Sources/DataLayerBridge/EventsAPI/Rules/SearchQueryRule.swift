/// `Search Results` and `Autocomplete` lists carry the user's text in `query.string`; `filters`,
/// when present, is an object (v1, "Search events" and "Autocomplete events").
final class SearchQueryRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let query = MemberName("query")
    private let string = MemberName("string")
    private let filters = MemberName("filters")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        findings.forEachList(of: envelope, where: { $0 == .searchResults || $0 == .autocomplete }) { findings, list in
            guard let query = findings.object(query, of: list.body, at: list.pointers.list, .required) else { return }
            let pointer = list.pointers.query
            findings.validate(string, of: query, at: pointer, .string, .required)
            findings.validate(filters, of: query, at: pointer, .object, .optional)
        }
    }
}
