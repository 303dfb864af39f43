/// A `transaction` lists every purchased line in `items`: `url`, an integer `count` of at least 1, a
/// non-negative `total_price`, optional `title`, and the two discount flags (v1, "Transaction item
/// fields"; guide, "Transaction event").
///
/// The guide marks `was_discounted` and `was_volume_discounted` REQUIRED, v1 leaves them optional:
/// a missing flag is a warning, a flag that is not a boolean an error. An empty `items` is an error:
/// both documents say to include every purchased item, and a purchase has at least one.
struct TransactionItemsRule: EventsAPIRule {
    static let flags = ["was_discounted", "was_volume_discounted"]

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard findings.eventType(of: envelope) == .transaction,
            let items = findings.member("items", of: envelope, at: .root, .array, .required)?.arrayValue
        else { return }
        let itemsPointer = JSONPointer.root.appending("items")
        if items.isEmpty {
            findings.error(itemsPointer, "must list at least one purchased item")
        }
        findings.forEachObject(in: items, at: itemsPointer) { findings, _, item, pointer in
            _ = findings.member("url", of: item, at: pointer, .identifier, .required)
            if let count = findings.member("count", of: item, at: pointer, .integer, .required)?.numberValue,
                count < JSONNumber(1)
            {
                findings.error(pointer.appending("count"), "must be at least 1, not \(count.text)")
            }
            if let price = findings.member("total_price", of: item, at: pointer, .number, .required)?.numberValue,
                price < JSONNumber(0)
            {
                findings.error(pointer.appending("total_price"), "must be 0 or more, not \(price.text)")
            }
            _ = findings.member("title", of: item, at: pointer, .string, .optional)
            for flag in Self.flags {
                _ = findings.member(
                    flag, of: item, at: pointer, .boolean, .recommended("should be true or false (required by the Events API guide)"))
            }
        }
    }
}
