/// One record of a validation input: its 1-based number and the envelope, or why it is not JSON.
package struct EnvelopeRecord: Sendable {
    /// 1-based: the element of a JSON array, or the non-blank line of NDJSON.
    package var number: Int
    /// The parsed record, or the parser's error (positions relative to the record).
    package var value: Result<JSONValue, JSONError>
}

/// Splits a whole validation input into records. The streaming record reader replaces this.
package enum EnvelopeInput {
    /// The records of `bytes`: when the first non-blank byte is `[`, the elements of one JSON array
    /// (a broken array is a single failed record 1); otherwise NDJSON, one record per non-blank line,
    /// with a UTF-8 byte order mark and CRLF line ends accepted. A single pretty-printed document,
    /// whose first line alone is not JSON but which parses as a whole, is one record.
    package static func records(in bytes: [UInt8], options: JSONParser.Options = .strict) -> [EnvelopeRecord] {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let body = bytes.starts(with: bom) ? bytes[3...] : bytes[...]
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
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
}
