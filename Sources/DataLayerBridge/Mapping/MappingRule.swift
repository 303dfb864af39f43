/// One compiled rule: `match`, then `let`, `skipIf`, `remember`, and `emit`, `skip`, `reject` or `use`.
/// A class, as its bindings are: a push reads every rule's match, and a struct rule was copied out
/// of the mapping's array for it.
final class MappingRule: Sendable {
    /// A class: a struct binding was copied (its expression and three strings retained and
    /// released) on every evaluation, the rule's array element not being borrowable across the call.
    final class Binding: Sendable {
        let name: String
        /// Where the mapping's layout keeps `name`.
        let slot: Int
        let expression: Expression
        let location: MappingLocation

        init(name: String, slot: Int, expression: Expression, location: MappingLocation) {
            self.name = name
            self.slot = slot
            self.expression = expression
            self.location = location
        }
    }

    struct SkipCondition: Sendable {
        let when: Expression
        let reason: String
        let location: MappingLocation
    }

    struct Emit: Sendable {
        let template: Template
        let location: MappingLocation
    }

    enum Action: Sendable {
        case emit([Emit])
        case skip(String)
        /// The push cannot be sent (no client id, say): rejected with this reason, nothing remembered.
        case reject(String)
        /// The push is handed to another mapping, whose outcome is the rule's.
        case delegate(Used)

        /// The push handed to the mapping of `delegation`.
        static func use(_ delegation: Delegation) -> Action { .delegate(Used(delegation)) }
    }

    /// A ``Delegation`` behind one reference: held in place, its mapping made ``Action`` so large
    /// that every push's `switch` over the rule's action copied it, and retained what it holds.
    final class Used: Sendable {
        let delegation: Delegation

        init(_ delegation: Delegation) { self.delegation = delegation }
    }

    let name: String
    let match: Expression
    let matchLocation: MappingLocation
    let bindings: [Binding]
    /// `bindings` read without reference counting (``StepArray``'s reason): iterating the array
    /// retained and released every binding of every push.
    private let unretainedBindings: [Unmanaged<Binding>]
    /// The room the evaluator of the bindings needs for `let` values: the most any of them does.
    private let scopeCapacity: Int
    let skipIf: SkipCondition?
    let remember: RememberSpec?
    let action: Action

    init(name: String, match: Expression, matchLocation: MappingLocation, bindings: [Binding], skipIf: SkipCondition?,
         remember: RememberSpec?, action: Action) {
        self.name = name
        self.match = match
        self.matchLocation = matchLocation
        self.bindings = bindings
        unretainedBindings = bindings.map(Unmanaged.passUnretained)
        scopeCapacity = bindings.map(\.expression.scopeCapacity).max() ?? 0
        self.skipIf = skipIf
        self.remember = remember
        self.action = action
    }

    /// Whether the rule applies to the push in `scope`.
    func matches(_ scope: TemplateScope) throws(MappingRuntimeError) -> Bool {
        try match.evaluate(scope, at: matchLocation, in: "match").isTruthy
    }

    /// Evaluates the `let`s in turn, each bound in `inputs` (whose variables have the layout the
    /// slots were taken from) before the next one reads it, with one evaluator for them all.
    /// Returns the first failure rather than throwing it: a closure with typed throws here crashes
    /// swiftc 6.3.1.
    /// `document` is the inputs' own, lent once for every binding.
    private func bind(_ inputs: inout EvaluationInputs, document: JSONValue) -> MappingRuntimeError? {
        withUnsafeMutablePointer(to: &inputs) { inputs in
            ExpressionEvaluator.withEvaluator(borrowing: inputs, scopeCapacity: scopeCapacity) { evaluator in
                for binding in unretainedBindings {
                    let failure = binding._withUnsafeGuaranteedRef { binding -> MappingRuntimeError? in
                        do throws(ExpressionError) {
                            let value = try binding.expression.evaluate(document, &evaluator)
                            inputs.pointee.globals.set(value, layoutSlot: binding.slot)
                            return nil
                        } catch {
                            return MappingRuntimeError(error, at: binding.location, in: "let")
                        }
                    }
                    if let failure { return failure }
                }
                return nil
            }
        }
    }

