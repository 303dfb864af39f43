import DataLayerBridge
import Foundation
import Testing

/// With several jobs, a converted window is written while the next one converts. Whatever the jobs
/// and window sizes, the output, the rejects, the skips and the counts must be those of one job,
/// across several inputs (ordinals run on) and with per-client state (remembered customer ids).
struct StreamWindowTests {
    struct Run: Equatable {
        var envelopes: [UInt8] = []
        var rejects: [UInt8] = []
        var skipped: [UInt8] = []
        var records = 0, converted = 0, skippedCount = 0, rejected = 0, bytes = 0
    }

    static func run(_ inputs: [[UInt8]], jobs: Int, batchBytes: Int, stopAfterWindows: Int? = nil) throws -> Run {
        let mapping = try #require(try Mapping.builtIn(named: BuiltInMappings.defaultName, variables: ["tracker_id": "1234-5678"]))
        var converter = StreamConverter(converter: RecordConverter(mapping: mapping))
        converter.jobs = jobs
        converter.batchBytes = batchBytes
        var run = Run()
        var windows = 0
        let sinks = ConversionSinks(envelopes: { run.envelopes += $0 }, rejects: { run.rejects += $0 }, skipped: { run.skipped += $0 },
                                    progress: { _ in windows += 1 })
        let stats = try converter.run(inputs.enumerated().map { ConversionInput(name: "part\($0.offset).ndjson", source: MemorySource($0.element)) },
                                      sinks: sinks, shouldStop: { stopAfterWindows.map { windows >= $0 } ?? false })
        (run.records, run.converted, run.skippedCount, run.rejected, run.bytes) = (stats.records, stats.converted, stats.skipped, stats.rejected, stats.bytes)
        return run
    }

    static let parts: [[UInt8]] = {
        let lines = DataModelTests.multiClientLog(records: 600).split(separator: UInt8(ascii: "\n")).map(Array.init)
        let withBroken = lines[..<250] + [Array("{broken".utf8)] + lines[250...]
        let joined = withBroken.map { $0 + [UInt8(ascii: "\n")] }
        return [Array(joined[..<200].joined()), Array(joined[200..<201].joined()), Array(joined[201...].joined())]
    }()

    @Test func everyJobCountAndWindowSizeGivesTheOneJobResult() throws {
        let reference = try Self.run(Self.parts, jobs: 1, batchBytes: 1 << 20)
        #expect(reference.records == 601 && reference.rejected >= 1 && !reference.envelopes.isEmpty)
        for (jobs, batchBytes) in [(2, 1 << 20), (2, 700), (3, 1500), (4, 333), (8, 5000)] {
            #expect(try Self.run(Self.parts, jobs: jobs, batchBytes: batchBytes) == reference, "jobs \(jobs), batch \(batchBytes)")
        }
    }

    @Test func aStopWritesEveryRecordItConverted() throws {
        // One job converts windows of 2 batches and writes each at once; two jobs convert windows of
        // 2 batches and write each while the next converts. Stopped after the same number of windows,
        // both must have written the same records: the window still waiting is written too.
        let reference = try Self.run(Self.parts, jobs: 1, batchBytes: 1 << 20)
        let one = try Self.run(Self.parts, jobs: 1, batchBytes: 600, stopAfterWindows: 3)
        let two = try Self.run(Self.parts, jobs: 2, batchBytes: 600, stopAfterWindows: 3)
        #expect(one.records > 0 && one.records < 601)
        #expect(two == one)
        #expect(one.records == one.converted + one.skippedCount + one.rejected)
        #expect(reference.envelopes.starts(with: one.envelopes))
    }
}
