/// One record of a validation input: its 1-based number and the envelope, or why it is not JSON.
package struct EnvelopeRecord: Sendable {
    /// 1-based: the element of a JSON array, or the non-blank line of NDJSON.
    package var number: Int
    /// The parsed record, or the parser's error (positions relative to the record).
    package var value: Result<JSONValue, JSONError>
}

/// Splits a whole validation input into records (``EnvelopeStream`` reads one from a source).
package enum EnvelopeInput {
    /// The records of `bytes`: when the first non-blank byte is `[`, the elements of one JSON array
    /// (a broken array is a single failed record 1); otherwise NDJSON, one record per non-blank line,
    /// with a UTF-8 byte order mark and CRLF line ends accepted. A single pretty-printed document,
    /// whose first line alone is not JSON but which parses as a whole, is one record.
    package static func records(in bytes: [UInt8], options: JSONParser.Options = .strict) -> [EnvelopeRecord] {
        let body = bytes.starts(with: byteOrderMark) ? bytes[3...] : bytes[...]
        guard let first = body.first(where: { !isBlank($0) }) else { return [] }
        let parse = { (slice: ArraySlice<UInt8>) in
            Result { () throws(JSONError) in try JSONValue(parsing: slice, options: options) }
        }
        if first == UInt8(ascii: "[") {
            switch parse(body) {
            case .success(let value):
                return (value.arrayValue ?? [value]).enumerated().map { EnvelopeRecord(number: $0.offset + 1, value: .success($0.element)) }
            case .failure(let error):
                return [EnvelopeRecord(number: 1, value: .failure(error))]
            }
        }
        let lines = body.split(separator: 0x0A, omittingEmptySubsequences: true).filter { !$0.allSatisfy(isBlank) }
        let records = lines.enumerated().map { EnvelopeRecord(number: $0.offset + 1, value: parse($0.element)) }
        if records.count > 1, case .failure = records[0].value, case .success(let whole) = parse(body) {
            return [EnvelopeRecord(number: 1, value: .success(whole))]
        }
        return records
    }

    /// The UTF-8 byte order mark, dropped at the start of an input.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// JSON white space: a line of nothing else is blank, not a record.
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}

/// The records of a validation input read from a source one at a time, as
/// ``EnvelopeInput/records(in:options:)`` splits a whole input: NDJSON is streamed line by line, so
/// `convert | validate` over gigabytes holds one line and a read buffer, not the log. A JSON array,
/// and input whose first line is not JSON (one pretty-printed envelope), are read whole: the array is
/// one document, and the pretty envelope is told from broken NDJSON only by parsing all of it.
package struct EnvelopeStream {
    private var source: any ByteSource
    private let options: JSONParser.Options
    private var buffer: [UInt8] = []
    /// Where the unread bytes of `buffer` start.
    private var start = 0
    private var endOfInput = false
    private var atStart = true
    private var number = 0
    /// Records of an input read whole, handed out from the front.
    private var whole: ArraySlice<EnvelopeRecord>?

    /// Reads records from `source`, parsed with `options`.
    package init(source: some ByteSource, options: JSONParser.Options = .strict) {
        self.source = source
        self.options = options
    }

    /// The next record, or `nil` at the end of the input.
    package mutating func next() throws -> EnvelopeRecord? {
        if whole != nil { return whole?.popFirst() }
        while let line = try nextLine() {
            guard let first = line.first(where: { !EnvelopeInput.isBlank($0) }) else { continue }
            if number == 0 && first == UInt8(ascii: "[") { return try readWhole() }
            let parsed = Result { () throws(JSONError) in try JSONValue(parsing: line, options: options) }
            if number == 0, case .failure = parsed { return try readWhole() }
            number += 1
            return EnvelopeRecord(number: number, value: parsed)
        }
        return nil
    }

    /// The input from its start, split by ``EnvelopeInput/records(in:options:)``; called before any
    /// record was handed out, when only blank lines can have been dropped from `buffer`.
    private mutating func readWhole() throws -> EnvelopeRecord? {
        var input = buffer
        input.append(contentsOf: try source.readAll())
        buffer = []
        start = 0
        endOfInput = true
        whole = EnvelopeInput.records(in: input, options: options)[...]
        return whole?.popFirst()
    }

    /// The next line, without its `\n` (and the input's first without a byte-order mark); `nil`
    /// at the end of the input.
    private mutating func nextLine() throws -> ArraySlice<UInt8>? {
        var searched = start
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                defer { start = newline + 1 }
                return withoutMark(buffer[start..<newline])
            }
            if endOfInput {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return withoutMark(buffer[start...])
            }
            // Filling may move the unread bytes to the front of the buffer.
            let scanned = buffer.count - start
            try fill()
            searched = start + scanned
        }
    }

    private mutating func withoutMark(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        defer { atStart = false }
        return atStart && line.starts(with: EnvelopeInput.byteOrderMark) ? line.dropFirst(3) : line
    }

    /// Reads once more, first dropping the lines already handed out when they fill half the buffer.
    private mutating func fill() throws {
        if start > 0 && start > buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 { endOfInput = true } else { buffer.append(contentsOf: chunk[0..<count]) }
    }
}
