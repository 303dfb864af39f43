import Dispatch

/// Where a conversion's output goes. Every closure is called on the thread that runs the
/// conversion, in input order.
public struct ConversionSinks {
    /// Receives envelope lines (NDJSON, each ending in a newline), in chunks of about 1 MiB.
    public var envelopes: (UnsafeRawBufferPointer) -> Void
    /// Receives one NDJSON line per rejected record, or `nil` to count them only.
    public var rejects: ((UnsafeRawBufferPointer) -> Void)?
    /// Receives one NDJSON line per skipped record, or `nil` to count them only.
    public var skipped: ((UnsafeRawBufferPointer) -> Void)?
    /// Called after every batch (with a data model: every window of batches) is written, with the
    /// statistics so far (for progress displays).
    public var progress: ((ConversionStats) -> Void)?

    /// Creates sinks; only the envelope sink is required.
    public init(
        envelopes: @escaping (UnsafeRawBufferPointer) -> Void,
        rejects: ((UnsafeRawBufferPointer) -> Void)? = nil,
        skipped: ((UnsafeRawBufferPointer) -> Void)? = nil,
        progress: ((ConversionStats) -> Void)? = nil
    ) {
        self.envelopes = envelopes
        self.rejects = rejects
        self.skipped = skipped
        self.progress = progress
    }
}

/// One input of a conversion: a byte source and the name used in reject lines.
public struct ConversionInput {
    /// `nil` for standard input.
    public var name: String?
    /// Where the bytes come from.
    public var source: any ByteSource
    /// The input's size when known (a regular file), for progress and ETA.
    public var size: Int?

    /// Creates an input.
    public init(name: String?, source: some ByteSource, size: Int? = nil) {
        self.name = name
        self.source = source
        self.size = size
    }
}

/// The streaming converter behind `dlbridge convert`: reads records in fixed-size batches,
/// converts them on `jobs` threads, and writes the results in input order.
///
/// Each converter writes the envelopes of its batches (a ``WrittenBatch``); the calling thread
/// applies per-client state (``MappingState``) in input order and writes the lines out, so the
/// output is byte-identical for any number of jobs. With several jobs the calling thread reads up
/// to `2 × jobs` batches ahead and `jobs` converters take them as they come free (a
/// ``BatchPipeline``), so no converter waits for another. With one job each batch is converted and
/// written in turn; with a data model, whose merge is sequential, a window of `2 × jobs` batches is
/// converted and then written. Memory is bounded by those batches, whatever the input size.
public struct StreamConverter: Sendable {
    /// Converts single records; shared by the worker threads.
    public let converter: RecordConverter
    /// How records are framed.
    public var format: InputFormat = .auto
    /// Records longer than this are rejected with reason `record-too-large`.
    public var maxRecordBytes = 16 << 20
    /// Worker threads; 1 converts on the calling thread.
    public var jobs = 1
    /// Bytes of input per batch handed to a worker. Up to `2 × jobs` batches are in flight, each
    /// with its records and its written envelopes: at 256 KiB, `convert` with two jobs peaks at
    /// 16.3 MiB on the bench corpus where 1 MiB batches took 23.4, at the same speed.
    public var batchBytes = 1 << 18
    /// GTM data-model semantics (`convert --data-model`): each push merges into its client's
    /// model, and rules see the merged model (see ``DataModel``). `nil`, the default, maps each
    /// push on its own. The merge runs in input order, so the output is the same for any `jobs`.
    public var dataModel: DataModel?

    /// Creates a stream converter for `converter`.
    public init(converter: RecordConverter) { self.converter = converter }

    /// Converts every input, in order, as one stream (record ordinals run on across inputs).
    /// When `shouldStop` returns `true`, the records already read are converted and written, and
    /// the conversion ends there.
    public func run(_ inputs: [ConversionInput], sinks: ConversionSinks, shouldStop: () -> Bool = { false }) throws(StreamError) -> ConversionStats {
        var parser = JSONParser()
        return try run(inputs, sinks: sinks, shouldStop: shouldStop, parser: &parser)
    }

