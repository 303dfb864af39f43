/// (3) The mapping engine: any record through every shipped mapping must end as envelopes that pass
/// the Events API validator, a skip, or a rejection with a reason — never a crash, never an
/// invalid envelope.
enum MappingPushTarget {
    /// Every shipped mapping, compiled once; a tracker id is given to those that declare one (the
    /// Luigi's Box mappings require it, the others refuse an undeclared variable).
    static let converters: [RecordConverter] = BuiltInMappings.names.map { name in
        let source = BuiltInMappings.source(named: name) ?? ""
        let declaresTracker = (try? JSONValue(parsing: source, options: .relaxed))?["variables"]?["tracker_id"] != nil
        let variables: [String: JSONValue] = declaresTracker ? ["tracker_id": "1234-5678"] : [:]
        do throws(MappingError) {
            guard let mapping = try Mapping.builtIn(named: name, variables: variables) else {
                fuzzFailure("built-in mapping \(name) vanished")
            }
            return RecordConverter(mapping: mapping)
        } catch {
            fuzzFailure("built-in mapping \(name) does not compile: \(error)")
        }
    }

    static func run(_ data: UnsafeRawBufferPointer) {
        checkVerdict(data)
        let validator = EventsAPIValidator()
        for converter in converters {
            var parser = JSONParser(options: .strict)
            switch converter.convert(data, ordinal: 1, line: 1, parser: &parser) {
            case .envelopes(let envelopes, _):
                guard !envelopes.isEmpty else { fuzzFailure("envelopes outcome with no envelope") }
                guard converter.validator != nil else { continue }
                for envelope in envelopes {
                    if let error = validator.findings(for: envelope).first(where: { $0.severity == .error }) {
                        fuzzFailure("\(converter.mapping.name) emitted an invalid envelope (\(error)): \(envelope)")
                    }
                }
            case .skip:
                continue
            case .reject(let reason, _):
                guard !reason.isEmpty else { fuzzFailure("rejection without a reason") }
            }
        }
    }

    /// What the normaliser decides on a record's tape (as `convert` does, before materialising)
    /// must be what it decides on the materialised record (as `Bridge` and the data model do).
    static func checkVerdict(_ data: UnsafeRawBufferPointer) {
        let normalizer = InputNormalizer()
        var parser = JSONParser(options: .strict)
        guard let tape = try? parser.parse(data) else { return }
        let record = tape.value()
        let normalized = normalizer.normalize(record)
        switch normalizer.verdict(tape) {
        case .decided(let decided) where decided != normalized:
            fuzzFailure("decided \(decided) on the tape but \(normalized) on the value: \(record)")
        case .canonical where normalized != .push(record):
            fuzzFailure("canonical on the tape but \(normalized) on the value: \(record)")
        default:
            break
        }
    }
}
