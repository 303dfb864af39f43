@testable import DataLayerBridge
import Testing

struct JSONWriterTests {
    @Test func escapesWhatJSONRequiresAndLineSeparators() {
        let value = JSONValue.string("q\"b\\ n\n t\t r\r b\u{8} f\u{C} nul\u{0} us\u{1F} ls\u{2028} ps\u{2029} é €")
        #expect(value.description == #""q\"b\\ n\n t\t r\r b\b f\f nul\u0000 us\u001f ls\u2028 ps\u2029 é €""#)
    }

    @Test func rewritesEscapedInputCanonically() throws {
        let bytes = Array(#"["\/\u00e9\u20AC\ud834\udd1e\"", "raw \u2028"]"#.utf8)
        var parser = JSONParser()
        var writer = JSONWriter()
        try bytes.withUnsafeBytes { writer.write(try parser.parse($0)) }
        #expect(writer.string == #"["/é€𝄞\"","raw \u2028"]"#)
    }

    @Test func rawLineSeparatorInInputIsEscapedOnOutput() throws {
        let bytes = Array("[\"a\u{2028}b\"]".utf8)
        var parser = JSONParser()
        var writer = JSONWriter()
        try bytes.withUnsafeBytes { writer.write(try parser.parse($0)) }
        #expect(writer.string == #"["a\u2028b"]"#)
    }

    @Test func prettyStyleIndentsAndKeepsEmptyContainersShort() {
        let value: JSONValue = ["a": [1, ["b": nil]], "c": [:], "d": []]
        var writer = JSONWriter(style: .pretty(indent: 2))
        writer.write(value)
        #expect(writer.string == """
            {
              "a": [
                1,
                {
                  "b": null
                }
              ],
              "c": {},
              "d": []
            }
            """)
    }

    @Test func resetKeepsTheWriterReusable() {
        var writer = JSONWriter()
        writer.write(["x": 1])
        writer.reset()
        writer.write([true, false])
        #expect(writer.string == "[true,false]")
    }

    /// Containers copied verbatim (no white space, nothing to re-escape) and containers rebuilt
    /// token by token must give the same compact bytes, in any mix.
    @Test(arguments: [
        (#"{"a":[1,2],"b":{"c":"x"}}"#, #"{"a":[1,2],"b":{"c":"x"}}"#),
        (#"{"a":[1, 2],"b":{"c":"x"}}"#, #"{"a":[1,2],"b":{"c":"x"}}"#),
        (#"{"a":[1,2],"b":{"c":"\u0078"}}"#, #"{"a":[1,2],"b":{"c":"x"}}"#),
        ("[[],{},[[\"\\/\"]],\n[ ]]", #"[[],{},[["/"]],[]]"#),
        (#"[{"k":"a\u2028"},{"k":"b"}]"#, #"[{"k":"a\u2028"},{"k":"b"}]"#),
    ])
    func compactRewriteIsTheSameWhetherCopiedOrRebuilt(_ input: String, _ expected: String) throws {
        var parser = JSONParser()
        var writer = JSONWriter()
        let bytes = Array(input.utf8)
        try bytes.withUnsafeBytes { writer.write(try parser.parse($0)) }
        #expect(writer.string == expected)
        #expect(try JSONValue(parsing: input).description == expected)
    }

    /// The writer checks strings of up to 15 bytes a word of 8 bytes at a time, with the last 1 to
    /// 7 bytes read apart, and longer ones a block of 16 at a time, the last 1 to 15 bytes in a
    /// block overlapping the one before: every character that needs an escape (and the non-ASCII
    /// ones that do not) is put at every position of strings across those sizes.
    @Test(arguments: ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{0}", "\u{2028}", "\u{2029}", "é", "€", "\u{2027}", "~", "\u{7F}"])
    func escapesAtEveryPositionOfEveryLength(_ special: String) {
        for length in 1...50 {
            for position in 0..<length {
                let text = String(repeating: "a", count: position) + special + String(repeating: "b", count: length - position - 1)
                var writer = JSONWriter()
                writer.write(string: text)
                #expect(writer.string == Self.quoted(text), "length \(length), position \(position)")
            }
        }
    }

    /// Strings and numbers of up to 15 bytes are written from their own words, and elements and
    /// members read in place (``SmallUTF8``): the layouts that relies on must hold here, or none of
    /// the tests below reach that path.
    @Test func smallStringsAndElementsAreReadInPlaceHere() {
        #expect(SmallUTF8.layoutHolds)
        #expect(SmallUTF8("")?.count == 0 && SmallUTF8("abcdefghijklmno")?.count == 15 && SmallUTF8("Dětské")?.count == 8)
        #expect(SmallUTF8(String(repeating: "x", count: 16)) == nil)
        #expect(SmallUTF8.nativeLayoutHolds)
    }

    /// Longer strings are read from their storage in place when it is native (made at run time),
    /// and as values otherwise (literals, stored in the binary): both must be written the same,
    /// at lengths around the word and block sizes, with and without escapes and accents.
    @Test func longStringsAreWrittenTheSameFromStorageOrAsValues() {
        var texts: [String] = ["a literal longer than fifteen bytes", "a literal with \"quotes\" and\na line break", "Dámske topánky Höhenrausch Storm"]
        for length in [16, 17, 23, 24, 31, 32, 33, 64, 100, 257] {
            for filler in ["x", "é", "\u{2028}", "\""] {
                texts.append(String(repeating: "a", count: length / 2) + filler + String(repeating: "b", count: length - length / 2))
            }
        }
        for text in texts {
            var writer = JSONWriter()
            writer.write(JSONValue.object(JSONObject([JSONObject.Member(key: "k", value: .string(text))])))
            #expect(writer.string == "{\"k\":" + Self.quoted(text) + "}")
            writer.reset()
            writer.write(JSONValue.array([.string(text), .string(text)]))
            #expect(writer.string == "[" + Self.quoted(text) + "," + Self.quoted(text) + "]")
        }
    }

    /// A short string is written from its words when none of its bytes needs an escape (or is
    /// 0xE2, which may start U+2028 or U+2029): every ASCII byte, and multi-byte characters, at
    /// every position of every length, must be told apart exactly, so that the words' path is
    /// taken for every plain string and for no other.
    @Test func shortStringsArePlainExactlyWhenNoByteNeedsAnEscape() {
        let characters = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } + ["é", "€", "\u{2027}", "\u{2028}", "😀"]
        for character in characters {
            for length in 1...15 {
                for position in 0..<length {
                    let text = String(repeating: "a", count: position) + character + String(repeating: "b", count: length - position - 1)
                    guard let small = SmallUTF8(text) else { continue }
                    let plain = !text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }
                    #expect(small.isPlain == plain, "\(Array(text.utf8))")
                }
            }
        }
    }

    /// Every string of 0 to 19 bytes with an escaped, a multi-byte or a plain character at each
    /// position, as a member key, a member value and an array element, beside numbers of every
    /// length and members of every other type (a member whose key is short and plain is written with
    /// its separator and colon in one go, and its value too when that is short and plain; any other
    /// part by part): the in-place walk must write what JSON escaping spelled out one scalar at a time
    /// gives, and the same as the tape writer, which reads the parsed text instead. The plain
    /// characters next to the escaped ones (space, `!`, `#`, `[`, `]`, DEL) must pass unescaped.
    @Test(arguments: ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{2028}", "\u{2029}", "é", "€", "\u{2027}", "~",
                      " ", "!", "#", "[", "]", "\u{7F}", "\u{0}"])
    func elementsAndMembersAreWrittenAsEscapingSpellsThemOut(_ special: String) throws {
        var texts = [""]
        for length in 1...19 {
            for position in 0..<length {
                texts.append(String(repeating: "a", count: position) + special + String(repeating: "b", count: length - position - 1))
            }
        }
        let numbers = ["0", "-1", "1.5", "35.66", "1714521601", "-1.25e-300", "123456789012345", "1234567890123456", "12345678901234567890.5"]
        var parser = JSONParser()
        for (index, text) in texts.enumerated() {
            let value = JSONValue.object(JSONObject([
                JSONObject.Member(key: text, value: .string(text)),
                JSONObject.Member(key: "n", value: .number(JSONNumber(text: numbers[index % numbers.count])!)),
                JSONObject.Member(key: "list", value: [.string(text), .number(JSONNumber(text: numbers[(index + 1) % numbers.count])!), nil, true]),
                JSONObject.Member(key: "flag", value: index % 2 == 0 ? nil : true),
                JSONObject.Member(key: "nested", value: [text: .number(JSONNumber(index))]),
            ]))
            try Self.expectWrittenAsSpelledOut(value, &parser)
        }
    }

    /// Short keys found plain are remembered by position (``PlainKeys``) for the next objects a
    /// writer writes: every key must still be written as escaping spells it out right after every
    /// other one at the same position, among them keys that share their first word with a plain
    /// one, that differ from one only in length or in a last byte that needs an escape, non-ASCII
    /// keys, long keys, and keys at positions past the remembered ones.
    @Test func keysRememberedByPositionAreWrittenAsEscapingSpellsThemOut() {
        let keys = [
            "title", "title\"", "titl\"", "abcdefgh", "abcdefgh\n", "abcdefgh\\", "abcdefghijklmno", "abcdefghijklmn\u{1}",
            "é", "é\u{2028}", "\u{2028}", "", "a", "a\u{0}", "typé", "\u{7F}", String(repeating: "k", count: 16),
        ]
        var objects: [JSONValue] = []
        for first in keys {
            for second in keys {
                objects.append([first: 1])
                objects.append([second: 2])
            }
        }
        for shift in keys.indices {
            let members = (0..<12).map { JSONObject.Member(key: keys[(shift + $0) % keys.count], value: .number(JSONNumber($0))) }
            objects.append(.object(JSONObject(members)))
            objects.append(.object(JSONObject(members.reversed())))
        }
        let array = JSONValue.array(objects)
        var writer = JSONWriter()
        // Twice: the second time with the keys of the first remembered.
        for _ in 0..<2 {
            writer.reset()
            writer.write(array)
            #expect(writer.string == Self.spelledOut(array))
            for object in objects {
                writer.reset()
                writer.write(object)
                #expect(writer.string == Self.spelledOut(object))
            }
        }
    }

    /// Arrays and objects inside arrays and objects are read where the value holds them, through a
    /// span (``JSONWriter/containersLayoutHold``), and a container at the top as a value: at every
    /// depth, empty or not, after scalars and other containers, both compact and pretty, the
    /// writer must give what spelling the value out gives, and the same as the tape writer.
    @Test func containersInsideContainersAreWrittenAsSpelledOut() throws {
        #expect(JSONWriter.containersLayoutHold)
        var values: [JSONValue] = [[], [:], [[]], [[:]], ["a": []], ["a": [:]]]
        for depth in 0..<6 {
            let inner = values[values.count - 1]
            let item: JSONValue = ["title": "Dámske topánky Höhenrausch Storm", "type": "item", "url": "SKU-1", "position": .number(JSONNumber(depth)), "price": nil]
            values.append([inner, item, [], [:], .number(JSONNumber(depth)), ["k\(depth)": inner, "empty": [:], "list": [item, item, []]]])
            values.append(["nested": inner, "items": [item, [:], item], "e": [], "s": "\u{2028}"])
        }
        var parser = JSONParser()
        for value in values {
            try Self.expectWrittenAsSpelledOut(value, &parser)
            var pretty = JSONWriter(style: .pretty(indent: 2))
            pretty.write(value)
            #expect(try JSONValue(parsing: Array(pretty.string.utf8)) == value)
        }
    }

    /// Expects the writer to write `value` as ``spelledOut(_:)`` spells it, and the tape writer to
    /// write that text again the same.
    private static func expectWrittenAsSpelledOut(_ value: JSONValue, _ parser: inout JSONParser) throws {
        var writer = JSONWriter()
        writer.write(value)
        let expected = spelledOut(value)
        #expect(writer.string == expected)
        var tapeWriter = JSONWriter()
        try Array(expected.utf8).withUnsafeBytes { tapeWriter.write(try parser.parse($0)) }
        #expect(tapeWriter.string == expected)
    }

    /// Compact JSON built by hand from ``quoted(_:)``, to compare the writer's against.
    private static func spelledOut(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.text
        case .string(let text): return quoted(text)
        case .array(let elements): return "[" + elements.map(spelledOut).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.members.map { quoted($0.key) + ":" + spelledOut($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// JSON escaping spelled out one scalar at a time, to compare the writer's against.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            case "\u{0}"..."\u{1F}": result += "\\u00" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
