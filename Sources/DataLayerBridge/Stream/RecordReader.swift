/// Splits a byte stream into records — NDJSON lines or the elements of a JSON array — and hands
/// them out in batches, reading the input in fixed-size chunks so memory stays bounded by
/// `chunkSize + batchBytes + maxRecordBytes` whatever the input size.
///
/// The reader does not parse records; it only frames them. In NDJSON mode a record is a line
/// (LF or CRLF) trimmed of white space; blank lines are skipped. In array mode a light structural
/// scan (strings with escapes, nesting of `[]` and `{}`) finds element boundaries, and structural
/// damage becomes ``RecordProblem/malformed(reason:)`` records. A UTF-8 byte order mark at the
/// start is skipped in both modes. Records longer than `maxRecordBytes` become
/// ``RecordProblem/tooLarge(byteCount:)`` records and the stream goes on after them.
public struct RecordReader {
    /// How many bytes at the start of the input `auto` looks at: the decision must not depend on
    /// how reads happen to split the input, so it never looks further, and buffers are never smaller.
    static let detectionWindow = 1024

    private var source: any ByteSource
    private let requestedFormat: InputFormat
    private var format: InputFormat?
    let maxRecordBytes: Int
    private let chunkSize: Int
    private let batchBytes: Int

    /// The read buffer, reused for the whole stream; bytes `position..<filled` are still unscanned.
    private var chunk: [UInt8]
    var position = 0
    var filled = 0
    private var endOfInput = false
    private var finished = false

    /// The batch being assembled.
    var bytes: [UInt8] = []
    private var records: [RecordSpan] = []
    /// Set when the batch has reached `batchBytes`; scanning stops at the next record boundary.
    var batchReady = false
    private var ordinal = 0
    private var largestRecord = 0
    private var lastRecordCount = 0

    /// The 1-based line of the byte at `position`.
    var line = 1
    /// The record whose bytes are being gathered, possibly over several chunks.
    var pending: PendingRecord?
    /// Whether the NDJSON line in progress ends with a CR so far: a CR before the LF does not
    /// count against the size limit.
    var lineEndsWithCarriageReturn = false
    var arrayState = ArrayState()

    /// How many bytes have been read from the source so far.
    public private(set) var bytesRead = 0

    /// Creates a reader. `chunkSize` is the size of each read (at least 1 KiB); a batch is closed
    /// after the record that brings it to `batchBytes` (counting its record table too).
    public init(
        source: some ByteSource, format: InputFormat = .auto, maxRecordBytes: Int = 16 << 20,
        chunkSize: Int = 1 << 20, batchBytes: Int = 1 << 20
    ) {
        self.source = source
        self.requestedFormat = format
        self.maxRecordBytes = max(1, maxRecordBytes)
        let chunkSize = max(Self.detectionWindow, chunkSize)
        self.chunkSize = chunkSize
        self.batchBytes = max(1, batchBytes)
        // Left unset: only bytes a read has filled (`..<filled`) are ever looked at, and zeroing a
        // megabyte cost every run ≈ 1 M instructions and the pages' first touch.
        self.chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { _, initialized in initialized = chunkSize }
    }

    /// Returns the next batch of whole records, or `nil` at the end of the input.
    public mutating func nextBatch() throws(StreamError) -> RecordBatch? {
        if format == nil { try detectFormat() }
        bytes = []
        bytes.reserveCapacity(batchBytes + largestRecord)
        records = []
        records.reserveCapacity(lastRecordCount)
        batchReady = false
        while !batchReady {
            if position == filled {
                if endOfInput {
                    if !finished { finishInput() }
                    finished = true
                    break
                }
                position = 0
                filled = 0
                try fill(upTo: chunkSize)
                continue
            }
            let scanned = chunk
            scanned.withUnsafeBufferPointer { buffer in
                if format == .array { scanArray(buffer) } else { scanLines(buffer) }
            }
        }
        guard !records.isEmpty else { return nil }
        lastRecordCount = records.count
        return RecordBatch(bytes: bytes, records: records)
    }

