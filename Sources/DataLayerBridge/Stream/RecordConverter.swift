/// Turns one record into envelopes: parse, normalise, map, validate.
///
/// A pure function of the record, so one converter is shared by every worker thread; each worker
/// brings its own ``JSONParser`` so parsing allocates nothing per value. What depends on earlier
/// records (remembered customer ids) is left to ``MappingState`` in the ordered stage.
public struct RecordConverter: Sendable {
    /// The compiled mapping.
    public let mapping: Mapping
    /// Turns gtag `Arguments`, resets and GTM system events into canonical pushes or skips.
    public let normalizer: InputNormalizer
    /// The Events API validator, applied when the mapping's target is the Luigi's Box Events API;
    /// `nil` for other targets.
    public let validator: EventsAPIValidator?

    /// The `target` label of mappings whose envelopes are checked by ``EventsAPIValidator``.
    public static let eventsAPITarget = "luigisbox-events-api"

    /// Creates a converter for `mapping`, validating envelopes when its target is the Events API.
    public init(mapping: Mapping, normalizer: InputNormalizer = InputNormalizer()) {
        self.mapping = mapping
        self.normalizer = normalizer
        self.validator = mapping.targetLabel == Self.eventsAPITarget ? EventsAPIValidator() : nil
    }

    /// A converter like this one over an independent copy of its mapping
    /// (``Mapping/independentCopy()``), for another thread to use.
    func independentCopy() -> RecordConverter { RecordConverter(mapping: mapping.independentCopy(), normalizer: normalizer) }

    /// Converts the record `bytes`, the `ordinal`-th of its stream, starting on line `line`.
    ///
    /// Rejections carry stable reasons: `malformed-json` (with the parser's position, counted in
    /// the input's lines), `not-an-object` and others from the normaliser, `mapping-error` and
    /// `unmatched` from the mapping, `invalid-envelope` with the validator's first error.
    public func convert(_ bytes: UnsafeRawBufferPointer, ordinal: Int, line: Int, parser: inout JSONParser) -> MappingOutcome {
        let normalized: NormalizedRecord
        do throws(JSONError) {
            // Records the normaliser skips are decided on the tape: never materialised.
            let tape = try parser.parse(bytes)
            switch normalizer.verdict(tape) {
            case .decided(let record): normalized = record
            case .canonical: normalized = .push(parser.materialise(tape))
            case .undecided: normalized = normalizer.normalize(parser.materialise(tape))
            }
        } catch {
            return Self.malformed(error, line: line)
        }
        switch normalized {
        case .skip(let reason, let detail):
            return .skip(reason: reason, detail: detail)
        case .reject(let reason, let detail):
            return .reject(reason: reason, detail: detail)
        case .push(let canonical):
            return map(canonical, ordinal: ordinal, text: bytes)
        }
    }

    /// The rejection of a record that is not JSON, positioned in the input's lines.
    static func malformed(_ error: JSONError, line: Int) -> MappingOutcome {
        .reject(reason: "malformed-json", detail: "line \(line + error.line - 1), column \(error.column): \(error.reason)")
    }

    /// Maps a canonical push read from the record `text`, and validates its envelopes.
    func map(_ canonical: JSONValue, ordinal: Int, text: UnsafeRawBufferPointer) -> MappingOutcome {
        let outcome = mapping.apply(to: canonical, ordinal: ordinal, text: text)
        // The validator is called where it lies: bound with `guard let`, it was copied through
        // Optional's generic value witnesses, and the outcome with it, for every push.
        guard validator != nil, case .envelopes(let envelopes, _) = outcome else { return outcome }
        for envelope in envelopes {
            if let error = validator?.firstError(for: envelope) {
                return .reject(reason: "invalid-envelope", detail: "\(error.pointer): \(error.reason)")
            }
        }
        return outcome
    }
}
