/// One function of the expression language: its name, signature and implementation.
///
/// The registry (``ExpressionFunctions/registry``) is consulted at compile time, so a call node
/// holds its function directly and evaluation does no name lookup.
final class ExpressionFunction: Sendable {
    typealias Body = @Sendable (FunctionCall, inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue

    let name: String
    let signature: Signature
    let body: Body
    /// Every parameter takes any value (`coalesce`, `to_string`, …): checking a call's types then
    /// only means refusing expression references.
    let takesAnyValues: Bool
    /// A function of one value of any type that cannot fail (`to_number`, `type`): what it does to
    /// that value, which a step applies without setting up a call.
    let transform: (@Sendable (JSONValue) -> JSONValue)?

    init(_ name: String, _ required: [ArgumentType], optional: [ArgumentType] = [], variadic: Bool = false,
         transform: (@Sendable (JSONValue) -> JSONValue)? = nil, _ body: @escaping Body) {
        self.name = name
        signature = Signature(required: required, optional: optional, variadic: variadic)
        self.body = body
        takesAnyValues = (required + optional).allSatisfy { $0 == .any }
        self.transform = transform
    }

    /// A function of one value of any type that cannot fail.
    convenience init(_ name: String, transform: @escaping @Sendable (JSONValue) -> JSONValue) {
        self.init(name, [.any], transform: transform) { call, _ throws(ExpressionError) in transform(call.value(0)) }
    }

    /// Parameter types: required ones, then optional ones; a variadic function repeats its last
    /// required type.
    struct Signature: Sendable {
        let required: [ArgumentType]
        let optional: [ArgumentType]
        let variadic: Bool

        func type(at position: Int) -> ArgumentType {
            if position < required.count { return required[position] }
            if variadic { return required.last ?? .any }
            return optional[position - required.count]
        }

        /// Why `count` arguments do not fit, or `nil` when they do.
        func arityProblem(_ count: Int) -> String? {
            let minimum = required.count
            if variadic {
                return count >= minimum ? nil : "takes at least \(Self.arguments(minimum)), got \(count)"
            }
            let maximum = minimum + optional.count
            guard count < minimum || count > maximum else { return nil }
            let expected = minimum == maximum ? "\(Self.arguments(minimum))" : "\(minimum) to \(Self.arguments(maximum))"
            return "takes \(expected), got \(count)"
        }

        private static func arguments(_ count: Int) -> String { count == 1 ? "1 argument" : "\(count) arguments" }
    }
}

/// The types a parameter accepts, as a set: `[.string, .array]` accepts either.
struct ArgumentType: OptionSet, Sendable {
    let rawValue: Int

    static let null = ArgumentType(rawValue: 1 << 0)
    static let boolean = ArgumentType(rawValue: 1 << 1)
    static let number = ArgumentType(rawValue: 1 << 2)
    static let string = ArgumentType(rawValue: 1 << 3)
    static let array = ArgumentType(rawValue: 1 << 4)
    static let object = ArgumentType(rawValue: 1 << 5)
    /// An `&expression` argument.
    static let expression = ArgumentType(rawValue: 1 << 6)
    /// An array whose elements are all numbers (the empty array included).
    static let arrayOfNumbers = ArgumentType(rawValue: 1 << 7)
    /// An array whose elements are all strings (the empty array included).
    static let arrayOfStrings = ArgumentType(rawValue: 1 << 8)
    /// An array whose elements are all arrays.
    static let arrayOfArrays = ArgumentType(rawValue: 1 << 9)
    static let any: ArgumentType = [.null, .boolean, .number, .string, .array, .object]

    /// Whether a value argument fits; an `&expression` one fits when `contains(.expression)`.
    func accepts(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number: return contains(.number)
        case .string: return contains(.string)
        case .object: return contains(.object)
        case .array(let elements):
            if contains(.array) { return true }
            if contains(.arrayOfNumbers), elements.allSatisfy({ $0.numberValue != nil }) { return true }
            if contains(.arrayOfStrings), elements.allSatisfy({ $0.stringValue != nil }) { return true }
            if contains(.arrayOfArrays), elements.allSatisfy({ $0.arrayValue != nil }) { return true }
            return false
        }
    }

