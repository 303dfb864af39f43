/// A `pv` carries the viewed object's identity, or the page URL, in `url` (v1, "Impression events").
final class PageViewRule: EventsAPIRule {
    // Member names are prepared once per validator (see ``MemberName``), not at every lookup.
    private let url = MemberName("url")
    private let title = MemberName("title")

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard findings.eventType(of: envelope) == .pageView else { return }
        findings.validate(url, at: findings.members.url, of: envelope, at: .root, .identifier, .required)
        findings.validate(title, at: findings.members.title, of: envelope, at: .root, .string, .optional)
    }
}
