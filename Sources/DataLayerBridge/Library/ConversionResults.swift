import Dispatch

extension Bridge {
    /// Converts a stream given as byte chunks (socket reads, a request body) into its records'
    /// results, in input order.
    ///
    /// Records are framed as `dlbridge convert` frames them (``InputFormat``: NDJSON lines or one
    /// JSON array, decided from the first bytes by default); one ``BridgeSession`` runs through the
    /// whole stream, so remembered values reach later records. A record over `maxRecordBytes` is
    /// rejected with reason `record-too-large` and the stream goes on. Memory stays bounded: the
    /// next chunk is requested only when the framer needs it, and a batch of results is converted
    /// only when the consumer asks for it.
    public func results<Chunks: AsyncSequence & Sendable>(
        of chunks: Chunks, format: InputFormat = .auto, maxRecordBytes: Int = 16 << 20
    ) -> ConversionResults<Chunks> where Chunks.Element == [UInt8] {
        ConversionResults(bridge: self, input: .chunks(chunks), format: format, maxRecordBytes: maxRecordBytes)
    }

    /// Converts a stream given byte by byte (`URLSession.AsyncBytes`, `FileHandle.AsyncBytes`);
    /// bytes are handed on at each line feed or every 64 KiB, whichever comes first.
    public func results<Bytes: AsyncSequence & Sendable>(
        ofBytes bytes: Bytes, format: InputFormat = .auto, maxRecordBytes: Int = 16 << 20
    ) -> ConversionResults<ByteChunks<Bytes>> where Bytes.Element == UInt8 {
        results(of: ByteChunks(bytes), format: format, maxRecordBytes: maxRecordBytes)
    }

    /// Converts what can be read from `fileDescriptor` (a file, a pipe, standard input) until its
    /// end; see ``results(of:format:maxRecordBytes:)``. Reads block a thread of the stream's own,
    /// never a task's thread. The descriptor is not closed.
    public func results(
        readingFileDescriptor fileDescriptor: Int32, format: InputFormat = .auto, maxRecordBytes: Int = 16 << 20
    ) -> ConversionResults<ByteChunks<AsyncStream<UInt8>>> {
        ConversionResults(bridge: self, input: .fileDescriptor(fileDescriptor), format: format, maxRecordBytes: maxRecordBytes)
    }
}

/// The results of a stream's records, in input order (see ``Bridge/results(of:format:maxRecordBytes:)``).
///
/// Each iteration converts the stream once: the records are framed and converted on a thread of
/// the iteration's own, which hands over one batch of results at a time and waits while the
/// consumer works through it. Iteration throws ``StreamError`` when reading fails, or the error
/// the chunk sequence throws. Dropping the iterator early ends the conversion. Cancelling the
/// consuming task does not interrupt a read of a file descriptor that is waiting for data.
public struct ConversionResults<Chunks: AsyncSequence & Sendable>: AsyncSequence, Sendable where Chunks.Element == [UInt8] {
    /// Where the bytes come from.
    enum Input: Sendable {
        case chunks(Chunks)
        case fileDescriptor(Int32)
    }

    let bridge: Bridge
    let input: Input
    let format: InputFormat
    let maxRecordBytes: Int

    /// Starts a conversion of the stream.
    public func makeAsyncIterator() -> Iterator {
        let source: ReaderSourceKind
        var upstream: Chunks.AsyncIterator?
        switch input {
        case .chunks(let chunks):
            source = .handoff
            upstream = chunks.makeAsyncIterator()
        case .fileDescriptor(let fd):
            source = .fileDescriptor(fd)
        }
        return Iterator(driver: ReaderDriver(bridge: bridge, source: source, format: format, maxRecordBytes: maxRecordBytes), upstream: upstream)
    }

    /// Hands out results one by one, asking the reader thread for the next batch when they run out.
    public struct Iterator: AsyncIteratorProtocol {
        let driver: ReaderDriver
        var upstream: Chunks.AsyncIterator?
        var results: [RecordResult] = []
        var index = 0
        var command = ReaderCommand.proceed
        var done = false

        /// The next record's result, or `nil` after the last record.
        public mutating func next() async throws -> RecordResult? {
            while true {
                if index < results.count {
                    index += 1
                    return results[index - 1]
                }
                if done { return nil }
                switch await driver.exchange(command) {
                case .needInput:
                    do {
                        command = try await upstream?.next().map(ReaderCommand.input) ?? .end
                    } catch {
                        done = true
                        throw error
                    }
                case .batch(let batch):
                    results = batch
                    index = 0
                    command = .proceed
                case .finished:
                    done = true
                case .failed(let error):
                    done = true
                    throw error
                }
            }
        }
    }
}

/// Groups a byte-by-byte sequence into chunks, ending a chunk at each line feed (where NDJSON
/// records end, so results are not held back) or at 64 KiB.
public struct ByteChunks<Bytes: AsyncSequence & Sendable>: AsyncSequence, Sendable where Bytes.Element == UInt8 {
    let bytes: Bytes

    /// Wraps a byte sequence.
    public init(_ bytes: Bytes) { self.bytes = bytes }

    /// Starts iterating the bytes.
    public func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes.makeAsyncIterator()) }

    /// Collects bytes up to the next chunk boundary.
    public struct Iterator: AsyncIteratorProtocol {
        var bytes: Bytes.AsyncIterator

        /// The next chunk, or `nil` at the end of the bytes.
        public mutating func next() async throws -> [UInt8]? {
            var chunk: [UInt8] = []
            while chunk.count < 1 << 16, let byte = try await bytes.next() {
                chunk.append(byte)
                if byte == lineFeed { break }
            }
            return chunk.isEmpty ? nil : chunk
        }
    }
}

