import Foundation
import Testing

/// `dlbridge check`, run as a process: what users see.
@Suite("dlbridge check")
struct CheckCommandTests {
    func dlbridge(_ arguments: [String]) throws -> CommandRunner.Run { try CommandRunner.run(arguments) }

    @Test("a good mapping: ok on standard output, exit 0")
    func good() throws {
        let run = try dlbridge(["check", "--set", "tracker_id=1234-5678", "mappings/examples/minimal.jsonc"])
        #expect(run.status == 0)
        #expect(run.output == "mappings/examples/minimal.jsonc: ok (3 rules)\n")
        #expect(run.error == "")
    }

    @Test("broken mappings: FILE:LINE:COLUMN on standard error for each, exit 2")
    func broken() throws {
        let broken = "Tests/Fixtures/mapping-errors/expression-syntax.jsonc"
        let run = try dlbridge(["check", broken, "mappings/examples/minimal.jsonc"])
        #expect(run.status == 2)
        #expect(run.error == """
            \(broken):6:58: /rules/0/match: expression: syntax error: expected ':' or ']' but found the end of the expression
            mappings/examples/minimal.jsonc:11:5: /variables/tracker_id: required variable 'tracker_id' has no value: set it with --set tracker_id=VALUE

            """)
        #expect(run.output == "")
    }

    @Test("--set names a variable every checked mapping must declare")
    func undeclaredSet() throws {
        let run = try dlbridge(["check", "--set", "trackerid=1", "mappings/examples/minimal.jsonc"])
        #expect(run.status == 2)
        #expect(run.error == "mappings/examples/minimal.jsonc:10:16: /variables: --set trackerid: the mapping declares no variable 'trackerid' (did you mean 'tracker_id'?)\n")
    }

    @Test("usage mistakes exit 2")
    func usage() throws {
        let noFiles = try dlbridge(["check"])
        #expect(noFiles.status == 2)
        #expect(noFiles.error.hasPrefix("dlbridge check: expected at least 1 argument, got 0\n"))
        let badSet = try dlbridge(["check", "--set", "oops", "mappings/examples/minimal.jsonc"])
        #expect(badSet.status == 2)
        #expect(badSet.error.hasPrefix("dlbridge check: expected KEY=VALUE, got 'oops'\n"))
    }
}