    /// Reads once into `chunk[filled..<limit]`, noting the end of the input.
    private mutating func fill(upTo limit: Int) throws(StreamError) {
        var buffer: [UInt8] = []
        swap(&buffer, &chunk)
        defer { swap(&buffer, &chunk) }
        let start = filled
        let result = buffer.withUnsafeMutableBytes { raw -> Result<Int, StreamError> in
            do {
                let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<limit]))
                guard (0...(limit - start)).contains(count) else {
                    return .failure(StreamError(message: "read failed: the source returned \(count) bytes"))
                }
                return .success(count)
            } catch let error as StreamError {
                return .failure(error)
            } catch {
                return .failure(StreamError(message: "read failed: \(error)"))
            }
        }
        let count = try result.get()
        filled += count
        bytesRead += count
        if count == 0 { endOfInput = true }
    }

    /// Reads until the start of the input settles the format (see ``InputFormat/auto``) and
    /// whether there is a byte order mark to skip.
    private mutating func detectFormat() throws(StreamError) {
        while true {
            let window = min(filled, Self.detectionWindow)
            let complete = endOfInput || window == Self.detectionWindow
            let decision = chunk.withUnsafeBufferPointer { buffer in
                FormatDetector.decide(UnsafeBufferPointer(rebasing: buffer[0..<window]), requested: requestedFormat, complete: complete)
            }
            if let decision {
                format = decision.format
                position = decision.byteOrderMarkLength
                return
            }
            try fill(upTo: Self.detectionWindow)
        }
    }

    private mutating func finishInput() {
        if format == .array { finishArray() } else { finishLine() }
    }

    /// Appends a record to the batch.
    mutating func emit(line: Int, range: Range<Int>, problem: RecordProblem?) {
        ordinal += 1
        records.append(RecordSpan(ordinal: ordinal, line: line, range: range, problem: problem))
        if problem == nil { largestRecord = max(largestRecord, range.count) }
        if bytes.count + records.count * MemoryLayout<RecordSpan>.stride >= batchBytes { batchReady = true }
    }

    /// Appends a problem record that keeps no bytes, at the current line.
    mutating func emitMalformed(_ reason: String) {
        emit(line: line, range: bytes.count..<bytes.count, problem: .malformed(reason: reason))
    }

    /// Starts gathering a record at the current line.
    mutating func beginRecord() {
        pending = PendingRecord(line: line, start: bytes.count)
    }

    /// Adds a piece of the pending record. Once the record exceeds `maxRecordBytes + slack`, what
    /// was stored is dropped and the rest is only counted, so a huge record costs no memory.
    mutating func absorb(_ piece: UnsafeBufferPointer<UInt8>, slack: Int) {
        guard var record = pending, !piece.isEmpty else { return }
        record.size += piece.count
        if !record.tooLarge {
            if record.size > maxRecordBytes + slack {
                bytes.removeLast(bytes.count - record.start)
                record.tooLarge = true
            } else {
                bytes.append(contentsOf: piece)
            }
        }
        pending = record
    }

    /// Ends the pending record: `uncounted` trailing bytes (a CR before LF) do not count against
    /// the limit, and trailing blanks are left out of its range.
    mutating func finishRecord(uncounted: Int = 0, problem: RecordProblem? = nil) {
        guard let record = pending else { return }
        pending = nil
        let size = record.size - uncounted
        if record.tooLarge || size > maxRecordBytes {
            bytes.removeLast(bytes.count - record.start)
            emit(line: record.line, range: record.start..<record.start, problem: .tooLarge(byteCount: size))
            return
        }
        var end = bytes.count
        while end > record.start, isBlank(bytes[end - 1]) { end -= 1 }
        emit(line: record.line, range: record.start..<end, problem: problem)
    }
}

/// A record being gathered: its first line, where its bytes start in the batch, how many bytes
/// it has had so far, and whether it has outgrown the limit.
struct PendingRecord {
    var line: Int
    var start: Int
    var size = 0
    var tooLarge = false
}

let lineFeed = UInt8(ascii: "\n")
let carriageReturn = UInt8(ascii: "\r")

/// JSON white space other than LF, which callers count as a line break.
@inline(__always)
func isBlank(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == carriageReturn
}

/// How `auto` and the byte order mark are decided from the first bytes of the input.
enum FormatDetector {
    struct Decision {
        var format: InputFormat
        var byteOrderMarkLength: Int
    }

    /// Returns `nil` while `prefix` is not enough to decide and more input may come.
    static func decide(_ prefix: UnsafeBufferPointer<UInt8>, requested: InputFormat, complete: Bool) -> Decision? {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let seen = min(prefix.count, 3)
        var index = 0
        if prefix.prefix(seen).elementsEqual(byteOrderMark.prefix(seen)) {
            if seen == 3 {
                index = 3
            } else if !complete {
                return nil
            }
        }
        let bom = index
        func decided(_ format: InputFormat) -> Decision { Decision(format: format, byteOrderMarkLength: bom) }
        /// At the end of the window the undecided case is NDJSON; before it, wait for more.
        func exhausted() -> Decision? { complete ? decided(.ndjson) : nil }
        func skipWhiteSpace() {
            while index < prefix.count, isBlank(prefix[index]) || prefix[index] == lineFeed { index += 1 }
        }

        if requested != .auto { return decided(requested) }
        skipWhiteSpace()
        guard index < prefix.count else { return exhausted() }
        switch prefix[index] {
        case UInt8(ascii: "["): return decided(.array)
        case UInt8(ascii: "{"): index += 1
        default: return decided(.ndjson)
        }
        skipWhiteSpace()
        for expected in #""dataLayer""#.utf8 {
            guard index < prefix.count else { return exhausted() }
            guard prefix[index] == expected else { return decided(.ndjson) }
            index += 1
        }
        skipWhiteSpace()
        guard index < prefix.count else { return exhausted() }
        return decided(prefix[index] == UInt8(ascii: ":") ? .array : .ndjson)
    }
}