    /// `a number`, `a string or an array`, …
    var phrase: String {
        if self == .any { return "any value" }
        let names: [(ArgumentType, String)] = [
            (.null, "null"), (.boolean, "a boolean"), (.number, "a number"), (.string, "a string"),
            (.array, "an array"), (.object, "an object"), (.expression, "an expression reference (&…)"),
            (.arrayOfNumbers, "an array of numbers"), (.arrayOfStrings, "an array of strings"),
            (.arrayOfArrays, "an array of arrays"),
        ]
        let parts = names.filter { contains($0.0) }.map(\.1)
        return parts.count < 2 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " or " + parts[parts.count - 1]
    }
}

/// A call's evaluated arguments. The first three live inline, so the usual call allocates
/// nothing; only variadic calls with more spill into an array. An `&expression` argument holds
/// null here: the function reads the expression from the call's step.
struct FunctionArguments {
    private(set) var count = 0
    private var first = JSONValue.null
    private var second = JSONValue.null
    private var third = JSONValue.null
    private var more: [JSONValue] = []

    mutating func append(_ argument: JSONValue) {
        switch count {
        case 0: first = argument
        case 1: second = argument
        case 2: third = argument
        default: more.append(argument)
        }
        count += 1
    }

    /// The argument at `position`, which must be below `count`.
    subscript(position: Int) -> JSONValue {
        switch position {
        case 0: return first
        case 1: return second
        case 2: return third
        default: return more[position - 3]
        }
    }
}

/// One call in progress: typed access to the arguments, and errors that name the function.
struct FunctionCall {
    /// The call being evaluated, which outlives this value: its caller holds it for the whole
    /// call. Unowned, so that making and dropping a call costs no reference counting.
    unowned(unsafe) let step: FunctionStep
    /// Filled in by the evaluator, in place.
    var arguments = FunctionArguments()

    init(_ step: FunctionStep) { self.step = step }

    var function: ExpressionFunction { step.function }
    /// Column of the function name, for evaluation errors.
    var column: Int { step.column }
    var count: Int { arguments.count }

    func error(_ kind: ExpressionError.Kind, _ reason: String) -> ExpressionError {
        ExpressionError(kind, column: column, "\(function.name)(): \(reason)")
    }

    func typeError(_ position: Int, expected: ArgumentType) -> ExpressionError {
        error(.invalidType, "argument \(position + 1) must be \(expected.phrase), got \(step.isReference(position) ? "expression reference" : arguments[position].typeName)")
    }

    /// The value argument at `position` (null for an `&expression`).
    func value(_ position: Int) -> JSONValue { arguments[position] }

    /// The argument at `position`, or `nil` when the call passes fewer (not a ternary: see
    /// ``DeferredVariable/value(of:)``).
    func optionalValue(_ position: Int) -> JSONValue? {
        guard position < arguments.count else { return nil }
        return value(position)
    }

    func string(_ position: Int) throws(ExpressionError) -> String {
        if case .string(let string) = value(position) { return string }
        throw typeError(position, expected: .string)
    }

    func number(_ position: Int) throws(ExpressionError) -> JSONNumber {
        if case .number(let number) = value(position) { return number }
        throw typeError(position, expected: .number)
    }

    func array(_ position: Int) throws(ExpressionError) -> [JSONValue] {
        if case .array(let elements) = value(position) { return elements }
        throw typeError(position, expected: .array)
    }

    func object(_ position: Int) throws(ExpressionError) -> JSONObject {
        if case .object(let object) = value(position) { return object }
        throw typeError(position, expected: .object)
    }

    func reference(_ position: Int) throws(ExpressionError) -> ExpressionStep {
        if let reference = step.reference(position) { return reference }
        throw typeError(position, expected: .expression)
    }

