import Foundation
import Testing

/// A fresh directory for each test case that carries the `.scratchDirectory` trait, removed with
/// everything in it when the case ends, pass or fail: files a test writes, and files the CLI writes
/// for it (`--stats`, `--rejects`, `--state` and the state's `.tmp`), never outlive the test, so
/// runs of the suite do not pile up in the temporary directory.
struct ScratchDirectory: TestTrait, SuiteTrait, TestScoping {
    /// The directory of the test case running in this task; `nil` outside a scratch scope.
    @TaskLocal static var current: URL?

    /// Raised by `path(_:)` in a test that forgot the trait: a path outside any scope would be
    /// left behind, so it is a failure rather than a silent fallback.
    struct Missing: Error, CustomStringConvertible {
        var description: String { "ScratchDirectory.path needs the .scratchDirectory trait on the test or its suite" }
    }

    /// On a suite, every test case in it gets its own directory.
    var isRecursive: Bool { true }

    /// Test cases only: a directory for the suite itself would be shared by cases running in parallel.
    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let directory = try Self.make("dlbridge-test")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.$current.withValue(directory) { try await function() }
    }

    /// Creates a new empty directory named `prefix-UUID` in the temporary directory (`TMPDIR`).
    static func make(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        return directory
    }

    /// The path of `name` in the current test case's directory (nothing is created there yet).
    static func path(_ name: String) throws -> String {
        guard let current else { throw Missing() }
        return current.appendingPathComponent(name).path
    }
}

extension Trait where Self == ScratchDirectory {
    /// Gives each test case a temporary directory of its own (see `ScratchDirectory`).
    static var scratchDirectory: Self { Self() }
}
