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

/// A materialised push.
struct ObjectPush: PushMembers {
    let object: JSONObject

    var event: MemberShape? { object["event"].map(MemberShape.init) }
    var ecommerce: MemberShape? { object["ecommerce"].map(MemberShape.init) }
    var carriesEcommerceParameter: Bool { containsNonNullMember(where: InputNormalizer.isEcommerceParameter) }
    var carriesNonGTMMember: Bool { containsNonNullMember { !$0.starts(with: "gtm.".utf8) } }

    private func containsNonNullMember(where test: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        object.contains { member in
            guard member.key != "ecommerce", member.key != "event", !member.value.isNull else { return false }
            var key = member.key
            return key.withUTF8 { test(UnsafeRawBufferPointer($0)) }
        }
    }
}

/// The object at `object` of a parsed record, read in place, in one pass over its keys: the
/// decisions ask about every record, and a lookup per question would scan the keys each time.
struct TapePush: PushMembers {
    let tape: JSONTape
    /// The value nodes of the last `event`, `"0"` and `ecommerce` members.
    private(set) var eventNode: Int?
    private(set) var zeroNode: Int?
    private(set) var ecommerceNode: Int?
    private(set) var carriesEcommerceParameter = false
    private(set) var carriesNonGTMMember = false
    /// Whether any key, whatever its value, is an ecommerce parameter: normalising moves those.
    private(set) var hasEcommerceParameter = false

    init(tape: JSONTape, object: Int) {
        self.tape = tape
        // Walked by index rather than through `children`, whose iterator holds (retains) a copy
        // of the tape.
        var keyNode = object + 1
        let end = tape.skip(object)
        while keyNode < end {
            if tape.stringNeedsDecoding(keyNode) {
                var name = tape.string(keyNode)
                name.withUTF8 { note(key: UnsafeRawBufferPointer($0), value: keyNode + 1) }
            } else {
                note(key: tape.rawText(keyNode), value: keyNode + 1)
            }
            keyNode = tape.skip(keyNode + 1)
        }
    }

    private mutating func note(key: UnsafeRawBufferPointer, value: Int) {
        if Self.equals(key, "event") {
            eventNode = value
            return
        }
        if Self.equals(key, "ecommerce") {
            ecommerceNode = value
            return
        }
        if Self.equals(key, "0") { zeroNode = value }
        let parameter = InputNormalizer.isEcommerceParameter(key)
        hasEcommerceParameter = hasEcommerceParameter || parameter
        if tape.kind(value) != .null {
            carriesEcommerceParameter = carriesEcommerceParameter || parameter
            // Four bytes compared as one word: a generic `starts(with:)` costs ten times more.
            carriesNonGTMMember = carriesNonGTMMember || key.count < 4 || key.loadUnaligned(as: UInt32.self) != Self.gtmPrefix
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

    /// "gtm." as the word its four bytes load as.
    private static let gtmPrefix = UInt32(littleEndian: 0x2E6D_7467)

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
    }
}
