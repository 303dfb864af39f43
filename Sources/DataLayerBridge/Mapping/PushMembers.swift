#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the normaliser's skip decisions read of a push: the last `event` and `ecommerce` members and
/// whether another member carries data. A materialised object and a parsed tape both answer, so
/// the records the normaliser skips (most of a log) are decided on the tape and never materialised,
/// by the same decision code as the rest.
protocol PushMembers {
    /// The last member named `event`, as the decisions see it; `nil` when there is none.
    var event: MemberShape? { get }
    /// The last member named `ecommerce`; `nil` when there is none.
    var ecommerce: MemberShape? { get }
    /// The last `event` member's name when it starts with `gtm.` (``InputNormalizer/isGTMEventName(_:)``):
    /// GTM's own events, which are skipped. Only their names are made into strings.
    var gtmSystemEventName: String? { get }
    /// Whether a member other than `event` and `ecommerce`, whose value is not null, is one of
    /// ``InputNormalizer/ecommerceParameters``.
    var carriesEcommerceParameter: Bool { get }
    /// Whether a member other than `event` and `ecommerce`, whose value is not null, has a key that
    /// does not start with `gtm.`.
    var carriesNonGTMMember: Bool { get }
}

/// A member value as the skip decisions see it.
enum MemberShape: Equatable {
    case null
    case string
    case emptyArray
    /// Anything else: a number, Boolean, object or non-empty array.
    case other

    /// The shape of `value`.
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .string: self = .string
        case .array(let elements) where elements.isEmpty: self = .emptyArray
        default: self = .other
        }
    }

    /// Whether an `ecommerce` of this shape clears GTM's merged ecommerce object (`null` or `[]`).
    var isResetMarker: Bool { self == .null || self == .emptyArray }
}

/// Whether the UTF-8 `key` starts with `gtm.`: four bytes compared as one word, where a generic
/// `starts(with:)` costs ten times more.
func startsWithGTM(_ key: UnsafeRawBufferPointer) -> Bool {
    key.count >= 4 && key.loadUnaligned(as: UInt32.self) == UInt32(littleEndian: 0x2E6D_7467)
}

/// A materialised push.
struct ObjectPush: PushMembers {
    let object: JSONObject

    var event: MemberShape? { object["event"].map(MemberShape.init) }
    var ecommerce: MemberShape? { object["ecommerce"].map(MemberShape.init) }
    var gtmSystemEventName: String? {
        guard case .string(let name)? = object["event"], InputNormalizer.isGTMEventName(name) else { return nil }
        return name
    }
    var carriesEcommerceParameter: Bool { containsNonNullMember(where: InputNormalizer.isEcommerceParameter) }
    var carriesNonGTMMember: Bool { containsNonNullMember { !startsWithGTM($0) } }

    private func containsNonNullMember(where test: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        object.contains { member in
            guard member.key != "ecommerce", member.key != "event", !member.value.isNull else { return false }
            return member.key.withBytes { test(UnsafeRawBufferPointer($0)) }
        }
    }
}

/// The object at `object` of a parsed record, read in place. One pass over the keys answers every
/// question the decisions ask, each key compared as a ``ShortText`` (a few instructions) rather
/// than byte by byte against each name.
struct TapePush: PushMembers {
    /// The value nodes of the last `event`, `"0"` and `ecommerce` members.
    let eventNode: Int?
    let zeroNode: Int?
    let ecommerceNode: Int?
    let event: MemberShape?
    let ecommerce: MemberShape?
    let gtmSystemEventName: String?
    let carriesEcommerceParameter: Bool
    let carriesNonGTMMember: Bool
    /// Whether any key, whatever its value, is an ecommerce parameter: normalising moves those.
    let hasEcommerceParameter: Bool

    init(tape: JSONTape, object: Int) {
        let names = PushKeyNames.shared
        var event: Int?, zero: Int?, ecommerce: Int?
        var carriesEcommerceParameter = false, carriesNonGTMMember = false, hasEcommerceParameter = false
        // Walked by index rather than through `children`, whose iterator holds (retains) a copy
        // of the tape.
        var keyNode = object + 1
        let end = tape.skip(object)
        while keyNode < end {
            let value = keyNode + 1
            let role: PushKeyNames.Role
            if tape.stringNeedsDecoding(keyNode) {
                var name = tape.string(keyNode)
                role = name.withUTF8 { names.role(of: UnsafeRawBufferPointer($0)) }
            } else {
                role = names.role(of: tape.rawText(keyNode))
            }
            switch role {
            case .event: event = value
            case .ecommerce: ecommerce = value
            case .other(let isZero, let isParameter, let isGTM):
                if isZero { zero = value }
                hasEcommerceParameter = hasEcommerceParameter || isParameter
                if tape.kind(value) != .null {
                    carriesEcommerceParameter = carriesEcommerceParameter || isParameter
                    carriesNonGTMMember = carriesNonGTMMember || !isGTM
                }
            }
            keyNode = tape.skip(value)
        }
        (eventNode, zeroNode, ecommerceNode) = (event, zero, ecommerce)
        // Not `map` with a closure, which would keep a copy (a retain) of the tape.
        if let event { self.event = Self.shape(tape, event) } else { self.event = nil }
        gtmSystemEventName = self.event == .string ? Self.gtmSystemEventName(tape, event.unsafelyUnwrapped, names) : nil
        if let ecommerce { self.ecommerce = Self.shape(tape, ecommerce) } else { self.ecommerce = nil }
        self.carriesEcommerceParameter = carriesEcommerceParameter
        self.carriesNonGTMMember = carriesNonGTMMember
        self.hasEcommerceParameter = hasEcommerceParameter
    }

