/// Each list's `items`: objects with `title`, `type`, `url` and `position`, optional `price`;
/// positions are positive integers (absolute across pages, so not necessarily from 1) and unique
/// within the list (v1, "Search result item fields"; guide, "Search results" and "Results").
final class ListItemsRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let items = MemberName("items")
    private let title: MemberName
    private let type: MemberName
    private let url: MemberName
    private let position: MemberName
    private let price: MemberName

    /// The words of the usual item's keys, when they are read in place (``UsualItemKeys``):
    /// made once per validator rather than read from statics at every item.
    private let usualKeys: UsualItemKeys?

    init() {
        (title, type, url, position, price) = (MemberName("title"), MemberName("type"), MemberName("url"), MemberName("position"), MemberName("price"))
        usualKeys = UsualItemKeys(inOrder: [title, type, url, position, price])
    }

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        findings.forEachList(of: envelope) { findings, list in
            guard let items = findings.member(items, of: list.body, at: list.pointers.list, .array, .required)?.arrayValue
            else { return }
            var firstIndexOfPosition = FirstIndexOfPosition()
            let itemsPointer = list.pointers.items
            findings.forEachObject(in: items, at: itemsPointer) { findings, index, item in
                if let value = usualPosition(of: item) {
                    check(.integer(value), of: item, at: UsualItemKeys.position, index: index, itemsPointer, &firstIndexOfPosition, &findings)
                    return
                }
                let found = memberIndices(of: item)
                let pointer = itemsPointer.appending(index)
                findings.validate(title, at: found.title, of: item, at: pointer, .string, .required)
                findings.validate(type, at: found.type, of: item, at: pointer, .identifier, .required)
                findings.validate(url, at: found.url, of: item, at: pointer, .identifier, .required)
                if let position = findings.validate(position, at: found.position, of: item, at: pointer, .integer, .required),
                    case .number(let number) = item.members[position].value
                {
                    check(PositionKey(number), of: item, at: position, index: index, itemsPointer, &firstIndexOfPosition, &findings)
                }
                findings.validate(price, at: found.price, of: item, at: pointer, .numberOrNull, .optional)
            }
        }
    }

    /// Reports the position `key` of item `index` of the list's items (at `itemsPointer`), its
    /// member at `position`, when it is not positive, or when an earlier item of the list has it.
    private func check(
        _ key: PositionKey, of item: JSONObject, at position: Int, index: Int, _ itemsPointer: JSONPointer,
        _ firstIndexOfPosition: inout FirstIndexOfPosition, _ findings: inout EventsAPIFindings
    ) {
        // The position's text and pointer are made only for a finding: a copy of either costs a
        // retain and a release.
        if !key.isPositive {
            findings.error(
                itemsPointer.appending(index).appending("position"),
                "must be a positive integer, not \(Self.text(of: item, at: position))")
        } else if let first = firstIndexOfPosition.insert(key, at: index) {
            findings.error(
                itemsPointer.appending(index).appending("position"),
                "duplicate position \(Self.text(of: item, at: position)) (also at item \(first))")
        }
    }

    /// The text of the number at member `position` of `item`.
    private static func text(of item: JSONObject, at position: Int) -> String {
        item.members[position].value.numberValue?.text ?? ""
    }

    /// The position of the usual item, for which every check but its position's sign and
    /// uniqueness passes: the members `title, type, url, position[, price]` in that order, each
    /// key told by its words; a string `title`, non-empty short strings `type` and `url`, a short
    /// `position` of decimal digits, and a `price` that is a number or null. Decided on the members
    /// in place, at fixed places, with no value copied out (a retain and a release each); `nil`
    /// sends any other item through the checks one by one.
    @inline(__always)
    private func usualPosition(of item: JSONObject) -> Int64? {
        guard let keys = usualKeys else { return nil }
        return item.members.withUnsafeBufferPointer { members -> Int64? in
            guard members.count == 4 || members.count == 5, let base = members.baseAddress else { return nil }
            func payload(_ index: Int) -> UnsafeRawPointer { UnsafeRawPointer(base + index) + SmallUTF8.memberValueOffset }
            guard keys.match(base, count: members.count), case .string = members[0].value, case .string = members[1].value,
                case .string = members[2].value, case .number = members[UsualItemKeys.position].value,
                SmallUTF8(wordsAt: payload(1))?.count ?? 0 > 0, SmallUTF8(wordsAt: payload(2))?.count ?? 0 > 0
            else { return nil }
            if members.count == 5 {
                switch members[4].value {
                case .number, .null: break
                default: return nil
                }
            }
            return SmallUTF8(wordsAt: payload(UsualItemKeys.position))?.decimalValue
        }
    }

    /// Where an item's last `title`, `type`, `url`, `position` and `price` are, found in one pass
    /// over its members: a backward scan per name, each comparing the names of equal length, cost
    /// more than the checks themselves.
    private func memberIndices(of item: JSONObject) -> ItemMemberIndices {
        var found = ItemMemberIndices()
        item.members.withUnsafeBufferPointer { members in
            for index in members.indices {
                // A key is at most one of the names; forward, so the last of a name wins.
                if members[index].hasKey(title) {
                    found.title = index
                } else if members[index].hasKey(type) {
                    found.type = index
                } else if members[index].hasKey(url) {
                    found.url = index
                } else if members[index].hasKey(position) {
                    found.position = index
                } else if members[index].hasKey(price) {
                    found.price = index
                }
            }
        }
        return found
    }
}

/// The usual item's keys, `title, type, url, position, price`, as their names' small ASCII
/// literals (``MemberName/smallASCII``): a key whose two words are a name's words is that name, so
/// each member of the usual item is told by two comparisons of words read in place. `nil` where
/// members are not read in place (``SmallUTF8/layoutHolds``) or a name is not a small literal.
private struct UsualItemKeys {
    /// Where the usual item holds its position.
    static let position = 3
    private let literals: [SmallASCIILiteral]

    /// The keys of `names`, the usual item's member names in its order.
    init?(inOrder names: [MemberName]) {
        let literals = names.compactMap(\.smallASCII)
        guard SmallUTF8.layoutHolds, literals.count == names.count else { return nil }
        self.literals = literals
    }

    /// Whether the keys of the `count` (4 or 5) members at `members` are the usual item's, in order.
    @inline(__always)
    func match(_ members: UnsafePointer<JSONObject.Member>, count: Int) -> Bool {
        literals.withUnsafeBufferPointer { literals in
            for index in 0..<count {
                let key = UnsafeRawPointer(members + index)
                let words = (low: key.loadUnaligned(as: UInt64.self), high: key.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                guard literals[index].matches(words) else { return false }
            }
            return true
        }
    }
}

/// The positions of the members ``ListItemsRule`` checks in one item, `nil` where missing.
private struct ItemMemberIndices {
    var title: Int?
    var type: Int?
    var url: Int?
    var position: Int?
    var price: Int?
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
