/// One node of the tree that evaluation walks, built once per ``Expression`` from its
/// ``ExpressionNode`` tree after the compile passes.
///
/// Each node is an object holding its children in `let`s, so walking the tree reads them in
/// place: switching over the indirect ``ExpressionNode`` copied (retained, then released) every
/// child it bound, at every node of every evaluation. Recursion follows the tree, whose depth the
/// parser bounds.
///
/// Steps subclass this class rather than conform to a protocol: a call through a protocol
/// existential went witness thunk → merged thunk → body, ≈ 25 instructions; through a class
/// reference it is a load from the vtable and a call. `@unchecked`, here and in every step: a
/// class that is not final cannot have its sendability checked; steps hold only `let`s.
class ExpressionStep: @unchecked Sendable {
    /// The step's value against the current node `value`. Every step overrides it.
    func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        preconditionFailure("\(Self.self) does not evaluate")
    }

    /// Whether the step measures its own value (``measured(_:_:size:)``): multi-selects, which
    /// count their size as they build, and literals, which know theirs. ``StepArray`` evaluates and
    /// measures any other step itself, without a second call.
    var measuresItself: Bool { false }

    /// The step's value with its size (as ``JSONValue/size(upTo:)`` counts it) added to `total`,
    /// failing past ``ExpressionLimits/maxValueSize``: how a multi-select builds its elements.
    /// Overridden by the steps that ``measuresItself``; called on no other.
    func measured(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator, size total: inout Int) throws(ExpressionError) -> JSONValue {
        preconditionFailure("\(Self.self) does not measure itself")
    }

    /// `result` once its size is added to `total`.
    @inline(__always)
    static func measuring(_ result: JSONValue, size total: inout Int) throws(ExpressionError) -> JSONValue {
        // Scalars and strings, most members of a multi-select, are measured here, not by a call.
        try ExpressionLimits.count(result.sizeAtHand ?? result.size(upTo: ExpressionLimits.maxValueSize - total), into: &total)
        return result
    }

    /// The member `name` of the step's value (null when that object has none), or `nil` when the
    /// value is not an object: what `[1].name` and `lookup($x, 'name')` read. Steps whose value
    /// already lies somewhere (an element of the current array, a `let` value) read the member
    /// there, without copying (retaining, then releasing) the object to look at it.
    func member(_ name: MemberName, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue? {
        JSONValue.member(name, of: try evaluate(value, &evaluator))
    }

    /// Whether the step's value is null: what `x == null` asks. Steps whose value already lies
    /// somewhere (the current node, a `let` value) look at it there instead of copying it out.
    func isNull(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        try evaluate(value, &evaluator).isNull
    }

    /// Whether the step's value is truthy: what a condition asks (`$list ? … : …`, `!$x`). Steps
    /// whose value already lies somewhere (the current node, a `let` value, a mapping variable)
    /// look at it there instead of copying it out.
    func isTruthy(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        try evaluate(value, &evaluator).isTruthy
    }
}

extension JSONValue {
    /// The member `name` of `value` (null when it has none), or `nil` when `value` is not an object.
    @inline(__always)
    static func member(_ name: MemberName, of value: JSONValue) -> JSONValue? {
        guard case .object(let object) = value else { return nil }
        return object.value(named: name) ?? .null
    }
}

/// Steps held in an array (multi-select members, `let` bindings), read without reference
/// counting. An element read from an array of references is retained and released around every
/// use; read through an unmanaged reference that the array keeps alive, it is borrowed like a
/// step's `let` child.
struct StepArray: Sendable {
    /// Keeps the steps alive for as long as the step holding this value.
    private let steps: [ExpressionStep]
    private let unretained: [Unmanaged<ExpressionStep>]
    /// ``ExpressionStep/measuresItself`` of the step at each position, read once.
    private let measuresItself: [Bool]

    init(_ steps: [ExpressionStep]) {
        self.steps = steps
        unretained = steps.map(Unmanaged.passUnretained)
        measuresItself = steps.map(\.measuresItself)
    }

    var count: Int { steps.count }
    var indices: Range<Int> { steps.indices }

    /// The step at `position` evaluated against `value`.
    @inline(__always)
    func evaluate(_ position: Int, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        try unretained[position]._withUnsafeGuaranteedRef { step in
            Result { () throws(ExpressionError) in try step.evaluate(value, &evaluator) }
        }.get()
    }

    /// The step at `position` measured into `total` (``ExpressionStep/measured(_:_:size:)``).
    @inline(__always)
    func measured(_ position: Int, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator, size total: inout Int) throws(ExpressionError) -> JSONValue {
        try unretained[position]._withUnsafeGuaranteedRef { step in
            Result { () throws(ExpressionError) in
                if measuresItself[position] { return try step.measured(value, &evaluator, size: &total) }
                return try ExpressionStep.measuring(try step.evaluate(value, &evaluator), size: &total)
            }
        }.get()
    }
}

extension ExpressionNode {
    /// The tree evaluation walks.
    func step() -> ExpressionStep {
        switch self {
        case .current: return CurrentStep()
        case .enumerationIndex: return EnumerationIndexStep()
        case .root: return RootStep()
        case .variable(let name, let column): return VariableStep(name: name, column: column)
        case .local(let slot): return LocalStep(slot: slot)
        case .global(let name, let slot, let column): return GlobalStep(name: name, slot: slot, column: column)
        case .field(let name): return FieldStep(name: name)
        case .subexpression(let left, .field(let name)): return MemberStep(left.step(), name: name)
        case .subexpression(let left, let right): return PairStep(.subexpression, left.step(), right.step())
        case .index(let position): return IndexStep(position: position)
        case .slice(let start, let stop, let step): return SliceStep(start: start, stop: stop, step: step)
        case .listProjection(let left, let right): return PairStep(.listProjection, left.step(), right.step())
        case .valueProjection(let left, let right): return PairStep(.valueProjection, left.step(), right.step())
        case .filterProjection(.literal(.array(let elements)), let condition, let right)
            where UnrolledFilterStep.staysSmall(elements.count, condition, right):
            return UnrolledFilterStep(elements, condition, right)
        case .filterProjection(let left, let condition, let right):
            return TrioStep(.filterProjection, left.step(), condition.asCondition().step(), right.step())
        case .flatten(let inner): return FlattenStep(inner.step())
        case .pipe(.filterProjection(let elements, let condition, .current), .index(0)) where condition.keepsNonNull:
            return FirstNonNullStep(elements.step())
        // `x | (@ == null ? null : e)` (an item's identity as text) is `x.e`: null stays null,
        // anything else goes on to `e`, without a ternary and its comparison in between.
        case .pipe(let left, .ternary(let condition, .literal(.null), let right)) where condition.isNullTest:
            return PairStep(.subexpression, left.step(), right.step())
        case .pipe(let left, let right): return PairStep(.pipe, left.step(), right.step())
        case .or(let left, let right): return PairStep(.or, left.step(), right.step())
        case .and(let left, let right): return PairStep(.and, left.step(), right.step())
        case .not(let inner): return NotStep(inner.step())
        case .comparison(let comparator, let left, .literal(let literal)): return LiteralComparisonStep(comparator, left.step(), literal)
        // Equality is symmetric, and a literal neither fails nor reads anything: `null == $t` is `$t == null`.
        case .comparison(let comparator, .literal(let literal), let right) where comparator == .equal || comparator == .notEqual:
            return LiteralComparisonStep(comparator, right.step(), literal)
        case .comparison(let comparator, let left, let right): return ComparisonStep(comparator, left.step(), right.step())
        case .arithmetic(let operation, let left, let right, let column): return ArithmeticStep(operation, left.step(), right.step(), column: column)
        case .unary(let negate, let inner, let column): return UnaryStep(negate: negate, inner.step(), column: column)
        case .literal(let literal): return LiteralStep(literal)
        case .multiSelectList(let elements): return MultiSelectStep(elements.map { $0.step() }, keys: nil, uniqueKeys: true)
        case .multiSelectHash(let members, let uniqueKeys):
            return MultiSelectStep(members.map { $0.value.step() }, keys: members.map(\.key), uniqueKeys: uniqueKeys)
        case .function(let function, let arguments, let column):
            if let step = StringMembershipStep(function, arguments, column: column) { return step }
            if let step = SubstringStep(function, arguments, column: column) { return step }
            if let step = CoalesceStep(function, arguments) { return step }
            if let step = CompactObjectStep(function, arguments, column: column) { return step }
            if let step = MapContainsStep(function, arguments, column: column) { return step }
            if let step = MapStep(function, arguments, column: column) { return step }
            if let step = PairsObjectStep(function, arguments, column: column) { return step }
            if let step = MemberLookupStep(function, arguments, column: column) { return step }
            if let step = TransformStep(function, arguments) { return step }
            if let step = StringPassStep(function, arguments, column: column) { return step }
            return FunctionStep(function, arguments.map { $0.step() }, column: column)
        case .expressionReference(let inner): return ReferenceStep(inner.step())
        case .letExpression(let bindings, let body): return LetStep(bindings.map { $0.value.step() }, body.step())
        case .ternary(let condition, let then, let otherwise):
            let test = condition.step()
            if let comparison = test as? LiteralComparisonStep { return ComparisonTernaryStep(comparison, then.step(), otherwise.step()) }
            return TrioStep(.ternary, test, then.step(), otherwise.step())
        }
    }
}

