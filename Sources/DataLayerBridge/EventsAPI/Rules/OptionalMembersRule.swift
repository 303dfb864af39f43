/// The types of the optional envelope members (v1, "Common parameters"; `app_version` from the
/// guide, which v1 replaces with `platform`).
struct OptionalMembersRule: EventsAPIRule {
    /// The members and their types, the names prepared once per validator (see ``MemberName``).
    private let types: [(name: MemberName, type: EventsAPIType)] = [
        ("user_agent", .string),
        ("referer", .string),
        ("context", .object),
        ("ab_test_variant", .string),
        ("consent_granted", .boolean),
        ("recommendation_id", .string),
        ("app_version", .string),
    ].map { (MemberName($0), $1) }
    private let platform = MemberName("platform")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        if let index = envelope.lastIndex(named: platform), !Self.isPlatform(envelope.members[index].value) {
            findings.error(
                JSONPointer.root.appending("platform"), "must be a string or a [platform, version] array of two strings")
        }
        for (name, type) in types {
            findings.validate(name, of: envelope, at: .root, type, .optional)
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
