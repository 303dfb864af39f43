/// `local_timestamp`, when present, is an integer count of seconds: "Do not send milliseconds"
/// (v1, "Common parameters"); a millisecond value decodes to a far-future date and the event is
/// dropped (guide, "Impression event").
struct LocalTimestampRule: EventsAPIRule {
    /// 10^11 seconds is the year 5138, while milliseconds since 1973 are all above it: any value
    /// from here up is a millisecond (or finer) timestamp.
    static let millisecondThreshold = JSONNumber(100_000_000_000)

    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings) {
        guard let timestamp = findings.member("local_timestamp", of: envelope, at: .root, .integer, .optional)?
            .numberValue
        else { return }
        let pointer = JSONPointer.root.appending("local_timestamp")
        if timestamp >= Self.millisecondThreshold {
            findings.error(pointer, "looks like milliseconds; must be UNIX seconds")
        } else if timestamp <= JSONNumber(0) {
            findings.error(pointer, "must be a positive UNIX timestamp in seconds")
        }
    }
}
