import DataLayerBridge
import Testing

/// Splitting a validation input into records: NDJSON, one array, or one pretty-printed document.
struct EnvelopeInputTests {
    /// The records of `text` split whole; read through ``EnvelopeStream`` in chunks of every size
    /// from one byte up, they must be the same.
    func summary(_ text: String, options: JSONParser.Options = .strict) -> [String] {
        let bytes = Array(text.utf8)
        let whole = EnvelopeInput.records(in: bytes, options: options).map(Self.line)
        for chunk in [1, 2, 3, 7, 1 << 16] {
            var stream = EnvelopeStream(source: MemorySource(bytes, chunkSizes: [chunk]), options: options)
            var streamed: [String] = []
            while let record = try? stream.next() { streamed.append(Self.line(record)) }
            #expect(streamed == whole, "chunks of \(chunk)")
        }
        return whole
    }

    static func line(_ record: EnvelopeRecord) -> String {
        switch record.value {
        case .success(let value): return "\(record.number) \(value)"
        case .failure(let error): return "\(record.number) ! \(error)"
        }
    }

    @Test func ndjsonSkipsBlankLinesAndAcceptsCRLFAndBOM() {
        #expect(summary("\u{FEFF}{\"a\":1}\r\n\r\n  \n{\"b\":2}\r\n") == [#"1 {"a":1}"#, #"2 {"b":2}"#])
    }

    @Test func brokenLineIsOneFailedRecordAmongGoodOnes() {
        #expect(summary("{\"a\":1}\n{\"a\":,}\n[]\n") == [#"1 {"a":1}"#, "2 ! 1:6: expected a value, found ','", "3 []"])
    }

    @Test func arrayInputYieldsItsElements() {
        #expect(summary("\n [{\"a\":1},\n 2]") == [#"1 {"a":1}"#, "2 2"])
        #expect(summary("[]") == [])
    }

    @Test func brokenArrayIsOneFailedRecord() {
        #expect(summary("[{\"a\":1},\n{]") == ["1 ! 2:2: expected a string key, found ']'"])
    }

    @Test func prettyPrintedDocumentIsOneRecord() {
        #expect(summary("{\n  \"a\": 1,\n  \"b\": [2]\n}\n") == [#"1 {"a":1,"b":[2]}"#])
        #expect(summary("{\n  \"a\": 1, // note\n}\n", options: .relaxed) == [#"1 {"a":1}"#])
    }

    @Test func oneLineArrayIsItsElementsAndLaterArraysAreRecords() {
        #expect(summary("[{\"a\":1},2]\n") == [#"1 {"a":1}"#, "2 2"])
        #expect(summary("{\"a\":1}\n[1]\n") == [#"1 {"a":1}"#, "2 [1]"])
    }

    @Test func byteOrderMarksAreReadAsWhenWhole() {
        #expect(summary("\u{FEFF}\n\u{FEFF}{\"a\":1}\n").count == 1)
        #expect(summary("{\"a\":1}\n\u{FEFF}{\"b\":2}\n").count == 2)
    }

    @Test func emptyOrBlankInputHasNoRecords() {
        #expect(summary("") == [])
        #expect(summary(" \r\n\t\n") == [])
    }
}