/// What the consumer tells the reader thread.
enum ReaderCommand: Sendable {
    /// Go on to the next batch.
    case proceed
    /// The next chunk of input asked for.
    case input([UInt8])
    /// The input has ended.
    case end
    /// The consumer is gone: stop.
    case cancel
}

/// What the reader thread tells the consumer.
enum ReaderEvent: Sendable {
    /// The framer needs the next chunk of input.
    case needInput
    /// The results of the next batch of records.
    case batch([RecordResult])
    /// Every record has been converted.
    case finished
    /// Reading failed.
    case failed(StreamError)
}

enum ReaderSourceKind: Sendable {
    case handoff
    case fileDescriptor(Int32)
}

/// The record reader is synchronous (it pulls bytes from a ``ByteSource``), so it runs on a thread
/// of its own, in turns with the consumer: the consumer sends a command and suspends; the thread
/// runs until it has an event, resumes the consumer and waits for the next command. Exactly one
/// side runs at a time, and the semaphore and the continuation order their accesses to the slot.
final class ReaderDriver: @unchecked Sendable {
    private let slot = HandoffSlot()
    private let bridge: Bridge
    private let source: ReaderSourceKind
    private let format: InputFormat
    private let maxRecordBytes: Int
    private var started = false

    init(bridge: Bridge, source: ReaderSourceKind, format: InputFormat, maxRecordBytes: Int) {
        self.bridge = bridge
        self.source = source
        self.format = format
        self.maxRecordBytes = maxRecordBytes
    }

    /// Sends `command` and waits for the thread's next event.
    func exchange(_ command: ReaderCommand) async -> ReaderEvent {
        if !started {
            started = true
            let slot = slot, bridge = bridge, source = source, format = format, maxRecordBytes = maxRecordBytes
            DispatchQueue(label: "DataLayerBridge.ConversionResults").async {
                Self.run(slot: slot, bridge: bridge, source: source, format: format, maxRecordBytes: maxRecordBytes)
            }
        }
        return await withCheckedContinuation { continuation in
            slot.consumer = continuation
            slot.command = command
            slot.commandReady.signal()
        }
    }

    deinit {
        guard started else { return }
        slot.consumer = nil
        slot.command = .cancel
        slot.commandReady.signal()
    }

    /// The thread's work: frame, convert, hand over, one batch at a time.
    private static func run(slot: HandoffSlot, bridge: Bridge, source: ReaderSourceKind, format: InputFormat, maxRecordBytes: Int) {
        guard case .proceed = slot.awaitCommand() else { return }
        var reader: RecordReader
        switch source {
        case .handoff:
            reader = RecordReader(source: HandoffSource(slot: slot), format: format, maxRecordBytes: maxRecordBytes, chunkSize: 1 << 16, batchBytes: 1 << 16)
        case .fileDescriptor(let fd):
            reader = RecordReader(source: FileDescriptorSource(fileDescriptor: fd), format: format, maxRecordBytes: maxRecordBytes, chunkSize: 1 << 16, batchBytes: 1 << 16)
        }
        var session = BridgeSession()
        var parser = JSONParser()
        do throws(StreamError) {
            while let batch = try reader.nextBatch() {
                let results = batch.bytes.withUnsafeBytes { bytes in
                    batch.records.map { span in
                        let outcome: MappingOutcome
                        if let problem = span.problem {
                            outcome = .reject(reason: problem.code, detail: problem.description)
                        } else {
                            outcome = bridge.converter.convert(UnsafeRawBufferPointer(rebasing: bytes[span.range]), ordinal: span.ordinal, line: span.line, parser: &parser)
                        }
                        return RecordResult(ordinal: span.ordinal, line: span.line, result: ConversionResult(session.state.resolve(outcome, mapping: bridge.mapping)))
                    }
                }
                guard case .proceed = slot.publish(.batch(results)) else { return }
            }
            slot.finish(.finished)
        } catch {
            if error != HandoffSource.cancelled { slot.finish(.failed(error)) }
        }
    }
}

/// The state the consumer and the reader thread pass between them.
final class HandoffSlot: @unchecked Sendable {
    let commandReady = DispatchSemaphore(value: 0)
    var command = ReaderCommand.proceed
    var consumer: CheckedContinuation<ReaderEvent, Never>?

    /// Waits for the consumer's next command.
    func awaitCommand() -> ReaderCommand {
        commandReady.wait()
        return command
    }

    /// Resumes the consumer with `event` and waits for its next command.
    func publish(_ event: ReaderEvent) -> ReaderCommand {
        finish(event)
        return awaitCommand()
    }

    /// Resumes the consumer with a last event.
    func finish(_ event: ReaderEvent) {
        let continuation = consumer
        consumer = nil
        continuation?.resume(returning: event)
    }
}

/// A byte source fed by the consumer, chunk by chunk, on request.
struct HandoffSource: ByteSource {
    static let cancelled = StreamError(message: "conversion cancelled")
    let slot: HandoffSlot
    var chunk: [UInt8] = []
    var offset = 0
    var ended = false

    init(slot: HandoffSlot) { self.slot = slot }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == chunk.count {
            if ended { return 0 }
            switch slot.publish(.needInput) {
            case .input(let next):
                chunk = next
                offset = 0
            case .end, .proceed:
                ended = true
            case .cancel:
                throw Self.cancelled
            }
        }
        let count = min(buffer.count, chunk.count - offset)
        chunk.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
        }
        offset += count
        return count
    }
}
