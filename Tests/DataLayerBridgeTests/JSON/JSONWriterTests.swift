import DataLayerBridge
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
}