    /// ``run(_:sinks:shouldStop:)`` with `parser` (and its string cache) converting the records
    /// converted on this thread, left to the caller afterwards: `dlbridge` leaves it for the
    /// process's exit to free, where freeing the cache's strings cost 1.15 M instructions on
    /// 5,000 records.
    package func run(_ inputs: [ConversionInput], sinks: ConversionSinks, shouldStop: () -> Bool, parser: inout JSONParser) throws(StreamError) -> ConversionStats {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = ConversionStats()
        let sizes = inputs.map(\.size)
        stats.expectedBytes = sizes.contains(where: { $0 == nil }) ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }
        var writer = OrderedWriter(mapping: converter.mapping, sinks: sinks)
        var ordinalBase = 0
        var bytesBefore = 0
        var model = dataModel
        inputs: for input in inputs {
            model?.startInput()
            var reader = RecordReader(source: input.source, format: format, maxRecordBytes: maxRecordBytes, batchBytes: batchBytes)
            let after = { (stats: inout ConversionStats, bytesRead: Int) in
                writer.flush()
                stats.bytes = bytesBefore + bytesRead
                stats.seconds = self.seconds(since: start, clock: clock)
                sinks.progress?(stats)
            }
            if jobs > 1 && model == nil {
                try pipelined(&reader, ordinalBase: ordinalBase, shouldStop: shouldStop) { batch, written, bytesRead in
                    writer.write(batch, written: written, inputName: input.name, ordinalBase: ordinalBase, stats: &stats)
                    after(&stats, bytesRead)
                }
            } else if model == nil {
                while let batch = try reader.nextBatch() {
                    let written = Self.written(batch, converter: converter, ordinalBase: ordinalBase, parser: &parser)
                    writer.write(batch, written: written, inputName: input.name, ordinalBase: ordinalBase, stats: &stats)
                    after(&stats, reader.bytesRead)
                    if shouldStop() { break }
                }
            } else {
                while true {
                    var window: [RecordBatch] = []
                    while window.count < max(1, jobs) * 2, let batch = try reader.nextBatch() { window.append(batch) }
                    if window.isEmpty { break }
                    let results = convert(window, ordinalBase: ordinalBase, model: &model!, parser: &parser)
                    for (batch, outcomes) in zip(window, results) {
                        let written = WrittenBatch(records: outcomes.count, mapping: converter.mapping, inputBytes: batch.bytes.count) { outcomes[$0] }
                        writer.write(batch, written: written, inputName: input.name, ordinalBase: ordinalBase, stats: &stats)
                    }
                    after(&stats, reader.bytesRead)
                    if shouldStop() { break }
                }
            }
            ordinalBase = stats.records
            bytesBefore += reader.bytesRead
            if shouldStop() { break inputs }
        }
        writer.flush()
        stats.bytes = bytesBefore
        stats.seconds = seconds(since: start, clock: clock)
        return stats
    }

    /// Converts one input's batches on `jobs` converters (``BatchPipeline``), each writing its
    /// batches' envelopes, while this thread reads ahead and hands each written batch to `write` in
    /// input order, with the bytes read so far. When `shouldStop` returns `true`, the batches already
    /// read are still converted and written.
    private func pipelined(_ reader: inout RecordReader, ordinalBase: Int, shouldStop: () -> Bool,
                           write: (RecordBatch, WrittenBatch, _ bytesRead: Int) -> Void) throws(StreamError) {
        // A mapping of its own for each converter: a shared one's reference counts are updated by
        // both cores in turn (see `Mapping.independentCopy()`).
        let converters = (0..<jobs).map { $0 == 0 ? converter : converter.independentCopy() }
        let pipeline = BatchPipeline<WrittenBatch>(jobs: jobs, capacity: 2 * jobs) { batch, parser, job in
            Self.written(batch, converter: converters[job], ordinalBase: ordinalBase, parser: &parser)
        }
        defer { pipeline.finish() }
        var submitted = 0
        var written = 0
        var reading = true
        while true {
            while reading, submitted - written < pipeline.capacity {
                guard let batch = try reader.nextBatch() else {
                    reading = false
                    break
                }
                pipeline.submit(batch, sequence: submitted)
                submitted += 1
            }
            guard written < submitted else { return }
            let done = pipeline.output(of: written)
            written += 1
            write(done.batch, done.output, reader.bytesRead)
            if shouldStop() { reading = false }
        }
    }

    /// Converts `batch` and writes its envelopes, record by record.
    private static func written(_ batch: RecordBatch, converter: RecordConverter, ordinalBase: Int,
                                parser: inout JSONParser) -> WrittenBatch {
        batch.bytes.withUnsafeBytes { bytes in
            WrittenBatch(records: batch.records.count, mapping: converter.mapping, inputBytes: bytes.count) { index in
                let span = batch.records[index]
                return outcome(of: span, UnsafeRawBufferPointer(rebasing: bytes[span.range]), converter: converter,
                               ordinalBase: ordinalBase, parser: &parser)
            }
        }
    }

    /// What becomes of the record `span` whose text is `bytes`.
    private static func outcome(of span: RecordSpan, _ bytes: UnsafeRawBufferPointer, converter: RecordConverter,
                                ordinalBase: Int, parser: inout JSONParser) -> MappingOutcome {
        if let problem = span.problem { return MappingOutcome.reject(reason: problem.code, detail: problem.description) }
        return converter.convert(bytes, ordinal: ordinalBase + span.ordinal, line: span.line, parser: &parser)
    }

    /// `work` for every record of the window, given the record's bytes and a parser, with batches
    /// in parallel when there are jobs and batches to share; results in input order. Batches in
    /// parallel each get a parser of their own; batches converted on this thread share
    /// `sequentialParser`, which the caller keeps from window to window so that its string cache
    /// stays warm (a new one for each batch found a log's repeated strings anew every megabyte).
    func perRecord<Result: Sendable>(
        _ window: [RecordBatch], sequentialParser: inout JSONParser,
        _ work: @escaping @Sendable (_ position: (batch: Int, record: Int), _ span: RecordSpan, _ bytes: UnsafeRawBufferPointer, _ parser: inout JSONParser) -> Result
    ) -> [[Result]] {
        let results = ResultSlots<Result>(count: window.count)
        let each: @Sendable (Int, inout JSONParser) -> Void = { index, parser in
            let batch = window[index]
            results.store(index, batch.bytes.withUnsafeBytes { bytes in
                batch.records.enumerated().map { record, span in
                    work((index, record), span, UnsafeRawBufferPointer(rebasing: bytes[span.range]), &parser)
                }
            })
        }
        if jobs > 1 && window.count > 1 {
            DispatchQueue.concurrentPerform(iterations: window.count) { index in
                var parser = JSONParser()
                each(index, &parser)
            }
        } else {
            for index in window.indices { each(index, &sequentialParser) }
        }
        return results.values
    }

    private func seconds(since start: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Per-batch results written by worker threads, each to its own slot.
private final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [[Value]]

    init(count: Int) { slots = Array(repeating: [], count: count) }

    /// Distinct indices from distinct threads: the array's storage is never reallocated here.
    func store(_ index: Int, _ values: [Value]) {
        slots.withUnsafeMutableBufferPointer { $0[index] = values }
    }

    var values: [[Value]] { slots }
}

