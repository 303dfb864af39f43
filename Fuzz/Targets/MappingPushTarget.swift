/// (3) The mapping engine: any record through every shipped mapping must end as envelopes that pass
/// the Events API validator, a skip, or a rejection with a reason — never a crash, never an
/// invalid envelope.
enum MappingPushTarget {
    /// Every shipped mapping, compiled once with the variables the fixtures use.
    static let converters: [RecordConverter] = BuiltInMappings.names.map { name in
        do throws(MappingError) {
            guard let mapping = try Mapping.builtIn(named: name, variables: ["tracker_id": "1234-5678"]) else {
                fuzzFailure("built-in mapping \(name) vanished")
            }
            return RecordConverter(mapping: mapping)
        } catch {
            fuzzFailure("built-in mapping \(name) does not compile: \(error)")
        }
    }

    static func run(_ data: UnsafeRawBufferPointer) {
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
}