/// `@`.
final class CurrentStep: ExpressionStep, @unchecked Sendable {
    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue { value }

    override func member(_ name: MemberName, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue? {
        JSONValue.member(name, of: value)
    }

    override func isNull(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool { value.isNull }

    override func isTruthy(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool { value.isTruthy }
}

/// `[0]` of the pair a fused `map(&…, enumerate(xs))` stands for: the position of the element
/// its body is evaluated against (``MapStep``).
final class EnumerationIndexStep: ExpressionStep, @unchecked Sendable {
    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        .position(evaluator.enumerationIndex)
    }
}

/// `$`.
final class RootStep: ExpressionStep, @unchecked Sendable {
    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue { evaluator.root }
}

/// A free `$name` read by name.
final class VariableStep: ExpressionStep, @unchecked Sendable {
    let name: String
    let column: Int

    init(name: String, column: Int) {
        self.name = name
        self.column = column
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if let global = evaluator.variable(name) { return global }
        throw ExpressionError(.undefinedVariable, column: column, "$\(name) is not defined")
    }
}

/// A `let`-bound `$name`, by its position on the scope stack.
final class LocalStep: ExpressionStep, @unchecked Sendable {
    let slot: Int

    init(slot: Int) { self.slot = slot }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        try evaluator.local(slot)
    }

    override func member(_ name: MemberName, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue? {
        try evaluator.member(name, ofLocal: slot)
    }

    override func isNull(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        try evaluator.isNull(local: slot)
    }

    override func isTruthy(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        try evaluator.isTruthy(local: slot)
    }
}

/// A free `$name` that a mapping's layout keeps in `slot`.
final class GlobalStep: ExpressionStep, @unchecked Sendable {
    let name: String
    let slot: Int
    let column: Int

    init(name: String, slot: Int, column: Int) {
        self.name = name
        self.slot = slot
        self.column = column
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        try evaluator.global(name, slot: slot, column: column)
    }

    // Read in place when bound in the slot; anything else (the deferred variable, an error) is
    // left to ``evaluate(_:_:)``.
    override func isTruthy(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        if let truthy = evaluator.withGlobal(name, slot: slot, { $0.isTruthy }) { return truthy }
        return try evaluate(value, &evaluator).isTruthy
    }

    override func isNull(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        if let null = evaluator.withGlobal(name, slot: slot, { $0.isNull }) { return null }
        return try evaluate(value, &evaluator).isNull
    }

    override func member(_ name: MemberName, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue? {
        if let member = evaluator.withGlobal(self.name, slot: slot, { JSONValue.member(name, of: $0) }) { return member }
        return JSONValue.member(name, of: try evaluate(value, &evaluator))
    }
}

/// `name`.
final class FieldStep: ExpressionStep, @unchecked Sendable {
    let name: MemberName

    init(name: String) { self.name = MemberName(name) }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        ExpressionEvaluator.field(name, of: value)
    }
}

/// A step with two children, combined by one of the rules below.
final class PairStep: ExpressionStep, @unchecked Sendable {
    enum Rule {
        /// `left.right`: `right` against the result of `left` unless that is null.
        case subexpression
        /// `left[*]…right`: `right` applied to each element of the array `left` yields, nulls dropped.
        case listProjection
        /// `left.*…right`: `right` applied to each value of the object `left` yields, nulls dropped.
        case valueProjection
        /// `left | right`: `right` against the result of `left`.
        case pipe
        /// `left || right`.
        case or
        /// `left && right`.
        case and
    }

    let rule: Rule
    let left: ExpressionStep
    let right: ExpressionStep
    /// Whether `right` is `to_string(@)`: a string `left` gives is then the value as it is, without
    /// the step (an item's identity, `lookup(…) | (@ == `null` ? `null` : to_string(@))`).
    let rightKeepsStrings: Bool

    init(_ rule: Rule, _ left: ExpressionStep, _ right: ExpressionStep) {
        self.rule = rule
        self.left = left
        self.right = right
        rightKeepsStrings = (right as? StringPassStep)?.keepsCurrentString ?? false
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        let first = try left.evaluate(value, &evaluator)
        switch rule {
        case .subexpression:
            if case .null = first { return .null }
            if rightKeepsStrings, case .string = first { return first }
            return try right.evaluate(first, &evaluator)
        case .listProjection:
            guard case .array(let elements) = first else { return .null }
            return .array(try evaluator.project(elements, right))
        case .valueProjection:
            guard case .object(let object) = first else { return .null }
            return .array(try evaluator.project(object.uniqueMembers.lazy.map(\.value), right))
        case .pipe:
            return try right.evaluate(first, &evaluator)
        case .or:
            return first.isTruthy ? first : try right.evaluate(value, &evaluator)
        case .and:
            return first.isTruthy ? try right.evaluate(value, &evaluator) : first
        }
    }
}

/// A step with three children: `first[?second]…third` (a filter projection) or
/// `first ? second : third` (a ternary).
final class TrioStep: ExpressionStep, @unchecked Sendable {
    enum Rule {
        case filterProjection
        case ternary
    }

    let rule: Rule
    let first: ExpressionStep
    let second: ExpressionStep
    let third: ExpressionStep
    /// A filter that projects nothing (`xs[?condition]`): its results are elements as they are,
    /// so while it keeps every one the array itself is the result, not a copy built element by
    /// element (`[ecommerce.item_list_name, ecommerce.item_list_id][?@ != null]`).
    private let keepsElements: Bool

    init(_ rule: Rule, _ first: ExpressionStep, _ second: ExpressionStep, _ third: ExpressionStep) {
        self.rule = rule
        self.first = first
        self.second = second
        self.third = third
        keepsElements = rule == .filterProjection && third is CurrentStep
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        switch rule {
        case .filterProjection:
            guard case .array(let elements) = try first.evaluate(value, &evaluator) else { return .null }
            // `nil` while every element so far is kept as it is.
            var results: [JSONValue]? = keepsElements ? nil : []
            for index in elements.indices {
                let element = elements[index]
                // A right side that is `@` is the element, taken as it is rather than through its step.
                let result = try second.evaluate(element, &evaluator).isTruthy ? (keepsElements ? element : try third.evaluate(element, &evaluator)) : .null
                if result.isNull {
                    if results == nil { results = Array(elements[..<index]) }
                } else {
                    results?.append(result)
                }
            }
            return .array(results ?? elements)
        case .ternary:
            return try first.isTruthy(value, &evaluator) ? try second.evaluate(value, &evaluator) : try third.evaluate(value, &evaluator)
        }
    }
}

/// A step's operand, read where it lies when it is `@`, a member of `@` or a `let` value (an item's
/// `price`, `$n`, the element of a fused `map`) rather than through a call of its step; any other
/// operand is its step's. What each read gives is what the step itself gives.
struct InPlaceOperand {
    let step: ExpressionStep
    // Three fields rather than an enum with payloads: switching over one cost +0.7 % of a conversion.
    private let isCurrent: Bool
    private let field: MemberName?
    private let local: Int?
    /// A mapping variable read by slot (`$shift`), which only ``smallInteger(_:_:)`` reads in place.
    private let global: GlobalStep?

    init(_ step: ExpressionStep) {
        self.step = step
        isCurrent = step is CurrentStep
        field = (step as? FieldStep)?.name
        local = (step as? LocalStep)?.slot
        global = step as? GlobalStep
    }

    /// The operand's value as ``ExpressionArithmetic/smallInteger(of:)`` reads it, when it is `@`, a
    /// `let` value or a mapping variable, read where it lies; `nil` for any other value or operand,
    /// which is then for ``value(_:_:)`` to read (again: these reads change nothing). Fails as
    /// ``value(_:_:)`` fails.
    @inline(__always)
    func smallInteger(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Int64? {
        if let local { return try evaluator.smallInteger(local: local) }
        if let global { return evaluator.smallInteger(global: global.name, slot: global.slot) }
        if isCurrent { return ExpressionArithmetic.smallInteger(of: value) }
        return nil
    }

    /// The operand's value against `value` (``ExpressionStep/evaluate(_:_:)``).
    @inline(__always)
    func value(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if let field { return ExpressionEvaluator.field(field, of: value) }
        if isCurrent { return value }
        if let local { return try evaluator.local(local) }
        return try step.evaluate(value, &evaluator)
    }

    /// `test` of the operand's value, read where it lies when it is `@`, a member of `@` (`event`)
    /// or a mapping variable (`$type`): copying it out to be looked at retained and released it.
    @inline(__always)
    func test(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator, _ test: (JSONValue) -> Bool) throws(ExpressionError) -> Bool {
        if let field {
            // A member of the current node (`event`) is looked at where it lies too.
            guard case .object(let object) = value, let index = object.lastIndex(named: field) else { return test(.null) }
            return object.members.withUnsafeBufferPointer { test($0[index].value) }
        }
        if isCurrent { return test(value) }
        if let global, let answer = evaluator.withGlobal(global.name, slot: global.slot, test) { return answer }
        return test(try self.value(value, &evaluator))
    }

    /// The member `name` of the operand's value (``ExpressionStep/member(_:_:_:)``).
    @inline(__always)
    func member(_ name: MemberName, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue? {
        if let field { return JSONValue.member(name, of: ExpressionEvaluator.field(field, of: value)) }
        if isCurrent { return JSONValue.member(name, of: value) }
        return try step.member(name, value, &evaluator)
    }

    /// Whether the operand's value is null (``ExpressionStep/isNull(_:_:)``).
    @inline(__always)
    func isNull(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        if isCurrent { return value.isNull }
        if let local { return try evaluator.isNull(local: local) }
        return try step.isNull(value, &evaluator)
    }
}

/// `left.name`: a subexpression whose right side is a member, read without a step of its own.
final class MemberStep: ExpressionStep, @unchecked Sendable {
    /// The left side (`ecommerce` of `ecommerce.items`), read in place.
    let left: InPlaceOperand
    let name: MemberName

    init(_ left: ExpressionStep, name: String) {
        self.left = InPlaceOperand(left)
        self.name = MemberName(name)
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        // A null base has no members: the subexpression's null rule holds without a test.
        try left.member(name, value, &evaluator) ?? .null
    }
}

/// `[n]`.
final class IndexStep: ExpressionStep, @unchecked Sendable {
    let position: Int

    init(position: Int) { self.position = position }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        guard case .array(let elements) = value else { return .null }
        let resolved = position < 0 ? elements.count + position : position
        return elements.indices.contains(resolved) ? elements[resolved] : .null
    }

    override func member(_ name: MemberName, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue? {
        guard case .array(let elements) = value else { return nil }
        let resolved = position < 0 ? elements.count + position : position
        guard elements.indices.contains(resolved) else { return nil }
        // The element is read in place: `elements[resolved]` would copy (retain) it.
        return elements.withUnsafeBufferPointer { buffer in JSONValue.member(name, of: buffer[resolved]) }
    }
}

/// `[start:stop:step]`.
final class SliceStep: ExpressionStep, @unchecked Sendable {
    let start: Int?
    let stop: Int?
    let step: Int

    init(start: Int?, stop: Int?, step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        guard case .array(let elements) = value else { return .null }
        return .array(ExpressionEvaluator.slice(elements, start: start, stop: stop, step: step))
    }
}

/// `left[]`'s flattening step.
final class FlattenStep: ExpressionStep, @unchecked Sendable {
    let inner: ExpressionStep

    init(_ inner: ExpressionStep) { self.inner = inner }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        guard case .array(let elements) = try inner.evaluate(value, &evaluator) else { return .null }
        var flat: [JSONValue] = []
        flat.reserveCapacity(elements.count)
        for element in elements {
            if case .array(let nested) = element { flat.append(contentsOf: nested) } else { flat.append(element) }
        }
        return .array(flat)
    }
}

/// `!inner`.
final class NotStep: ExpressionStep, @unchecked Sendable {
    let inner: ExpressionStep

    init(_ inner: ExpressionStep) { self.inner = inner }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        .bool(!(try inner.isTruthy(value, &evaluator)))
    }
}

/// `left == right`, `left < right`, ….
final class ComparisonStep: ExpressionStep, @unchecked Sendable {
    let comparator: ExpressionNode.Comparator
    let left: ExpressionStep
    let right: ExpressionStep

    init(_ comparator: ExpressionNode.Comparator, _ left: ExpressionStep, _ right: ExpressionStep) {
        self.comparator = comparator
        self.left = left
        self.right = right
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        ExpressionEvaluator.compare(comparator, try left.evaluate(value, &evaluator), try right.evaluate(value, &evaluator))
    }
}

/// `left == literal`, …: a ``ComparisonStep`` whose right side is compared in place, not
/// evaluated (copied) first.
final class LiteralComparisonStep: ExpressionStep, @unchecked Sendable {
    let comparator: ExpressionNode.Comparator
    /// The left side (`@` in `[?@ != null]`, `event`, `$n`), read in place.
    let left: InPlaceOperand
    let literal: JSONValue
    /// How an equality test (`==`, `!=`) is answered; `nil` for an ordering.
    private let equality: Equality?

    /// An equality test against `null` is whether the value is null; against a short ASCII text
    /// (`event == 'view_item_list'`), a look at a small ASCII string's words; against anything
    /// else, `==`.
    private enum Equality {
        case null, value
        case text(String, SmallASCIILiteral)
    }

    init(_ comparator: ExpressionNode.Comparator, _ left: ExpressionStep, _ literal: JSONValue) {
        self.comparator = comparator
        self.left = InPlaceOperand(left)
        self.literal = literal
        if comparator != .equal && comparator != .notEqual {
            equality = nil
        } else if case .string(let text) = literal, let small = SmallASCIILiteral(text) {
            equality = .text(text, small)
        } else {
            equality = literal.isNull ? .null : .value
        }
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        // An ordering of anything but numbers is null, not false.
        if case .none = equality { return ExpressionEvaluator.compare(comparator, try left.value(value, &evaluator), literal) }
        return .bool(try holds(value, &evaluator))
    }

    /// Whether the comparison's value is truthy: what a ternary reads of its condition
    /// (``ComparisonTernaryStep``), without making the value.
    @inline(__always)
    func holds(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> Bool {
        // `==` and `!=`, the usual tests, are answered here; against `null` by a look at the case.
        switch equality {
        case .null: return try left.isNull(value, &evaluator) == (comparator == .equal)
        case .text(let text, let small):
            // A string is the text or not; anything else is not.
            let equal = try left.test(value, &evaluator) { operand in
                guard case .string(let string) = operand else { return false }
                return small.decides(string) ?? (string == text)
            }
            return equal == (comparator == .equal)
        case .value: return try left.test(value, &evaluator) { $0 == literal } == (comparator == .equal)
        case nil: return ExpressionEvaluator.compare(comparator, try left.value(value, &evaluator), literal).isTruthy
        }
    }
}

/// `left == literal ? then : otherwise` (any comparison with a literal as the condition: which
/// event, which list, `$n == null`): the condition answered by the comparison as a `Bool`, without
/// making its value and testing that value's truthiness through another step, and a literal
/// branch (`null`, `'pv'`) returned without a step of its own. The same values and errors as the
/// ternary.
final class ComparisonTernaryStep: ExpressionStep, @unchecked Sendable {
    let condition: LiteralComparisonStep
    let then: ExpressionStep
    let otherwise: ExpressionStep
    /// Each branch's value when it is a literal.
    private let thenLiteral: JSONValue?
    private let otherwiseLiteral: JSONValue?

    init(_ condition: LiteralComparisonStep, _ then: ExpressionStep, _ otherwise: ExpressionStep) {
        self.condition = condition
        self.then = then
        self.otherwise = otherwise
        thenLiteral = (then as? LiteralStep)?.literal
        otherwiseLiteral = (otherwise as? LiteralStep)?.literal
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if try condition.holds(value, &evaluator) {
            if let thenLiteral { return thenLiteral }
            return try then.evaluate(value, &evaluator)
        }
        if let otherwiseLiteral { return otherwiseLiteral }
        return try otherwise.evaluate(value, &evaluator)
    }
}

/// `left + right`, ….
final class ArithmeticStep: ExpressionStep, @unchecked Sendable {
    let operation: ExpressionNode.ArithmeticOperator
    /// The operands (`$n`, `[0]`, an item's `quantity`), read in place.
    let left: InPlaceOperand
    let right: InPlaceOperand
    let column: Int
    /// Whether small integers are read from their strings' words
    /// (``ExpressionArithmetic/smallIntegerResult(_:_:_:)``): known once here, where reading the
    /// `static let` costs a `swift_once` call at every evaluation.
    private let readsSmallIntegers: Bool

    init(_ operation: ExpressionNode.ArithmeticOperator, _ left: ExpressionStep, _ right: ExpressionStep, column: Int) {
        self.operation = operation
        self.left = InPlaceOperand(left)
        self.right = InPlaceOperand(right)
        self.column = column
        readsSmallIntegers = ShortText.smallStringLayoutHolds
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        // Small integers where they lie (`$n + $shift`): neither operand is copied to be read.
        if readsSmallIntegers, let x = try left.smallInteger(value, &evaluator), let y = try right.smallInteger(value, &evaluator),
           let small = ExpressionArithmetic.smallIntegerResult(operation, x, y) {
            return small
        }
        let lhs = try left.value(value, &evaluator)
        let rhs = try right.value(value, &evaluator)
        guard case .number(let a) = lhs, case .number(let b) = rhs else {
            throw ExpressionError(.invalidType, column: column,
                                  "\(operation.symbol) needs two numbers, got \(lhs.typeName) and \(rhs.typeName)")
        }
        if readsSmallIntegers, let small = ExpressionArithmetic.smallIntegerResult(operation, a, b) { return small }
        return .number(try ExpressionArithmetic.apply(operation, a, b, column: column))
    }
}

/// Unary `-` or `+`.
final class UnaryStep: ExpressionStep, @unchecked Sendable {
    let negate: Bool
    let inner: ExpressionStep
    let column: Int

    init(negate: Bool, _ inner: ExpressionStep, column: Int) {
        self.negate = negate
        self.inner = inner
        self.column = column
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        let operand = try inner.evaluate(value, &evaluator)
        guard case .number(let number) = operand else {
            throw ExpressionError(.invalidType, column: column, "unary \(negate ? "-" : "+") needs a number, got \(operand.typeName)")
        }
        return .number(negate ? ExpressionArithmetic.negate(number) : number)
    }
}

/// A literal value.
final class LiteralStep: ExpressionStep, @unchecked Sendable {
    let literal: JSONValue
    /// The literal's ``JSONValue/size(upTo:)``, measured once: literals are most members of a
    /// multi-select (`{type: 'item', …}`), which measures every member at every evaluation.
    private let size: Int

    init(_ literal: JSONValue) {
        self.literal = literal
        size = literal.size(upTo: .max)
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue { literal }

    override var measuresItself: Bool { true }

    override func measured(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator, size total: inout Int) throws(ExpressionError) -> JSONValue {
        try ExpressionLimits.count(size, into: &total)
        return literal
    }
}

/// `[a, b, …]` or `{key: value, …}`. Multi-selects count their size as they build, so a nest of
/// them (`[[a, {b: c}]]`) is measured once, not walked again at every level. Shared sub-values
/// count each time they appear: that is the size the value has once written.
final class MultiSelectStep: ExpressionStep, @unchecked Sendable {
    let values: StepArray
    /// Whether this is a `{…}`, whose keys ``keyRecords`` hold, and not a `[…]`.
    private let isObject: Bool
    /// What building a member needs of each key of a `{…}`, one per value, worked out once instead
    /// of per member built; empty for a `[…]`. One array, read in place: a member built reads one
    /// record, not an element (and a bounds check) of an array per property.
    private let keyRecords: [KeyRecord]
    /// Every key fits a small string: a member's key is then made from its record's
    /// ``KeyRecord/smallBits`` (``ShortText/smallString(bits:)``), where a copy of the key is a
    /// call to retain a string that needs no retaining.
    private let keysAreSmall: Bool

    private struct KeyRecord {
        let key: String
        /// The key's UTF-8 length, which the size guard counts per member built.
        let size: Int
        /// The key's ``JSONObject/Member/keyLength``.
        let keyLength: UInt32
        /// The key's small-string bits; zeros unless ``keysAreSmall``.
        let smallBits: (UInt64, UInt64)
    }
    /// No name repeats: members are appended without looking for an earlier one of the same name.
    let uniqueKeys: Bool
    /// Members whose value is null are left out (``CompactObjectStep``); only with unique keys.
    private let dropsNulls: Bool

    init(_ values: [ExpressionStep], keys: [String]?, uniqueKeys: Bool, dropsNulls: Bool = false) {
        self.values = StepArray(values)
        precondition(keys == nil || keys?.count == values.count, "a {…} has one key per value")
        isObject = keys != nil
        let small = keys?.compactMap { ShortText(smallStringOf: $0)?.smallStringBits } ?? []
        let allSmall = keys != nil && small.count == keys?.count
        keysAreSmall = allSmall
        keyRecords = (keys ?? []).enumerated().map { index, key in
            let size = key.utf8.count
            return KeyRecord(key: key, size: size, keyLength: JSONObject.Member.storedLength(size),
                             smallBits: allSmall ? small[index] : (0, 0))
        }
        self.uniqueKeys = uniqueKeys
        self.dropsNulls = dropsNulls && uniqueKeys
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        var size = 0
        return try measured(value, &evaluator, size: &size)
    }

    override var measuresItself: Bool { true }

    override func measured(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator, size total: inout Int) throws(ExpressionError) -> JSONValue {
        var size = 1
        let result: JSONValue
        if value.isNull {
            result = .null
        } else if isObject, uniqueKeys {
            result = try uniqueObject(value, &evaluator, size: &size)
        } else if isObject {
            var object = JSONObject(capacity: values.count)
            for index in values.indices { object[keyRecords[index].key] = try values.measured(index, value, &evaluator, size: &size) }
            // A repeated key replaced a member: measure what is left.
            size = JSONValue.object(object).size(upTo: ExpressionLimits.maxValueSize)
            object.knownSize = size
            result = .object(object)
        } else {
            var results: [JSONValue] = []
            results.reserveCapacity(values.count)
            for index in values.indices { results.append(try values.measured(index, value, &evaluator, size: &size)) }
            result = .array(results)
        }
        try ExpressionLimits.count(size, into: &total)
        return result
    }

    /// The object of a `{…}` whose names all differ, its members appended to an array of the
    /// right capacity that becomes the object: appending them to an empty object went through
    /// its observed `members` at every member.
    private func uniqueObject(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator, size: inout Int) throws(ExpressionError) -> JSONValue {
        var members: [JSONObject.Member] = []
        members.reserveCapacity(values.count)
        // What null members left out add to `size`: the guard counts them, as it did for the
        // whole object before `nonNullMembers` dropped them, but the object's size does not.
        var dropped = 0
        // One record per value (the initialiser's precondition), read in place.
        try keyRecords.withUnsafeBufferPointer { records in
            Result { () throws(ExpressionError) in
                for index in values.indices {
                    let memberValue = try values.measured(index, value, &evaluator, size: &size)
                    size += records[index].size
                    if dropsNulls && memberValue.isNull {
                        dropped += 1 + records[index].size
                        continue
                    }
                    let key = keysAreSmall ? ShortText.smallString(bits: records[index].smallBits) : records[index].key
                    members.append(JSONObject.Member(key: key, value: memberValue, keyLength: records[index].keyLength))
                }
            }
        }.get()
        var object = JSONObject(members)
        object.knownSize = size - dropped
        return .object(object)
    }
}

/// ``ExpressionFunctions/nonNullMembers`` of a multi-select hash whose names all differ (what
/// `from_items(items({a: x, b: y})[?[1] != `null`])` becomes): the object built without its null
/// members in the first place, not built whole and copied again without them.
final class CompactObjectStep: ExpressionStep, @unchecked Sendable {
    private let object: MultiSelectStep
    /// The general call, for a null current node: the multi-select is null then, and the call's
    /// type error is the step's.
    private let call: FunctionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard function === ExpressionFunctions.nonNullMembers, arguments.count == 1,
              case .multiSelectHash(let members, uniqueKeys: true) = arguments[0] else { return nil }
        object = MultiSelectStep(members.map { $0.value.step() }, keys: members.map(\.key), uniqueKeys: true, dropsNulls: true)
        call = FunctionStep(function, [object], column: column)
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if value.isNull { return try call.applying(.null, nil, &evaluator) }
        return try object.evaluate(value, &evaluator)
    }
}

/// `from_items([[key, value], …])` with the pairs written out (a list view's `{list: {…}}`): the
/// object built from the keys and values as they come, without the pair arrays, the array of
/// them and the call. Each pair is measured as its multi-select measures it, so the size guard
/// fails where and as it does there. A null current node (the multi-select is null) and a key
/// that is not a string are left to the general call, whose errors they are: evaluation reads and
/// changes nothing, so evaluating again gives the same error.
final class PairsObjectStep: ExpressionStep, @unchecked Sendable {
    private let keys: StepArray
    private let values: StepArray
    private let call: FunctionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard function.name == "from_items", arguments.count == 1, case .multiSelectList(let pairs) = arguments[0] else { return nil }
        var keys: [ExpressionNode] = []
        var values: [ExpressionNode] = []
        for pair in pairs {
            guard case .multiSelectList(let elements) = pair, elements.count == 2 else { return nil }
            keys.append(elements[0])
            values.append(elements[1])
        }
        self.keys = StepArray(keys.map { $0.step() })
        self.values = StepArray(values.map { $0.step() })
        call = FunctionStep(function, [arguments[0].step()], column: column)
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if value.isNull { return try call.evaluate(value, &evaluator) }
        var object = JSONObject(capacity: keys.count)
        var size = 1
        for index in keys.indices {
            var pairSize = 1
            let key = try keys.measured(index, value, &evaluator, size: &pairSize)
            let member = try values.measured(index, value, &evaluator, size: &pairSize)
            try ExpressionLimits.count(pairSize, into: &size)
            guard case .string(let name) = key else { return try call.evaluate(value, &evaluator) }
            object[name] = member
        }
        return .object(object)
    }
}

/// `map(&body, xs)`: the body applied to each element of the array `xs`, in order, without setting
/// up a call (≈ 500 instructions). For `map(&body, enumerate(xs))` the body sees each
/// `[index, element]` pair that `enumerate` would make. When it reads its pair only through `[0]`
/// and `[1]` (`{index: [0], item: [1]}`, a list item's fields), no pair is made: the body is
/// evaluated against the element itself, its `[1]` read as `@` and its `[0]` as the position the
/// map keeps in the evaluator (``ExpressionNode/readingPairInPlace()``), so that its reads of the
/// element's members are made in place, not through the pair. Any other body gets the pairs, made
/// one at a time in one buffer: one that keeps no pair leaves the buffer to the next element, and
/// one that keeps it gets a copy, as copy-on-write has it. Anything but an array is left to the
/// general calls, for their errors.
final class MapStep: ExpressionStep, @unchecked Sendable {
    private let body: ExpressionStep
    /// The body evaluated against each element instead of its pair, when it reads the pair only
    /// through `[0]` and `[1]`; only with `enumerate`.
    private let elementBody: ExpressionStep?
    private let elements: ExpressionStep
    /// Whether the array came through `enumerate`, whose pairs the body sees.
    private let enumerates: Bool
    /// Whether the body is `to_string(@)`, which gives a string back as it is: an array of strings
    /// (not of `enumerate` pairs) then maps to itself, and is returned without building a copy.
    private let keepsStrings: Bool
    private let call: ExpressionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard let parts = Self.parts(function, arguments) else { return nil }
        body = parts.body.step()
        keepsStrings = (body as? StringPassStep)?.keepsCurrentString ?? false
        // The general calls over the same steps: the body is built once.
        if case .function(let enumerate, let inner, let enumerateColumn) = parts.elements, enumerate.name == "enumerate",
           inner.count == 1, !inner[0].isExpressionReference {
            enumerates = true
            elementBody = parts.body.readingPairInPlace()?.step()
            elements = inner[0].step()
            call = FunctionStep(function, [ReferenceStep(body), FunctionStep(enumerate, [elements], column: enumerateColumn)], column: column)
        } else {
            enumerates = false
            elementBody = nil
            elements = parts.elements.step()
            call = FunctionStep(function, [ReferenceStep(body), elements], column: column)
        }
    }

    /// The body and the array of a `map(&body, xs)` call; `nil` for any other call, and for an
    /// `&expression` in the array's place, the call's type error.
    static func parts(_ function: ExpressionFunction, _ arguments: [ExpressionNode]) -> (body: ExpressionNode, elements: ExpressionNode)? {
        guard function.name == "map", arguments.count == 2, case .expressionReference(let body) = arguments[0],
              !arguments[1].isExpressionReference else { return nil }
        return (body, arguments[1])
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        guard case .array(let items) = try elements.evaluate(value, &evaluator) else { return try call.evaluate(value, &evaluator) }
        if keepsStrings && !enumerates && items.allSatisfy({ if case .string = $0 { true } else { false } }) { return .array(items) }
        var results: [JSONValue] = []
        results.reserveCapacity(items.count)
        if let elementBody {
            // A body inside this one may be a fused map too: it leaves the position as it found it.
            let outer = evaluator.enumerationIndex
            defer { evaluator.enumerationIndex = outer }
            // Elements are read in place: `items[index]` copied (retained, then released) each one.
            try items.withUnsafeBufferPointer { buffer in
                Result { () throws(ExpressionError) in
                    for index in buffer.indices {
                        if buffer[index].isNull {
                            results.append(try body.evaluate([.position(index), .null], &evaluator))
                            continue
                        }
                        evaluator.enumerationIndex = index
                        results.append(try elementBody.evaluate(buffer[index], &evaluator))
                    }
                }
            }.get()
        } else if enumerates {
            var pair: [JSONValue] = [.null, .null]
            for index in items.indices {
                pair[0] = .position(index)
                pair[1] = items[index]
                results.append(try body.evaluate(.array(pair), &evaluator))
            }
        } else {
            for item in items { results.append(try body.evaluate(item, &evaluator)) }
        }
        return .array(results)
    }

    /// ``JSONValue/firstNonNull(of:)`` of the mapped array, without building it: the body still
    /// runs on every element, in order, so a later element's error is still the call's.
    func firstNonNull(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        guard !enumerates, case .array(let items) = try elements.evaluate(value, &evaluator) else {
            return JSONValue.firstNonNull(of: try evaluate(value, &evaluator))
        }
        var first = JSONValue.null
        for item in items {
            let result = try body.evaluate(item, &evaluator)
            if first.isNull { first = result }
        }
        return first
    }
}

/// `xs[?@ != `null`] | [0]`, the first value of `xs` that is not null (the list a list view's name
/// stands for): read from the array without building the filtered one, and of a `map(&body, ys)`
/// without building the mapped one either (``MapStep/firstNonNull(_:_:)``). Anything but an
/// array filters to null, and null's `[0]` is null.
final class FirstNonNullStep: ExpressionStep, @unchecked Sendable {
    private let elements: ExpressionStep
    private let map: MapStep?

