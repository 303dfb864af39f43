import DataLayerBridge
import Foundation
import Testing

/// The built binary on logs that mix dialects, and on mappings that use other mappings: what users
/// see from `dlbridge convert` and `dlbridge check`.
@Suite("dlbridge on mixed dialects and used mappings")
struct MixedDialectCommandTests {
    static let fixture = "Tests/Fixtures/ga4-to-luigisbox/mixed-dialects"

    @Test("convert with the default mapping: GA4, gtag Arguments, UA and GTM system events in one log", .scratchDirectory)
    func convertMixedLog() throws {
        let stats = try ScratchDirectory.path("stats.json")
        let skipped = try ScratchDirectory.path("skipped.ndjson")
        let run = try CommandRunner.run(["convert", "--set", "tracker_id=1234-5678", "--quiet", "--stats", stats, "--skipped", skipped,
                                         Self.fixture + ".input.ndjson"])
        #expect(run.status == 0)
        let expected = try String(contentsOfFile: TestPaths.packageRoot.path + "/" + Self.fixture + ".expected.ndjson", encoding: .utf8)
            .split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(try run.lines.map { try JSONValue(parsing: $0) } == expected)
        let summary = try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: stats)))
        #expect(summary["skipped_by_reason"] == [
            "gtm-system-event": 3, "gtag-command": 2, "ecommerce-reset": 2, "customer-id-remembered": 1, "no-events-api-equivalent": 3,
        ])
        #expect(summary["rejected_by_reason"] == ["missing-client-id": 1])
        // A UA push skipped by the used mapping says which rule handed it over.
        let details = try String(contentsOfFile: skipped, encoding: .utf8).split(separator: "\n")
            .map { try JSONValue(parsing: String($0)) }.filter { $0["record"] == 17 }.map { $0["detail"] }
        #expect(details == ["rule 'ua-enhanced-ecommerce' → ua-to-luigisbox: rule 'no-events-api-equivalent'"])
    }

    @Test("check reports a mistake in a used mapping at its own file, line and column")
    func checkNamesTheUsedFile() throws {
        let run = try CommandRunner.run(["check", "Tests/Fixtures/use-errors/error-in-used.jsonc", "Tests/Fixtures/use-errors/cycle.jsonc"])
        #expect(run.status == 2)
        #expect(run.error == """
            Tests/Fixtures/use-errors/parts/broken.jsonc:4:33: /rules/0/match: expression: unknown function lenght() (did you mean 'length'?)
            Tests/Fixtures/use-errors/parts/cycle-b.jsonc:5:54: /rules/1/use: use: 'cycle-a.jsonc' would use itself: \
            Tests/Fixtures/use-errors/cycle.jsonc → Tests/Fixtures/use-errors/parts/cycle-a.jsonc → \
            Tests/Fixtures/use-errors/parts/cycle-b.jsonc → Tests/Fixtures/use-errors/parts/cycle-a.jsonc

            """)
    }

    @Test("check counts the caller's rules; the used mappings compile with it")
    func checkGood() throws {
        let run = try CommandRunner.run(["check", "--set", "tracker=T", "Tests/Fixtures/use/caller.jsonc"])
        #expect(run.status == 0)
        #expect(run.output == "Tests/Fixtures/use/caller.jsonc: ok (6 rules)\n")
    }

    @Test("an installed binary: the default mapping uses ua-to-luigisbox by name from any directory")
    func builtInDelegationAwayFromTheRepository() throws {
        let push = #"{"event":"add_to_cart","event_id":"e1","client_id":"c1","ecommerce":{"add":{"products":[{"id":"p1"}]}}}"#
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = ["convert", "--set", "tracker_id=1234-5678", "--quiet"]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((push + "\n").utf8))
        try input.fileHandleForWriting.close()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try JSONValue(parsing: bytes) == [
            "id": "e1", "tracker_id": "1234-5678", "client_id": "c1", "type": "click", "action": ["type": "add-to-cart", "resource_identifier": "p1"],
        ])
    }
}