/// The sequential stage: applies per-client state in input order, writes envelopes, rejects and
/// skips, and counts. It does what ``MappingState/resolve(_:mapping:)`` does, on written envelopes.
private struct OrderedWriter {
    let mapping: Mapping
    let sinks: ConversionSinks
    var state = MappingState()
    var output = JSONWriter()
    var sideLine = JSONWriter()
    /// This batch's counts, merged into the statistics once per batch: a dictionary update per
    /// envelope and per skip hashed the same few names again and again.
    var envelopeTypes = Tally()
    var skipReasons = Tally()

    init(mapping: Mapping, sinks: ConversionSinks) {
        self.mapping = mapping
        self.sinks = sinks
    }

    mutating func write(_ batch: RecordBatch, written: WrittenBatch, inputName: String?, ordinalBase: Int, stats: inout ConversionStats) {
        var next = 0
        // Lines of `written` that go out as they were written, gathered while they follow each other.
        var run = 0..<0
        for position in written.outcomes.indices {
            stats.records += 1
            switch written.outcomes[position] {
            case .envelopes(let count, let remember):
                if let remember { state.store(remember) }
                let envelopes = next..<(next + count)
                next += count
                if let failure = recallFailure(written.envelopes[envelopes]) {
                    reject(batch.records[position], batch: batch, reason: "mapping-error", detail: failure.detail, inputName: inputName,
                           ordinalBase: ordinalBase, stats: &stats)
                    continue
                }
                stats.converted += 1
                for index in envelopes {
                    let line = written.line(index)
                    if let envelope = refilled(index, of: written) {
                        send(run, of: written)
                        run = line.upperBound..<line.upperBound
                        output.write(envelope)
                        output.append(byte: UInt8(ascii: "\n"))
                        if output.count >= 1 << 20 { flush() }
                    } else if line.lowerBound == run.upperBound {
                        run = run.lowerBound..<line.upperBound
                    } else {
                        send(run, of: written)
                        run = line
                    }
                    stats.envelopes += 1
                    envelopeTypes.add(written.envelopes[index].type)
                }
            case .skip(let reason, let detail, let remember):
                if let remember { state.store(remember) }
                stats.skipped += 1
                skipReasons.add(reason)
                if let sink = sinks.skipped {
                    record(batch.records[position], batch: batch, reason: reason, detail: detail, inputName: inputName, ordinalBase: ordinalBase, to: sink)
                }
            case .reject(let reason, let detail):
                reject(batch.records[position], batch: batch, reason: reason, detail: detail, inputName: inputName, ordinalBase: ordinalBase, stats: &stats)
            }
        }
        send(run, of: written)
        envelopeTypes.merge(into: &stats.envelopesByType)
        skipReasons.merge(into: &stats.skippedByReason)
    }

