/// The types of the optional envelope members (v1, "Common parameters"; `app_version` from the
/// guide, which v1 replaces with `platform`).
final class OptionalMembersRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let platform = MemberName("platform")
    private let userAgent = MemberName("user_agent")
    private let referer = MemberName("referer")
    private let context = MemberName("context")
    private let abTestVariant = MemberName("ab_test_variant")
    private let consentGranted = MemberName("consent_granted")
    private let recommendationID = MemberName("recommendation_id")
    private let appVersion = MemberName("app_version")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        if let index = findings.members.platform, !Self.isPlatform(envelope.members[index].value) {
            findings.error(
                JSONPointer.root.appending("platform"), "must be a string or a [platform, version] array of two strings")
        }
        findings.validate(userAgent, at: findings.members.userAgent, of: envelope, at: .root, .string, .optional)
        findings.validate(referer, at: findings.members.referer, of: envelope, at: .root, .string, .optional)
        findings.validate(context, at: findings.members.context, of: envelope, at: .root, .object, .optional)
        findings.validate(abTestVariant, at: findings.members.abTestVariant, of: envelope, at: .root, .string, .optional)
        findings.validate(consentGranted, at: findings.members.consentGranted, of: envelope, at: .root, .boolean, .optional)
        findings.validate(recommendationID, at: findings.members.recommendationID, of: envelope, at: .root, .string, .optional)
        findings.validate(appVersion, at: findings.members.appVersion, of: envelope, at: .root, .string, .optional)
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
