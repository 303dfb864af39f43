/// What an evaluation reads and never changes: the document `$` means, the variables, and a
/// variable made only if read. A mapping keeps one per push (``TemplateScope``) and lends it to
/// every expression it evaluates.
struct EvaluationInputs {
    /// The document the evaluation starts from: what `$` means.
    var root: JSONValue
    var globals: ExpressionVariables
    /// A variable made only if read, when `globals` does not bind it.
    var deferred: DeferredVariable? = nil
}

/// What the steps of an evaluation share (``ExpressionStep``): the inputs, and the `let` scope
/// stack.
///
/// Values are passed by reference-counted sharing, never deep-copied; field lookup reads the
/// object in place. The inputs are borrowed, not copied: copying them retained and released the
/// document, both halves of the variables and the deferred variable on every evaluation.
///
/// Not copyable: the `let` values live in a buffer lent by whoever made the evaluator
/// (``withEvaluator(_:scopeCapacity:_:)``, ``withEvaluator(borrowing:scopeCapacity:_:)``), which a
/// copy would share.
struct ExpressionEvaluator: ~Copyable {
    /// Lent by ``withEvaluator(_:scopeCapacity:_:)`` (or the caller of
    /// ``withEvaluator(borrowing:scopeCapacity:_:)``) for as long as the evaluator exists.
    private let inputs: UnsafePointer<EvaluationInputs>
    /// `let` values, innermost last, in the first ``scopeDepth`` places (the rest uninitialised);
    /// ``ExpressionNode/local(_:)`` reads them by position. Room for as many as the expressions
    /// evaluated can push at once (``ExpressionNode/scopeCapacity``), on the stack of the call that
    /// lent it: an array of them cost an allocation per evaluation, and a uniqueness check and a
    /// capacity check at every push and pop.
    private let scopes: UnsafeMutableBufferPointer<JSONValue>
    /// How many `let` values are pushed.
    private(set) var scopeDepth = 0
    /// The position of the element a fused `map(&…, enumerate(xs))` is at (``MapStep``): what its
    /// body's `[0]` reads (``ExpressionNode/enumerationIndex``) instead of an `[index, element]` pair.
    var enumerationIndex = 0
    /// The deferred variable once read (``deferred(_:)``).
    private var madeDeferred: JSONValue?

    private init(borrowing inputs: UnsafePointer<EvaluationInputs>, scopes: UnsafeMutableBufferPointer<JSONValue>) {
        self.inputs = inputs
        self.scopes = scopes
    }

