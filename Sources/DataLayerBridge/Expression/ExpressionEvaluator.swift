/// Walks a compiled ``ExpressionNode`` tree over a `JSONValue`.
///
/// Values are passed by reference-counted sharing, never deep-copied; field lookup reads the
/// object in place. Recursion follows the tree, whose depth the parser bounds.
struct ExpressionEvaluator {
    /// The document the evaluation started from: what `$` means.
    let root: JSONValue
    let globals: ExpressionVariables
    /// A variable made only if read, when `globals` does not bind it.
    let deferred: DeferredVariable?
    /// `let` values, innermost last; ``ExpressionNode/local(_:)`` reads them by position.
    private var scopes: [JSONValue] = []

    init(root: JSONValue, globals: ExpressionVariables, deferred: DeferredVariable? = nil) {
        self.root = root
        self.globals = globals
        self.deferred = deferred
    }

    mutating func evaluate(_ node: ExpressionNode, _ value: JSONValue) throws(ExpressionError) -> JSONValue {
        switch node {
        case .current:
            return value
        case .root:
            return root
        case .variable(let name, let column):
            if let global = globals[name] ?? deferred?.value(of: name) { return global }
            throw ExpressionError(.undefinedVariable, column: column, "$\(name) is not defined")
        case .global(let name, let slot, let column):
            return try Self.global(name, slot: slot, column: column, in: globals, deferred: deferred)
        case .local(let slot):
            // Positions come from the static nesting of `let`s, which evaluation follows.
            guard slot < scopes.count else { throw ExpressionError(.undefinedVariable, "a let binding was read outside its scope") }
            return scopes[slot]
        case .field(let name):
            return Self.field(name, of: value)
        case .subexpression(let left, let right):
            let base = try evaluate(left, value)
            if case .null = base { return .null }
            return try evaluate(right, base)
        case .index(let position):
            guard case .array(let elements) = value else { return .null }
            let resolved = position < 0 ? elements.count + position : position
            return elements.indices.contains(resolved) ? elements[resolved] : .null
        case .slice(let start, let stop, let step):
            guard case .array(let elements) = value else { return .null }
            return .array(Self.slice(elements, start: start, stop: stop, step: step))
        case .listProjection(let left, let right):
            guard case .array(let elements) = try evaluate(left, value) else { return .null }
            return .array(try project(elements, right))
        case .valueProjection(let left, let right):
            guard case .object(let object) = try evaluate(left, value) else { return .null }
            return .array(try project(object.uniqueMembers.lazy.map(\.value), right))
        case .filterProjection(let left, let condition, let right):
            guard case .array(let elements) = try evaluate(left, value) else { return .null }
            var results: [JSONValue] = []
            for element in elements where try evaluate(condition, element).isTruthy {
                let result = try evaluate(right, element)
                if !result.isNull { results.append(result) }
            }
            return .array(results)
        case .flatten(let inner):
            guard case .array(let elements) = try evaluate(inner, value) else { return .null }
            var flat: [JSONValue] = []
            flat.reserveCapacity(elements.count)
            for element in elements {
                if case .array(let nested) = element { flat.append(contentsOf: nested) } else { flat.append(element) }
            }
            return .array(flat)
        case .pipe(let left, let right):
            return try evaluate(right, try evaluate(left, value))
        case .or(let left, let right):
            let first = try evaluate(left, value)
            return first.isTruthy ? first : try evaluate(right, value)
        case .and(let left, let right):
            let first = try evaluate(left, value)
            return first.isTruthy ? try evaluate(right, value) : first
        case .not(let inner):
            return .bool(!(try evaluate(inner, value).isTruthy))
        case .comparison(let comparator, let left, let right):
            return Self.compare(comparator, try evaluate(left, value), try evaluate(right, value))
        case .arithmetic(let operation, let left, let right, let column):
            let lhs = try evaluate(left, value)
            let rhs = try evaluate(right, value)
            guard case .number(let a) = lhs, case .number(let b) = rhs else {
                throw ExpressionError(.invalidType, column: column,
                                      "\(operation.symbol) needs two numbers, got \(lhs.typeName) and \(rhs.typeName)")
            }
            return .number(try ExpressionArithmetic.apply(operation, a, b, column: column))
        case .unary(let negate, let inner, let column):
            let operand = try evaluate(inner, value)
            guard case .number(let number) = operand else {
                throw ExpressionError(.invalidType, column: column, "unary \(negate ? "-" : "+") needs a number, got \(operand.typeName)")
            }
            return .number(negate ? ExpressionArithmetic.negate(number) : number)
        case .literal(let literal):
            return literal
        case .multiSelectList, .multiSelectHash:
            var size = 0
            return try measured(node, value, size: &size)
        case .function(let function, let arguments, let column):
            var call = FunctionCall(function: function, column: column)
            for argument in arguments {
                if case .expressionReference(let reference) = argument {
                    call.arguments.append(.reference(reference))
                } else {
                    call.arguments.append(.value(try evaluate(argument, value)))
                }
            }
            try call.checkTypes()
            return try function.body(call, &self)
        case .expressionReference:
            throw ExpressionError(.invalidType, "an expression reference (&…) can only be a function argument")
        case .letExpression(let bindings, let body):
            let outer = scopes.count
            defer { scopes.removeSubrange(outer...) }
            for binding in bindings { scopes.append(try evaluate(binding.value, value)) }
            return try evaluate(body, value)
        case .ternary(let condition, let then, let otherwise):
            return try evaluate(try evaluate(condition, value).isTruthy ? then : otherwise, value)
        }
    }

