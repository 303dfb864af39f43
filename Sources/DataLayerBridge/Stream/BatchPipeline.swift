import Dispatch

/// The parallel stage of a ``StreamConverter`` with several jobs: the calling thread reads batches
/// and writes what they were converted to, `jobs` converters take batches from a bounded ring.
///
/// A converter takes the next batch the moment it is free, so none waits for another at the end of
/// a window of batches, and each keeps one parser (and its string cache) for the whole input. The
/// writer takes outputs strictly in input order. At most `capacity` batches are read and not yet
/// written, so memory is bounded whatever the input size.
///
/// Locks are taken per batch (a megabyte of records), never per record.
final class BatchPipeline<Output: Sendable>: @unchecked Sendable {
    /// One place in the ring. The reader fills `batch`, a converter `output`, and `done` tells the
    /// writer; the semaphores order every access, so a slot is never touched by two threads at once.
    private final class Slot: @unchecked Sendable {
        var batch: RecordBatch?
        var output: Output?
        let done = DispatchSemaphore(value: 0)
    }

    let capacity: Int
    private let jobs: Int
    private let slots: [Slot]
    /// Signalled once per submitted batch, and once per converter when the pipeline closes.
    private let queued = DispatchSemaphore(value: 0)
    /// Guards `submitted` and `taken`.
    private let lock = DispatchSemaphore(value: 1)
    private var submitted = 0
    private var taken = 0
    private let converters = DispatchGroup()

    /// Starts `jobs` converters, each calling `convert` on the batches it takes with a parser of its
    /// own and its number (`0..<jobs`), so that it can use other state of its own.
    init(jobs: Int, capacity: Int, convert: @escaping @Sendable (RecordBatch, inout JSONParser, _ job: Int) -> Output) {
        self.jobs = jobs
        self.capacity = capacity
        slots = (0..<capacity).map { _ in Slot() }
        for job in 0..<jobs {
            DispatchQueue.global().async(group: converters) { [self] in
                var parser = JSONParser()
                while let sequence = take() {
                    let slot = slots[sequence % capacity]
                    if let batch = slot.batch { slot.output = convert(batch, &parser, job) }
                    slot.done.signal()
                }
            }
        }
    }

    /// Hands the `sequence`-th batch (counted from 0) to the converters. The caller keeps at most
    /// `capacity` batches submitted and not yet taken back with ``output(of:)``.
    func submit(_ batch: RecordBatch, sequence: Int) {
        slots[sequence % capacity].batch = batch
        lock.wait()
        submitted += 1
        lock.signal()
        queued.signal()
    }

    /// The `sequence`-th batch and what it was converted to, waiting until it is.
    func output(of sequence: Int) -> (batch: RecordBatch, output: Output) {
        let slot = slots[sequence % capacity]
        slot.done.wait()
        defer {
            slot.batch = nil
            slot.output = nil
        }
        return (slot.batch!, slot.output!)
    }

    /// Lets the converters finish what was submitted and waits for them to stop. Called once, by
    /// the thread that submits.
    func finish() {
        for _ in 0..<jobs { queued.signal() }
        converters.wait()
    }

    /// The next submitted sequence to convert, or `nil` when the pipeline is finishing and every
    /// batch has been taken.
    private func take() -> Int? {
        queued.wait()
        lock.wait()
        defer { lock.signal() }
        guard taken < submitted else { return nil }
        taken += 1
        return taken - 1
    }
}