    /// `body`'s result with an evaluator that reads `inputs`, which its caller keeps alive and in
    /// place during the call, with room for `scopeCapacity` `let` values. What it reads may change
    /// between two evaluations (a rule binds each `let` before the next one reads it), never during one.
    static func withEvaluator<Result>(
        borrowing inputs: UnsafePointer<EvaluationInputs>, scopeCapacity: Int, _ body: (inout ExpressionEvaluator) -> Result
    ) -> Result {
        func run(_ scopes: UnsafeMutableBufferPointer<JSONValue>) -> Result {
            var evaluator = ExpressionEvaluator(borrowing: inputs, scopes: scopes)
            let result = body(&evaluator)
            // Values a body left pushed (it failed inside a `let`, or pushed by hand) are dropped here.
            evaluator.popScopes(to: 0)
            return result
        }
        if scopeCapacity <= 0 { return run(UnsafeMutableBufferPointer(start: nil, count: 0)) }
        return withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: scopeCapacity, run)
    }

    /// `body`'s result with an evaluator that borrows `inputs`, with room for `scopeCapacity`
    /// `let` values; the evaluator cannot outlive the call.
    static func withEvaluator(
        _ inputs: EvaluationInputs, scopeCapacity: Int, _ body: (inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue
    ) throws(ExpressionError) -> JSONValue {
        // The closures return a Result: a closure with typed throws here crashes swiftc 6.3.1.
        try withUnsafePointer(to: inputs) { pointer in
            withEvaluator(borrowing: pointer, scopeCapacity: scopeCapacity) { evaluator in
                Result { () throws(ExpressionError) in try body(&evaluator) }
            }
        }.get()
    }

    /// The document the evaluation started from: what `$` means.
    var root: JSONValue { inputs.pointee.root }

    /// The mapping variable `name`, which the variables keep in `slot`.
    mutating func global(_ name: String, slot: Int, column: Int) throws(ExpressionError) -> JSONValue {
        // Read through the pointer: passing the variables and the deferred variable on as values
        // retained and released each of their references at every read. Anything but a bound
        // variable (the deferred one, an error) takes the general path.
        if let global = inputs.pointee.globals.value(slot: slot, name: name) { return global }
        if let deferred = deferred(name) { return deferred }
        throw Self.undefined(name, column: column)
    }

    /// The variable `name`, looked up by name.
    mutating func variable(_ name: String) -> JSONValue? {
        inputs.pointee.globals[name] ?? deferred(name)
    }

    /// The deferred variable `name`, made at its first read in this evaluation and kept for the
    /// next: making `$record` validates the whole record text as UTF-8 (≈ 20 k instructions for a
    /// list view), and the default mapping's id for a push without `event_id` reads it twice.
    private mutating func deferred(_ name: String) -> JSONValue? {
        guard let deferred = inputs.pointee.deferred, name == DeferredVariable.name else { return nil }
        if let madeDeferred { return madeDeferred }
        let value = deferred.value
        madeDeferred = value
        return value
    }

    /// `step` against `value`: what a function does with an `&expression` argument.
    mutating func evaluate(_ step: ExpressionStep, _ value: JSONValue) throws(ExpressionError) -> JSONValue {
        try step.evaluate(value, &self)
    }

    /// The `let` value at `slot` of the scope stack.
    func local(_ slot: Int) throws(ExpressionError) -> JSONValue {
        guard slot >= 0, slot < scopeDepth else { throw Self.outsideScope }
        return scopes[slot]
    }

    /// ``ExpressionArithmetic/smallInteger(of:)`` of the `let` value at `slot`, read in place.
    func smallInteger(local slot: Int) throws(ExpressionError) -> Int64? {
        guard slot >= 0, slot < scopeDepth else { throw Self.outsideScope }
        return ExpressionArithmetic.smallInteger(of: scopes[slot])
    }

    /// ``ExpressionArithmetic/smallInteger(of:)`` of the mapping variable `name` in `slot`, read in
    /// place; `nil` for any other value, and for a variable not bound there (``global(_:slot:column:)``
    /// reads it, or fails).
    func smallInteger(global name: String, slot: Int) -> Int64? {
        inputs.pointee.globals.smallInteger(slot: slot, name: name)
    }

    /// `body` applied to the mapping variable `name` in `slot`, read in place; `nil` when the
    /// variables do not bind it there (``global(_:slot:column:)`` reads it, or fails).
    @inline(__always)
    func withGlobal<Result>(_ name: String, slot: Int, _ body: (JSONValue) -> Result) -> Result? {
        inputs.pointee.globals.withValue(slot: slot, name: name, body)
    }

    /// Whether the `let` value at `slot` is truthy, looked at in place (``ExpressionStep/isTruthy(_:_:)``).
    func isTruthy(local slot: Int) throws(ExpressionError) -> Bool {
        guard slot >= 0, slot < scopeDepth else { throw Self.outsideScope }
        return scopes[slot].isTruthy
    }

    /// The member `name` of the `let` value at `slot`, read in place (``ExpressionStep/member(_:_:_:)``).
    func member(_ name: MemberName, ofLocal slot: Int) throws(ExpressionError) -> JSONValue? {
        guard slot >= 0, slot < scopeDepth else { throw Self.outsideScope }
        return JSONValue.member(name, of: scopes[slot])
    }

    /// Whether the `let` value at `slot` is null, looked at in place (``ExpressionStep/isNull(_:_:)``).
    func isNull(local slot: Int) throws(ExpressionError) -> Bool {
        guard slot >= 0, slot < scopeDepth else { throw Self.outsideScope }
        return scopes[slot].isNull
    }

    /// A `let` value read where its `let` has not pushed it: positions come from the static
    /// nesting of `let`s, which evaluation follows, so this is a compiler fault, reported, not trapped.
    private static var outsideScope: ExpressionError { ExpressionError(.undefinedVariable, "a let binding was read outside its scope") }

    /// Pushes a `let` value. The room is the static nesting's (``ExpressionNode/scopeCapacity``),
    /// so running out of it is a compiler fault too, reported, not a write past the buffer.
    mutating func pushScope(_ value: JSONValue) throws(ExpressionError) {
        guard scopeDepth < scopes.count, let base = scopes.baseAddress else {
            throw ExpressionError(.limitExceeded, "a let binding has no room on the scope stack")
        }
        (base + scopeDepth).initialize(to: value)
        scopeDepth += 1
    }

    /// Drops the `let` values above `depth`: a `let` leaving its body.
    mutating func popScopes(to depth: Int) {
        guard let base = scopes.baseAddress else { return }
        while scopeDepth > depth {
            scopeDepth -= 1
            // Moved out and dropped: freed by `JSONValue`'s own code, not a generic witness.
            _ = (base + scopeDepth).move()
        }
    }

    /// `name` of `value`: null unless `value` is an object with that member.
    @inline(__always)
    static func field(_ name: MemberName, of value: JSONValue) -> JSONValue {
        if case .object(let object) = value { return object.value(named: name) ?? .null }
        return .null
    }

    /// The error of reading `$name`, bound nowhere, at `column`.
    static func undefined(_ name: String, column: Int) -> ExpressionError {
        ExpressionError(.undefinedVariable, column: column, "$\(name) is not defined")
    }

    /// `right` applied to each element, nulls dropped: the projection rule.
    mutating func project(_ elements: some Sequence<JSONValue>, _ right: ExpressionStep) throws(ExpressionError) -> [JSONValue] {
        var results: [JSONValue] = []
        results.reserveCapacity(elements.underestimatedCount)
        for element in elements {
            let result = try right.evaluate(element, &self)
            if !result.isNull { results.append(result) }
        }
        return results
    }

    /// Python slice semantics: negative positions count from the end, bounds clamp.
    static func slice<C: RandomAccessCollection>(_ elements: C, start: Int?, stop: Int?, step: Int) -> [C.Element] where C.Index == Int {
        let count = elements.count
        func clamp(_ position: Int?, default fallback: Int) -> Int {
            guard let position else { return fallback }
            if position < 0 { return Swift.max(position + count, step < 0 ? -1 : 0) }
            return Swift.min(position, step < 0 ? count - 1 : count)
        }
        var index = clamp(start, default: step < 0 ? count - 1 : 0)
        let end = clamp(stop, default: step < 0 ? -1 : count)
        var result: [C.Element] = []
        while step > 0 ? index < end : index > end {
            result.append(elements[elements.startIndex + index])
            index += step
        }
        return result
    }

    /// `==` and `!=` compare any JSON values; ordering is defined for numbers only and is null
    /// otherwise, as the JMESPath specification says.
    static func compare(_ comparator: ExpressionNode.Comparator, _ lhs: JSONValue, _ rhs: JSONValue) -> JSONValue {
        switch comparator {
        case .equal: return .bool(lhs == rhs)
        case .notEqual: return .bool(lhs != rhs)
        default: break
        }
        guard case .number(let left) = lhs, case .number(let right) = rhs else { return .null }
        let (a, b) = (left.decimalValue, right.decimalValue)
        switch comparator {
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        default: return .bool(a >= b)
        }
    }
}

