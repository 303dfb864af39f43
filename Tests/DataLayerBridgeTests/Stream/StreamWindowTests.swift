import DataLayerBridge
import Foundation
import Testing

/// With several jobs, converters take batches from a ring while the calling thread reads ahead and
/// writes in input order. Whatever the jobs and batch sizes, the output, the rejects, the skips and
/// the counts must be those of one job, across several inputs (ordinals run on) and with per-client
/// state (remembered customer ids).
struct StreamWindowTests {
    struct Run: Equatable {
        var envelopes: [UInt8] = []
        var rejects: [UInt8] = []
        var skipped: [UInt8] = []
        var records = 0, converted = 0, skippedCount = 0, rejected = 0, bytes = 0
        /// Records written when `shouldStop` first answered `true`.
        var recordsAtStop: Int?
    }

    static func run(_ inputs: [[UInt8]], jobs: Int, batchBytes: Int, stopAfterWrites: Int? = nil) throws -> Run {
        let mapping = try #require(try Mapping.builtIn(named: BuiltInMappings.defaultName, variables: ["tracker_id": "1234-5678"]))
        var converter = StreamConverter(converter: RecordConverter(mapping: mapping))
        converter.jobs = jobs
        converter.batchBytes = batchBytes
        var run = Run()
        var writes = 0
        var latest = ConversionStats()
        let sinks = ConversionSinks(envelopes: { run.envelopes += $0 }, rejects: { run.rejects += $0 }, skipped: { run.skipped += $0 },
                                    progress: { writes += 1; latest = $0 })
        let stats = try converter.run(inputs.enumerated().map { ConversionInput(name: "part\($0.offset).ndjson", source: MemorySource($0.element)) },
                                      sinks: sinks, shouldStop: {
            guard let stopAfterWrites, writes >= stopAfterWrites else { return false }
            if run.recordsAtStop == nil { run.recordsAtStop = latest.records }
            return true
        })
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

    @Test func aStopWritesEveryBatchAlreadyRead() throws {
        // One job converts windows of 2 batches and writes each at once: nothing is left when it
        // stops. Two jobs read up to 4 batches ahead: those still converting when the stop comes
        // are written too, so the run ends with more records than it had written at the stop.
        let reference = try Self.run(Self.parts, jobs: 1, batchBytes: 1 << 20)
        for jobs in [1, 2] {
            let stopped = try Self.run(Self.parts, jobs: jobs, batchBytes: 600, stopAfterWrites: 3)
            let atStop = try #require(stopped.recordsAtStop)
            #expect(stopped.records > 0 && stopped.records < 601)
            #expect(jobs == 1 ? stopped.records == atStop : stopped.records > atStop, "jobs \(jobs): \(atStop) at the stop, \(stopped.records) in all")
            #expect(stopped.records == stopped.converted + stopped.skippedCount + stopped.rejected)
            #expect(reference.envelopes.starts(with: stopped.envelopes))
            #expect(reference.skipped.starts(with: stopped.skipped))
        }
    }
}