    init(_ elements: ExpressionStep) {
        self.elements = elements
        map = elements as? MapStep
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if let map { return try map.firstNonNull(value, &evaluator) }
        return JSONValue.firstNonNull(of: try elements.evaluate(value, &evaluator))
    }
}

extension JSONValue {
    /// The first element of `value` that is not null; null when there is none or `value` is no array.
    static func firstNonNull(of value: JSONValue) -> JSONValue {
        guard case .array(let elements) = value else { return .null }
        return elements.first { !$0.isNull } ?? .null
    }
}

extension ExpressionNode {
    /// Whether this filter condition is `@ != `null``, either way round.
    var keepsNonNull: Bool {
        switch self {
        case .comparison(.notEqual, .current, .literal(.null)), .comparison(.notEqual, .literal(.null), .current): return true
        default: return false
        }
    }

    /// Whether this condition is `@ == `null``, either way round.
    var isNullTest: Bool {
        switch self {
        case .comparison(.equal, .current, .literal(.null)), .comparison(.equal, .literal(.null), .current): return true
        default: return false
        }
    }
}

/// `contains(map(&body, xs), literal)` whose body cannot fail (``ExpressionNode/cannotFail``), such
/// as `contains(map(&to_number(index), $items), `0`)`, "does any item have index 0?": each value
/// of the body is compared as it comes and the first equal one ends the search, where the calls
/// map every element into an array first. Stopping early gives the calls' answer because no later
/// element could have failed. Anything but an array is left to the calls, for their errors.
final class MapContainsStep: ExpressionStep, @unchecked Sendable {
    private let body: ExpressionStep
    private let elements: ExpressionStep
    private let needle: JSONValue
    private let call: ExpressionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard function.name == "contains", arguments.count == 2, case .literal(let needle) = arguments[1],
              case .function(let map, let mapArguments, let mapColumn) = arguments[0], let parts = MapStep.parts(map, mapArguments),
              parts.body.cannotFail
        else { return nil }
        body = parts.body.step()
        elements = parts.elements.step()
        self.needle = needle
        // The general calls over the same steps: the body is built once.
        call = FunctionStep(function, [FunctionStep(map, [ReferenceStep(body), elements], column: mapColumn), LiteralStep(needle)], column: column)
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        guard case .array(let items) = try elements.evaluate(value, &evaluator) else { return try call.evaluate(value, &evaluator) }
        for item in items where try body.evaluate(item, &evaluator) == needle { return true }
        return false
    }
}

