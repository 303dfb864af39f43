import DataLayerBridge
import Foundation
import Testing

/// The `--state` journal: low-water mark plus finished ordinals, durable and crash-tolerant.
@Suite(.scratchDirectory)
struct StateJournalTests {
    @Test func completedOrdinalsAdvanceTheLowWaterMarkOverRuns() {
        var completed = CompletedOrdinals()
        for ordinal in [3, 1, 5] { completed.insert(ordinal) }
        #expect(completed.lowWater == 1 && completed.above == [3, 5])
        completed.insert(2)
        #expect(completed.lowWater == 3 && completed.above == [5])
        #expect(completed.contains(1) && completed.contains(5) && !completed.contains(4) && !completed.contains(6))
        completed.insert(4)
        #expect(completed == CompletedOrdinals(lowWater: 5))
        #expect(completed.count == 5)
    }

    @Test func aReopenedJournalKnowsWhatEarlierRunsFinished() throws {
        let path = try ScratchDirectory.path("state")
        do {
            let journal = try StateJournal(path: path)
            for ordinal in [2, 1, 4] { try journal.record(ordinal) }
        }
        let reopened = try StateJournal(path: path)
        #expect(reopened.progress == CompletedOrdinals(lowWater: 2, above: [4]))
        // Opening compacts: one low line plus what is above it.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "dlbridge-send-state 1\nlow 2\ndone 4\n")
    }

    @Test func theFirstRecordsPinTheJournalToItsInput() throws {
        let path = try ScratchDirectory.path("state")
        func fingerprint(_ records: [String], covering count: Int) -> InputFingerprint {
            var print = InputFingerprint(records: count)
            for record in records.prefix(count) { print.add(Array(record.utf8)) }
            return print
        }
        let input = [#"{"client_id":1}"#, #"{"client_id":2}"#, #"{"client_id":3}"#]
        do {
            let journal = try StateJournal(path: path, compactionInterval: 2)
            #expect(journal.fingerprintRecords == nil)
            try journal.checkInput(fingerprint(input, covering: 3))
            try journal.record(1)
            try journal.record(2)  // compacts: the fingerprint is kept
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("dlbridge-send-state 1\ninput 3 ") && text.hasSuffix("\nlow 2\n"), "\(text)")
        let reopened = try StateJournal(path: path)
        #expect(reopened.fingerprintRecords == 3)
        try reopened.checkInput(fingerprint(input + [#"{"client_id":4}"#], covering: 3))  // the log grew: same start
        for other in [[input[0], input[2], input[1]], Array(input.prefix(2))] {
            #expect(throws: DeliveryError.self) { try reopened.checkInput(fingerprint(other, covering: 3)) }
        }
        #expect(reopened.progress == CompletedOrdinals(lowWater: 2))
    }

    @Test func aLineCutShortByACrashIsIgnored() throws {
        let path = try ScratchDirectory.path("state")
        try "dlbridge-send-state 1\nlow 5\ndone 7\ndone 1".write(toFile: path, atomically: false, encoding: .utf8)
        let journal = try StateJournal(path: path)
        #expect(journal.progress == CompletedOrdinals(lowWater: 5, above: [7]))
        #expect(!journal.contains(6) && !journal.contains(10) && journal.contains(3))
    }

    @Test func theJournalCompactsAsItGrows() throws {
        let path = try ScratchDirectory.path("state")
        let journal = try StateJournal(path: path, compactionInterval: 4)
        for ordinal in [1, 2, 3, 5, 6, 4, 9] { try journal.record(ordinal) }
        // After the 4th line (ordinal 5) the file was rewritten; 6, 4 and 9 were appended since.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "dlbridge-send-state 1\nlow 3\ndone 5\ndone 6\ndone 4\ndone 9\n")
        #expect(try StateJournal(path: path).progress == CompletedOrdinals(lowWater: 6, above: [9]))
    }

    @Test(arguments: ["not a state file\n", "dlbridge-send-state 1\nlow x\n", "dlbridge-send-state 1\nsent 3\n"])
    func somethingElseIsNotTakenForAJournal(_ content: String) throws {
        let path = try ScratchDirectory.path("state")
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: DeliveryError.self) { try StateJournal(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content, "left as it was")
    }
}
