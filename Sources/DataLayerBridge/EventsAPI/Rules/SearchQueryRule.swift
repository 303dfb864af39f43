/// `Search Results` and `Autocomplete` lists carry the user's text in `query.string`; `filters`,
/// when present, is an object (v1, "Search events" and "Autocomplete events").
struct SearchQueryRule: EventsAPIRule {
    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        for list in findings.lists(of: envelope) where list.name == .searchResults || list.name == .autocomplete {
            guard let query = findings.object("query", of: list.body, at: list.pointers.list, .required) else { continue }
            let pointer = list.pointers.query
            _ = findings.member("string", of: query, at: pointer, .string, .required)
            _ = findings.object("filters", of: query, at: pointer, .optional)
        }
    }
}