/// `name(arguments…)`, its function resolved at compile time.
final class FunctionStep: ExpressionStep, @unchecked Sendable {
    let function: ExpressionFunction
    let column: Int
    /// How many arguments the call passes.
    let count: Int
    // The first three arguments live in `let`s of their own, which evaluation reads in place
    // (borrowed); an element read from an array of references is retained and released around
    // every use. Unused slots hold a step that is never evaluated. An `&expression` is passed as
    // null: the function reads its expression from ``references``.
    private let first: ExpressionStep
    private let second: ExpressionStep
    private let third: ExpressionStep
    /// Arguments after the third (variadic calls).
    private let more: [ExpressionStep]
    /// The expression of each `&expression` argument, by position; `nil` for value arguments.
    private let references: [ExpressionStep?]
    /// The type each argument must have: the arity is known once the call is parsed.
    let parameterTypes: [ArgumentType]
    /// Whether a call needs its types checked at all: not when every parameter takes any value
    /// and no argument is an `&expression`.
    let checksTypes: Bool

    init(_ function: ExpressionFunction, _ arguments: [ExpressionStep], column: Int) {
        self.function = function
        self.column = column
        count = arguments.count
        references = arguments.map { ($0 as? ReferenceStep)?.inner }
        let passed = arguments.map { $0 is ReferenceStep ? LiteralStep(.null) : $0 }
        let unused = CurrentStep()
        first = passed.count > 0 ? passed[0] : unused
        second = passed.count > 1 ? passed[1] : unused
        third = passed.count > 2 ? passed[2] : unused
        more = Array(passed.dropFirst(3))
        parameterTypes = arguments.indices.map(function.signature.type(at:))
        checksTypes = !function.takesAnyValues || references.contains { $0 != nil }
    }

