import Foundation
import Testing
import DataLayerBridge

/// The embedding API against the default mapping's hand-written fixtures: whole outputs compared.
@Suite struct BridgeTests {
    static let fixtureDirectory = TestPaths.fixtures("ga4-to-luigisbox")
    static let caseNames: [String] = (try? TestPaths.files(in: fixtureDirectory, suffix: ".input.ndjson"))?
        .map { String($0.lastPathComponent.dropLast(".input.ndjson".count)) } ?? []

    /// One fixture case: its bridge, input, expected envelopes and expected non-envelope records.
    struct Case {
        let bridge: Bridge
        let input: [UInt8]
        let envelopes: [JSONValue]
        /// `(record, reason)` for every record that produces no envelope.
        let withoutEnvelopes: [(Int, String)]

        init(_ name: String) throws {
            let directory = BridgeTests.fixtureDirectory
            let variables = try JSONValue(parsing: Data(contentsOf: directory.appendingPathComponent("\(name).vars.json")))
            var given: [String: JSONValue] = [:]
            for member in variables.objectValue?.members ?? [] { given[member.key] = member.value }
            bridge = try Bridge(builtIn: "ga4-to-luigisbox", variables: given)
            input = Array(try Data(contentsOf: directory.appendingPathComponent("\(name).input.ndjson")))
            envelopes = try Self.lines(directory.appendingPathComponent("\(name).expected.ndjson"))
            let skips = directory.appendingPathComponent("\(name).expected-skips.ndjson")
            withoutEnvelopes = FileManager.default.fileExists(atPath: skips.path)
                ? try Self.lines(skips).map { ($0["record"]?.numberValue?.int64Value.map(Int.init) ?? 0, ($0["skip"] ?? $0["reject"])?.stringValue ?? "") }
                : []
        }

        static func lines(_ url: URL) throws -> [JSONValue] {
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        }

        func check(_ results: [RecordResult]) {
            #expect(results.map(\.ordinal) == Array(1...results.count))
            #expect(results.flatMap { $0.result.envelopes.map(\.value) } == envelopes)
            let missing = results.compactMap { record in record.result.reason.map { (record.ordinal, $0) } }
            #expect(missing.map(\.0) == withoutEnvelopes.map(\.0))
            #expect(missing.map(\.1) == withoutEnvelopes.map(\.1))
        }
    }

