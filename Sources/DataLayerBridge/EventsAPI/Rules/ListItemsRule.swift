/// Each list's `items`: objects with `title`, `type`, `url` and `position`, optional `price`;
/// positions are positive integers (absolute across pages, so not necessarily from 1) and unique
/// within the list (v1, "Search result item fields"; guide, "Search results" and "Results").
struct ListItemsRule: EventsAPIRule {
    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        for list in findings.lists(of: envelope) {
            guard let items = findings.member("items", of: list.body, at: list.pointers.list, .array, .required)?.arrayValue
            else { continue }
            var firstIndexOfPosition: [PositionKey: Int] = [:]
            firstIndexOfPosition.reserveCapacity(items.count)
            findings.forEachObject(in: items, at: list.pointers.items) { findings, index, item, pointer in
                _ = findings.member("title", of: item, at: pointer, .string, .required)
                _ = findings.member("type", of: item, at: pointer, .identifier, .required)
                _ = findings.member("url", of: item, at: pointer, .identifier, .required)
                if let position = findings.member("position", of: item, at: pointer, .integer, .required)?.numberValue {
                    let key = PositionKey(position)
                    if !key.isPositive {
                        findings.error(pointer.appending("position"), "must be a positive integer, not \(position.text)")
                    } else if let first = firstIndexOfPosition.updateValue(index, forKey: key) {
                        // One hash for the usual, unique position; a repeat puts the first index back.
                        firstIndexOfPosition[key] = first
                        findings.error(pointer.appending("position"), "duplicate position \(position.text) (also at item \(first))")
                    }
                }
                _ = findings.member("price", of: item, at: pointer, .numberOrNull, .optional)
            }
        }
    }
}

/// A position as a dictionary key equal for equal values (`3` and `3.0`), hashed as a machine
/// integer when it fits one: hashing a `JSONNumber` splits it into decimal digits.
private enum PositionKey: Hashable {
    case integer(Int64)
    case exact(JSONNumber)

    init(_ number: JSONNumber) {
        if let value = number.int64Value { self = .integer(value) } else { self = .exact(number) }
    }

    var isPositive: Bool {
        switch self {
        case .integer(let value): return value > 0
        case .exact(let number): return number > JSONNumber(0)
        }
    }
}