    /// The expression of argument `position` when it is an `&expression`.
    func reference(_ position: Int) -> ExpressionStep? { references[position] }

    func isReference(_ position: Int) -> Bool { references[position] != nil }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        var call = FunctionCall(self)
        if count > 0 { call.arguments.append(try first.evaluate(value, &evaluator)) }
        if count > 1 { call.arguments.append(try second.evaluate(value, &evaluator)) }
        if count > 2 { call.arguments.append(try third.evaluate(value, &evaluator)) }
        for index in more.indices { call.arguments.append(try more[index].evaluate(value, &evaluator)) }
        if checksTypes { try checkTypes(call) }
        return try function.body(call, &evaluator)
    }

    /// The function applied to argument values already evaluated (at most two, the call's own
    /// count): what a step that handles the usual case itself does with the rest.
    func applying(_ first: JSONValue, _ second: JSONValue?, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        var call = FunctionCall(self)
        call.arguments.append(first)
        if let second { call.arguments.append(second) }
        if checksTypes { try checkTypes(call) }
        return try function.body(call, &evaluator)
    }

    /// What a fused step of a call `name(value, 'text')` is made of: the value's step, the literal
    /// string (after folding, a mapping variable's too) and the general call, which the fused step
    /// leaves everything it does not handle to. `nil` for any other call, and for an `&expression`
    /// value, whose type error is the call's to raise.
    static func valueAndLiteralString(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int, calling name: String)
        -> (value: ExpressionStep, string: String, call: FunctionStep)? {
        guard function.name == name, arguments.count == 2, case .literal(.string(let string)) = arguments[1],
              !arguments[0].isExpressionReference else { return nil }
        let steps = arguments.map { $0.step() }
        return (steps[0], string, FunctionStep(function, steps, column: column))
    }

    /// Every argument checked against the signature before the function looks at any value,
    /// so a wrong type is always `invalidType`, never a value error of a later argument.
    private func checkTypes(_ call: FunctionCall) throws(ExpressionError) {
        for position in 0..<count {
            let type = parameterTypes[position]
            let fits = references[position] != nil ? type.contains(.expression) : type.accepts(call.value(position))
            if !fits { throw call.typeError(position, expected: type) }
        }
    }
}

