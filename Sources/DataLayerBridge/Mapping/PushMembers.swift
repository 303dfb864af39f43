#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the normaliser's skip decisions read of a push: the last member of a name and whether
/// another member carries data. A materialised object and a parsed tape both answer, so the
/// records the normaliser skips (most of a log) are decided on the tape and never materialised,
/// by the same decision code as the rest.
protocol PushMembers {
    /// The last member named `key`, as the decisions see it; `nil` when there is none.
    func shape(of key: String) -> MemberShape?
    /// Whether a member other than `event` and `ecommerce`, whose value is not null, has a key
    /// whose UTF-8 bytes satisfy `test` (bytes, so that a tape's keys are read in place).
    func containsNonNullMember(where test: (UnsafeRawBufferPointer) -> Bool) -> Bool
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

extension JSONObject: PushMembers {
    func shape(of key: String) -> MemberShape? {
        self[key].map(MemberShape.init)
    }

    func containsNonNullMember(where test: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        contains { member in
            guard member.key != "ecommerce", member.key != "event", !member.value.isNull else { return false }
            var key = member.key
            return key.withUTF8 { test(UnsafeRawBufferPointer($0)) }
        }
    }
}

/// The object at `object` of a parsed record, read in place.
struct TapePush: PushMembers {
    let tape: JSONTape
    let object: Int

    func shape(of key: String) -> MemberShape? {
        guard let node = tape.member(object, key) else { return nil }
        switch tape.kind(node) {
        case .null: return .null
        case .string: return .string(tape.string(node))
        case .array where tape.count(node) == 0: return .emptyArray
        default: return .other
        }
    }

    func containsNonNullMember(where test: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        for key in tape.children(object) where tape.kind(key + 1) != .null {
            if tape.stringNeedsDecoding(key) {
                var name = tape.string(key)
                if name != "ecommerce", name != "event", name.withUTF8({ test(UnsafeRawBufferPointer($0)) }) { return true }
            } else {
                let name = tape.rawText(key)
                if !Self.equals(name, "ecommerce"), !Self.equals(name, "event"), test(name) { return true }
            }
        }
        return false
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
    }
}
