import Foundation

/// Where the package and the shared reference material live, found from this source file so tests
/// run the same from any working directory.
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the package, as CI has it.
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static func fixtures(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name)
    }

    /// The files of a directory, sorted by name; an unreadable directory is a test failure, not an
    /// empty list, so a missing `../shared` cannot pass silently.
    static func files(in directory: URL, suffix: String = "") throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasSuffix(suffix) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
