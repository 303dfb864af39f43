import DataLayerBridge
import Foundation
import Testing

/// `dlbridge send` run as the built binary against the test server: rejects file, dry run,
/// usage errors, a converted log piped in, and a run killed with SIGKILL then resumed.
@Suite(.serialized, .scratchDirectory)
struct SendCommandTests {
    static func write(_ lines: [String], to name: String = "envelopes.ndjson") throws -> String {
        let path = try ScratchDirectory.path(name)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func helpListsTheOptions() throws {
        let run = try CommandRunner.run(["send", "--help"])
        #expect(run.status == 0)
        for option in ["--endpoint", "--state", "--rejects", "--concurrency", "--over-limit", "--max-retries", "--timeout", "--rate", "--session", "--dry-run", "--quiet"] {
            #expect(run.output.contains(option), "\(option)")
        }
        #expect(try CommandRunner.run(["--help"]).output.contains("send "))
    }

    @Test func dlbridgeLinksNoFoundationAndSendRunsTheBinaryBesideIt() throws {
        // The dynamic section names every library the loader maps: none of Foundation's.
        let image = try Data(contentsOf: CommandRunner.binary)
        #expect(image.range(of: Data("libFoundation".utf8)) == nil)
        let sendImage = try Data(contentsOf: CommandRunner.binary.deletingLastPathComponent().appendingPathComponent("dlbridge-send"))
        #expect(sendImage.range(of: Data("libFoundationNetworking".utf8)) != nil)
        // Alone in a directory, dlbridge runs everything but send, which says what is missing.
        let directory = try ScratchDirectory.path("alone")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let alone = URL(fileURLWithPath: directory).appendingPathComponent("dlbridge")
        try FileManager.default.copyItem(at: CommandRunner.binary, to: alone)
        let run = try CommandRunner.run(["send", "--dry-run"], binary: alone)
        #expect(run.status == 2)
        #expect(run.error == "dlbridge send: \(directory)/dlbridge-send is missing. send runs that binary, which alone links the networking libraries: 'swift build' (or 'swift build -c release') builds it beside dlbridge; install the two together.\n")
        #expect(try CommandRunner.run(["--version"], binary: alone).status == 0)
        let sendBinary = CommandRunner.binary.deletingLastPathComponent().appendingPathComponent("dlbridge-send")
        #expect(try CommandRunner.run(["--version"], binary: sendBinary).output == "dlbridge \(DataLayerBridge.version)\n")
    }

    static let usageErrors: [([String], String)] = [
        (["--rate", "30"], "--rate needs N/DURATION such as 30/15s, not '30'"),
        (["--session", "400"], "--session needs N/IDLE such as 400/30m, not '400'"),
        (["--over-limit", "drop"], "--over-limit must be reject or send, not 'drop'"),
        (["--concurrency", "0"], "--concurrency needs a positive whole number, not '0'"),
        (["--timeout", "soon"], "--timeout needs a positive number of seconds, not 'soon'"),
        (["--max-retries", "-1"], "--max-retries needs a whole number, not '-1'"),
    ]

    @Test(arguments: usageErrors)
    func usageErrorsExitTwo(_ arguments: [String], _ message: String) throws {
        let run = try CommandRunner.run(["send"] + arguments)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("dlbridge send: \(message)\n"))
    }

    @Test func aBadEndpointOrStateFileExitsTwoBeforeSending() throws {
        let endpoint = try CommandRunner.run(["send", "--endpoint", "ftp://example.com/"], stdin: Data("{}\n".utf8))
        #expect(endpoint.status == 2)
        #expect(endpoint.error == "dlbridge send: the endpoint must be an http or https URL, not 'ftp://example.com/'\n")
        let state = try Self.write(["garbage"], to: "garbage.state")
        let run = try CommandRunner.run(["send", "--state", state], stdin: Data("{}\n".utf8))
        #expect(run.status == 2)
        #expect(run.error == "dlbridge send: \(state): not a dlbridge send state file\n")
    }