/// `contains(['a', 'b', …], search)` with literal strings (which event is this?): whether `search`
/// is one of them, the same answer the call gives, without building the list or making the call.
/// On a null current node the list is null (a multi-select is), and the call's type error is
/// left to the call.
final class StringMembershipStep: ExpressionStep, @unchecked Sendable {
    let strings: [String]
    /// `strings` as ``SmallASCIILiteral``s, when all of them are short ASCII texts: a small ASCII
    /// search string is looked for by its words.
    private let smallStrings: [SmallASCIILiteral]?
    /// The string looked for (`event`), read in place.
    let search: InPlaceOperand
    let call: FunctionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard function.name == "contains", arguments.count == 2, case .multiSelectList(let elements) = arguments[0] else { return nil }
        var strings: [String] = []
        for element in elements {
            guard case .literal(.string(let string)) = element else { return nil }
            strings.append(string)
        }
        self.strings = strings
        let small = strings.compactMap { SmallASCIILiteral($0) }
        smallStrings = small.count == strings.count ? small : nil
        let steps = arguments.map { $0.step() }
        search = InPlaceOperand(steps[1])
        call = FunctionStep(function, steps, column: column)
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if value.isNull { return try call.applying(.null, try search.value(value, &evaluator), &evaluator) }
        return .bool(try search.test(value, &evaluator) { search in
            guard case .string(let needle) = search else { return false }
            if let smallStrings, let words = SmallASCIILiteral.words(of: needle) { return smallStrings.contains { $0.matches(words) } }
            return strings.contains(needle)
        })
    }
}

/// `contains(x, 'text')`, `starts_with(x, 'text')` or `ends_with(x, 'text')` with a literal text
/// (after folding, `contains($l, contains)` over a table of rules too): whether the string `x`
/// holds, starts with or ends with the text, without setting up a call. Anything but a string is
/// left to the call: an array's `contains`, the other two functions' type errors.
final class SubstringStep: ExpressionStep, @unchecked Sendable {
    let subject: ExpressionStep
    let needle: String
    let place: SubstringPlace
    let call: FunctionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard let place = SubstringPlace(function) else { return nil }
        self.place = place
        guard let parts = FunctionStep.valueAndLiteralString(function, arguments, column: column, calling: function.name) else { return nil }
        subject = parts.value
        needle = parts.string
        call = parts.call
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        let subject = try subject.evaluate(value, &evaluator)
        guard case .string(let text) = subject else { return try call.applying(subject, .string(needle), &evaluator) }
        return .bool(text.holdsBytes(of: needle, at: place))
    }
}

