/// What a mapping remembers across one stream: per client, the values rules remembered (the
/// customer id from a login push), set on that client's later envelopes by the mapping's `recall`.
///
/// Rules stay pure functions of their push, so pushes are mapped in parallel; this state is then
/// applied by one sequential stage in input order, which keeps output identical for any number
/// of workers.
public struct MappingState: Sendable {
    private var remembered: [String: [String: JSONValue]] = [:]

    /// An empty state, for the start of a stream.
    public init() {}

    /// Stores what `outcome` remembers and fills remembered values into its envelopes that lack
    /// them. Call once per push, in input order. The result carries no `remember`: it is consumed.
    public mutating func resolve(_ outcome: MappingOutcome, mapping: Mapping) -> MappingOutcome {
        switch outcome {
        case .reject:
            return outcome
        case .skip(let reason, let detail, let remember):
            if let remember { store(remember) }
            return .skip(reason: reason, detail: detail)
        case .envelopes(let envelopes, let remember):
            if let remember { store(remember) }
            guard let recall = mapping.recall, !remembered.isEmpty else { return .envelopes(envelopes, remember: nil) }
            do throws(MappingRuntimeError) {
                return .envelopes(try envelopes.map { (envelope) throws(MappingRuntimeError) in try self.recall(recall, into: envelope, mapping: mapping) }, remember: nil)
            } catch {
                return .reject(reason: "mapping-error", detail: error.detail)
            }
        }
    }

    /// Keeps what a push remembered, the newer value of a name winning.
    mutating func store(_ remember: Remembered) {
        remembered[remember.key, default: [:]].merge(remember.values) { _, new in new }
    }

    /// Whether any client has values remembered: until one has, `recall` changes nothing.
    var isEmpty: Bool { remembered.isEmpty }

    /// Whether the client `key` has values remembered.
    func remembers(_ key: String) -> Bool { remembered[key] != nil }

    private func recall(_ recall: RecallSpec, into envelope: JSONValue, mapping: Mapping) throws(MappingRuntimeError) -> JSONValue {
        guard let key = try Self.recallKey(recall, of: envelope, mapping: mapping) else { return envelope }
        return filling(envelope, from: key, recall: recall)
    }

    /// The client key `recall` reads from `envelope`, `nil` when it has none. Depends on the
    /// envelope alone, so a converter thread can read it before the envelope reaches the state.
    static func recallKey(_ recall: RecallSpec, of envelope: JSONValue, mapping: Mapping) throws(MappingRuntimeError) -> String? {
        guard case .object(let object) = envelope else { return nil }
        // The usual key is one member of the envelope (`client_id`): read as the expression would
        // read it, without the scope that copied the envelope and the mapping's variables.
        if case .field(let name)? = recall.key.singleRead {
            return try ClientKey.text(object.value(named: name) ?? .null, at: recall.location, in: "recall/key")
        }
        let scope = TemplateScope(document: envelope, variables: mapping.prototype)
        let keyValue = try recall.key.evaluate(scope, at: recall.location, in: "recall/key")
        return try ClientKey.text(keyValue, at: recall.location, in: "recall/key")
    }

    /// `envelope` with the values remembered for client `key` set on the recall fields it lacks.
    func filling(_ envelope: JSONValue, from key: String, recall: RecallSpec) -> JSONValue {
        guard case .object(var object) = envelope, let values = remembered[key] else { return envelope }
        for (field, name) in recall.fields where object[field] == nil {
            if let value = values[name] { object.append(key: field, value: value) }
        }
        return .object(object)
    }
}
