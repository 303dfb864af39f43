import DataLayerBridge
import Testing

struct NDJSONFramingTests {
    @Test func splitsLinesEndedByLineFeed() throws {
        let read = try readRecords("{\"event\":\"a\"}\n{\"event\":\"b\"}\n[1,2]\n", format: .ndjson)
        #expect(read == records([(1, #"{"event":"a"}"#), (2, #"{"event":"b"}"#), (3, "[1,2]")]))
    }

    @Test func dropsTheCarriageReturnOfCRLFLines() throws {
        let read = try readRecords("{\"a\":1}\r\n{\"b\":\"x\ry\"}\r\n", format: .ndjson)
        #expect(read == records([(1, #"{"a":1}"#), (2, "{\"b\":\"x\ry\"}")]))
    }

    @Test func skipsAByteOrderMarkAtTheStartOnly() throws {
        let read = try readRecords("\u{FEFF}{\"a\":1}\n\u{FEFF}{\"b\":2}\n", format: .ndjson)
        #expect(read == records([(1, #"{"a":1}"#), (2, "\u{FEFF}{\"b\":2}")]))
    }

    @Test func skipsBlankAndWhiteSpaceOnlyLinesButCountsThem() throws {
        let read = try readRecords("\n{\"a\":1}\n\n   \n\t \r\n{\"b\":2}\n\r\n", format: .ndjson)
        #expect(read == records([(2, #"{"a":1}"#), (6, #"{"b":2}"#)]))
    }

    @Test func keepsALastLineWithoutNewline() throws {
        let read = try readRecords("{\"a\":1}\n{\"b\":2}", format: .ndjson)
        #expect(read == records([(1, #"{"a":1}"#), (2, #"{"b":2}"#)]))
    }

    @Test func trimsWhiteSpaceAroundARecordButNotInsideIt() throws {
        let read = try readRecords("  \t{\"a\": 1 ,  \"b\" :2}  \t\r\n", format: .ndjson)
        #expect(read == records([(1, "{\"a\": 1 ,  \"b\" :2}")]))
    }

    @Test(arguments: ["", "\n", "\n\n\n", " \r\n\t\n", "\u{FEFF}", "\u{FEFF}\n  "])
    func inputWithoutContentHasNoRecords(input: String) throws {
        #expect(try readRecords(input, format: .ndjson).isEmpty)
        #expect(try readRecords(input).isEmpty)
    }

    @Test func linesThatAreNotJSONAreStillRecords() throws {
        let read = try readRecords("garbage\n{\"a\":\n]\n")
        #expect(read == records([(1, "garbage"), (2, #"{"a":"#), (3, "]")]))
    }

    @Test func autoReadsObjectLinesAsNDJSON() throws {
        let input = "\u{FEFF}\n  {\"event\":\"a\",\"dataLayer\":[1]}\n{\"event\":\"b\"}\n"
        let read = try readRecords(input)
        #expect(read == records([(2, #"{"event":"a","dataLayer":[1]}"#), (3, #"{"event":"b"}"#)]))
    }

    @Test func multibyteTextIsKeptByteForByte() throws {
        let read = try readRecords("{\"name\":\"Žlutý kůň 🐴\"}\n", format: .ndjson)
        #expect(read == records([(1, "{\"name\":\"Žlutý kůň 🐴\"}")]))
    }
}
