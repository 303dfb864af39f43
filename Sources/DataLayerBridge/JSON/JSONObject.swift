/// A JSON object that keeps its members in source order.
///
/// Duplicate keys are kept as written (so a document re-writes byte for byte), and lookup returns
/// the last one, as JavaScript's `JSON.parse` did when the dataLayers we read were recorded.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        /// The member's name.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in source order, duplicates included.
    public private(set) var members: [Member] {
        didSet { knownSize = 0 }
    }

    /// The object's size as the expression size guard counts it (``JSONValue/size(upTo:)``), when
    /// whoever built it knew it (materialisation from a tape, a multi-select); 0 when not. Guarding
    /// a result that holds an object from the push then costs nothing instead of a walk of it.
    var knownSize = 0

    /// Creates an object from members in the order given.
    public init(_ members: [Member] = []) { self.members = members }

    /// An empty object with room for `capacity` members.
    init(capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
    }

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public subscript(position: Int) -> Member { members[position] }

    /// The value of the last member named `key`; setting replaces it in place, or appends a member.
    /// Setting `nil` removes every member named `key`.
    public subscript(key: String) -> JSONValue? {
        get {
            // Comparing lengths first skips String's out-of-line comparison for most members; the
            // buffer is read in place, so no member is copied (retained) to be looked at.
            let length = key.utf8.count
            return members.withUnsafeBufferPointer { buffer in
                var index = buffer.endIndex
                while index > 0 {
                    index -= 1
                    if buffer[index].key.utf8.count == length && buffer[index].key == key { return buffer[index].value }
                }
                return nil
            }
        }
        set {
            guard let newValue else {
                members.removeAll { $0.key == key }
                return
            }
            if let index = members.lastIndex(where: { $0.key == key }) {
                members[index].value = newValue
            } else {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Appends a member without looking for an existing one (the parser's and builders' fast path).
    public mutating func append(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// The keys in source order, each once (at its last position's value, first position's order).
    public var keys: [String] {
        if !hasDuplicateKeys { return members.map(\.key) }
        var seen = Set<String>()
        return members.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }

    /// The effective members: one per key, the last value winning, in first-appearance order.
    public var uniqueMembers: [Member] {
        if !hasDuplicateKeys { return members }
        return keys.map { Member(key: $0, value: self[$0]!) }
    }

    /// Whether some key appears twice. Small objects (the usual case) are checked pair by pair
    /// rather than through a `Set`, which would allocate and hash every key.
    private var hasDuplicateKeys: Bool {
        guard members.count > 16 else {
            for later in members.indices.dropFirst() {
                for earlier in members.startIndex..<later where members[earlier].key == members[later].key { return true }
            }
            return false
        }
        return Set(members.map(\.key)).count != members.count
    }

    /// Objects are equal as maps: same keys, equal values, order and shadowed duplicates ignored.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        let left = lhs.uniqueMembers
        let right = rhs.uniqueMembers
        guard left.count == right.count else { return false }
        return left.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with `==`.
        var combined = 0
        for member in uniqueMembers { combined ^= member.hashValue }
        hasher.combine(combined)
    }
}