extension SubstringPlace {
    /// Where `function` looks for its text, if it is `contains`, `starts_with` or `ends_with`.
    init?(_ function: ExpressionFunction) {
        switch function.name {
        case "contains": self = .anywhere
        case "starts_with": self = .start
        case "ends_with": self = .end
        default: return nil
        }
    }
}

/// `[…literal elements…][?condition]…right`, the filter of a table a mapping's `$config` gave (the
/// list_names rules): unrolled when the steps are built, one condition and one right side per
/// element, each folded knowing its element (``ExpressionNode/knowingCurrent(_:)``), so that what
/// the element alone decides (`exact == $t` where it has no `exact`) is not worked out again on
/// every evaluation. Same order of evaluation, same values, same errors as the filter.
final class UnrolledFilterStep: ExpressionStep, @unchecked Sendable {
    /// Whether unrolling `count` elements keeps the steps small: at most 64 elements and 4,096 nodes
    /// in all the copies, and no filter inside, which would be unrolled again in every copy (nested
    /// tables would multiply). Anything larger is left to the plain filter.
    static func staysSmall(_ count: Int, _ condition: ExpressionNode, _ right: ExpressionNode) -> Bool {
        guard count <= 64 else { return false }
        var nodes = 0
        var filters = false
        func visit(_ node: ExpressionNode) {
            nodes += 1
            if case .filterProjection = node { filters = true }
            if nodes * count <= 4_096 && !filters { node.forEachChild(visit) }
        }
        visit(condition)
        visit(right)
        return !filters && nodes * count <= 4_096
    }

    let elements: [JSONValue]
    let conditions: StepArray
    let rights: StepArray
    /// The texts every condition looks for in one and the same variable, when that is all they do.
    let texts: SubstringTable?

    init(_ elements: [JSONValue], _ condition: ExpressionNode, _ right: ExpressionNode) {
        self.elements = elements
        let conditions = elements.map { condition.knowingCurrent($0).foldingConstants([:]).asCondition() }
        self.conditions = StepArray(conditions.map { $0.step() })
        rights = StepArray(elements.map { right.knowingCurrent($0).foldingConstants([:]).step() })
        texts = SubstringTable(conditions)
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        var results: [JSONValue] = []
        // The conditions read nothing but the variable, which fails (an undefined mapping
        // variable) before any element or not at all, as the first condition would; once it is
        // a string they cannot fail, so deciding them all first, and then evaluating the chosen
        // elements' right sides in order, gives the same values and the same first error as
        // taking the elements one by one.
        if let texts, let chosen = try texts.holders(value, &evaluator) {
            for index in elements.indices where chosen & 1 << index != 0 {
                let result = try rights.evaluate(index, elements[index], &evaluator)
                if !result.isNull { results.append(result) }
            }
            return .array(results)
        }
        for index in elements.indices where try conditions.evaluate(index, elements[index], &evaluator).isTruthy {
            let result = try rights.evaluate(index, elements[index], &evaluator)
            if !result.isNull { results.append(result) }
        }
        return .array(results)
    }
}

/// The conditions of an unrolled filter when each is `contains`, `starts_with` or `ends_with` of
/// the same `let` or mapping variable, or of its `lower()`, and a literal text, as the list_names
/// rules fold to (`contains(lower($t), 'search')`): the variable is read once, not once per
/// element, and each text's bytes are looked for in its bytes directly. A variable that is not a
/// string is left to the conditions, whose calls answer an array or raise the type error. A class:
/// the closures that search read its texts through one reference, where a struct was copied into
/// them with every step it holds.
final class SubstringTable: Sendable {
    /// The variable every condition reads.
    let subject: ExpressionStep
    /// `lower(variable)` when the conditions look in the variable's lower-case form.
    private let lowered: ExpressionStep?
    /// Whether every text is ASCII: a lower-case form is then searched for them without being made
    /// (``String/withASCIILowerCased(_:_:)``).
    private let textsAreASCII: Bool
    /// The texts' bytes one after another; text `i` ends at `ends[i]`.
    private let bytes: [UInt8]
    private let ends: [Int]
    private let places: [SubstringPlace]
    /// Bit `i` set for each text `i` looked for anywhere that is not empty (``firstBytes``).
    private let anywhere: UInt64
    /// Bit `i` set for each other text: looked for at the start or the end, or empty.
    private let elsewhere: UInt64
    /// For each byte value, bit `i` set when text `i` is looked for anywhere and starts with that
    /// byte: the subject is walked once and each of its bytes names the texts that may start there,
    /// where searching each text in turn cost a `memchr` call per text (a dozen list_names rules).
    /// Empty when no text is looked for anywhere.
    private let firstBytes: [UInt64]

    init?(_ conditions: [ExpressionNode]) {
        // One bit per condition in ``holders(_:_:)``.
        guard !conditions.isEmpty, conditions.count <= UInt64.bitWidth else { return nil }
        var read: ExpressionNode?
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var places: [SubstringPlace] = []
        for condition in conditions {
            guard case .function(let function, let arguments, _) = condition, let place = SubstringPlace(function),
                  arguments.count == 2, case .literal(.string(let text)) = arguments[1],
                  arguments[0].isSameVariableRead(as: read ?? arguments[0])
            else { return nil }
            read = arguments[0]
            bytes += text.utf8
            ends.append(bytes.count)
            places.append(place)
        }
        guard let read else { return nil }
        if case .function(_, let arguments, _) = read {
            subject = arguments[0].step()
            lowered = read.step()
        } else {
            subject = read.step()
            lowered = nil
        }
        textsAreASCII = bytes.allSatisfy { $0 < 0x80 }
        var anywhere: UInt64 = 0
        var firstBytes: [UInt64] = []
        for index in places.indices where places[index] == .anywhere {
            let start = index == 0 ? 0 : ends[index - 1]
            guard start < ends[index] else { continue }
            if firstBytes.isEmpty { firstBytes = Array(repeating: 0, count: 256) }
            anywhere |= 1 << index
            firstBytes[Int(bytes[start])] |= 1 << index
        }
        self.bytes = bytes
        self.ends = ends
        self.places = places
        self.anywhere = anywhere
        elsewhere = ~anywhere & (ends.count == UInt64.bitWidth ? .max : (1 << ends.count) - 1)
        self.firstBytes = firstBytes
    }

    /// Bit `i` set when text `i` is where condition `i` looks for it, or `nil` when the variable
    /// is not a string (the conditions then run one by one, for their answers or their error).
    func holders(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> UInt64? {
        guard case .string(let text) = try subject.evaluate(value, &evaluator) else { return nil }
        guard let lowered else { return text.withBytes(holders(in:)) }
        // ASCII texts are looked for in the text with only its A–Z lower-cased, on the stack: no
        // lower-case string is made (a heap one past 15 bytes).
        if textsAreASCII, let chosen = text.withBytes({ String.withASCIILowerCased($0, holders(in:)) }) { return chosen }
        guard case .string(let lowerCase) = try lowered.evaluate(value, &evaluator) else { return nil }
        return lowerCase.withBytes(holders(in:))
    }

    /// Bit `i` set when text `i` is where condition `i` looks for it in `subject`.
    private func holders(in subject: UnsafeBufferPointer<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                var holders: UInt64 = 0
                // Texts at the start or the end, and empty ones, one by one: each is one comparison.
                var others = elsewhere
                while others != 0 {
                    let index = others.trailingZeroBitCount
                    others &= others &- 1
                    let start = index == 0 ? 0 : ends[index - 1]
                    if String.bytes(subject, hold: UnsafeBufferPointer(rebasing: bytes[start..<ends[index]]), at: places[index]) {
                        holders |= 1 << index
                    }
                }
                guard anywhere != 0, let text = bytes.baseAddress, let base = subject.baseAddress else { return holders }
                // The others in one walk of the subject: at each byte, the texts not found yet that
                // start with it and fit in what is left are compared there.
                firstBytes.withUnsafeBufferPointer { firstBytes in
                    var pending = anywhere
                    var position = 0
                    while pending != 0, position < subject.count {
                        var candidates = firstBytes[Int(base[position])] & pending
                        while candidates != 0 {
                            let index = candidates.trailingZeroBitCount
                            candidates &= candidates &- 1
                            let start = index == 0 ? 0 : ends[index - 1]
                            let rest = UnsafeBufferPointer(start: base + position, count: subject.count - position)
                            if String.bytes(rest, hold: UnsafeBufferPointer(start: text + start, count: ends[index] - start), at: .start) {
                                holders |= 1 << index
                                pending &= ~(1 << index)
                            }
                        }
                        position += 1
                    }
                }
                return holders
            }
        }
    }
}

