import DataLayerBridge
import Testing

struct FormatDetectionTests {
    /// Inputs whose records show which format `auto` chose: read as an array, the one record is
    /// the element `1` on the given line; read as NDJSON, it is the whole input.
    static let cases: [(input: String, arrayElementLine: Int?)] = [
        ("[1]", 1),
        ("\u{FEFF}\r\n\t [1]", 2),
        ("{\"dataLayer\":[1]}", 1),
        ("\u{FEFF} {\n  \"dataLayer\"  :\n[1]}", 3),
        ("{\"dataLayerX\":[1]}", nil),
        ("{\"dataLayer\" [1]}", nil),
        ("{\"data", nil),
        ("{\"other\":1,\"dataLayer\":[1]}", nil),
        ("{\(String(repeating: " ", count: 1100))\"dataLayer\":[1]}", nil),
        ("1", nil),
    ]

    @Test(arguments: cases)
    func autoDecidesFromTheStartOfTheInput(input: String, arrayElementLine: Int?) throws {
        let expected = records([arrayElementLine.map { ($0, "1") } ?? (1, input)])
        for chunkSizes in [[], [1], [2, 5]] {
            #expect(try readRecords(input, chunkSizes: chunkSizes) == expected)
        }
    }

    @Test func aLoneByteOrderMarkPrefixIsData() throws {
        let read = try readRecords(MemorySource([0xEF, 0xBB, 0x31, 0x0A], chunkSizes: [1]))
        #expect(read == [ReadRecord(ordinal: 1, line: 1, text: String(decoding: [0xEF, 0xBB, 0x31], as: UTF8.self), problem: nil)])
    }
}
