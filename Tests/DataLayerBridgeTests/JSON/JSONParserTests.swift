import DataLayerBridge
import Testing

/// Error reasons and positions, limits and the relaxed dialect.
struct JSONParserTests {
    private func error(_ text: String, options: JSONParser.Options = .strict) -> JSONError? {
        do {
            _ = try JSONValue(parsing: text, options: options)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        (#"{"a":1,}"#, 1, 7, "trailing comma"),
        ("[1,2,]", 1, 5, "trailing comma"),
        ("{\"a\":\n  \"b", 2, 3, "unterminated string"),
        ("[01]", 1, 2, "invalid number: leading zero"),
        ("[-01]", 1, 2, "invalid number: leading zero"),
        ("[1.]", 1, 4, "invalid number: expected a digit after '.'"),
        ("[1e]", 1, 4, "invalid number: expected a digit in the exponent"),
        ("[NaN]", 1, 2, "NaN and Infinity are not JSON numbers"),
        ("[-Infinity]", 1, 2, "NaN and Infinity are not JSON numbers"),
        ("\"a\tb\"", 1, 3, "unescaped control character 0x09 in string"),
        (#"["\uD800"]"#, 1, 3, #"lone surrogate \uD800 in string"#),
        (#"["\uDC00\uD800"]"#, 1, 3, #"lone surrogate \uDC00 in string"#),
        (#"["\x"]"#, 1, 3, #"invalid escape '\x' in string"#),
        (#"["\u12"]"#, 1, 3, #"invalid \u escape: expected 4 hex digits"#),
        ("{} x", 1, 4, "unexpected 'x' after the value"),
        ("", 1, 1, "empty document"),
        ("   ", 1, 4, "empty document"),
        ("[1 2]", 1, 4, "expected ',' or ']', found '2'"),
        (#"{"a" 1}"#, 1, 6, "expected ':' after key, found '1'"),
        ("{1:2}", 1, 2, "expected a string key, found '1'"),
        ("[tru]", 1, 2, "invalid literal, expected 'true'"),
        ("]", 1, 1, "unexpected ']'"),
        ("[", 1, 2, "unexpected end of input, expected a value"),
        (#"{"a":1"#, 1, 7, "unexpected end of input, expected ',' or '}'"),
    ])
    func reportsReasonAndPosition(_ text: String, _ line: Int, _ column: Int, _ reason: String) throws {
        let failure = try #require(error(text))
        #expect(failure.reason == reason)
        #expect(failure.line == line)
        #expect(failure.column == column)
    }

    @Test func namesInvalidUTF8BytesAndCountsColumnsInCharacters() throws {
        // "é" is one character of two bytes: the bad byte after it is in column 5.
        let bytes: [UInt8] = Array("[\"é".utf8) + [0xC3, 0x28] + Array("\"]".utf8)
        let failure = try #require(parseError(bytes))
        #expect(failure.reason == "invalid UTF-8 byte 0xC3 0x28")
        #expect(failure.offset == 4)
        #expect(failure.column == 4)
    }

    @Test(arguments: [
        ([0xC0, 0xAF], "invalid UTF-8 byte 0xC0"),  // overlong '/'
        ([0xE0, 0x80, 0xAF], "invalid UTF-8 byte 0xE0 0x80"),  // overlong three-byte form
        ([0xED, 0xA0, 0x80], "invalid UTF-8 byte 0xED 0xA0"),  // UTF-8-encoded surrogate U+D800
        ([0xF4, 0x90, 0x80, 0x80], "invalid UTF-8 byte 0xF4 0x90"),  // above U+10FFFF
        ([0xE2, 0x82], "invalid UTF-8 byte 0xE2 0x22"),  // truncated by the closing quote
        ([0x80], "invalid UTF-8 byte 0x80"),  // lone continuation byte
    ] as [([UInt8], String)])
    func rejectsInvalidUTF8InStrings(_ sequence: [UInt8], _ reason: String) throws {
        let failure = try #require(parseError([UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]))
        #expect(failure.reason == reason)
    }

    @Test func acceptsEveryValidUTF8Length() throws {
        let text = "\"a é € 𝄞 \u{10FFFF}\""
        #expect(try JSONValue(parsing: text) == .string("a é € 𝄞 \u{10FFFF}"))
    }

    @Test func millionOpeningBracketsFailPromptlyWithTheDepthLimit() throws {
        let failure = try #require(parseError([UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)))
        #expect(failure.reason == "nesting deeper than 512")
        #expect(failure.offset == 512)
    }

    @Test func depthLimitIsConfigurable() throws {
        let nested = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(error(nested)?.reason == "nesting deeper than 512")
        #expect(error(nested, options: JSONParser.Options(maxDepth: 600)) == nil)
        #expect(error("[[1]]", options: JSONParser.Options(maxDepth: 1))?.reason == "nesting deeper than 1")
    }

    @Test func relaxedModeAcceptsCommentsAndTrailingCommas() throws {
        let text = """
            // a mapping file
            {
              "a": [1, 2,], /* inline */
              "b": {"c": true,},
            }
            """
        #expect(error(text) != nil)
        #expect(try JSONValue(parsing: text, options: .relaxed) == ["a": [1, 2], "b": ["c": true]])
    }

    /// A container is copied as its text when it has nothing to normalise: a trailing comma is
    /// something (`dlbridge fmt --relaxed` printed `[1,]`).
    @Test(arguments: [("[1,]", "[1]"), (#"{"a":[1,2,],}"#, #"{"a":[1,2]}"#), (#"[{"b":true,},]"#, #"[{"b":true}]"#)])
    func trailingCommasAreNotWrittenAgain(_ text: String, compact: String) throws {
        var parser = JSONParser(options: .relaxed)
        var writer = JSONWriter()
        // The tape reads the text's bytes: written while they are there.
        try Array(text.utf8).withUnsafeBytes { writer.write(try parser.parse($0)) }
        #expect(writer.string == compact)
    }

    @Test func relaxedModeStillRejectsBrokenComments() throws {
        #expect(error("[1] /* open", options: .relaxed)?.reason == "unterminated comment")
        #expect(error("[1] / 2", options: .relaxed)?.reason == "unexpected '/'")
        #expect(error("[,]", options: .relaxed)?.reason == "expected a value, found ','")
    }

    @Test func skipsLeadingByteOrderMark() throws {
        #expect(try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == [:])
    }

    @Test func duplicateKeysKeepSourceOrderAndLookupReturnsTheLast() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(value["a"] == 3)
        #expect(value.objectValue?.members.map(\.key) == ["a", "b", "a"])
        #expect(value.description == #"{"a":1,"b":2,"a":3}"#)
    }

    @Test func tapeLooksUpMembersAndDecodesStringsLazily() throws {
        let bytes = Array(#"{"event":"view_item","ecommerce":{"items":[{"item_id":"A\u0042"},2]},"event":"last"}"#.utf8)
        var parser = JSONParser()
        try bytes.withUnsafeBytes { buffer in
            let tape = try parser.parse(buffer)
            let event = try #require(tape.member(tape.root, "event"))
            #expect(tape.string(event) == "last")
            let ecommerce = try #require(tape.member(tape.root, "ecommerce"))
            let items = try #require(tape.member(ecommerce, "items"))
            #expect(tape.count(items) == 2)
            let first = try #require(tape.children(items).first { _ in true })
            let identity = try #require(tape.member(first, "item_id"))
            #expect(tape.stringNeedsDecoding(identity))
            #expect(tape.string(identity) == "AB")
            #expect(tape.member(tape.root, "missing") == nil)
            #expect(tape.member(items, "item_id") == nil)
        }
    }

    @Test func nodesKnowWhereTheyStart() throws {
        let bytes = Array("{\n  \"a\": [1, \"é\", {\"b\": null}]\n}".utf8)
        var parser = JSONParser()
        try bytes.withUnsafeBytes { buffer in
            let tape = try parser.parse(buffer)
            #expect(tape.position(tape.root) == (1, 1))
            let array = try #require(tape.member(tape.root, "a"))
            #expect(tape.position(array) == (2, 8))
            let elements = Array(tape.children(array))
            #expect(elements.map { tape.position($0).column } == [9, 12, 17])
            #expect(tape.byteOffset(elements[2]) == 19)  // "é" is two bytes, one column
        }
    }

    @Test func oneParserServesManyDocuments() throws {
        var parser = JSONParser()
        for text in [#"{"a":[1,2,3]}"#, "[]", #""x""#, #"{"b":{"c":null}}"#] {
            let bytes = Array(text.utf8)
            let rewritten: String = try bytes.withUnsafeBytes { buffer in
                var writer = JSONWriter()
                writer.write(try parser.parse(buffer))
                return writer.string
            }
            #expect(rewritten == text)
        }
    }

    /// Numbers of the short form (digits, a fraction, no exponent) are parsed on a fast path when
    /// 16 bytes remain; in `[n]` followed by 16 spaces it applies, in `[n]` alone the general
    /// path runs: both must agree on the value and on every error.
    @Test(arguments: [
        "1", "7", "1234567", "12345678", "123456789012345", "1.5", "35.66", "1234567.1234567",
        "1.1234567", "1.12345678", "1.123456789", "1.", "1.x", "1.e5", "1e5", "1E5", "1.5e3", "1.5E-3",
        "12e", "0", "0.5", "01", "-1", "-0.5", "-", "9x", "1.5.3", "1..2", "12345670.5", "1234567e1",
    ])
    func shortNumbersParseAsTheGeneralPathDoes(_ number: String) {
        func outcome(_ text: String) -> String {
            do {
                return "value \(try JSONValue(parsing: text))"
            } catch {
                return "error \(error.offset) \(error.reason)"
            }
        }
        let padding = String(repeating: " ", count: 16)
        #expect(outcome("[\(number)]" + padding) == outcome("[\(number)]"))
        #expect(outcome("{\"n\":\(number),\"m\":[\(number)]}" + padding) == outcome("{\"n\":\(number),\"m\":[\(number)]}"))
    }

    /// Strings whose only special bytes are two-byte UTF-8 sequences are validated on a fast path
    /// when 16 bytes remain from their start; as for numbers, `["…"]` followed by 16 spaces takes
    /// it and `["…"]` alone does not: both must agree on the text, its decoding flag and errors.
    @Test(arguments: [
        [0xC3, 0xA9], [0xC3, 0xA9, 0xC5, 0xBE], [0xC2, 0x80], [0xDF, 0xBF], [0xC2, 0x41], [0xC2, 0xC0],
        [0xC2, 0x22], [0xDF], [0xC1, 0xBF], [0xC0, 0x80], [0xE0, 0xA0, 0x80], [0xE2, 0x80, 0xA8],
        [0xC3, 0xA9, 0x5C, 0x6E], [0xC3, 0xA9, 0x01], [0xC3, 0xA9, 0xE2, 0x80, 0xA9], [0xF0, 0x9D, 0x84, 0x9E],
    ] as [[UInt8]])
    func twoByteSequencesParseAsTheGeneralPathDoes(_ sequence: [UInt8]) {
        func outcome(_ bytes: [UInt8]) -> String {
            bytes.withUnsafeBytes { buffer in
                var parser = JSONParser()
                do throws(JSONError) {
                    let tape = try parser.parse(buffer)
                    let node = tape.root + 1
                    return "\(Array(tape.string(node).utf8)) \(tape.stringNeedsDecoding(node)) \(tape.rawText(node).count)"
                } catch {
                    return "error \(error.offset) \(error.reason)"
                }
            }
        }
        let text = Array(#"["ab"#.utf8) + sequence + Array(#"cd"]"#.utf8)
        #expect(outcome(text + Array(repeating: 0x20, count: 16)) == outcome(text))
    }

    private func parseError(_ bytes: [UInt8]) -> JSONError? {
        do {
            _ = try JSONValue(parsing: bytes)
            return nil
        } catch {
            return error
        }
    }
}
