/// A `Product Listing` list needs `query.scopes`: a category (`_category_label` with
/// `_category_identity`), a brand (`_brand_label` with `_brand_identity`), custom filters, or a
/// combination (v1, "Scope keys"; guide, "Scopes and Filters").
///
/// The guide lets a filter name used in the Product Listing API request stand in for the identity
/// (`"nested_category_id": "10283"` beside `_category_label`); the label stays required. So a label
/// without its `_identity` key is accepted when some scope key is not `_`-prefixed, that is, names a
/// filter.
final class ProductListingScopesRule: EventsAPIRule {
    /// A scope's label key and the identity key that goes with it (a struct, not a tuple: see
    /// ``TypedMemberName``).
    private struct ScopeKeys: Sendable {
        let label: MemberName
        let identity: MemberName
    }

    /// The label and identity keys, the names prepared once (see ``TypedMemberName``).
    private static let pairs = [
        ScopeKeys(label: MemberName("_category_label"), identity: MemberName("_category_identity")),
        ScopeKeys(label: MemberName("_brand_label"), identity: MemberName("_brand_identity")),
    ]
    private let query = MemberName("query")
    private let filters = MemberName("filters")
    private let scopes = MemberName("scopes")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        findings.forEachList(of: envelope, where: { $0 == .productListing }) { findings, list in
            guard let query = findings.object(query, of: list.body, at: list.pointers.list, .required) else { return }
            findings.validate(filters, of: query, at: list.pointers.query, .object, .optional)
            guard let scopes = findings.object(scopes, of: query, at: list.pointers.query, .required) else { return }
            let pointer = list.pointers.scopes
            if scopes.isEmpty {
                findings.error(pointer, "must name a category, a brand or custom filters")
            }
            let hasFilterScope = scopes.members.contains { Self.namesFilter($0.key) }
            for keys in Self.pairs {
                let (label, identity) = (keys.label, keys.identity)
                let hasLabel = scopes.lastIndex(named: label) != nil
                let hasIdentity = scopes.lastIndex(named: identity) != nil
                findings.validate(label, of: scopes, at: pointer, .identifier, hasIdentity ? .required : .optional)
                findings.validate(identity, of: scopes, at: pointer, .identifier, .optional)
                if hasLabel, !hasIdentity, !hasFilterScope {
                    findings.error(pointer.appending(identity.string), "required with \(label.string) (or a filter name carrying the identity)")
                }
            }
        }
    }

    /// Whether scope key `key` names a filter, not being `_`-prefixed: `!key.hasPrefix("_")`, settled
    /// by its first two bytes when they can settle it. `hasPrefix` compares characters, out of line,
    /// and with the array of keys it was read from cost about 900 instructions per list.
    static func namesFilter(_ key: String) -> Bool {
        var bytes = key.utf8.makeIterator()
        // No other text is canonically equivalent to `_`, so a key starting with another byte does not
        // start with it; and an ASCII byte after `_` starts a new character.
        guard bytes.next() == UInt8(ascii: "_") else { return true }
        guard let second = bytes.next(), second >= 0x80 else { return false }
        return !key.hasPrefix("_")
    }
}