    @Test func aStateFileRefusesAnotherInput() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let state = try ScratchDirectory.path("send.state")
        let first = try Self.write(DeliveryFixtures.envelopes(clients: 2, perClient: 2), to: "first.ndjson")
        #expect(try CommandRunner.run(["send", "--quiet", "--endpoint", server.endpoint, "--state", state, first]).status == 0)
        // The same input again: everything is already finished, nothing is sent twice.
        let again = try CommandRunner.run(["send", "--endpoint", server.endpoint, "--state", state, first])
        #expect(again.status == 0 && again.error.contains("records    4: sent 0, rejected 0, already finished 4\n"), "\(again.error)")
        // Another input under the same ordinals would be skipped unsent: refused before sending.
        let other = try Self.write(DeliveryFixtures.envelopes(clients: 3, perClient: 2), to: "other.ndjson")
        let run = try CommandRunner.run(["send", "--endpoint", server.endpoint, "--state", state, other])
        #expect(run.status == 2)
        #expect(run.error == "dlbridge send: \(state): written for another input (its first 4 records differ); resume with the input it was written for, or use a new state file\n")
        #expect(server.requests.count == 4)
    }

    @Test func aDryRunChecksAndCountsButSendsNothing() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        var lines = DeliveryFixtures.envelopes(clients: 2, perClient: 4)
        lines.insert("{not json", at: 3)
        let run = try CommandRunner.run(["send", "--dry-run", "--endpoint", server.endpoint, "--session", "3/30m", "--rate", "2/15s"], stdin: Data(lines.joined(separator: "\n").utf8))
        #expect(run.status == 1)
        #expect(server.requests.isEmpty)
        #expect(run.error == """
            dlbridge send: <stdin>:4: malformed-json: 1:2: expected a string key, found 'n'
            dlbridge send: <stdin>:8: over-session-limit: the client already has 3 events in this session (a session ends after 30m without events)
            dlbridge send: <stdin>:9: over-session-limit: the client already has 3 events in this session (a session ends after 30m without events)
            dry run: nothing was sent to \(server.endpoint)
            records    9: would send 6, rejected 3, already finished 0
            rejected   3 (malformed-json 1, over-session-limit 2)
            pacing     2 clients, at most 4 envelopes for one: at least 15.0 s at 2/15s

            """)
    }

    @Test func rejectedEnvelopesGoToTheRejectsFileWithStatusAndBody() throws {
        let server = try TestHTTPServer { request in
            if request.text.contains("SKU-1\"") { return .respond(status: 400, body: #"{"error":"bad event"}"#) }
            if request.text.contains("SKU-2\"") { return .respond(status: 413, body: "too large") }
            return .ok
        }
        defer { server.stop() }
        let lines = (0..<4).map { DeliveryFixtures.envelope(client: 5, number: $0) } + ["[1,2]"]
        let input = try Self.write(lines)
        let rejects = try ScratchDirectory.path("rejects.ndjson")
        let run = try CommandRunner.run(["send", "--endpoint", server.endpoint, "--rejects", rejects, input])
        #expect(run.status == 1)
        #expect(run.error.contains("records    5: sent 2, rejected 3, already finished 0\n"))
        #expect(run.error.contains("rejected   3 (http-400 1, http-413 1, not-an-object 1)\n"))
        let records = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(records.count == 3)
        let byReason = Dictionary(uniqueKeysWithValues: records.map { ($0["reason"]?.stringValue ?? "", $0) })
        #expect(byReason["http-400"] == JSONValue.object(JSONObject([
            .init(key: "file", value: .string(input)), .init(key: "record", value: 2), .init(key: "line", value: 2),
            .init(key: "reason", value: "http-400"), .init(key: "detail", value: "HTTP 400"), .init(key: "status", value: 400),
            .init(key: "response", value: #"{"error":"bad event"}"#), .init(key: "envelope", value: try JSONValue(parsing: lines[1])),
        ])))
        #expect(byReason["http-413"]?["response"] == "too large")
        #expect(byReason["not-an-object"]?["envelope"] == [1, 2])
        // The envelope is embedded byte for byte: the line ends with it.
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains(#","envelope":"# + lines[1] + "}\n"))
    }

    @Test func aConvertedLogPipedInArrivesWhole() throws {
        let convert = try CommandRunner.run(["convert", "--set", "tracker_id=1234-5678", "--quiet", "Examples/mixed-export.ndjson"])
        #expect(convert.status == 0)
        let server = try TestHTTPServer()
        defer { server.stop() }
        let run = try CommandRunner.run(["send", "--endpoint", server.endpoint, "--rate", "100/1s", "--quiet"], stdin: convert.outputBytes)
        #expect(run.status == 0)
        #expect(run.error.isEmpty)
        #expect(server.accepted.map(\.text).sorted() == convert.lines.sorted())
        #expect(server.requests.count == convert.lines.count)
    }

    /// Users' temporary directory must not fill up run by run: convert and send write their side
    /// files (the state journal by way of `state.tmp` and a rename) where they are asked to, and
    /// nothing in `TMPDIR`, which points at a directory of the test's own so no other process can
    /// disturb the count.
    @Test func sideFilesGoWhereAskedAndNothingIntoTheTemporaryDirectory() throws {
        let temporary = try ScratchDirectory.path("tmp")
        let out = try ScratchDirectory.path("out")
        for directory in [temporary, out] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false) }
        let environment = ["TMPDIR": temporary]
        let convert = try CommandRunner.run(["convert", "--set", "tracker_id=1234-5678", "--quiet", "--stats", out + "/stats.json",
                                             "--rejects", out + "/rejects.ndjson", "--skipped", out + "/skipped.ndjson",
                                             "Tests/Fixtures/ga4-to-luigisbox/mixed-dialects.input.ndjson"], environment: environment)
        #expect(convert.status == 0)
        let input = try Self.write(convert.lines)
        let server = try TestHTTPServer()
        defer { server.stop() }
        let send = ["send", "--quiet", "--endpoint", server.endpoint, "--rate", "100/1s", "--state", out + "/send.state",
                    "--rejects", out + "/send-rejects.ndjson", input]
        #expect(try CommandRunner.run(send, environment: environment).status == 0)
        // Again: the journal is reopened and compacted, which is when `send.state.tmp` is renamed over it.
        #expect(try CommandRunner.run(send, environment: environment).status == 0)
        #expect(server.requests.count == convert.lines.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted()
                == ["rejects.ndjson", "send-rejects.ndjson", "send.state", "skipped.ndjson", "stats.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
    }

    /// The resume contract: kill -9 mid-run, rerun with the same --state; every envelope arrives
    /// at least once, and only the few in flight at the kill arrive twice.
    @Test func aRunKilledMidwayResumesWithoutLosingAnEnvelope() throws {
        let server = try TestHTTPServer { _ in .respond(status: 200, delay: 0.02) }
        defer { server.stop() }
        let lines = DeliveryFixtures.envelopes(clients: 4, perClient: 15)
        let input = try Self.write(lines)
        let state = try ScratchDirectory.path("state")
        let concurrency = 4
        let arguments = ["send", "--endpoint", server.endpoint, "--state", state, "--rate", "3/0.3s", "--concurrency", "\(concurrency)", input]
        let first = try CommandRunner.start(arguments)
        while server.requests.count < 20 && first.isRunning { Thread.sleep(forTimeInterval: 0.005) }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        let firstRun = server.requests.count
        #expect(firstRun >= 20 && firstRun < lines.count, "killed mid-way")

        let second = try CommandRunner.run(arguments)
        #expect(second.status == 0)
        #expect(second.error.contains("already finished"))
        let counts = Dictionary(server.requests.map { ($0.text, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(lines), "every envelope arrived, intact")
        let twice = counts.filter { $0.value > 1 }
        #expect(twice.values.allSatisfy { $0 == 2 })
        #expect(twice.count <= concurrency, "only envelopes in flight at the kill are sent again")
        // And a third run finds nothing left to do.
        let third = try CommandRunner.run(arguments)
        #expect(third.status == 0)
        #expect(third.error.contains("records    60: sent 0, rejected 0, already finished 60\n"))
    }
}
