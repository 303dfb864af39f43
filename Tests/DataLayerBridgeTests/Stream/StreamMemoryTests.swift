import DataLayerBridge
import Foundation
import Testing

/// Produces a long input on the fly, never holding more than one line: line `n` is a record of
/// 60 to 2,000 bytes, and every 997th line is a 300,000-byte record.
struct GeneratedLines: ByteSource {
    let lineCount: Int
    let arrayFormat: Bool
    private(set) var produced = 0
    private var current: [UInt8] = []
    private var offset = 0

    init(lineCount: Int, arrayFormat: Bool) {
        self.lineCount = lineCount
        self.arrayFormat = arrayFormat
        current = arrayFormat ? Array("[".utf8) : []
    }

    static func isHuge(_ index: Int) -> Bool { index % 997 == 996 }

    static func line(_ index: Int) -> String {
        let padding = isHuge(index) ? 300_000 : 60 + (index * 7919) % 1940
        return #"{"event":"view_item","n":\#(index),"pad":"\#(String(repeating: "ž", count: padding / 2))"}"#
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset == current.count {
            guard produced < lineCount else { return 0 }
            let separator = arrayFormat ? (produced == lineCount - 1 ? "]" : ",\n") : "\n"
            current = Array((Self.line(produced) + separator).utf8)
            offset = 0
            produced += 1
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + count])) }
        offset += count
        return count
    }
}

struct StreamMemoryTests {
    static let batchBytes = 256 << 10
    static let maxRecordBytes = 64 << 10

    /// 50 MB of NDJSON (and 12 MB of array) pass through without any batch outgrowing
    /// `batchBytes + maxRecordBytes`, and every record arrives, huge ones as problems.
    @Test(arguments: [(46_000, false), (11_000, true)])
    func batchesStayBoundedOnALargeInput(lineCount: Int, arrayFormat: Bool) throws {
        var reader = RecordReader(
            source: GeneratedLines(lineCount: lineCount, arrayFormat: arrayFormat), maxRecordBytes: Self.maxRecordBytes,
            chunkSize: 64 << 10, batchBytes: Self.batchBytes)
        var seen = 0
        var largestBatch = 0
        var largestCapacity = 0
        var mismatches: [Int] = []
        while let batch = try reader.nextBatch() {
            largestBatch = max(largestBatch, batch.bytes.count)
            largestCapacity = max(largestCapacity, batch.bytes.capacity)
            for record in batch.records {
                let expected = Self.expectedProblem(seen)
                let intact = expected != nil || batch.bytes[record.range].elementsEqual(GeneratedLines.line(seen).utf8)
                if record.ordinal != seen + 1 || record.line != seen + 1 || record.problem != expected || !intact {
                    mismatches.append(seen)
                }
                seen += 1
            }
        }
        #expect(seen == lineCount)
        #expect(mismatches.isEmpty)
        #expect(reader.bytesRead > (arrayFormat ? 12_000_000 : 50_000_000))
        #expect(largestBatch <= Self.batchBytes + Self.maxRecordBytes)
        #expect(largestCapacity <= 2 * (Self.batchBytes + Self.maxRecordBytes))
    }

    static func expectedProblem(_ index: Int) -> RecordProblem? {
        GeneratedLines.isHuge(index) ? .tooLarge(byteCount: GeneratedLines.line(index).utf8.count) : nil
    }

    @Test func batchesHoldWholeRecordsUpToTheBatchSize() throws {
        let lines = (0..<100).map { #"{"n":\#($0)}"# }
        var reader = RecordReader(source: MemorySource(Array(lines.joined(separator: "\n").utf8)), batchBytes: 200)
        var batches: [RecordBatch] = []
        while let batch = try reader.nextBatch() { batches.append(batch) }
        #expect(batches.count > 5)
        #expect(batches.flatMap { batch in batch.records.map { String(decoding: batch.bytes[$0.range], as: UTF8.self) } } == lines)
        #expect(batches.dropLast().allSatisfy { $0.bytes.count + $0.records.count * MemoryLayout<RecordSpan>.stride >= 200 })
        #expect(try reader.nextBatch() == nil)
    }
}

struct ByteSourceTests {
    @Test(.scratchDirectory) func fileDescriptorSourceReadsAFile() throws {
        let url = URL(fileURLWithPath: try ScratchDirectory.path("lines.ndjson"))
        let lines = (1...5000).map { #"{"event":"page_view","n":\#($0),"text":"Žluťoučký kůň"}"# }
        try Data(lines.joined(separator: "\r\n").utf8).write(to: url)
        let fd = open(url.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let read = try readRecords(FileDescriptorSource(fileDescriptor: fd), chunkSize: 4096, batchBytes: 10_000)
        #expect(read == records(lines.enumerated().map { ($0.offset + 1, $0.element) }))
    }

    @Test func aFailedReadIsAStreamErrorWithTheSystemReason() throws {
        var reader = RecordReader(source: FileDescriptorSource(fileDescriptor: -1))
        #expect {
            try reader.nextBatch()
        } throws: { error in
            (error as? StreamError).map { $0.code == EBADF && $0.description == "read failed: Bad file descriptor" } ?? false
        }
    }

    @Test func memorySourceServesTheChunkSizesInTurn() throws {
        var source = MemorySource(Array("abcdefghij".utf8), chunkSizes: [1, 3, 0])
        var buffer = [UInt8](repeating: 0, count: 8)
        var counts: [Int] = []
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { break }
            counts.append(count)
        }
        #expect(counts == [1, 3, 1, 1, 3, 1])
    }
}
