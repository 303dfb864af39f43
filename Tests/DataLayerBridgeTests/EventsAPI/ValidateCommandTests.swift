import Foundation
import Testing

/// `dlbridge validate`, run as the built binary on fixture streams: output formats and exit codes.
struct ValidateCommandTests {
    static let streams = TestPaths.fixtures("events-api/streams")

    static func stream(_ name: String) -> String { streams.appendingPathComponent(name).path }

    /// Runs `dlbridge validate ARGUMENTS` with the file at path `stdin` on standard input.
    static func run(_ arguments: [String], stdin: String? = nil) throws -> CommandRunner.Run {
        try CommandRunner.run(["validate"] + arguments, stdin: try stdin.map { try Data(contentsOf: URL(fileURLWithPath: $0)) })
    }

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: streams.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func textFormatPrintsOneLinePerFindingAndFailsOnErrors() throws {
        let run = try Self.run([Self.stream("mixed.ndjson")])
        #expect(run.output == (try Self.golden("mixed.expected.txt")))
        #expect(run.status == 1)
        #expect(run.error == "")
    }

    @Test func jsonFormatPrintsOneObjectPerFinding() throws {
        let run = try Self.run(["--format", "json", Self.stream("mixed.ndjson")])
        #expect(run.output == (try Self.golden("mixed.expected.ndjson")))
        #expect(run.status == 1)
    }

    @Test func standardInputIsReadWithoutFileOrWithDash() throws {
        let expected = try Self.golden("mixed.expected.txt")
        #expect(try Self.run([], stdin: Self.stream("mixed.ndjson")).output == expected)
        #expect(try Self.run(["-"], stdin: Self.stream("mixed.ndjson")).output == expected)
    }

    @Test func warningsAloneExitZero() throws {
        let run = try Self.run([Self.stream("warnings-only.json")])
        #expect(run.output == """
            record 1: warning: /id: should be a string (Events API v1), not a number
            record 2: warning: /items/0/was_volume_discounted: missing; should be true or false (required by the Events API guide)

            """)
        #expect(run.status == 0)
    }

    @Test func severalFilesAreOneStreamWithFileNamePrefixes() throws {
        let warnings = Self.stream("warnings-only.json")
        let run = try Self.run(["--format", "json", warnings, warnings])
        let lines = run.output.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.last == #"{"file":"\#(warnings)","record":2,"severity":"error","pointer":"/id","reason":"duplicate id \"t1\": already used earlier in the stream"}"#)
        #expect(run.status == 1)
    }

    @Test func documentExampleValidatesWhenRelaxed() throws {
        let example = TestPaths.fixtures("events-api/valid/guide-2.json").path
        let relaxed = try Self.run(["--relaxed", example])
        #expect(relaxed.output == "")
        #expect(relaxed.status == 0)
        let strict = try Self.run([example])
        #expect(strict.output.hasPrefix("record 1: (root): invalid JSON: "))
        #expect(strict.status == 1)
    }

    @Test(arguments: [
        (["--format", "xml"], "dlbridge validate: --format must be 'text' or 'json', not 'xml'"),
        (["--strict"], "dlbridge validate: unknown option '--strict'"),
        (["--format"], "dlbridge validate: option '--format' needs a value (FORMAT)"),
    ])
    func usageErrorsExitTwo(_ arguments: [String], _ message: String) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix(message + "\n"))
        #expect(run.output == "")
    }

    @Test func unreadableFileExitsTwo() throws {
        let run = try Self.run([Self.stream("no-such-file.ndjson")])
        #expect(run.status == 2)
        #expect(run.error.contains("no-such-file.ndjson: No such file or directory"))
    }
}
