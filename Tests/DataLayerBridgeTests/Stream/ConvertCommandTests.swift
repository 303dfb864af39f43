import DataLayerBridge
import Foundation
import Testing

/// `dlbridge convert` run as the built binary: input formats, bad records, accounting, jobs,
/// pipes, signals and exit codes. Uses the small example mapping so these tests do not depend on
/// the default mapping's details.
struct ConvertCommandTests {
    static let mapping = TestPaths.packageRoot.appendingPathComponent("mappings/examples/minimal.jsonc").path
    static let base = ["convert", "--mapping", mapping, "--set", "tracker_id=1234-5678", "--quiet"]

    static let pushes = [
        #"{"event":"gtm.js","gtm.start":1718000000000}"#,
        #"{"event":"view_item","client_id":"111.222","page_title":"Košile","ecommerce":{"items":[{"item_id":"SKU-1"}]}}"#,
        #"{"ecommerce":null}"#,
        #"{"event":"add_to_cart","client_id":"111.222","ecommerce":{"items":[{"item_id":10452,"price":"880"}]}}"#,
    ]

    /// The envelopes the four pushes give, whatever framing carries them.
    static func reference() throws -> CommandRunner.Run {
        try CommandRunner.run(base, stdin: Data((pushes.joined(separator: "\n") + "\n").utf8))
    }

    @Test func convertsNDJSONToOneEnvelopePerLine() throws {
        let run = try Self.reference()
        #expect(run.status == 0)
        #expect(run.lines.count == 2)
        let first = try JSONValue(parsing: run.lines[0])
        #expect(first["type"] == "pv")
        #expect(first["url"] == "SKU-1")
        let second = try JSONValue(parsing: run.lines[1])
        #expect(second["type"] == "click")
        #expect(second["action"]?["resource_identifier"] == 10452)  // the example mapping keeps the number
    }

