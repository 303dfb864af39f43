import DataLayerBridge
import Testing

struct ArrayFramingTests {
    @Test func splitsATopLevelArrayIntoElements() throws {
        let read = try readRecords(#"[{"event":"a"},{"event":"b"},3,"x",null,true]"#)
        #expect(read == records([
            (1, #"{"event":"a"}"#), (1, #"{"event":"b"}"#), (1, "3"), (1, "\"x\""), (1, "null"), (1, "true"),
        ]))
    }

    @Test func bracketsCommasAndQuotesInsideStringsDoNotSplit() throws {
        let first = #"{"a":"],[}{,","b":["x\"],",{"c":"\\"}],"d":"\\\""}"#
        let second = #"["nested",[1,[2,{"e":[]}]],"]"]"#
        let read = try readRecords("[\(first),\(second),\"\\\"]\"]")
        #expect(read == records([(1, first), (1, second), (1, #""\"]""#)]))
    }

    @Test func elementsCarryTheLineTheyStartOn() throws {
        let input = "[\n  {\n    \"a\": 1\n  },\n\n  {\"b\": \"line\\nbreak\"}\r\n  ,  7\n]\n"
        let read = try readRecords(input)
        #expect(read == records([(2, "{\n    \"a\": 1\n  }"), (6, #"{"b": "line\nbreak"}"#), (7, "7")]))
    }

    @Test func rawNewlinesInsideStringsCountAsLines() throws {
        let read = try readRecords("[\"one\ntwo\",\n{\"x\":\"a\nb\"},\n1]")
        #expect(read == records([(1, "\"one\ntwo\""), (3, "{\"x\":\"a\nb\"}"), (5, "1")]))
    }

    @Test(arguments: ["[]", " [ \n ] \n", "\u{FEFF}[]", "{\"dataLayer\":[]}"])
    func anEmptyArrayHasNoRecords(input: String) throws {
        #expect(try readRecords(input).isEmpty)
        #expect(try readRecords(input, format: .array).isEmpty)
    }

    @Test func explicitArrayFormatReadsAnArray() throws {
        let read = try readRecords("\u{FEFF}  [1,\n2]", format: .array)
        #expect(read == records([(1, "1"), (2, "2")]))
    }

    @Test func streamsTheElementsOfAWrapperObject() throws {
        let input = """
            {"dataLayer": [
              {"event": "gtm.js"},
              {"event": "purchase", "ecommerce": {"items": [{"id": "]"}]}}
            ]}
            """
        let read = try readRecords(input)
        #expect(read == records([(2, #"{"event": "gtm.js"}"#), (3, #"{"event": "purchase", "ecommerce": {"items": [{"id": "]"}]}}"#)]))
    }

    @Test func otherWrapperMembersAreSkipped() throws {
        let input = #"{"url": "https://x/[", "meta": {"dataLayer": [9]}, "dataLayer": [1, 2], "n": [3], "t": "}"}"#
        #expect(try readRecords(input, format: .array) == records([(1, "1"), (1, "2")]))
    }

    @Test func autoNeedsDataLayerAsTheFirstMemberToDetectTheWrapper() throws {
        let input = "{\"meta\": 1, \"dataLayer\": [1]}\n"
        #expect(try readRecords(input) == records([(1, #"{"meta": 1, "dataLayer": [1]}"#)]))
        #expect(try readRecords(input, format: .array) == records([(1, "1")]))
    }

    @Test func aWrapperWithoutDataLayerArrayIsReported() throws {
        let read = try readRecords(#"{"dataLayer": {"a": 1}, "other": [1]}"#)
        #expect(read == [ReadRecord(ordinal: 1, line: 1, text: "", problem: .malformed(reason: "no dataLayer array in the wrapper object"))])
    }

    @Test func anEscapedDataLayerNameIsNotTheDataLayerMember() throws {
        let read = try readRecords(#"{"data\u004cayer": [1], "dataLayer": [2]}"#, format: .array)
        #expect(read == records([(1, "2")]))
    }

    @Test func aRepeatedDataLayerMemberIsReportedAndSkipped() throws {
        let read = try readRecords("{\"dataLayer\": [1],\n\"dataLayer\": [2]}")
        #expect(read == [
            ReadRecord(ordinal: 1, line: 1, text: "1", problem: nil),
            ReadRecord(ordinal: 2, line: 2, text: "", problem: .malformed(reason: "repeated dataLayer member skipped")),
        ])
    }

    /// The reference dumps: a pretty-printed dump and a one-line dump, whole-file element counts
    /// checked against an independent count of top-level elements.
    @Test(arguments: ["03_gtm_system_events_export.json", "04_gtag_consent_config_dump.json"])
    func readsRealDumps(name: String) throws {
        let url = TestPaths.shared.appendingPathComponent("reference/examples/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        let read = try readRecords(text)
        #expect(!read.isEmpty)
        #expect(read.allSatisfy { $0.problem == nil && $0.text.hasPrefix("{") && $0.text.hasSuffix("}") })
        let parsed = try JSONValue(parsing: text)
        #expect(read.map { try? JSONValue(parsing: $0.text) } == parsed.arrayValue?.map { $0 })
    }
}
