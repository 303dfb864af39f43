/// A `Product Listing` list needs `query.scopes`: a category (`_category_label` with
/// `_category_identity`), a brand (`_brand_label` with `_brand_identity`), custom filters, or a
/// combination (v1, "Scope keys"; guide, "Scopes and Filters").
///
/// The guide lets a filter name used in the Product Listing API request stand in for the identity
/// (`"nested_category_id": "10283"` beside `_category_label`); the label stays required. So a label
/// without its `_identity` key is accepted when some scope key is not `_`-prefixed, that is, names a
/// filter.
struct ProductListingScopesRule: EventsAPIRule {
    static let pairs: [(label: String, identity: String)] = [
        ("_category_label", "_category_identity"),
        ("_brand_label", "_brand_identity"),
    ]

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        for list in findings.lists(of: envelope) where list.name == .productListing {
            guard let query = findings.object("query", of: list.body, at: list.pointers.list, .required) else { continue }
            _ = findings.object("filters", of: query, at: list.pointers.query, .optional)
            guard let scopes = findings.object("scopes", of: query, at: list.pointers.query, .required) else { continue }
            let pointer = list.pointers.scopes
            if scopes.isEmpty {
                findings.error(pointer, "must name a category, a brand or custom filters")
            }
            let hasFilterScope = scopes.keys.contains { !$0.hasPrefix("_") }
            for (label, identity) in Self.pairs {
                let hasLabel = scopes[label] != nil
                let hasIdentity = scopes[identity] != nil
                _ = findings.member(label, of: scopes, at: pointer, .identifier, hasIdentity ? .required : .optional)
                _ = findings.member(identity, of: scopes, at: pointer, .identifier, .optional)
                if hasLabel, !hasIdentity, !hasFilterScope {
                    findings.error(pointer.appending(identity), "required with \(label) (or a filter name carrying the identity)")
                }
            }
        }
    }
}
