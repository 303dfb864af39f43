import Foundation
import Testing

/// `dlbridge fmt`, the parser's face: JSONTestSuite through the built binary, and its messages.
struct FormatCommandTests {
    /// Every `y_` file exits 0, every `n_` file exits 1 with `FILE:LINE:COLUMN: reason`, and every
    /// `i_` file exits as the parser's recorded choice says — never a crash.
    @Test func jsonTestSuiteHoldsThroughTheCommand() throws {
        let files = try TestPaths.files(in: JSONTestSuiteTests.directory, suffix: ".json")
        #expect(files.count == 318)
        for file in files {
            let name = file.lastPathComponent
            let run = try CommandRunner.run(["fmt", "--compact", file.path])
            let accepted: Bool
            switch name.prefix(2) {
            case "y_": accepted = true
            case "n_": accepted = false
            default:
                guard let recorded = JSONTestSuiteTests.implementationDefined[name] else {
                    Issue.record("\(name) has no recorded choice")
                    continue
                }
                accepted = recorded
            }
            #expect(run.status == (accepted ? 0 : 1), "\(name): \(run.error)")
            if !accepted {
                #expect(run.error.hasPrefix(file.path + ":"), "\(name): \(run.error)")
                #expect(run.output.isEmpty, "\(name)")
            }
        }
    }

    @Test func ndjsonModeReportsEachBadLineAndKeepsTheRest() throws {
        let run = try CommandRunner.run(["fmt", "--ndjson"], stdin: Data("{\"a\": 1}\n{\"b\":2,}\n\n[ 3 ]\n".utf8))
        #expect(run.status == 1)
        #expect(run.output == "{\"a\":1}\n[3]\n")
        #expect(run.error == "<stdin>:2:7: trailing comma\n")
    }
}