/// A mapping's `$record`, made only when an expression reads it (each time it does): its text is
/// rarely read and costs a `String` validation of the whole record to make.
///
/// Plain fields, the record's bytes borrowed: a class holding a closure that made the value cost
/// two allocations and their releases on every push.
struct DeferredVariable: @unchecked Sendable {
    /// The 1-based position of the record in its input.
    let ordinal: Int
    /// The record's text, which whoever made this value keeps in place for as long as it is read
    /// (unchecked `Sendable` for this pointer). Valid UTF-8: it parsed as a JSON document, so it
    /// is made into a string without being validated again.
    let text: UnsafeRawBufferPointer

    /// The name the variable is read by.
    static var name: String { "record" }

    /// `$record`.
    var value: JSONValue { RecordContext(ordinal: ordinal, text: String(validatedUTF8: text)).value }

    /// `$record`, when `requested` is `record`; `nil` (undefined) for any other name. Not a
    /// ternary: with `JSONValue` a nil literal, `c ? value : nil` typed as a `JSONValue` and
    /// answered JSON null for every other name.
    func value(of requested: String) -> JSONValue? {
        guard requested == Self.name else { return nil }
        return value
    }
}

extension JSONValue {
    /// ``size(upTo:)`` of a scalar or a string, worked out inline by a caller that measures many
    /// of them (a multi-select's members); `nil` for an array or an object.
    @inline(__always)
    var flatSize: Int? {
        switch self {
        case .null, .bool, .number: return 1
        case .string(let string): return 1 + string.utf8.count
        case .array, .object: return nil
        }
    }