    /// An integer argument (`3`, `3.0`, `-2`); magnitudes beyond `Int64` saturate, which every
    /// caller treats as "beyond any string or array".
    func integer(_ position: Int) throws(ExpressionError) -> Int {
        let number = try number(position)
        guard number.isInteger else { throw error(.invalidValue, "argument \(position + 1) must be an integer, got \(number.text)") }
        if let exact = number.int64Value, let value = Int(exactly: exact) { return value }
        return number < JSONNumber(0) ? Int.min / 2 : Int.max / 2
    }

    /// A non-negative integer argument.
    func count(_ position: Int) throws(ExpressionError) -> Int {
        let value = try integer(position)
        guard value >= 0 else { throw error(.invalidValue, "argument \(position + 1) must not be negative") }
        return value
    }
}

/// The function registry: JMESPath's built-ins, the JMESPath Community string and object
/// functions, and DataLayer Bridge's own.
enum ExpressionFunctions {
    static let registry: [String: ExpressionFunction] = {
        var registry: [String: ExpressionFunction] = [:]
        for function in jmespath + community + dataLayer { registry[function.name] = function }
        return registry
    }()

    /// The names of all functions, sorted.
    static var names: [String] { registry.keys.sorted() }

    // MARK: JMESPath built-ins

    static let jmespath: [ExpressionFunction] = [
        ExpressionFunction("abs", [.number]) { call, _ throws(ExpressionError) in
            .number(ExpressionArithmetic.absolute(try call.number(0)))
        },
        ExpressionFunction("avg", [.arrayOfNumbers]) { call, _ throws(ExpressionError) in
            let numbers = try call.array(0)
            guard !numbers.isEmpty else { return .null }
            let total = try sum(numbers, call)
            return .number(try ExpressionArithmetic.apply(.divide, total, JSONNumber(numbers.count), column: call.column))
        },
        ExpressionFunction("ceil", [.number]) { call, _ throws(ExpressionError) in
            .number(ExpressionArithmetic.ceiling(try call.number(0)))
        },
        ExpressionFunction("contains", [[.array, .string], .any]) { call, _ throws(ExpressionError) in
            let search = call.value(1)
            if case .string(let subject) = call.value(0) {
                guard case .string(let needle) = search else { return false }
                return .bool(subject.holdsBytes(of: needle, at: .anywhere))
            }
            return .bool(try call.array(0).contains(search))
        },
        ExpressionFunction("ends_with", [.string, .string]) { call, _ throws(ExpressionError) in
            .bool(try call.string(0).holdsBytes(of: try call.string(1), at: .end))
        },
        ExpressionFunction("floor", [.number]) { call, _ throws(ExpressionError) in
            .number(ExpressionArithmetic.floor(try call.number(0)))
        },
        ExpressionFunction("join", [.string, .arrayOfStrings]) { call, _ throws(ExpressionError) in
            guard let joined = String.joining(try call.array(1), separator: try call.string(0), maxBytes: ExpressionLimits.maxStringBytes) else {
                throw tooLong(call)
            }
            return .string(joined)
        },
        ExpressionFunction("keys", [.object]) { call, _ throws(ExpressionError) in
            .array(try call.object(0).keys.map { .string($0) })
        },
        ExpressionFunction("length", [[.string, .array, .object]]) { call, _ throws(ExpressionError) in
            switch call.value(0) {
            case .string(let string): return .position(string.scalarCount)
            case .object(let object): return .position(object.keys.count)
            default: return .position(try call.array(0).count)
            }
        },
        ExpressionFunction("map", [.expression, .array]) { call, evaluator throws(ExpressionError) in
            let reference = try call.reference(0)
            let elements = try call.array(1)
            var results: [JSONValue] = []
            results.reserveCapacity(elements.count)
            for element in elements { results.append(try evaluator.evaluate(reference, element)) }
            return .array(results)
        },
        ExpressionFunction("max", [[.arrayOfNumbers, .arrayOfStrings]]) { call, _ throws(ExpressionError) in
            extreme(try call.array(0), keys: try call.array(0).map(SortKey.init), last: true)
        },
        ExpressionFunction("max_by", [.array, .expression]) { call, evaluator throws(ExpressionError) in
            let elements = try call.array(0)
            return extreme(elements, keys: try sortKeys(elements, call, &evaluator), last: true)
        },
        ExpressionFunction("merge", [.object], variadic: true) { call, _ throws(ExpressionError) in
            var merged = JSONObject()
            for position in 0..<call.count {
                for member in try call.object(position).uniqueMembers { merged[member.key] = member.value }
            }
            return .object(merged)
        },
        ExpressionFunction("min", [[.arrayOfNumbers, .arrayOfStrings]]) { call, _ throws(ExpressionError) in
            extreme(try call.array(0), keys: try call.array(0).map(SortKey.init), last: false)
        },
        ExpressionFunction("min_by", [.array, .expression]) { call, evaluator throws(ExpressionError) in
            let elements = try call.array(0)
            return extreme(elements, keys: try sortKeys(elements, call, &evaluator), last: false)
        },
        ExpressionFunction("not_null", [.any], variadic: true) { call, _ throws(ExpressionError) in
            (0..<call.count).lazy.map(call.value).first { !$0.isNull } ?? .null
        },
        ExpressionFunction("reverse", [[.string, .array]]) { call, _ throws(ExpressionError) in
            if case .string(let string) = call.value(0) {
                return .string(String(String.UnicodeScalarView(string.unicodeScalars.reversed())))
            }
            return .array(try call.array(0).reversed())
        },
        ExpressionFunction("sort", [[.arrayOfNumbers, .arrayOfStrings]]) { call, _ throws(ExpressionError) in
            let elements = try call.array(0)
            return .array(sorted(elements, keys: elements.map(SortKey.init)))
        },
        ExpressionFunction("sort_by", [.array, .expression]) { call, evaluator throws(ExpressionError) in
            let elements = try call.array(0)
            return .array(sorted(elements, keys: try sortKeys(elements, call, &evaluator)))
        },
        ExpressionFunction("starts_with", [.string, .string]) { call, _ throws(ExpressionError) in
            .bool(try call.string(0).holdsBytes(of: try call.string(1), at: .start))
        },
        ExpressionFunction("sum", [.arrayOfNumbers]) { call, _ throws(ExpressionError) in
            .number(try sum(try call.array(0), call))
        },
        ExpressionFunction("to_array") { value in
            if case .array = value { return value }
            return [value]
        },
        ExpressionFunction("to_number") { value in
            switch value {
            case .number: return value
            case .string(let text): return number(reading: text).map(JSONValue.number) ?? .null
            default: return .null
            }
        },
        ExpressionFunction("to_string", [.any]) { call, _ throws(ExpressionError) in
            if case .string = call.value(0) { return call.value(0) }
            return .string(try limited(call.value(0).description, call))
        },
        ExpressionFunction("type") { value in .string(value.typeName) },
        ExpressionFunction("values", [.object]) { call, _ throws(ExpressionError) in
            .array(try call.object(0).uniqueMembers.map(\.value))
        },
    ]