    /// `name` of `value`: null unless `value` is an object with that member.
    @inline(__always)
    static func field(_ name: String, of value: JSONValue) -> JSONValue {
        if case .object(let object) = value { return object[name] ?? .null }
        return .null
    }

    /// The mapping variable `name`, which `globals` keeps in `slot`.
    @inline(__always)
    static func global(_ name: String, slot: Int, column: Int, in globals: ExpressionVariables, deferred: DeferredVariable?) throws(ExpressionError) -> JSONValue {
        if let global = globals.value(slot: slot, name: name) ?? deferred?.value(of: name) { return global }
        throw ExpressionError(.undefinedVariable, column: column, "$\(name) is not defined")
    }

    /// The value of `node`, its size (as ``JSONValue/size(upTo:)`` counts it) added to `total`,
    /// failing past ``ExpressionLimits/maxValueSize``. Multi-selects are built here and count their
    /// size as they go, so a nest of them (`[[a, {b: c}]]`) is measured once, not walked again at
    /// every level; anything else is evaluated and then measured. Shared sub-values count each time
    /// they appear: that is the size the value has once written.
    private mutating func measured(_ node: ExpressionNode, _ value: JSONValue, size total: inout Int) throws(ExpressionError) -> JSONValue {
        var size = 1
        let result: JSONValue
        switch node {
        case .multiSelectList where value.isNull, .multiSelectHash where value.isNull:
            result = .null
        case .multiSelectList(let elements):
            var results: [JSONValue] = []
            results.reserveCapacity(elements.count)
            for element in elements { results.append(try measured(element, value, size: &size)) }
            result = .array(results)
        case .multiSelectHash(let members, let uniqueKeys):
            var object = JSONObject(capacity: members.count)
            for member in members {
                let memberValue = try measured(member.value, value, size: &size)
                if uniqueKeys {
                    size += member.key.utf8.count
                    object.append(key: member.key, value: memberValue)
                } else {
                    object[member.key] = memberValue
                }
            }
            // A repeated key replaced a member: measure what is left.
            if !uniqueKeys { size = JSONValue.object(object).size(upTo: ExpressionLimits.maxValueSize) }
            object.knownSize = size
            result = .object(object)
        default:
            result = try evaluate(node, value)
            size = result.size(upTo: ExpressionLimits.maxValueSize - total)
        }
        total += size
        guard total <= ExpressionLimits.maxValueSize else {
            throw ExpressionError(.limitExceeded, "a multi-select would build a value larger than \(ExpressionLimits.maxValueSize) (values plus string bytes)")
        }
        return result
    }

    /// `right` applied to each element, nulls dropped: the projection rule.
    private mutating func project(_ elements: some Sequence<JSONValue>, _ right: ExpressionNode) throws(ExpressionError) -> [JSONValue] {
        var results: [JSONValue] = []
        results.reserveCapacity(elements.underestimatedCount)
        for element in elements {
            let result = try evaluate(right, element)
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

/// A variable whose value is made only when an expression reads it (each time it does): a
/// mapping's `$record`, whose text is rarely read and costs a `String` validation of the whole
/// record to make.
final class DeferredVariable: Sendable {
    let name: String
    private let make: @Sendable () -> JSONValue

    init(_ name: String, make: @escaping @Sendable () -> JSONValue) {
        self.name = name
        self.make = make
    }

    /// The value, when `requested` is this variable's name.
    func value(of requested: String) -> JSONValue? { requested == name ? make() : nil }
}

extension JSONValue {
    /// One per value plus the UTF-8 bytes of strings and keys, counting stopped soon after
    /// `limit` so that measuring a huge value costs no more than the limit.
    func size(upTo limit: Int) -> Int {
        switch self {
        case .null, .bool, .number: return 1
        case .string(let string): return 1 + string.utf8.count
        // Elements and members are read in place: iterating would copy (retain) each one.
        case .array(let elements):
            return elements.withUnsafeBufferPointer { buffer in
                var total = 1
                for index in buffer.indices where total <= limit { total += buffer[index].size(upTo: limit - total) }
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