    /// Splits bytes into chunks of `size`, as an async sequence.
    static func chunks(_ bytes: [UInt8], size: Int) -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            var start = 0
            while start < bytes.count {
                continuation.yield(Array(bytes[start..<min(bytes.count, start + size)]))
                start += size
            }
            continuation.finish()
        }
    }

    static func collect<S: AsyncSequence>(_ results: S) async throws -> [RecordResult] where S.Element == RecordResult {
        var collected: [RecordResult] = []
        for try await result in results { collected.append(result) }
        return collected
    }

    @Test(arguments: caseNames, [1, 7, 4096])
    func streamOfChunksGivesTheFixtureOutput(name: String, chunkSize: Int) async throws {
        let fixture = try Case(name)
        fixture.check(try await Self.collect(fixture.bridge.results(of: Self.chunks(fixture.input, size: chunkSize))))
    }

    @Test(arguments: caseNames)
    func pushByPushWithASessionGivesTheStreamResults(name: String) async throws {
        let fixture = try Case(name)
        var session = BridgeSession()
        let lines = fixture.input.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }
        let results = lines.enumerated().map { index, line in
            RecordResult(ordinal: index + 1, line: index + 1, result: fixture.bridge.convert(Array(line), session: &session))
        }
        fixture.check(results)
        #expect(session.pushCount == lines.count)
    }

    @Test func onePushWithoutASessionRemembersNothing() throws {
        let fixture = try Case("customer-id")
        let lines = fixture.input.split(separator: UInt8(ascii: "\n")).map(Array.init)
        let login = fixture.bridge.convert(lines[0])
        #expect(login == .skipped(reason: "customer-id-remembered", detail: login.skipDetail ?? ""))
        let remembered = try #require(fixture.envelopes[0].objectValue)
        let expected = JSONObject(remembered.members.filter { $0.key != "customer_id" })
        #expect(expected.members.count == remembered.members.count - 1)
        #expect(fixture.bridge.convert(lines[1], ordinal: 2).envelopes.map(\.value) == [.object(expected)])
    }

    @Test(.scratchDirectory) func fileDescriptorStreamGivesTheChunkStreamResults() async throws {
        let fixture = try Case("customer-id")
        let path = try ScratchDirectory.path("input.ndjson")
        try Data(fixture.input).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let fromFile = try await Self.collect(fixture.bridge.results(readingFileDescriptor: fd))
        let fromChunks = try await Self.collect(fixture.bridge.results(of: Self.chunks(fixture.input, size: 5)))
        #expect(fromFile == fromChunks)
        fixture.check(fromFile)
    }

    @Test func byteByByteStreamFramesArraysToo() async throws {
        let bridge = try Bridge(variables: ["tracker_id": "1234-5678"])
        let array = #"[{"0":"js","1":"2024-06-10T10:00:00Z"}, {"ecommerce": null}, 42]"#
        let bytes = AsyncStream<UInt8> { continuation in
            for byte in array.utf8 { continuation.yield(byte) }
            continuation.finish()
        }
        let results = try await Self.collect(bridge.results(ofBytes: bytes))
        #expect(results.map(\.result.reason) == ["gtag-command", "ecommerce-reset", "not-an-object"])
        #expect(results.map(\.ordinal) == [1, 2, 3])
    }

    @Test func singlePushReasons() throws {
        let bridge = try Bridge(variables: ["tracker_id": "1234-5678"])
        #expect(bridge.convert(#"{"event": "page_view""#) == .rejected(reason: "malformed-json", detail: "line 1, column 22: unexpected end of input, expected ',' or '}'"))
        #expect(bridge.convert("[1]").reason == "not-an-object")
        #expect(bridge.convert(Array(#"{"0": "config", "1": "G-1"}"#.utf8)).reason == "gtag-command")
    }

    @Test func recordTooLargeIsRejectedAndTheStreamGoesOn() async throws {
        let bridge = try Bridge(variables: ["tracker_id": "1234-5678"])
        let input = Array(#"{"event": "gtm.js", "pad": "\#(String(repeating: "x", count: 200))"}"#.utf8) + [10] + Array(#"{"ecommerce": null}"#.utf8)
        let results = try await Self.collect(bridge.results(of: Self.chunks(input, size: 64), maxRecordBytes: 100))
        #expect(results.map(\.result) == [
            .rejected(reason: "record-too-large", detail: "record of \(input.count - 20) bytes is too large"),
            .skipped(reason: "ecommerce-reset", detail: results.last?.result.skipDetail ?? ""),
        ])
        #expect(results.map(\.line) == [1, 2])
    }

    struct ChunkFailure: Error, Equatable {}

    @Test func anErrorOfTheChunkSequenceEndsTheStream() async throws {
        let bridge = try Bridge(variables: ["tracker_id": "1234-5678"])
        let failing = AsyncThrowingStream<[UInt8], any Error> { continuation in
            continuation.yield(Array("{\"ecommerce\": null}\n".utf8))
            continuation.finish(throwing: ChunkFailure())
        }
        var iterator = bridge.results(of: failing).makeAsyncIterator()
        await #expect(throws: ChunkFailure.self) { _ = try await iterator.next() }
    }

    @Test func droppingAnIteratorEarlyEndsItsConversion() async throws {
        let fixture = try Case("view-item-list-product-listing")
        for _ in 0..<20 {
            var iterator = fixture.bridge.results(of: Self.chunks(fixture.input, size: 3)).makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.ordinal == 1)
        }
    }

    @Test func mappingsFromTextAndByName() throws {
        let source = #"{"name": "echo", "rules": [{"name": "all", "match": "event == 'x'", "emit": {"type": "echo", "event": {"@expr": "event"}}}]}"#
        let bridge = try Bridge(mappingSource: source)
        #expect(bridge.mapping.name == "echo")
        #expect(bridge.convert(#"{"event": "x"}"#).envelopes.map(\.json) == [#"{"type":"echo","event":"x"}"#])
        #expect(bridge.convert(#"{"event": "x"}"#).envelopes.map(\.bytes) == [Array(#"{"type":"echo","event":"x"}"#.utf8)])
        #expect(bridge.convert(#"{"event": "y"}"#) == .rejected(reason: "unmatched", detail: "no rule matched"))
        #expect(throws: MappingError.self) { try Bridge(builtIn: "no-such-mapping") }
        #expect(throws: MappingError.self) { try Bridge() }
    }

    @Test func anIndependentCopyConvertsEveryPushAsTheOriginal() throws {
        let bridge = try Bridge(builtIn: "ga4-to-luigisbox", variables: ["tracker_id": "1234-5678"])
        let copy = bridge.independentCopy()
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Examples/mixed-export.ndjson"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { String($0) }
        #expect(lines.count > 60)
        for (offset, line) in lines.enumerated() {
            #expect(copy.convert(line, ordinal: offset + 1) == bridge.convert(line, ordinal: offset + 1), "line \(offset + 1)")
        }
    }

    /// Every line of the mixed export (envelopes, skips, malformed JSON), through one workspace that
    /// every push reuses after the one before, and through a copy taken half-way, which goes on alone.
    @Test func aReusedWorkspaceGivesTheOneOffResults() throws {
        let bridge = try Bridge(builtIn: "ga4-to-luigisbox", variables: ["tracker_id": "1234-5678"])
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Examples/mixed-export.ndjson"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { String($0) }
        let oneOff = lines.enumerated().map { bridge.convert($0.element, ordinal: $0.offset + 1) }
        #expect(Set(oneOff.map { $0.reason ?? "envelopes" }).count > 3)
        var workspace = BridgeWorkspace()
        var copy = BridgeWorkspace()
        for (offset, line) in lines.enumerated() {
            if offset == lines.count / 2 { copy = workspace }
            #expect(bridge.convert(line, ordinal: offset + 1, workspace: &workspace) == oneOff[offset], "line \(offset + 1)")
        }
        for (offset, line) in lines.enumerated() {
            #expect(bridge.convert(Array(line.utf8), ordinal: offset + 1, workspace: &copy) == oneOff[offset], "line \(offset + 1), copy")
        }
    }

    @Test(arguments: caseNames)
    func sessionsSharingAWorkspaceGiveTheirOwnResults(name: String) throws {
        let fixture = try Case(name)
        let lines = fixture.input.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }.map(Array.init)
        var alone = BridgeSession()
        let expected = lines.map { fixture.bridge.convert($0, session: &alone) }
        // Two clients' sessions interleaved through one worker's workspace.
        var first = BridgeSession(), second = BridgeSession()
        var workspace = BridgeWorkspace()
        for (offset, line) in lines.enumerated() {
            #expect(fixture.bridge.convert(line, session: &first, workspace: &workspace) == expected[offset])
            #expect(fixture.bridge.convert(line, session: &second, workspace: &workspace) == expected[offset])
        }
        #expect(first.pushCount == lines.count && second.pushCount == lines.count)
    }

    @Test func validateFindsErrorsInEnvelopes() throws {
        let fixture = try Case("add-to-cart")
        for envelope in fixture.envelopes {
            #expect(fixture.bridge.validate(envelope).filter { $0.severity == .error } == [])
        }
        #expect(fixture.bridge.validate(["type": "click"]).contains { $0.severity == .error && $0.pointer == "/id" })
        #expect(fixture.bridge.validate(json: "{").map(\.severity) == [.error])
    }
}

extension ConversionResult {
    var skipDetail: String? {
        if case .skipped(_, let detail) = self { return detail }
        return nil
    }
}
