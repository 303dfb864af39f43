/// Each list's `items`: objects with `title`, `type`, `url` and `position`, optional `price`;
/// positions are positive integers (absolute across pages, so not necessarily from 1) and unique
/// within the list (v1, "Search result item fields"; guide, "Search results" and "Results").
struct ListItemsRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let items = MemberName("items")
    private let title = MemberName("title")
    private let type = MemberName("type")
    private let url = MemberName("url")
    private let position = MemberName("position")
    private let price = MemberName("price")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        for list in findings.lists(of: envelope) {
            guard let items = findings.member(items, of: list.body, at: list.pointers.list, .array, .required)?.arrayValue
            else { continue }
            var firstIndexOfPosition = FirstIndexOfPosition()
            findings.forEachObject(in: items, at: list.pointers.items) { findings, index, item, pointer in
                findings.validate(title, of: item, at: pointer, .string, .required)
                findings.validate(type, of: item, at: pointer, .identifier, .required)
                findings.validate(url, of: item, at: pointer, .identifier, .required)
                if let found = findings.validate(position, of: item, at: pointer, .integer, .required),
                    case .number(let position) = item.members[found].value
                {
                    let key = PositionKey(position)
                    if !key.isPositive {
                        findings.error(pointer.appending("position"), "must be a positive integer, not \(position.text)")
                    } else if let first = firstIndexOfPosition.insert(key, at: index) {
                        findings.error(pointer.appending("position"), "duplicate position \(position.text) (also at item \(first))")
                    }
                }
                findings.validate(price, of: item, at: pointer, .numberOrNull, .optional)
            }
        }
    }
}

/// The index of the first item at each position of one list.
///
/// Lists number their items 1, 2, 3… (or on from a page's offset) in item order. While they do, the
/// positions seen are one run, where a position's first item is found by subtraction and nothing is
/// hashed; the first item off the run moves the run into a dictionary.
private struct FirstIndexOfPosition {
    private enum State {
        case empty
        /// Positions `start ..< start + count` at items `firstIndex ..< firstIndex + count`.
        case run(start: Int64, firstIndex: Int, count: Int)
        case table([PositionKey: Int])
    }

    private var state = State.empty

    /// Records the item at `index` as being at `key`; the index of an earlier item at the same
    /// position (which stays the recorded one), or `nil` when the position is new.
    mutating func insert(_ key: PositionKey, at index: Int) -> Int? {
        var table: [PositionKey: Int]
        switch (state, key) {
        case (.empty, .integer(let position)):
            state = .run(start: position, firstIndex: index, count: 1)
            return nil
        case (.run(let start, let firstIndex, let count), .integer(let position)):
            // Differences, not sums: every position here is positive, so none can overflow.
            if position - start == Int64(count) && index == firstIndex + count {
                state = .run(start: start, firstIndex: firstIndex, count: count + 1)
                return nil
            }
            if position >= start && position - start < Int64(count) { return firstIndex + Int(position - start) }
            table = Self.table(start: start, firstIndex: firstIndex, count: count)
        case (.run(let start, let firstIndex, let count), .exact):
            table = Self.table(start: start, firstIndex: firstIndex, count: count)
        case (.empty, .exact):
            table = [:]
        case (.table(let existing), _):
            table = existing
        }
        // Emptied while the table is changed, so that it is not copied.
        state = .empty
        defer { state = .table(table) }
        // One hash for the usual, unique position; a repeat puts the first index back.
        guard let first = table.updateValue(index, forKey: key) else { return nil }
        table[key] = first
        return first
    }

    private static func table(start: Int64, firstIndex: Int, count: Int) -> [PositionKey: Int] {
        var table: [PositionKey: Int] = [:]
        table.reserveCapacity(count + 1)
        for offset in 0..<count { table[.integer(start + Int64(offset))] = firstIndex + offset }
        return table
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
