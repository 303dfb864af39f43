/// A `transaction` lists every purchased line in `items`: `url`, an integer `count` of at least 1, a
/// non-negative `total_price`, optional `title`, and the two discount flags (v1, "Transaction item
/// fields"; guide, "Transaction event").
///
/// The guide marks `was_discounted` and `was_volume_discounted` REQUIRED, v1 leaves them optional:
/// a missing flag is a warning, a flag that is not a boolean an error. An empty `items` is an error:
/// both documents say to include every purchased item, and a purchase has at least one.
final class TransactionItemsRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let wasDiscounted = MemberName("was_discounted")
    private let wasVolumeDiscounted = MemberName("was_volume_discounted")
    private let items = MemberName("items")
    private let url = MemberName("url")
    private let count = MemberName("count")
    private let totalPrice = MemberName("total_price")
    private let title = MemberName("title")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard findings.eventType(of: envelope) == .transaction,
            let items = findings.member(items, at: findings.members.items, of: envelope, at: .root, .array, .required)?.arrayValue
        else { return }
        let itemsPointer = JSONPointer.root.appending("items")
        if items.isEmpty {
            findings.error(itemsPointer, "must list at least one purchased item")
        }
        findings.forEachObject(in: items, at: itemsPointer) { findings, index, item in
            let pointer = itemsPointer.appending(index)
            findings.validate(url, of: item, at: pointer, .identifier, .required)
            if let count = findings.member(count, of: item, at: pointer, .integer, .required)?.numberValue,
                count < JSONNumber(1)
            {
                findings.error(pointer.appending("count"), "must be at least 1, not \(count.text)")
            }
            if let price = findings.member(totalPrice, of: item, at: pointer, .number, .required)?.numberValue,
                price < JSONNumber(0)
            {
                findings.error(pointer.appending("total_price"), "must be 0 or more, not \(price.text)")
            }
            findings.validate(title, of: item, at: pointer, .string, .optional)
            let flagMissing = Presence.recommended("should be true or false (required by the Events API guide)")
            findings.validate(wasDiscounted, of: item, at: pointer, .boolean, flagMissing)
            findings.validate(wasVolumeDiscounted, of: item, at: pointer, .boolean, flagMissing)
        }
    }
}
