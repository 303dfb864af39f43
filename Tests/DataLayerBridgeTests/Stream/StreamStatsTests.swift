@testable import DataLayerBridge
import Testing

/// The ordered stage counts envelopes by type and skips by reason in a ``Tally`` per batch, merged
/// into the statistics once per batch: the counts must be those of counting every line.
struct StreamStatsTests {
    /// Counted one by one into a dictionary, the general way.
    static func counted(_ names: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        return counts
    }

    @Test(arguments: [1, 5, 16, 17, 40])
    func aTallyCountsWhatADictionaryCounts(distinct: Int) {
        // Equal names made anew each time (not the same storage), long and short ones, in a
        // shuffled order, and counts already in the dictionary it merges into.
        var state: UInt64 = 11
        let names = (0..<600).map { _ -> String in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let index = Int((state >> 33) % UInt64(distinct))
            return index % 3 == 0 ? "a reason long enough to live on the heap, number \(index)" : "r\(index)"
        }
        var tally = Tally()
        var merged = ["r0": 5, "other": 2]
        for name in names[..<300] { tally.add(name) }
        tally.merge(into: &merged)
        for name in names[300...] { tally.add(name) }
        tally.merge(into: &merged)
        var expected = Self.counted(names)
        expected["r0", default: 0] += 5
        expected["other", default: 0] += 2
        #expect(merged == expected)
        // Merged counts start again from zero.
        var empty: [String: Int] = [:]
        tally.merge(into: &empty)
        #expect(empty.isEmpty)
    }

    @Test func statisticsCountEveryEnvelopeAndSkip() throws {
        let mapping = try #require(try Mapping.builtIn(named: BuiltInMappings.defaultName, variables: ["tracker_id": "1234-5678"]))
        let log = DataModelTests.multiClientLog(records: 600)
        for (jobs, batchBytes) in [(1, 1 << 20), (1, 900), (2, 2_000)] {
            var converter = StreamConverter(converter: RecordConverter(mapping: mapping))
            converter.jobs = jobs
            converter.batchBytes = batchBytes
            var envelopes: [UInt8] = []
            var skipped: [UInt8] = []
            let stats = try converter.run([ConversionInput(name: nil, source: MemorySource(log))],
                                          sinks: ConversionSinks(envelopes: { envelopes += $0 }, skipped: { skipped += $0 }))
            let types = try envelopes.split(separator: UInt8(ascii: "\n")).map { try JSONValue(parsing: $0)["type"]?.stringValue ?? "(none)" }
            let reasons = try skipped.split(separator: UInt8(ascii: "\n")).map { try JSONValue(parsing: $0)["reason"]?.stringValue ?? "" }
            #expect(Set(types).count > 1 && Set(reasons).count > 1, "the log has several types and reasons")
            #expect(stats.envelopesByType == Self.counted(types), "jobs \(jobs), batch \(batchBytes)")
            #expect(stats.skippedByReason == Self.counted(reasons), "jobs \(jobs), batch \(batchBytes)")
        }
    }
}