    /// Runs the matched rule. `scope` gains the `let` bindings and `$output`.
    func apply(_ scope: inout TemplateScope) throws(MappingRuntimeError) -> MappingOutcome {
        if !unretainedBindings.isEmpty, let failure = bind(&scope.inputs, document: scope.document) { throw failure }
        // Computed, not stored: a rule that emits never reads it.
        var detail: String { "rule '\(name)'" }
        if let skipIf, try skipIf.when.evaluate(scope, at: skipIf.location, in: "skipIf").isTruthy {
            return .skip(reason: skipIf.reason, detail: detail)
        }
        let remembered = try remember?.evaluate(scope)
        switch action {
        case .skip(let reason):
            return .skip(reason: reason, detail: detail, remember: remembered)
        case .reject(let reason):
            return .reject(reason: reason, detail: detail)
        case .delegate(let used):
            return used.delegation.apply(scope, rule: name)
        case .emit(let emits):
            var envelopes: [JSONValue] = []
            envelopes.reserveCapacity(emits.count)
            // By index: iterating copied each emit (its template and its location's strings retained).
            for index in emits.indices {
                scope.variables.set(.position(index), layoutSlot: MappingCompiler.outputSlot)
                guard let envelope = try emits[index].template.resolve(scope) else { continue }
                guard case .object = envelope else {
                    throw MappingRuntimeError(location: emits[index].location, reason: "emit produced \(envelope.typeName), expected an object")
                }
                envelopes.append(envelope)
            }
            if envelopes.isEmpty {
                return .skip(reason: "nothing-emitted", detail: detail + ": every emit template resolved to missing", remember: remembered)
            }
            return .envelopes(envelopes, remember: remembered)
        }
    }
}

extension MappingRule {
    /// The names this rule may remember: its own `remember`'s, or those of the mapping it uses.
    var rememberedNames: [String] {
        if case .delegate(let used) = action { return used.delegation.mapping.rules.flatMap(\.rememberedNames) }
        return remember?.values.map(\.name) ?? []
    }
}

/// A rule's `remember`: the client key and the values to keep for it.
struct RememberSpec: Sendable {
    let key: Expression
    let values: [(name: String, expression: Expression)]
    let location: MappingLocation

    /// What to remember for this push; `nil` when the key or every value is null.
    func evaluate(_ scope: TemplateScope) throws(MappingRuntimeError) -> Remembered? {
        let keyValue = try key.evaluate(scope, at: location, in: "remember/key")
        guard let clientKey = try ClientKey.text(keyValue, at: location, in: "remember/key") else { return nil }
        var remembered: [String: JSONValue] = [:]
        for value in values {
            let resolved = try value.expression.evaluate(scope, at: location, in: "remember/values/\(value.name)")
            if !resolved.isNull { remembered[value.name] = resolved }
        }
        return remembered.isEmpty ? nil : Remembered(key: clientKey, values: remembered)
    }
}

/// The mapping's `recall`: how to find an envelope's client key, and which remembered values to
/// set on it (envelope field ← remembered name).
struct RecallSpec: Sendable {
    let key: Expression
    let fields: [(field: String, name: String)]
    let location: MappingLocation
}

/// What the mapping does with a push no rule matches.
enum UnmatchedPolicy: Sendable, Hashable {
    case skip(String)
    case reject
}

enum ClientKey {
    /// A client key as text: strings as they are, numbers by their exact text (19-digit ids stay
    /// whole); `nil` for null; anything else is an error.
    static func text(_ value: JSONValue, at location: MappingLocation, in what: String) throws(MappingRuntimeError) -> String? {
        switch value {
        case .null: return nil
        case .string(let string): return string
        case .number(let number): return number.text
        default: throw MappingRuntimeError(location: location, reason: "\(what): a client key must be a string or number, got \(value.typeName)")
        }
    }
}