extension ExpressionNode {
    /// Whether this node and `other` read the same `let` or mapping variable: a read that gives
    /// the same value, or the same error, however often it is made.
    func isSameVariable(as other: ExpressionNode) -> Bool {
        switch (self, other) {
        case (.local(let slot), .local(let otherSlot)): return slot == otherSlot
        case (.global(_, let slot, _), .global(_, let otherSlot, _)): return slot == otherSlot
        default: return false
        }
    }

    /// Whether this node and `other` both read the same variable (``isSameVariable(as:)``), or
    /// both call `lower` on it. Their columns may differ: ``SubstringTable`` makes the call only
    /// on a string, where it cannot fail, and leaves anything else to the conditions' own calls.
    func isSameVariableRead(as other: ExpressionNode) -> Bool {
        guard case .function(let function, let arguments, _) = self else { return isSameVariable(as: other) }
        guard case .function(let otherFunction, let otherArguments, _) = other else { return false }
        return function.name == "lower" && function === otherFunction
            && arguments.count == 1 && otherArguments.count == 1 && arguments[0].isSameVariable(as: otherArguments[0])
    }
}

/// `coalesce(a, b, …)`, the default mapping's most frequent call: the first argument that is not
/// empty, without setting up a call. The arguments after it still run, in order, for an error the
/// call would raise, but only up to the last one that can fail (``ExpressionNode/cannotFail``): in
/// `coalesce(item_name, $identity)` or `coalesce(type, 'item')`, a name found ends the call. The
/// first argument, where the value usually is, is a step of its own, read without going through
/// an array; a last argument that is a literal and not empty (`'item'`) is the value when no
/// argument before it has one, returned as it is, not through a step.
final class CoalesceStep: ExpressionStep, @unchecked Sendable {
    /// The first argument (`item_name`), read in place.
    private let first: InPlaceOperand
    /// The arguments after the first, but a literal ``fallback``.
    private let rest: StepArray
    /// The position in ``rest`` from which no argument can fail: a value found, the arguments
    /// from here on are not evaluated.
    private let quietFrom: Int
    /// The last argument when it is a literal that is not empty.
    private let fallback: JSONValue?

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode]) {
        // An `&expression` argument is the call's type error, left to the call.
        guard function.name == "coalesce", let head = arguments.first, !arguments.contains(where: \.isExpressionReference) else { return nil }
        var rest = arguments.dropFirst()
        if case .literal(let last)? = rest.last, !last.isEmptyValue {
            fallback = last
            rest.removeLast()
        } else {
            fallback = nil
        }
        first = InPlaceOperand(head.step())
        self.rest = StepArray(rest.map { $0.step() })
        quietFrom = (rest.lastIndex { !$0.cannotFail }).map { $0 - rest.startIndex + 1 } ?? 0
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        let argument = try first.value(value, &evaluator)
        if !argument.isEmptyValue { return try finish(argument, after: 0, value, &evaluator) }
        for index in rest.indices {
            let argument = try rest.evaluate(index, value, &evaluator)
            if !argument.isEmptyValue { return try finish(argument, after: index + 1, value, &evaluator) }
        }
        return fallback ?? .null
    }

    /// `argument`, found before position `next` of ``rest``, once the arguments from there that
    /// can fail have run.
    @inline(__always)
    private func finish(_ argument: JSONValue, after next: Int, _ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        for later in next ..< max(next, quietFrom) { _ = try rest.evaluate(later, value, &evaluator) }
        return argument
    }
}

/// `lookup(object, 'name')` with a literal name (after folding, `lookup(x, $config.identity_field)`
/// too): the member, or null, without setting up a call. Anything but an object is the call's type
/// error, left to the call.
final class MemberLookupStep: ExpressionStep, @unchecked Sendable {
    /// The object (`@` in `lookup(@, …)`, an element of a fused `map`), read in place.
    let object: InPlaceOperand
    let name: MemberName
    let call: FunctionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard let parts = FunctionStep.valueAndLiteralString(function, arguments, column: column, calling: "lookup") else { return nil }
        object = InPlaceOperand(parts.value)
        name = MemberName(parts.string)
        call = parts.call
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        if let member = try object.member(name, value, &evaluator) { return member }
        // Not an object: evaluated again (evaluation has no effects, and did not fail the first
        // time) for the call's type error.
        return try call.applying(try object.value(value, &evaluator), .string(name.string), &evaluator)
    }
}

/// A call of a function that is a ``ExpressionFunction/transform`` of its one value argument
/// (`to_number(item.price)`, `type(ecommerce)`): the transform applied without setting up a call.
final class TransformStep: ExpressionStep, @unchecked Sendable {
    /// The argument (`price` in `to_number(price)`), read in place.
    let argument: InPlaceOperand
    let transform: @Sendable (JSONValue) -> JSONValue
    /// Whether the function is `to_number`, which gives a number back as it is: a number argument
    /// (an item's `price` and `index`, usually) is then the value, without the call.
    private let keepsNumbers: Bool

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode]) {
        guard let transform = function.transform, arguments.count == 1, !arguments[0].isExpressionReference else { return nil }
        argument = InPlaceOperand(arguments[0].step())
        self.transform = transform
        keepsNumbers = function.name == "to_number"
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        let argument = try argument.value(value, &evaluator)
        if keepsNumbers, case .number = argument { return argument }
        return transform(argument)
    }
}

/// `to_string(x)`: a string comes back as it is, without setting up a call; anything else is
/// written out by the call.
final class StringPassStep: ExpressionStep, @unchecked Sendable {
    /// The argument (`@` in `to_string(@)`, what an item's identity is made with), read in place.
    let argument: InPlaceOperand
    let call: FunctionStep

    init?(_ function: ExpressionFunction, _ arguments: [ExpressionNode], column: Int) {
        guard function.name == "to_string", arguments.count == 1, !arguments[0].isExpressionReference else { return nil }
        let argument = arguments[0].step()
        self.argument = InPlaceOperand(argument)
        call = FunctionStep(function, [argument], column: column)
    }

    /// Whether the step is `to_string(@)`, which gives a string it is evaluated against back as it is.
    var keepsCurrentString: Bool { argument.step is CurrentStep }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        let argument = try argument.value(value, &evaluator)
        if case .string = argument { return argument }
        return try call.applying(argument, nil, &evaluator)
    }
}

/// `&inner`: an argument that a function evaluates itself, per element.
final class ReferenceStep: ExpressionStep, @unchecked Sendable {
    let inner: ExpressionStep

    init(_ inner: ExpressionStep) { self.inner = inner }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        throw ExpressionError(.invalidType, "an expression reference (&…) can only be a function argument")
    }
}

/// `let $a = …, $b = … in body`: each value pushed on the scope stack as it is made, so a
/// binding sees the ones before it only through the positions ``ExpressionNode/resolvingLocals(in:depth:)`` gave.
final class LetStep: ExpressionStep, @unchecked Sendable {
    let bindings: StepArray
    let body: ExpressionStep

    init(_ bindings: [ExpressionStep], _ body: ExpressionStep) {
        self.bindings = StepArray(bindings)
        self.body = body
    }

    override func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        let outer = evaluator.scopeDepth
        defer { evaluator.popScopes(to: outer) }
        for index in bindings.indices { try evaluator.pushScope(try bindings.evaluate(index, value, &evaluator)) }
        return try body.evaluate(value, &evaluator)
    }
}
