/// How the input stream is framed into records.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Decided from the start of the input: a first non-blank byte `[`, or `{` whose first member
    /// name is `dataLayer`, means ``array``; anything else means ``ndjson``.
    case auto
    /// One record per line.
    case ndjson
    /// One JSON array of records (`JSON.stringify(window.dataLayer)`), or an object wrapping it
    /// in a `dataLayer` member.
    case array
}

/// Complete records, in input order, sharing one owned buffer: the unit handed to converter threads.
public struct RecordBatch: Sendable {
    /// The bytes the records' ranges refer to.
    public let bytes: [UInt8]
    /// The records, in input order; at least one.
    public let records: [RecordSpan]

    /// Creates a batch whose records' ranges lie within `bytes`.
    public init(bytes: [UInt8], records: [RecordSpan]) {
        self.bytes = bytes
        self.records = records
    }
}

/// One record of the input: where it came from and where its bytes are in its ``RecordBatch``.
public struct RecordSpan: Sendable, Hashable {
    /// The 1-based record number in the stream; problem records are numbered too.
    public let ordinal: Int
    /// The 1-based line where the record starts.
    public let line: Int
    /// The record's bytes within the batch's `bytes`, without line break, surrounding white space
    /// or array commas. For a problem record, what was kept of it: empty for a too-large record,
    /// the partial element for one cut off by the end of the input.
    public let range: Range<Int>
    /// Why the record cannot be used as it is, or `nil` for an ordinary record.
    public let problem: RecordProblem?

    /// Creates a record.
    public init(ordinal: Int, line: Int, range: Range<Int>, problem: RecordProblem?) {
        self.ordinal = ordinal
        self.line = line
        self.range = range
        self.problem = problem
    }
}

/// Why the reader could not deliver a record as it was in the input.
public enum RecordProblem: Sendable, Hashable, CustomStringConvertible {
    /// The record is longer than the reader's `maxRecordBytes`; its bytes were skipped.
    case tooLarge(byteCount: Int)
    /// The array structure around or in the record is broken (array input only).
    case malformed(reason: String)

    /// A stable machine-readable code: `record-too-large` or `malformed-input`.
    public var code: String {
        switch self {
        case .tooLarge: "record-too-large"
        case .malformed: "malformed-input"
        }
    }

    /// A human reason, such as `record of 20000000 bytes is too large`.
    public var description: String {
        switch self {
        case .tooLarge(let byteCount): "record of \(byteCount) bytes is too large"
        case .malformed(let reason): reason
        }
    }
}

/// A failure to read the input (not a bad record: those are ``RecordProblem``s).
public struct StreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, such as `read failed: Bad file descriptor`.
    public let message: String
    /// The `errno` of a failed system call, when there was one.
    public let code: Int32?

    /// Creates an error.
    public init(message: String, code: Int32? = nil) {
        self.message = message
        self.code = code
    }

    /// The message.
    public var description: String { message }
}
