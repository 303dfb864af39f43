/// One batch's outcomes with their envelopes already written as NDJSON lines: what the converters
/// of a ``StreamConverter`` hand to its ordered stage.
///
/// Writing where the envelopes were made spreads the writing over the jobs, and frees each envelope
/// on the thread that built it; freed on the ordered stage's thread, every block of it went back
/// to the allocator arena of the thread that made it, under that arena's lock. What only the
/// ordered stage can do, apply per-client state, needs no envelope value: the recall key is read
/// here, and the rare envelope whose client has remembered values is read back from its line.
struct WrittenBatch: Sendable {
    /// What became of one record.
    enum Outcome: Sendable {
        /// `count` envelopes: the next ones of ``WrittenBatch/envelopes``.
        case envelopes(count: Int, remember: Remembered?)
        case skip(reason: String, detail: String, remember: Remembered?)
        case reject(reason: String, detail: String)
    }

    /// One written envelope.
    struct Envelope: Sendable {
        /// Where its line, newline included, ends in ``WrittenBatch/lines``; it starts where the
        /// one before ends.
        let end: Int
        /// Its `type` member, for the statistics.
        let type: String
        /// The client key the mapping's `recall` reads from it; `nil` when the mapping has no recall.
        let recallKey: Result<String?, MappingRuntimeError>?
    }

    /// Every envelope line of the batch, in order.
    let lines: JSONWriter
    let envelopes: [Envelope]
    /// One per record of the batch, in order.
    let outcomes: [Outcome]

    /// The outcomes of one batch's `count` records under `mapping`, `outcome(index)` asked for in
    /// order and each record's envelopes written before the next is converted. Holding a batch's
    /// envelopes until the end made the heap grow and shrink by several times the batch's size at
    /// every batch: the allocator gave the pages back and the next batch faulted them in again (a
    /// tenth of one job's time, in the kernel, with 1 MiB batches).
    ///
    /// The lines go into a buffer that starts at `inputBytes`, the size of the batch's records:
    /// envelopes are mostly smaller than the pushes they come from, so the buffer seldom grows (each
    /// growth copied all the lines written before it).
    init(records count: Int, mapping: Mapping, inputBytes: Int, outcome: (_ index: Int) -> MappingOutcome) {
        var writer = JSONWriter(capacity: inputBytes)
        var envelopes: [Envelope] = []
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(count)
        // Prepared once per batch: the `String` subscript prepared it for every envelope.
        let typeName = MemberName("type")
        for index in 0..<count {
            switch outcome(index) {
            case .envelopes(let values, let remember):
                for value in values {
                    writer.write(value)
                    writer.append(byte: UInt8(ascii: "\n"))
                    let key = mapping.recall.map { recall in
                        Result { () throws(MappingRuntimeError) in try MappingState.recallKey(recall, of: value, mapping: mapping) }
                    }
                    envelopes.append(Envelope(end: writer.count, type: Self.type(of: value, typeName) ?? "(none)", recallKey: key))
                }
                outcomes.append(.envelopes(count: values.count, remember: remember))
            case .skip(let reason, let detail, let remember):
                outcomes.append(.skip(reason: reason, detail: detail, remember: remember))
            case .reject(let reason, let detail):
                outcomes.append(.reject(reason: reason, detail: detail))
            }
        }
        self.outcomes = outcomes
        self.envelopes = envelopes
        lines = writer
    }

    /// The string `type` member of `envelope`, read in place.
    private static func type(of envelope: JSONValue, _ typeName: MemberName) -> String? {
        guard case .object(let object) = envelope else { return nil }
        return object.value(named: typeName)?.stringValue
    }

    /// The line of envelope `index`, newline included.
    func line(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : envelopes[index - 1].end)..<envelopes[index].end
    }
}
