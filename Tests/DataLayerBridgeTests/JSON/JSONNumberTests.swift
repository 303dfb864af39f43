import DataLayerBridge
import Testing

struct JSONNumberTests {
    @Test(arguments: [
        "6667519810961010000", "1e400", "0.1000000000000000055511151231257827", "-0", "2.50", "1E+2",
        "-1.5e-300", "123456789012345678901234567890",
    ])
    func keepsSourceTextByteForByte(_ text: String) throws {
        let document = "[\(text)]"
        let value = try JSONValue(parsing: document)
        #expect(value[0]?.numberValue?.text == text)
        #expect(value.description == document)
        var writer = JSONWriter()
        var parser = JSONParser()
        let bytes = Array(document.utf8)
        try bytes.withUnsafeBytes { writer.write(try parser.parse($0)) }
        #expect(writer.string == document)
    }

    @Test(arguments: [("1", "1.0"), ("1", "10e-1"), ("2.50", "2.5"), ("0", "-0"), ("100", "1e2"), ("-0.5", "-5E-1")])
    func equalValuesCompareEqualWhateverTheirText(_ left: String, _ right: String) throws {
        let a = try #require(JSONNumber(text: left))
        let b = try #require(JSONNumber(text: right))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }

    @Test func ordersByExactValue() throws {
        let texts = ["-1e400", "-2", "-1.5", "-0.000001", "0", "1e-400", "0.1", "0.1000000000000000055511151231257827", "1", "6667519810961010000", "6667519810961010001", "1e400"]
        let numbers = try texts.map { try #require(JSONNumber(text: $0)) }
        #expect(numbers.shuffled().sorted() == numbers)
    }

    @Test func integersAreExactOrAbsent() throws {
        #expect(JSONNumber(text: "6667519810961010000")?.int64Value == 6_667_519_810_961_010_000)
        #expect(JSONNumber(text: "1e2")?.int64Value == 100)
        #expect(JSONNumber(text: "100.00")?.int64Value == 100)
        #expect(JSONNumber(text: "9223372036854775808")?.int64Value == nil)
        #expect(JSONNumber(text: "1.5")?.int64Value == nil)
        #expect(JSONNumber(text: "1e-400")?.int64Value == nil)
        #expect(JSONNumber(text: "0e999")?.int64Value == 0)
    }

    @Test func rejectsTextThatIsNotAJSONNumber() {
        for text in ["", "01", "1.", ".5", "+1", "1e", "NaN", "0x10", " 1"] {
            #expect(JSONNumber(text: text) == nil, "\(text)")
        }
    }

    @Test func doublesPrintShortestWithoutTrailingPointZero() {
        #expect(JSONNumber(15.0)?.text == "15")
        #expect(JSONNumber(0.1)?.text == "0.1")
        #expect(JSONNumber(-2.5)?.text == "-2.5")
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(Double.infinity) == nil)
    }
}