    // MARK: Helpers shared by the functions

    /// Exact decimal sum; `0` for no numbers.
    static func sum(_ numbers: [JSONValue], _ call: FunctionCall) throws(ExpressionError) -> JSONNumber {
        var total = JSONNumber(0)
        for case .number(let number) in numbers {
            total = try ExpressionArithmetic.apply(.add, total, number, column: call.column)
        }
        return total
    }

    /// `text` as a number when it is JSON number text, as `JSONNumber(text:)` reads it, but checked
    /// in place rather than copied into an array first.
    static func number(reading text: String) -> JSONNumber? {
        let valid = text.withBytes { JSONNumberSyntax.length(of: UnsafeRawBufferPointer($0), at: 0) == $0.count }
        return valid ? JSONNumber(uncheckedText: text) : nil
    }

    /// `string`, unless it is longer than the expression language lets a function build.
    static func limited(_ string: String, _ call: FunctionCall) throws(ExpressionError) -> String {
        guard string.utf8.count <= ExpressionLimits.maxStringBytes else { throw tooLong(call) }
        return string
    }

    /// Why a function stops rather than build a string longer than the language allows.
    static func tooLong(_ call: FunctionCall) -> ExpressionError {
        call.error(.limitExceeded, "result is longer than \(ExpressionLimits.maxStringBytes) bytes")
    }

