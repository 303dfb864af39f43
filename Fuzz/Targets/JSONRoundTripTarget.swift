/// (1) The JSON parser, strict and relaxed, against a round-trip oracle: whatever parses must be
/// written back as strict JSON that re-parses to an equal value and writes back to the same bytes.
/// Strict JSON is a subset of relaxed JSON, so what the strict parser accepts the relaxed one must
/// accept with the same value.
enum JSONRoundTripTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        let strict = try? JSONValue(parsing: data, options: .strict)
        let relaxed = try? JSONValue(parsing: data, options: .relaxed)
        if let strict {
            guard let relaxed else { fuzzFailure("strict parse accepted what relaxed rejected") }
            guard relaxed == strict else { fuzzFailure("strict and relaxed parses differ: \(strict) vs \(relaxed)") }
            checkTapeWriter(data, expected: strict)
        }
        if let relaxed { checkRoundTrip(relaxed) }
    }

    /// Written compact and pretty, the value re-parses strictly to itself, and writing it again gives
    /// the same bytes: the writer's output is a fixed point.
    private static func checkRoundTrip(_ value: JSONValue) {
        for style in [JSONWriter.Style.compact, .pretty(indent: 2)] {
            var writer = JSONWriter(style: style)
            writer.write(value)
            let first = writer.bytes
            let reparsed: JSONValue
            do throws(JSONError) {
                reparsed = try JSONValue(parsing: first, options: .strict)
            } catch {
                fuzzFailure("writer output does not re-parse (\(error)): \(String(decoding: first, as: UTF8.self))")
            }
            guard reparsed == value else { fuzzFailure("round trip changed the value: \(value) vs \(reparsed)") }
            writer.reset()
            writer.write(reparsed)
            guard writer.bytes == first else { fuzzFailure("writing the re-parsed value gave other bytes") }
        }
    }

    /// The zero-copy path (tape straight to writer) must write what the value path writes. The
    /// parser has parsed a document before, as a stream's parsers have, so that this one (of up to
    /// 64 KiB) has room for its nodes reserved up front and written without a check per node:
    /// the path the `JSONValue` parses above, each a parser's first, do not take.
    private static func checkTapeWriter(_ data: UnsafeRawBufferPointer, expected: JSONValue) {
        var parser = JSONParser(options: .strict)
        _ = try? Array("0".utf8).withUnsafeBytes { zero in try parser.parse(zero) }
        guard let tape = try? parser.parse(data) else { fuzzFailure("tape parse rejected what JSONValue accepted") }
        var fromTape = JSONWriter()
        fromTape.write(tape, node: tape.root)
        var fromValue = JSONWriter()
        fromValue.write(expected)
        guard fromTape.bytes == fromValue.bytes else {
            fuzzFailure("tape writer and value writer differ: \(fromTape.string) vs \(fromValue.string)")
        }
    }
}
