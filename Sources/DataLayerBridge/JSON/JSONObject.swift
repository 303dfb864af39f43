/// A JSON object that keeps its members in source order.
///
/// Duplicate keys are kept as written (so a document re-writes byte for byte), and lookup returns
/// the last one, as JavaScript's `JSON.parse` did when the dataLayers we read were recorded.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection {
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        /// The member's name.
        public var key: String {
            didSet { keyLength = Self.storedLength(key.utf8.count) }
        }
        /// The member's value.
        public var value: JSONValue
        /// `key`'s UTF-8 length, or `UInt32.max` for a longer key. Lookup compares this word before
        /// anything of `key`, which saves working the length out of the string at every member
        /// scanned; it fits in the padding after `value`, so a member is no larger for it.
        private(set) var keyLength: UInt32

        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.init(key: key, value: value, keyLength: Self.storedLength(key.utf8.count))
        }

        /// A member whose `key` is known to be `keyLength` (< `UInt32.max`) UTF-8 bytes long,
        /// as a key materialised from a tape is (documents are under 4 GiB): no clamp to pay.
        init(key: String, value: JSONValue, keyLength: UInt32) {
            self.key = key
            self.value = value
            self.keyLength = keyLength
        }

        /// The ``keyLength`` of a key `utf8Count` bytes long.
        static func storedLength(_ utf8Count: Int) -> UInt32 {
            UInt32(clamping: utf8Count)
        }

        /// Whether `name` is this member's key: the same UTF-8 length and canonically equivalent.
        /// This is the one rule by which every operation of ``JSONObject`` tells keys apart.
        @inline(__always)
        func hasKey(_ name: MemberName) -> Bool {
            guard keyLength == name.storedLength else { return false }
            // A small ASCII key is the name exactly when their small strings' words are equal:
            // decided here rather than by String's comparison, which calls into the runtime
            // whenever the words differ (`item_list_id` beside `item_variant`, `price` beside `index`).
            if let decided = name.smallASCII?.decides(key) { return decided }
            // A clamped length says only that both are long: the exact lengths must still agree.
            return (name.storedLength != .max || key.utf8.count == name.length) && key == name.string
        }

        /// Whether `other` has this member's key, by the rule of ``hasKey(_:)``, without preparing a name.
        @inline(__always)
        func hasSameKey(as other: Member) -> Bool {
            guard keyLength == other.keyLength else { return false }
            return (keyLength != .max || key.utf8.count == other.key.utf8.count) && key == other.key
        }

        // `keyLength` follows from `key`, so equality and hashing leave it out and stay as they were.
        public static func == (lhs: Member, rhs: Member) -> Bool {
            lhs.key == rhs.key && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(key)
            hasher.combine(value)
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
    /// Setting `nil` removes every member named `key`. "Named `key`" means the same UTF-8 length and
    /// canonically equivalent, for reading and writing alike.
    public subscript(key: String) -> JSONValue? {
        get { self[MemberName(key)] }
        set {
            let name = MemberName(key)
            guard let newValue else {
                members.removeAll { $0.hasKey(name) }
                return
            }
            if let index = members.lastIndex(where: { $0.hasKey(name) }) {
                members[index].value = newValue
            } else {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// The value of the last member named `name`, for the `String` subscript: one out-of-line copy
    /// of the scan shared by its many callers (inlining it into each of them costs more than the
    /// calls, as measured).
    subscript(name: MemberName) -> JSONValue? { value(named: name) }

    /// The value of the last member named `name`, with the scan inlined: for expression field
    /// steps, which run it most and whose names are prepared when the expression compiles.
    @inline(__always)
    func value(named name: MemberName) -> JSONValue? {
        withLastMember(named: name) { member, _ in member.pointee.value }
    }

    /// The position of the last member named `name`, for a caller that only looks at the value
    /// (the Events API checks): reading `members[index]` in place copies (retains) nothing.
    @inline(__always)
    func lastIndex(named name: MemberName) -> Int? {
        withLastMember(named: name) { _, index in index }
    }

    /// `body` applied to the last member named `name` and its index, or `nil` when there is none.
    @inline(__always)
    private func withLastMember<Result>(named name: MemberName, _ body: (UnsafePointer<Member>, Int) -> Result) -> Result? {
        // Comparing stored lengths first skips String's out-of-line comparison for most members;
        // the buffer is read in place, so no member is copied (retained) to be looked at.
        members.withUnsafeBufferPointer { buffer in
            // A pointer walked down to the base: one register and one comparison of loop control.
            guard let base = buffer.baseAddress else { return nil }
            var member = base + buffer.count
            while member != base {
                member -= 1
                if member.pointee.hasKey(name) { return body(member, member - base) }
            }
            return nil
        }
    }

    /// Appends a member without looking for an existing one (the parser's and builders' fast path).
    public mutating func append(key: String, value: JSONValue) {
        append(Member(key: key, value: value))
    }

    /// Appends `member` as it is, its key length already worked out.
    mutating func append(_ member: Member) {
        members.append(member)
    }

    /// The keys in source order, each once (at its last position's value, first position's order).
    public var keys: [String] {
        if !hasDuplicateKeys { return members.map(\.key) }
        var seen = Set<MemberName>()
        return members.compactMap { seen.insert(MemberName($0.key)).inserted ? $0.key : nil }
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
            // In place, stored lengths first: no member copied, no name prepared per pair.
            return members.withUnsafeBufferPointer { buffer in
                for later in buffer.indices.dropFirst() {
                    for earlier in buffer.startIndex..<later where buffer[earlier].hasSameKey(as: buffer[later]) { return true }
                }
                return false
            }
        }
        return Set(members.map { MemberName($0.key) }).count != members.count
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

/// A member name prepared for lookup in a ``JSONObject``: its UTF-8 length worked out once, as a
/// member's is when the member is made. Names are equal by the object's key rule: the same UTF-8
/// length and canonically equivalent.
struct MemberName: Sendable, Hashable {
    /// The name.
    let string: String
    /// `string`'s UTF-8 length.
    let length: Int
    /// `length` as ``JSONObject/Member`` stores it.
    let storedLength: UInt32
    /// The name as a small ASCII string, which a small ASCII key is compared with by its words;
    /// `nil` for a longer or non-ASCII name (``SmallASCIILiteral``).
    let smallASCII: SmallASCIILiteral?

    init(_ string: String) {
        self.string = string
        length = string.utf8.count
        storedLength = JSONObject.Member.storedLength(length)
        smallASCII = SmallASCIILiteral(wordsOf: string)
    }

    static func == (lhs: MemberName, rhs: MemberName) -> Bool {
        lhs.length == rhs.length && lhs.string == rhs.string
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(length)
        hasher.combine(string)
    }
}