    static let framings: [(String, String)] = {
        let lines: String = pushes.joined(separator: "\n")
        var cases: [(String, String)] = []
        cases.append(("CRLF", pushes.joined(separator: "\r\n") + "\r\n"))
        cases.append(("BOM", "\u{FEFF}" + lines + "\n"))
        cases.append(("blank lines", "\n\n" + pushes.joined(separator: "\n\n  \n") + "\n\n"))
        cases.append(("no final newline", lines))
        cases.append(("JSON array", "[" + pushes.joined(separator: ",\n ") + "]"))
        cases.append(("dataLayer wrapper", #"{"dataLayer":["# + pushes.joined(separator: ",") + "]}"))
        return cases
    }()

    @Test(arguments: framings)
    func everyFramingGivesTheSameEnvelopes(_ framing: String, _ input: String) throws {
        let run = try CommandRunner.run(Self.base, stdin: Data(input.utf8))
        #expect(run.status == 0, "\(framing)")
        // Ids derive from the record text, so compare everything but the ids.
        let strip = { (line: String) throws -> JSONValue in
            guard case .object(var object) = try JSONValue(parsing: line) else { return .null }
            object["id"] = nil
            return .object(object)
        }
        #expect(try run.lines.map(strip) == (try Self.reference().lines.map(strip)), "\(framing)")
    }

    @Test(.scratchDirectory) func malformedRecordsAreRejectedWithTheirLineAndTheStreamGoesOn() throws {
        let rejects = try ScratchDirectory.path("rejects.ndjson")
        let lines = [Self.pushes[1], #"{"event":"view_item","#, "[1,2]", #"{"a":1,}"#, Self.pushes[3]]
        let run = try CommandRunner.run(Self.base + ["--rejects", rejects], stdin: Data(lines.joined(separator: "\n").utf8))
        #expect(run.status == 0)
        #expect(run.lines.count == 2)
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(rejected.map { $0["line"] } == [2, 3, 4])
        #expect(rejected.map { $0["reason"] } == ["malformed-json", "not-an-object", "malformed-json"])
        #expect(rejected[0]["detail"] == "line 2, column 22: unexpected end of input, expected a key")
        #expect(rejected[2]["detail"] == "line 4, column 7: trailing comma")
        #expect(rejected.map { $0["input"]?.stringValue } == [lines[1], lines[2], lines[3]])
    }

    /// Met in session 7: `convert` skipped this record as an `ecommerce` reset, deciding on the tape
    /// before it looked at the event name, while `Bridge` rejected it. It is rejected by both now.
    @Test(.scratchDirectory) func anEventNameThatIsNotAStringIsRejectedNotSkippedAsAReset() throws {
        let (rejects, stats) = (try ScratchDirectory.path("rejects.ndjson"), try ScratchDirectory.path("stats.json"))
        let lines = [Self.pushes[1], #"{"event":[],"ecommerce":null}"#, Self.pushes[3]]
        let run = try CommandRunner.run(Self.base + ["--rejects", rejects, "--stats", stats], stdin: Data(lines.joined(separator: "\n").utf8))
        #expect(run.status == 0)
        #expect(run.lines.count == 2)
        let rejected = try JSONValue(parsing: try String(contentsOfFile: rejects, encoding: .utf8))
        #expect(rejected["reason"] == "invalid-event-name")
        #expect(rejected["detail"] == "event is an array, not a string")
        #expect(rejected["line"] == 2)
        #expect(rejected["input"]?.stringValue == lines[1])
        let counts = try JSONValue(parsing: try String(contentsOfFile: stats, encoding: .utf8))
        #expect(counts["records"] == 3)
        #expect(counts["converted"] == 2)
        #expect(counts["skipped"] == 0)
        #expect(counts["rejected"] == 1)
        #expect(counts["rejected_by_reason"] == ["invalid-event-name": 1])
    }

    @Test(.scratchDirectory) func aRecordOverTheSizeLimitIsRejectedAndTheStreamGoesOn() throws {
        let rejects = try ScratchDirectory.path("rejects.ndjson")
        let huge = #"{"event":"view_item","padding":""# + String(repeating: "x", count: 5000) + #""}"#
        let input = [Self.pushes[1], huge, Self.pushes[3]].joined(separator: "\n")
        let run = try CommandRunner.run(Self.base + ["--max-record-bytes", "2K", "--rejects", rejects], stdin: Data(input.utf8))
        #expect(run.status == 0)
        #expect(run.lines.count == 2)
        let rejected = try JSONValue(parsing: try String(contentsOfFile: rejects, encoding: .utf8))
        #expect(rejected["reason"] == "record-too-large")
        #expect(rejected["record"] == 2)
        #expect(rejected["line"] == 2)
    }

    /// The bench corpus generator's output, small: every kind of push and ~1% malformed lines.
    static func generatedCorpus(lines: Int) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.shared.appendingPathComponent("bench/gen_corpus.py").path,
                             "--lines", String(lines), "--seed", "7", "--malformed-rate", "0.01"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return data
    }

    @Test(.scratchDirectory) func countsAddUpExactlyAndRejectsFeedBackToTheSameRejects() throws {
        let corpus = try Self.generatedCorpus(lines: 3000)
        let rejects = try ScratchDirectory.path("rejects.ndjson")
        let skipped = try ScratchDirectory.path("skipped.ndjson")
        let statsPath = try ScratchDirectory.path("stats.json")
        let run = try CommandRunner.run(Self.base + ["--rejects", rejects, "--skipped", skipped, "--stats", statsPath], stdin: corpus)
        #expect(run.status == 0)
        let stats = try JSONValue(parsing: try Data(contentsOf: URL(fileURLWithPath: statsPath)))
        let count = { (key: String) in Int(stats[key]?.numberValue?.int64Value ?? -1) }
        #expect(count("records") == 3000)
        #expect(count("records") == count("converted") + count("skipped") + count("rejected"))
        #expect(count("envelopes") == run.lines.count)
        let rejectLines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(rejectLines.count == count("rejected"))
        #expect(try String(contentsOfFile: skipped, encoding: .utf8).split(separator: "\n").count == count("skipped"))
        #expect(count("rejected") > 0)
        for key in ["envelopes_by_type", "skipped_by_reason", "rejected_by_reason", "bytes", "seconds"] {
            #expect(stats[key] != nil, "\(key)")
        }

        // The rejected inputs, fed again, are rejected again for the same reasons.
        let inputs = try rejectLines.map { try JSONValue(parsing: String($0)) }
        let again = try ScratchDirectory.path("again.ndjson")
        let refeed = inputs.compactMap { $0["input"]?.stringValue }.joined(separator: "\n")
        _ = try CommandRunner.run(Self.base + ["--rejects", again], stdin: Data(refeed.utf8))
        let second = try String(contentsOfFile: again, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(second.map { $0["reason"] } == inputs.map { $0["reason"] })
        #expect(second.map { $0["input"] } == inputs.map { $0["input"] })
    }

    @Test func outputIsByteIdenticalForAnyNumberOfJobs() throws {
        let corpus = try Self.generatedCorpus(lines: 4000)
        let one = try CommandRunner.run(Self.base + ["--jobs", "1"], stdin: corpus)
        let four = try CommandRunner.run(Self.base + ["--jobs", "4"], stdin: corpus)
        #expect(one.status == 0)
        #expect(!one.outputBytes.isEmpty)
        #expect(one.outputBytes == four.outputBytes)
    }

    @Test(.scratchDirectory) func aClosedPipeEndsTheRunQuietly() throws {
        let corpusPath = try ScratchDirectory.path("corpus.ndjson")
        let stderrPath = try ScratchDirectory.path("stderr")
        try Self.generatedCorpus(lines: 20000).write(to: URL(fileURLWithPath: corpusPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let command = Self.base.map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-c", "set -o pipefail; '\(CommandRunner.binary.path)' \(command) '\(corpusPath)' 2>'\(stderrPath)' | head -1 > /dev/null"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOfFile: stderrPath, encoding: .utf8) == "")
    }

    @Test func failOnRejectExitsOneWhenAnythingWasRejected() throws {
        let input = Data((Self.pushes[1] + "\nnot json\n").utf8)
        #expect(try CommandRunner.run(Self.base, stdin: input).status == 0)
        #expect(try CommandRunner.run(Self.base + ["--fail-on-reject"], stdin: input).status == 1)
        #expect(try CommandRunner.run(Self.base + ["--fail-on-reject"], stdin: Data(Self.pushes[1].utf8)).status == 0)
    }

    @Test(arguments: [
        (["convert", "--bogus"], "dlbridge convert: unknown option '--bogus'"),
        (["convert", "--jobs", "0"], "dlbridge convert: --jobs needs a positive whole number, not '0'"),
        (["convert", "--input-format", "xml"], "dlbridge convert: --input-format must be auto, ndjson or array, not 'xml'"),
        (["convert", "--mapping", "no-such-mapping"], "no built-in mapping of that name"),
        (["convert", "--mapping", "/no/such/file.jsonc"], "/no/such/file.jsonc"),
        (["convert", "--mapping", mapping], "tracker_id"),
        (["convert", "--mapping", mapping, "--set", "tracker_id=1", "/no/such/input.ndjson"], "/no/such/input.ndjson: No such file or directory"),
    ])
    func usageMappingAndInputErrorsExitTwoWithAReason(_ arguments: [String], _ message: String) throws {
        let run = try CommandRunner.run(arguments, stdin: Data())
        #expect(run.status == 2)
        #expect(run.error.contains(message), "\(run.error)")
        #expect(run.output.isEmpty)
    }

    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func aSignalFinishesWhatWasReadPrintsTheSummaryAndExits(_ signal: Int32, _ status: Int32) throws {
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = Array(Self.base.dropLast())
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data((Self.pushes.joined(separator: "\n") + "\n").utf8))
        // The signal arrives while the reader waits for more input; closing the input then lets it
        // finish the records it has.
        usleep(300_000)
        kill(process.processIdentifier, signal)
        try input.fileHandleForWriting.close()
        let written = output.fileHandleForReading.readDataToEndOfFile()
        let summary = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == status)
        #expect(String(decoding: written, as: UTF8.self).split(separator: "\n").count == 2)
        #expect(summary.contains("records    4: converted 2, skipped 2, rejected 0"))
    }
}
