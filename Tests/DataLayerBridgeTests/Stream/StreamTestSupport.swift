import DataLayerBridge

/// A record as the tests compare it: everything but its position in a batch.
struct ReadRecord: Hashable, CustomStringConvertible {
    var ordinal: Int
    var line: Int
    var text: String
    var problem: RecordProblem?

    var description: String { "#\(ordinal) line \(line) \(problem.map { "[\($0)] " } ?? "")\(text)" }
}

/// Reads a whole input and returns its records in order, checking on the way that every batch
/// is well formed (non-empty, ranges inside its bytes, ordinals consecutive).
func readRecords(
    _ source: some ByteSource, format: InputFormat = .auto, maxRecordBytes: Int = 16 << 20,
    chunkSize: Int = 1 << 20, batchBytes: Int = 1 << 20
) throws -> [ReadRecord] {
    var reader = RecordReader(
        source: source, format: format, maxRecordBytes: maxRecordBytes, chunkSize: chunkSize, batchBytes: batchBytes)
    var result: [ReadRecord] = []
    while let batch = try reader.nextBatch() {
        guard !batch.records.isEmpty else { throw BatchDefect.empty }
        for record in batch.records {
            guard record.range.upperBound <= batch.bytes.count, record.ordinal == result.count + 1 else {
                throw BatchDefect.badRecord(record)
            }
            let text = String(decoding: batch.bytes[record.range], as: UTF8.self)
            result.append(ReadRecord(ordinal: record.ordinal, line: record.line, text: text, problem: record.problem))
        }
    }
    return result
}

func readRecords(
    _ text: String, format: InputFormat = .auto, maxRecordBytes: Int = 16 << 20, chunkSizes: [Int] = []
) throws -> [ReadRecord] {
    try readRecords(MemorySource(Array(text.utf8), chunkSizes: chunkSizes), format: format, maxRecordBytes: maxRecordBytes)
}

enum BatchDefect: Error {
    case empty
    case badRecord(RecordSpan)
}

/// Shorthand for expected records: ordinals are numbered in order.
func records(_ items: [(line: Int, text: String)]) -> [ReadRecord] {
    items.enumerated().map { ReadRecord(ordinal: $0.offset + 1, line: $0.element.line, text: $0.element.text, problem: nil) }
}
