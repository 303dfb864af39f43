/// `local_timestamp`, when present, is an integer count of seconds: "Do not send milliseconds"
/// (v1, "Common parameters"); a millisecond value decodes to a far-future date and the event is
/// dropped (guide, "Impression event").
final class LocalTimestampRule: EventsAPIRule {
    /// 10^11 seconds is the year 5138, while milliseconds since 1973 are all above it: any value
    /// from here up is a millisecond (or finer) timestamp.
    static let millisecondThreshold: Int64 = 100_000_000_000

    /// Prepared once per validator (see ``MemberName``), not at every lookup.
    private let localTimestamp = MemberName("local_timestamp")

    /// Whether number texts are read by their words (``SmallUTF8/layoutHolds``): read once per
    /// validator rather than from the static at every envelope, whose every read costs a `swift_once`.
    private let readsInPlace = SmallUTF8.layoutHolds

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        // The usual timestamp, up to 15 plain digits, is an integer read from its text's words:
        // checked as an `.integer` and then parsed as an `Int64`, it cost about 300 instructions.
        if readsInPlace, let index = findings.members.localTimestamp, case .number(let timestamp) = envelope.members[index].value,
            let seconds = SmallUTF8(timestamp.text)?.decimalValue
        {
            check(seconds, into: &findings)
            return
        }
        guard let index = findings.validate(localTimestamp, at: findings.members.localTimestamp, of: envelope, at: .root, .integer, .optional),
            case .number(let timestamp) = envelope.members[index].value
        else { return }
        // Compared as a machine integer (comparing `JSONNumber`s parses both texts each time); an
        // integer beyond Int64 is far past both bounds, so its sign alone says which.
        check(timestamp.int64Value ?? (timestamp.text.hasPrefix("-") ? .min : .max), into: &findings)
    }

    /// Reports an integer timestamp of `seconds` that is not a plausible count of seconds.
    private func check(_ seconds: Int64, into findings: inout EventsAPIFindings) {
        let reason: String
        if seconds >= Self.millisecondThreshold {
            reason = "looks like milliseconds; must be UNIX seconds"
        } else if seconds <= 0 {
            reason = "must be a positive UNIX timestamp in seconds"
        } else {
            return
        }
        findings.error(JSONPointer.root.appending("local_timestamp"), reason)
    }
}
