/// A `pv` carries the viewed object's identity, or the page URL, in `url` (v1, "Impression events").
struct PageViewRule: EventsAPIRule {
    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard findings.eventType(of: envelope) == .pageView else { return }
        _ = findings.member("url", of: envelope, at: .root, .identifier, .required)
        _ = findings.member("title", of: envelope, at: .root, .string, .optional)
    }
}
