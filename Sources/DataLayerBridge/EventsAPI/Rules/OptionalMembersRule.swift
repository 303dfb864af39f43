/// The types of the optional envelope members (v1, "Common parameters"; `app_version` from the
/// guide, which v1 replaces with `platform`).
struct OptionalMembersRule: EventsAPIRule {
    /// The members and their types, the names prepared once (see ``TypedMemberName``).
    static let types = [
        TypedMemberName("user_agent", .string),
        TypedMemberName("referer", .string),
        TypedMemberName("context", .object),
        TypedMemberName("ab_test_variant", .string),
        TypedMemberName("consent_granted", .boolean),
        TypedMemberName("recommendation_id", .string),
        TypedMemberName("app_version", .string),
    ]
    private let platform = MemberName("platform")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        if let index = envelope.lastIndex(named: platform), !Self.isPlatform(envelope.members[index].value) {
            findings.error(
                JSONPointer.root.appending("platform"), "must be a string or a [platform, version] array of two strings")
        }
        for member in Self.types {
            findings.validate(member.name, of: envelope, at: .root, member.type, .optional)
        }
    }

    /// "Platform identifier such as iOS […] You can also send [platform, version]."
    static func isPlatform(_ value: JSONValue) -> Bool {
        switch value {
        case .string: return true
        case .array(let parts): return parts.count == 2 && parts.allSatisfy { $0.stringValue != nil }
        default: return false
        }
    }
}