    /// ``size(upTo:)`` when it needs no walk: ``flatSize``, or an object's ``JSONObject/knownSize``;
    /// `nil` for an array or an object that does not know its size.
    @inline(__always)
    var sizeAtHand: Int? {
        if case .object(let object) = self { return object.knownSize > 0 ? object.knownSize : nil }
        return flatSize
    }

    /// One per value plus the UTF-8 bytes of strings and keys, counting stopped soon after
    /// `limit` so that measuring a huge value costs no more than the limit.
    func size(upTo limit: Int) -> Int {
        switch self {
        // One measure: ``flatSize`` has one for each of these.
        case .null, .bool, .number, .string: return flatSize ?? 1
        // Elements and members are read in place: iterating would copy (retain) each one.
        case .array(let elements):
            return elements.withUnsafeBufferPointer { buffer in
                var total = 1
                for index in buffer.indices where total <= limit {
                    // An element whose size is at hand (a scalar, a string, an object that knows
                    // its size) is measured here: the call copied (retained and released) it.
                    total += buffer[index].sizeAtHand ?? buffer[index].size(upTo: limit - total)
                }
                return total
            }
        case .object(let object):
            if object.knownSize > 0 { return object.knownSize }
            return object.members.withUnsafeBufferPointer { buffer in
                var total = 1
                for index in buffer.indices where total <= limit {
                    total += buffer[index].key.utf8.count + buffer[index].value.size(upTo: limit - total)
                }
                return total
            }
        }
    }

    /// JMESPath truthiness: `null`, `false`, `""`, `[]` and `{}` are false; everything else,
    /// every number included, is true.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let bool): return bool
        case .number: return true
        case .string(let string): return !string.isEmpty
        case .array(let elements): return !elements.isEmpty
        case .object(let object): return !object.isEmpty
        }
    }
}

extension ExpressionNode.ArithmeticOperator {
    var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .modulo: return "%"
        case .integerDivide: return "//"
        }
    }
}

extension ExpressionLimits {
    /// Adds `size` to the running `total` of a multi-select, failing once it passes ``maxValueSize``.
    static func count(_ size: Int, into total: inout Int) throws(ExpressionError) {
        total += size
        guard total <= maxValueSize else {
            throw ExpressionError(.limitExceeded, "a multi-select would build a value larger than \(maxValueSize) (values plus string bytes)")
        }
    }
}