    /// The name of the event string at `node` when it starts with `gtm.`: decided on its bytes,
    /// made into a string only then, or when escapes or non-ASCII bytes leave it to the string.
    /// GTM's own names (`gtm.js`, `gtm.dom`, `gtm.load`) are short: made from the words of their
    /// text, as ``StringCache`` makes short strings, since most of a log's records are theirs.
    private static func gtmSystemEventName(_ tape: JSONTape, _ node: Int, _ names: PushKeyNames) -> String? {
        if !tape.stringNeedsDecoding(node) {
            let raw = tape.rawText(node)
            if let isGTM = InputNormalizer.isGTMEventName(utf8: raw) {
                guard isGTM else { return nil }
                return raw.count < names.smallStringLimit ? ShortText(unchecked: raw).smallString : tape.string(node)
            }
        }
        let name = tape.string(node)
        return InputNormalizer.isGTMEventName(name) ? name : nil
    }

    private static func shape(_ tape: JSONTape, _ node: Int) -> MemberShape {
        switch tape.kind(node) {
        case .null: return .null
        case .string: return .string
        case .array where tape.count(node) == 0: return .emptyArray
        default: return .other
        }
    }
}

/// The key names the tape decisions look for, as ``ShortText``s in one small hash table: a key is
/// classified by one probe, made once and read once per push.
struct PushKeyNames: Sendable {
    static let shared = PushKeyNames()

    /// What a key is to the decisions.
    enum Role {
        case event
        case ecommerce
        /// Any other key: whether it is `"0"`, one of ``InputNormalizer/ecommerceParameters``, or
        /// starts with `gtm.`.
        case other(isZero: Bool, isParameter: Bool, isGTM: Bool)
    }

    private struct Slot {
        var text: ShortText
        var role: Role
    }

    /// `event`, `ecommerce`, `"0"` and ``InputNormalizer/ecommerceParameters`` in an open-addressed
    /// table of 64 slots (a third full), empty slots holding ``ShortText/none``: most other keys
    /// stop at an empty slot after one comparison.
    private let slots: [Slot]
    private static let slotBits = 6
    /// For each length up to ``ShortText/maxLength``, a bit for the low six bits of the first byte
    /// of each name of that length: most keys (`client_id`, `page_location`, `timestamp`) are
    /// told to be none of the names by this one test, without their text hashed.
    private let firstBytes: [UInt64]
    /// ``ShortText/smallStringLimit``, read with the names, not from the static at every push.
    let smallStringLimit = ShortText.smallStringLimit

    private init() {
        let roles = [("event", Role.event), ("ecommerce", .ecommerce), ("0", .other(isZero: true, isParameter: false, isGTM: false))]
            + InputNormalizer.ecommerceParameters.map { ($0, Role.other(isZero: false, isParameter: true, isGTM: false)) }
        var firstBytes = [UInt64](repeating: 0, count: ShortText.maxLength + 1)
        for (name, _) in roles { firstBytes[name.utf8.count] |= Self.bit(of: name.utf8.first ?? 0) }
        self.firstBytes = firstBytes
        var slots = [Slot](repeating: Slot(text: .none, role: .other(isZero: false, isParameter: false, isGTM: false)),
                           count: 1 << Self.slotBits)
        for (name, role) in roles {
            let text = Array(name.utf8).withUnsafeBytes { ShortText($0)! }
            var slot = Self.slot(of: text)
            while slots[slot].text != .none { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Slot(text: text, role: role)
        }
        self.slots = slots
    }

    @inline(__always)
    private static func bit(of firstByte: UInt8) -> UInt64 { 1 << (firstByte & 63) }

    @inline(__always)
    private static func slot(of text: ShortText) -> Int {
        Int(truncatingIfNeeded: text.hash >> (64 - UInt64(slotBits)))
    }

    /// The role of the name `text` when it is one the decisions look for.
    @inline(__always)
    private func knownRole(_ text: ShortText) -> Role? {
        slots.withUnsafeBufferPointer { slots in
            var slot = Self.slot(of: text)
            while true {
                let entry = slots[slot]
                if entry.text == text { return entry.role }
                if entry.text.length < 0 { return nil }
                slot = (slot + 1) & (slots.count - 1)
            }
        }
    }

    /// Whether the UTF-8 `key` is one of ``InputNormalizer/ecommerceParameters``.
    func isEcommerceParameter(_ key: UnsafeRawBufferPointer) -> Bool {
        if case .other(_, true, _)? = ShortText(key).flatMap(knownRole) { return true }
        return false
    }

    /// The role of the UTF-8 `key`.
    @inline(__always)
    func role(of key: UnsafeRawBufferPointer) -> Role {
        // No name looked for is empty or starts with `gtm.`.
        if key.count <= ShortText.maxLength, key.count > 0, firstBytes[key.count] & Self.bit(of: key[0]) != 0,
           let role = knownRole(ShortText(unchecked: key)) {
            return role
        }
        return .other(isZero: false, isParameter: false, isGTM: startsWithGTM(key))
    }
}
