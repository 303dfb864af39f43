import DataLayerBridge
import Testing

struct StreamProblemTests {
    static func problem(_ ordinal: Int, line: Int = 1, _ reason: String, text: String = "") -> ReadRecord {
        ReadRecord(ordinal: ordinal, line: line, text: text, problem: .malformed(reason: reason))
    }

    static func record(_ ordinal: Int, line: Int = 1, _ text: String) -> ReadRecord {
        ReadRecord(ordinal: ordinal, line: line, text: text, problem: nil)
    }

    static func tooLarge(_ ordinal: Int, line: Int, bytes: Int) -> ReadRecord {
        ReadRecord(ordinal: ordinal, line: line, text: "", problem: .tooLarge(byteCount: bytes))
    }

    static let malformedArrays: [(String, [ReadRecord])] = [
        ("[1, 2\n", [record(1, "1"), record(2, "2"), problem(3, line: 2, "input ends before the closing ] of the array")]),
        ("[1, {\"a\": [1, 2", [record(1, "1"), problem(2, "input ends inside an element", text: "{\"a\": [1, 2")]),
        ("[{\"a\":\"x}, {\"b\":2}]", [problem(1, "input ends inside an element", text: "{\"a\":\"x}, {\"b\":2}]")]),
        ("[\"abc", [problem(1, "input ends inside an element", text: "\"abc")]),
        ("[{\"a\":1} xyz, {\"b\":2}]", [
            record(1, "{\"a\":1}"), problem(2, "missing , between elements"), record(3, "xyz"), record(4, "{\"b\":2}"),
        ]),
        ("[{\"a\":1}{\"b\":2}]", [record(1, "{\"a\":1}"), problem(2, "missing , between elements"), record(3, "{\"b\":2}")]),
        ("[1, 2,\n]", [record(1, "1"), record(2, "2"), problem(3, line: 2, "trailing comma before ]")]),
        ("[,1,,2]", [problem(1, "missing element before ,"), record(2, "1"), problem(3, "missing element before ,"), record(4, "2")]),
        ("[1}, 2]", [record(1, "1"), problem(2, "unexpected } in the array"), record(3, "2")]),
        ("window.dataLayer = [1,\n2];\n", [
            problem(1, "unexpected content before the array"), record(2, "1"), record(3, line: 2, "2"),
            problem(4, line: 2, "unexpected content after the array"),
        ]),
        ("[1] [2]", [record(1, "1"), problem(2, "unexpected content after the array")]),
        ("{\"dataLayer\": [1, 2]", [record(1, "1"), record(2, "2"), problem(3, "input ends before the closing } of the wrapper object")]),
        ("{\"dataLayer\": [1]} x", [record(1, "1"), problem(2, "unexpected content after the wrapper object")]),
        ("{\"dataLayer\"", [problem(1, "no dataLayer array in the wrapper object")]),
        ("[", [problem(1, "input ends before the closing ] of the array")]),
    ]

    @Test(arguments: malformedArrays)
    func brokenArrayStructureBecomesMalformedRecords(input: String, expected: [ReadRecord]) throws {
        #expect(try readRecords(input, format: .array) == expected)
        #expect(try readRecords(input, format: .array, chunkSizes: [1]) == expected)
    }

    @Test func tooLargeLinesAreReportedAndTheStreamGoesOn() throws {
        let input = "{\"a\":1}\n0123456789\n01234567890\n  0123456789\r\n\(String(repeating: "x", count: 5000))\n{\"b\":2}"
        let expected = [
            Self.record(1, "{\"a\":1}"), Self.record(2, line: 2, "0123456789"), Self.tooLarge(3, line: 3, bytes: 11),
            Self.record(4, line: 4, "0123456789"), Self.tooLarge(5, line: 5, bytes: 5000), Self.record(6, line: 6, "{\"b\":2}"),
        ]
        for chunkSizes in [[], [1], [3, 7], [1000]] {
            #expect(try readRecords(input, format: .ndjson, maxRecordBytes: 10, chunkSizes: chunkSizes) == expected)
        }
    }

    @Test func tooLargeArrayElementsAreSkippedStructurally() throws {
        let big = "{\"s\":\"\(String(repeating: "],\\\"", count: 2000))\",\"n\":[[[]]]}"
        let input = "[\n\(big),\n  {\"b\":2},\"0123456789\"\n, [\"01234567890\"], 1]"
        let expected = [
            Self.tooLarge(1, line: 2, bytes: big.utf8.count), Self.record(2, line: 3, "{\"b\":2}"),
            Self.tooLarge(3, line: 3, bytes: 12), Self.tooLarge(4, line: 4, bytes: 15), Self.record(5, line: 4, "1"),
        ]
        for chunkSizes in [[], [1], [5, 11], [1000]] {
            #expect(try readRecords(input, maxRecordBytes: 11, chunkSizes: chunkSizes) == expected)
        }
    }

    @Test func aTooLargeElementCutOffByTheEndOfInputIsTooLarge() throws {
        let read = try readRecords("[1, [\"0123456789", maxRecordBytes: 8)
        #expect(read == [Self.record(1, "1"), Self.tooLarge(2, line: 1, bytes: 12)])
    }

    @Test func problemRecordsHaveCodesAndReasons() {
        #expect(RecordProblem.tooLarge(byteCount: 20).code == "record-too-large")
        #expect(RecordProblem.tooLarge(byteCount: 20).description == "record of 20 bytes is too large")
        #expect(RecordProblem.malformed(reason: "trailing comma before ]").code == "malformed-input")
        #expect(RecordProblem.malformed(reason: "trailing comma before ]").description == "trailing comma before ]")
    }
}
