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
    case string(String)
    case emptyArray
    /// Anything else: a number, Boolean, object or non-empty array.
    case other

    /// The shape of `value`.
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .string(let string): self = .string(string)
        case .array(let elements) where elements.isEmpty: self = .emptyArray
        default: self = .other
        }
    }

    /// Whether an `ecommerce` of this shape clears GTM's merged ecommerce object (`null` or `[]`).
    var isResetMarker: Bool { self == .null || self == .emptyArray }
}

/// Whether the UTF-8 `key` starts with `gtm.`: four bytes compared as one word, where a generic
/// `starts(with:)` costs ten times more.
private func startsWithGTM(_ key: UnsafeRawBufferPointer) -> Bool {
    key.count >= 4 && key.loadUnaligned(as: UInt32.self) == UInt32(littleEndian: 0x2E6D_7467)
}

/// A materialised push.
struct ObjectPush: PushMembers {
    let object: JSONObject

    var event: MemberShape? { object["event"].map(MemberShape.init) }
    var ecommerce: MemberShape? { object["ecommerce"].map(MemberShape.init) }
    var carriesEcommerceParameter: Bool { containsNonNullMember(where: InputNormalizer.isEcommerceParameter) }
    var carriesNonGTMMember: Bool { containsNonNullMember { !startsWithGTM($0) } }

    private func containsNonNullMember(where test: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        object.contains { member in
            guard member.key != "ecommerce", member.key != "event", !member.value.isNull else { return false }
            return member.key.withBytes { test(UnsafeRawBufferPointer($0)) }
        }
    }
}

/// The object at `object` of a parsed record, read in place. One pass over the keys finds the
/// members every decision reads; the questions about the other members are asked only of the
/// records that need them (resets, pushes to map), not of the GTM events that are most of a log.
struct TapePush: PushMembers {
    let tape: JSONTape
    let object: Int
    /// The value nodes of the last `event`, `"0"` and `ecommerce` members.
    let eventNode: Int?
    let zeroNode: Int?
    let ecommerceNode: Int?

    init(tape: JSONTape, object: Int) {
        self.tape = tape
        self.object = object
        var event: Int?, zero: Int?, ecommerce: Int?
        Self.forEachMember(of: object, in: tape) { key, value in
            switch key.count {
            case 5 where Self.equals(key, "event"): event = value
            case 9 where Self.equals(key, "ecommerce"): ecommerce = value
            case 1 where key[0] == UInt8(ascii: "0"): zero = value
            default: break
            }
            return false
        }
        (eventNode, zeroNode, ecommerceNode) = (event, zero, ecommerce)
    }

    var carriesEcommerceParameter: Bool {
        anyOtherMember { key, value in tape.kind(value) != .null && InputNormalizer.isEcommerceParameter(key) }
    }

    var carriesNonGTMMember: Bool {
        anyOtherMember { key, value in tape.kind(value) != .null && !startsWithGTM(key) }
    }

    /// Whether any key, whatever its value, is an ecommerce parameter: normalising moves those.
    var hasEcommerceParameter: Bool {
        anyOtherMember { key, _ in InputNormalizer.isEcommerceParameter(key) }
    }

    /// Whether `test` holds for a member other than `event` and `ecommerce`.
    private func anyOtherMember(_ test: (UnsafeRawBufferPointer, Int) -> Bool) -> Bool {
        var found = false
        Self.forEachMember(of: object, in: tape) { key, value in
            guard !Self.equals(key, "event"), !Self.equals(key, "ecommerce") else { return false }
            found = test(key, value)
            return found
        }
        return found
    }

    /// Calls `body` with each member's key (decoded when it has escapes) and value node, in
    /// order, until it returns `true`.
    private static func forEachMember(of object: Int, in tape: JSONTape, _ body: (UnsafeRawBufferPointer, Int) -> Bool) {
        // Walked by index rather than through `children`, whose iterator holds (retains) a copy
        // of the tape.
        var keyNode = object + 1
        let end = tape.skip(object)
        while keyNode < end {
            let stop: Bool
            if tape.stringNeedsDecoding(keyNode) {
                var name = tape.string(keyNode)
                stop = name.withUTF8 { body(UnsafeRawBufferPointer($0), keyNode + 1) }
            } else {
                stop = body(tape.rawText(keyNode), keyNode + 1)
            }
            if stop { return }
            keyNode = tape.skip(keyNode + 1)
        }
    }

    var event: MemberShape? { eventNode.map(shape) }
    var ecommerce: MemberShape? { ecommerceNode.map(shape) }

    private func shape(_ node: Int) -> MemberShape {
        switch tape.kind(node) {
        case .null: return .null
        case .string: return .string(tape.string(node))
        case .array where tape.count(node) == 0: return .emptyArray
        default: return .other
        }
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
    }
}
