/// (2) The record reader over arbitrary chunk boundaries: the same bytes split into different reads
/// and batches must give the same records, numbered 1, 2, 3, … with none lost.
///
/// Input layout: byte 0 picks the format, byte 1 the record size limit, bytes 2..<6 the read sizes;
/// the rest is the stream.
enum RecordReaderChunkTarget {
    /// A record as the stream's consumer sees it, independent of which batch carried it.
    struct Record: Equatable {
        let ordinal: Int
        let line: Int
        let bytes: ArraySlice<UInt8>
        let problem: RecordProblem?
    }

    static func run(_ data: UnsafeRawBufferPointer) {
        guard data.count >= 6 else { return }
        let format = InputFormat.allCases[Int(data[0]) % InputFormat.allCases.count]
        let maxRecordBytes = Int(data[1]) * 4 + 1
        let chunkSizes = (2..<6).map { Int(data[$0]) + 1 }
        let stream = [UInt8](data[6...])

        let whole = read(stream, format: format, maxRecordBytes: maxRecordBytes, chunkSizes: [], batchBytes: 1 << 16)
        let split = read(stream, format: format, maxRecordBytes: maxRecordBytes, chunkSizes: chunkSizes, batchBytes: chunkSizes[0])
        guard whole == split else {
            fuzzFailure("records depend on read boundaries \(chunkSizes): \(describe(whole)) vs \(describe(split))")
        }
        for (index, record) in whole.enumerated() where record.ordinal != index + 1 {
            fuzzFailure("record \(index + 1) is numbered \(record.ordinal)")
        }
    }

    private static func read(_ stream: [UInt8], format: InputFormat, maxRecordBytes: Int, chunkSizes: [Int], batchBytes: Int) -> [Record] {
        var reader = RecordReader(
            source: MemorySource(stream, chunkSizes: chunkSizes), format: format,
            maxRecordBytes: maxRecordBytes, chunkSize: 1024, batchBytes: batchBytes)
        var records: [Record] = []
        do throws(StreamError) {
            while let batch = try reader.nextBatch() {
                guard !batch.records.isEmpty else { fuzzFailure("empty batch") }
                for span in batch.records {
                    guard span.range.lowerBound >= 0, span.range.upperBound <= batch.bytes.count else {
                        fuzzFailure("record range \(span.range) outside its batch of \(batch.bytes.count) bytes")
                    }
                    records.append(Record(ordinal: span.ordinal, line: span.line, bytes: batch.bytes[span.range], problem: span.problem))
                }
                // A stray `}` in an array yields up to three records (the damage, a missing comma, the
                // element after it), so the bound is linear, not one record per byte: it catches a runaway.
                guard records.count <= 3 * stream.count + 2 else { fuzzFailure("more than 3 records per input byte") }
            }
        } catch {
            fuzzFailure("a memory source cannot fail, yet the reader threw \(error)")
        }
        guard reader.bytesRead == stream.count else { fuzzFailure("read \(reader.bytesRead) of \(stream.count) bytes") }
        return records
    }

    private static func describe(_ records: [Record]) -> String {
        records.map { "#\($0.ordinal)@\($0.line) \(String(decoding: $0.bytes, as: UTF8.self)) \($0.problem.map(\.code) ?? "")" }
            .joined(separator: " | ")
    }
}
