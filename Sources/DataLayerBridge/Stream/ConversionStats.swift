/// What a conversion did, counted exactly: `records == converted + skipped + rejected`.
public struct ConversionStats: Sendable, Hashable {
    /// Records read, good and bad.
    public var records = 0
    /// Records that produced at least one envelope.
    public var converted = 0
    /// Records deliberately left out (a reset, a GTM system event, …), counted by reason.
    public var skipped = 0
    /// Records that could not be converted (malformed, no client id, …), counted by reason.
    public var rejected = 0
    /// Envelopes written.
    public var envelopes = 0
    /// Envelopes written, by their `type` (`pv`, `event`, `click`, `transaction`, …).
    public var envelopesByType: [String: Int] = [:]
    /// Skipped records by reason.
    public var skippedByReason: [String: Int] = [:]
    /// Rejected records by reason.
    public var rejectedByReason: [String: Int] = [:]
    /// Input bytes read.
    public var bytes = 0
    /// Wall-clock seconds the conversion took.
    public var seconds = 0.0
    /// The size of the input when known in advance (regular files), for progress and ETA.
    public var expectedBytes: Int?

    /// Creates empty statistics.
    public init() {}

    /// The statistics as JSON, with the keys `records`, `converted`, `skipped`, `rejected`,
    /// `envelopes`, `envelopes_by_type`, `skipped_by_reason`, `rejected_by_reason`, `bytes`,
    /// `seconds` and `mb_per_s` (breakdowns sorted by key, so the bytes are deterministic).
    public var json: JSONValue {
        func table(_ counts: [String: Int]) -> JSONValue {
            .object(JSONObject(counts.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: .number(JSONNumber($0.value))) }))
        }
        return [
            "records": .number(JSONNumber(records)), "converted": .number(JSONNumber(converted)),
            "skipped": .number(JSONNumber(skipped)), "rejected": .number(JSONNumber(rejected)),
            "envelopes": .number(JSONNumber(envelopes)), "envelopes_by_type": table(envelopesByType),
            "skipped_by_reason": table(skippedByReason), "rejected_by_reason": table(rejectedByReason),
            "bytes": .number(JSONNumber(bytes)), "seconds": number(roundedValue(seconds, places: 3)),
            "mb_per_s": number(roundedValue(megabytesPerSecond, places: 1)),
        ]
    }

    /// Throughput in megabytes (10^6 bytes) per second.
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1e6 / seconds : 0 }

    /// The human summary printed on standard error after a conversion.
    public var summary: String {
        let breakdown = countBreakdown
        return """
            records    \(records): converted \(converted), skipped \(skipped), rejected \(rejected)
            envelopes  \(envelopes)\(breakdown(envelopesByType))
            skipped    \(skipped)\(breakdown(skippedByReason))
            rejected   \(rejected)\(breakdown(rejectedByReason))
            input      \(bytes) bytes in \(roundedValue(seconds, places: 2)) s, \(roundedValue(megabytesPerSecond, places: 1)) MB/s

            """
    }


    private func number(_ value: Double) -> JSONValue { .number(JSONNumber(value) ?? JSONNumber(0)) }
}

/// ` (a 1, b 2)` for a summary line, keys sorted; empty for no counts.
func countBreakdown(_ counts: [String: Int]) -> String {
    counts.isEmpty ? "" : " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
}

/// `value` rounded to `places` decimals, for summaries.
func roundedValue(_ value: Double, places: Int) -> Double {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    return (value * scale).rounded() / scale
}
