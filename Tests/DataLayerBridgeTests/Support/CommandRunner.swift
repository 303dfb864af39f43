import Foundation

/// Runs the built `dlbridge` binary the way a shell would, for CLI tests. Standard output and
/// error go to temporary files, so a large output cannot fill a pipe and stall the test.
enum CommandRunner {
    struct Run {
        var status: Int32
        var outputBytes: Data
        var error: String
        var output: String { String(decoding: outputBytes, as: UTF8.self) }
        /// Output lines, without the final empty one.
        var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    static let binary = TestPaths.packageRoot.appendingPathComponent(".build/debug/dlbridge")

    /// Runs `dlbridge arguments…` (or another `binary`) in the package root with `stdin` (bytes) on
    /// standard input, and with `environment` added to this process's environment.
    static func run(_ arguments: [String], stdin: Data? = nil, binary: URL = binary,
                    environment: [String: String] = [:]) throws -> Run {
        let directory = try ScratchDirectory.make("dlbridge-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("stdin")
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        try (stdin ?? Data()).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = TestPaths.packageRoot
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, outputBytes: try Data(contentsOf: outputURL),
                   error: try String(contentsOf: errorURL, encoding: .utf8))
    }

    /// Starts `dlbridge arguments…` in the package root without waiting for it, standard streams on
    /// `/dev/null`: for tests that stop it themselves (`kill`, then `waitUntilExit`).
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.packageRoot
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