    /// The first recall key of a push's envelopes that could not be read, once any client has
    /// remembered values (before that, recall reads no key): the push is then a `mapping-error`.
    private func recallFailure(_ envelopes: ArraySlice<WrittenBatch.Envelope>) -> MappingRuntimeError? {
        guard !state.isEmpty else { return nil }
        for envelope in envelopes {
            if case .failure(let error)? = envelope.recallKey { return error }
        }
        return nil
    }

    /// Envelope `index` with its client's remembered values filled in, read back from its line, or
    /// `nil` when the client has none (or the line cannot be read back): then the line goes out as it is.
    private func refilled(_ index: Int, of written: WrittenBatch) -> JSONValue? {
        guard let recall = mapping.recall, case .success(let key?)? = written.envelopes[index].recallKey, state.remembers(key) else {
            return nil
        }
        let line = written.line(index)
        let envelope = written.lines.withBytes { lines in try? JSONValue(parsing: UnsafeRawBufferPointer(rebasing: lines[line]).dropLast()) }
        return envelope.map { state.filling($0, from: key, recall: recall) }
    }

    /// Sends the lines `run` of `written`, after what ``output`` holds: a long run straight from the
    /// batch's buffer (copied line by line, the envelopes cost a second writing), a short one
    /// through ``output``, so that a stream of refilled envelopes is not sent a few lines at a time.
    private mutating func send(_ run: Range<Int>, of written: WrittenBatch) {
        guard !run.isEmpty else { return }
        written.lines.withBytes { lines in
            let text = UnsafeRawBufferPointer(rebasing: lines[run])
            if run.count >= 1 << 16 {
                flush()
                sinks.envelopes(text)
            } else {
                output.appendRaw(text)
            }
        }
        if output.count >= 1 << 20 { flush() }
    }

    private mutating func reject(_ span: RecordSpan, batch: RecordBatch, reason: String, detail: String, inputName: String?,
                                 ordinalBase: Int, stats: inout ConversionStats) {
        stats.rejected += 1
        stats.rejectedByReason[reason, default: 0] += 1
        if let sink = sinks.rejects {
            record(span, batch: batch, reason: reason, detail: detail, inputName: inputName, ordinalBase: ordinalBase, to: sink)
        }
    }

    /// Writes `{"record", "line", "reason", "detail", "input"}` (plus `"file"` for named inputs):
    /// the raw text survives exactly, so a repaired file can be fed again. Bytes that are not
    /// UTF-8 cannot live in a JSON string; such records carry `input_hex` instead.
    private mutating func record(_ span: RecordSpan, batch: RecordBatch, reason: String, detail: String, inputName: String?,
                                 ordinalBase: Int, to sink: (UnsafeRawBufferPointer) -> Void) {
        let raw = Array(batch.bytes[span.range])
        var members: [JSONObject.Member] = [
            .init(key: "record", value: .number(JSONNumber(ordinalBase + span.ordinal))),
            .init(key: "line", value: .number(JSONNumber(span.line))),
            .init(key: "reason", value: .string(reason)),
            .init(key: "detail", value: .string(detail)),
        ]
        if let inputName { members.insert(.init(key: "file", value: .string(inputName)), at: 0) }
        members.append(rawInputMember(raw))
        sideLine.reset()
        sideLine.write(.object(JSONObject(members)))
        sideLine.append(byte: UInt8(ascii: "\n"))
        sideLine.withBytes(sink)
    }

    mutating func flush() {
        guard output.count > 0 else { return }
        output.withBytes(sinks.envelopes)
        output.reset()
    }
}

/// Counts of a few names, such as envelope types: found by comparison, which for the same string
/// again is a compare of its two words, and handed to a dictionary in one go.
struct Tally {
    private var names: [String] = []
    private var counts: [Int] = []
    /// Names beyond the first few, whose linear search would cost more than hashing them.
    private var others: [String: Int] = [:]

    /// Counts one `name`.
    mutating func add(_ name: String) {
        for index in names.indices where names[index] == name {
            counts[index] += 1
            return
        }
        if names.count < 16 {
            names.append(name)
            counts.append(1)
        } else {
            others[name, default: 0] += 1
        }
    }

    /// Adds the counts to `dictionary` and starts again from zero.
    mutating func merge(into dictionary: inout [String: Int]) {
        for (name, count) in zip(names, counts) { dictionary[name, default: 0] += count }
        for (name, count) in others { dictionary[name, default: 0] += count }
        names.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        others.removeAll()
    }
}

/// The exact text of a record for a side file: `"input"` when it is UTF-8, else `"input_hex"`
/// (bytes that are not UTF-8 cannot live in a JSON string).
func rawInputMember(_ raw: [UInt8]) -> JSONObject.Member {
    if let text = String(validating: raw, as: UTF8.self) { return .init(key: "input", value: .string(text)) }
    return .init(key: "input_hex", value: .string(Hex.lowercase(raw)))
}
