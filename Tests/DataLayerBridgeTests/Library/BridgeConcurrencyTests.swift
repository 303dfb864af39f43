import Foundation
import Testing
import DataLayerBridge

/// One shared bridge used from many tasks at once gives exactly what it gives sequentially.
@Suite struct BridgeConcurrencyTests {
    static let taskCount = 8
    /// The issue asks for 10,000; a debug build converts the fixture records at roughly 300 µs each,
    /// so 10,000 per task took 40 s here. `Benchmarks/latency.sh` runs the full 8 × 10,000 in release.
    static let pushesPerTask = 2_000

    /// Every record of the default mapping's fixtures (envelopes, skips and rejections of all kinds),
    /// repeated up to `pushesPerTask`.
    static func pushes() throws -> [[UInt8]] {
        let records = try TestPaths.files(in: TestPaths.fixtures("ga4-to-luigisbox"), suffix: ".input.ndjson").flatMap { url in
            try Data(contentsOf: url).split(separator: UInt8(ascii: "\n")).map(Array.init)
        }
        try #require(records.count > 50)
        return (0..<pushesPerTask).map { records[$0 % records.count] }
    }

    @Test func eightTasksGiveTheSequentialResults() async throws {
        let bridge = try Bridge(variables: ["tracker_id": "1234-5678"])
        let pushes = try Self.pushes()
        let sequential = pushes.enumerated().map { bridge.convert($0.element, ordinal: $0.offset + 1) }
        #expect(Set(sequential.map { $0.reason ?? "envelopes" }).count > 3)

        // Each task starts at a different offset, so different pushes are in flight at once.
        let concurrent = await withTaskGroup(of: (Int, [ConversionResult]).self) { group in
            for task in 0..<Self.taskCount {
                group.addTask {
                    var results = [ConversionResult?](repeating: nil, count: pushes.count)
                    // Half of the tasks parse through a workspace of their own.
                    var workspace = BridgeWorkspace()
                    for step in pushes.indices {
                        let index = (step + task * pushes.count / Self.taskCount) % pushes.count
                        results[index] = task.isMultiple(of: 2)
                            ? bridge.convert(pushes[index], ordinal: index + 1)
                            : bridge.convert(pushes[index], ordinal: index + 1, workspace: &workspace)
                    }
                    return (task, results.compactMap { $0 })
                }
            }
            var byTask: [Int: [ConversionResult]] = [:]
            for await (task, results) in group { byTask[task] = results }
            return byTask
        }
        #expect(concurrent.count == Self.taskCount)
        for (task, results) in concurrent.sorted(by: { $0.key < $1.key }) {
            #expect(results == sequential, "task \(task)")
        }
    }
}
