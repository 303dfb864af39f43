/// One envelope a push was converted into: the JSON value, and its compact JSON text on demand.
public struct Envelope: Sendable, Hashable {
    /// The envelope as a JSON value (an object for the Events API).
    public let value: JSONValue

    /// Wraps an envelope value.
    public init(_ value: JSONValue) { self.value = value }

    /// Compact JSON, UTF-8, no trailing newline: what a collector endpoint is sent.
    public var bytes: [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.bytes
    }

    /// Compact JSON as a string.
    public var json: String { value.description }
}

/// What became of one push.
///
/// `reason` is a short stable word meant for counters and alerts (`malformed-json`, `not-an-object`,
/// `unmatched`, `mapping-error`, `invalid-envelope`, `record-too-large`, a skip reason such as
/// `gtag-command`); `detail` is a human sentence saying where and why.
public enum ConversionResult: Sendable, Hashable {
    /// The push became one or more envelopes, in emit order.
    case envelopes([Envelope])
    /// The push is well-formed but carries nothing to send (a gtag command, an `ecommerce` reset,
    /// a GTM system event, a rule that only remembers).
    case skipped(reason: String, detail: String)
    /// The push cannot be converted.
    case rejected(reason: String, detail: String)

    /// The result of a mapping outcome; what the outcome would have remembered is not kept here
    /// (``BridgeSession`` keeps it).
    init(_ outcome: MappingOutcome) {
        switch outcome {
        case .envelopes(let values, _): self = .envelopes(values.map(Envelope.init))
        case .skip(let reason, let detail, _): self = .skipped(reason: reason, detail: detail)
        case .reject(let reason, let detail): self = .rejected(reason: reason, detail: detail)
        }
    }

    /// The envelopes, or none for a skipped or rejected push.
    public var envelopes: [Envelope] {
        if case .envelopes(let envelopes) = self { return envelopes }
        return []
    }

    /// The skip or rejection reason, or `nil` when the push became envelopes.
    public var reason: String? {
        switch self {
        case .envelopes: nil
        case .skipped(let reason, _), .rejected(let reason, _): reason
        }
    }
}

/// The result of one record of a stream, with where the record was.
public struct RecordResult: Sendable, Hashable {
    /// The 1-based record number in the stream (records that could not be framed count too).
    public let ordinal: Int
    /// The 1-based input line the record starts on.
    public let line: Int
    /// What the record became.
    public let result: ConversionResult

    /// Creates a record result.
    public init(ordinal: Int, line: Int, result: ConversionResult) {
        self.ordinal = ordinal
        self.line = line
        self.result = result
    }
}