    /// What `sort`, `max` and the `_by` functions order by: numbers or strings, never a mix.
    enum SortKey {
        /// Read once per element: comparing `ExactDecimal`s allocates nothing.
        case number(ExactDecimal)
        case string(String)

        /// Only called on values a signature check has made numbers or strings.
        init(_ value: JSONValue) {
            switch value {
            case .number(let number): self = .number(number.decimalValue)
            default: self = .string(value.stringValue ?? "")
            }
        }

        /// Numbers by exact value, strings by code point (not by Swift's canonical ordering).
        func precedes(_ other: SortKey) -> Bool {
            switch (self, other) {
            case (.number(let a), .number(let b)): return a < b
            case (.string(let a), .string(let b)): return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
            default: return false
            }
        }
    }

    /// The `&expression` of a `_by` function applied to each element: all numbers or all strings.
    static func sortKeys(_ elements: [JSONValue], _ call: FunctionCall, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> [SortKey] {
        let reference = try call.reference(1)
        var keys: [SortKey] = []
        keys.reserveCapacity(elements.count)
        var expected: String?
        for element in elements {
            let key = try evaluator.evaluate(reference, element)
            let type = key.typeName
            guard type == "number" || type == "string", expected == nil || expected == type else {
                throw call.error(.invalidType, "the expression must give all numbers or all strings, got \(expected.map { "\($0) and " } ?? "")\(type)")
            }
            expected = type
            keys.append(SortKey(key))
        }
        return keys
    }

    /// A stable sort of `elements` by `keys`.
    static func sorted(_ elements: [JSONValue], keys: [SortKey]) -> [JSONValue] {
        let order = keys.indices.sorted { a, b in
            keys[a].precedes(keys[b]) || (!keys[b].precedes(keys[a]) && a < b)
        }
        return order.map { elements[$0] }
    }

    /// The element with the smallest (or, with `last`, largest) key, the first one on ties; null
    /// for no elements.
    static func extreme(_ elements: [JSONValue], keys: [SortKey], last: Bool) -> JSONValue {
        guard var best = keys.indices.first else { return .null }
        for index in keys.indices.dropFirst() where last ? keys[best].precedes(keys[index]) : keys[index].precedes(keys[best]) {
            best = index
        }
        return elements[best]
    }
}

/// Sizes beyond which evaluation stops with `limitExceeded` rather than exhausting memory.
enum ExpressionLimits {
    /// The longest string a function may build (`pad_left`, `join`, `replace`, `to_string`…).
    static let maxStringBytes = 1 << 22
    /// The largest value a multi-select may build, counting one per value plus string bytes:
    /// without it, `[@, @]` nested a few dozen times describes an exponentially large document.
    static let maxValueSize = 1 << 22
}

extension Array where Element == Unicode.Scalar {
    /// The first position in `range` (clamped to the array) where `needle` starts and fits
    /// entirely inside `range`; `nil` for no match or an empty needle.
    func firstIndex(of needle: [Unicode.Scalar], in range: Range<Int>) -> Int? {
        let upper = Swift.min(range.upperBound, count)
        guard !needle.isEmpty, range.lowerBound >= 0, upper - range.lowerBound >= needle.count else { return nil }
        for start in range.lowerBound...(upper - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
