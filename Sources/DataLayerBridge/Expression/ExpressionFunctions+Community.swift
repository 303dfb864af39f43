/// The JMESPath Community functions: object manipulation (JEP 13) and strings (JEP 14a).
/// Positions and lengths count Unicode code points, as `length()` does.
extension ExpressionFunctions {
    /// `from_items(items(X)[?[1] != `null`])` in one step: the members of X that are not null.
    /// Mappings write it to leave optional members out; built this way, the pairs, the filter's
    /// per-pair evaluation and the second object are never made. Named and typed as `items`, so a
    /// non-object X fails with the very error `items` gives (the rest of the chain cannot fail).
    static let nonNullMembers = ExpressionFunction("items", [.object]) { call, _ throws(ExpressionError) in
        let source = try call.object(0)
        let members = source.uniqueMembers
        // Nothing to leave out: the object itself is the result.
        if members.count == source.count, !members.contains(where: { $0.value.isNull }) { return call.value(0) }
        var object = JSONObject(capacity: members.count)
        var dropped = 0
        for member in members {
            if member.value.isNull { dropped += member.key.utf8.count + 1 } else { object.append(key: member.key, value: member.value) }
        }
        // What the multi-select measured, less the null members: the list's guard need not walk it again.
        if source.knownSize > 0 && members.count == source.count { object.knownSize = source.knownSize - dropped }
        return .object(object)
    }

    static let community: [ExpressionFunction] = [
        ExpressionFunction("items", [.object]) { call, _ throws(ExpressionError) in
            .array(try call.object(0).uniqueMembers.map { [.string($0.key), $0.value] })
        },
        ExpressionFunction("from_items", [.arrayOfArrays]) { call, _ throws(ExpressionError) in
            var object = JSONObject()
            for pair in try call.array(0) {
                guard let elements = pair.arrayValue, elements.count == 2, case .string(let key) = elements[0] else {
                    throw call.error(.invalidType, "each item must be a [string, value] pair, got \(pair)")
                }
                object[key] = elements[1]
            }
            return .object(object)
        },
        ExpressionFunction("zip", [.array], variadic: true) { call, _ throws(ExpressionError) in
            var arrays: [[JSONValue]] = []
            for position in 0..<call.count { arrays.append(try call.array(position)) }
            let length = arrays.map(\.count).min() ?? 0
            return .array((0..<length).map { index in .array(arrays.map { $0[index] }) })
        },
        ExpressionFunction("lower", [.string]) { call, _ throws(ExpressionError) in
            let string = try call.string(0)
            return .string(string.caseMapped(upper: false) ?? string.lowercased())
        },
        ExpressionFunction("upper", [.string]) { call, _ throws(ExpressionError) in
            let string = try call.string(0)
            return .string(try limited(string.caseMapped(upper: true) ?? string.uppercased(), call))
        },
        ExpressionFunction("replace", [.string, .string, .string], optional: [.number]) { call, _ throws(ExpressionError) in
            let remaining = call.count > 3 ? try call.count(3) : Int.max
            let (subject, old, new) = (try call.string(0), try call.string(1), try call.string(2))
            if old.isEmpty { return .string(try insertingBetweenCharacters(subject, new, remaining, call)) }
            guard let result = subject.replacing(old, with: new, limit: remaining, maxBytes: ExpressionLimits.maxStringBytes) else {
                throw tooLong(call)
            }
            return .string(result)
        },
        ExpressionFunction("split", [.string, .string], optional: [.number]) { call, _ throws(ExpressionError) in
            let subject = try call.string(0)
            let separator = try call.string(1)
            let remaining = call.count > 2 ? try call.count(2) : Int.max
            guard separator.isEmpty else {
                return .array(subject.pieces(separatedBy: separator, limit: remaining))
            }
            let scalars = Array(subject.unicodeScalars)
            if remaining >= scalars.count { return .array(scalars.map { .string(String($0)) }) }
            let rest = String(String.UnicodeScalarView(scalars[remaining...]))
            return .array(scalars.prefix(remaining).map { .string(String($0)) } + [.string(rest)])
        },
        trim("trim", leading: true, trailing: true),
        trim("trim_left", leading: true, trailing: false),
        trim("trim_right", leading: false, trailing: true),
        pad("pad_left", left: true),
        pad("pad_right", left: false),
        find("find_first", last: false),
        find("find_last", last: true),
    ]

    /// `trim`, `trim_left`, `trim_right`: strip characters of the set given (Unicode white space
    /// when it is absent or empty).
    private static func trim(_ name: String, leading: Bool, trailing: Bool) -> ExpressionFunction {
        ExpressionFunction(name, [.string], optional: [.string]) { call, _ throws(ExpressionError) in
            let subject = try call.string(0)
            let set = call.count > 1 ? try call.string(1) : ""
            return .string(subject.asciiTrimmed(stripping: set, leading: leading, trailing: trailing)
                ?? trimmed(subject, stripping: set, leading: leading, trailing: trailing))
        }
    }

    /// `subject` without the characters of `set` (Unicode white space when it is empty) at its
    /// start and/or end, scalar by scalar: what ``String/asciiTrimmed(stripping:leading:trailing:)``
    /// leaves to it.
    static func trimmed(_ subject: String, stripping set: String, leading: Bool, trailing: Bool) -> String {
        let set = Set(set.unicodeScalars)
        let strip: (Unicode.Scalar) -> Bool = set.isEmpty ? { $0.properties.isWhitespace } : { set.contains($0) }
        let scalars = subject.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        if leading { while start < end, strip(scalars[start]) { scalars.formIndex(after: &start) } }
        if trailing {
            while end > start, strip(scalars[scalars.index(before: end)]) { scalars.formIndex(before: &end) }
        }
        if start == scalars.startIndex && end == scalars.endIndex { return subject }
        return String(scalars[start..<end])
    }

    /// `replace` with an empty `old`, which matches before every character and at the end, as in
    /// Python: `new` inserted there, at most `remaining` times.
    private static func insertingBetweenCharacters(_ subject: String, _ new: String, _ remaining: Int, _ call: FunctionCall) throws(ExpressionError) -> String {
        let scalars = Array(subject.unicodeScalars)
        let insertions = Swift.min(remaining, scalars.count + 1)
        guard subject.utf8.count + insertions * new.utf8.count <= ExpressionLimits.maxStringBytes else {
            throw tooLong(call)
        }
        var result = ""
        for (index, scalar) in scalars.enumerated() {
            if index < insertions { result += new }
            result.unicodeScalars.append(scalar)
        }
        if insertions > scalars.count { result += new }
        return result
    }

    /// `pad_left`, `pad_right`: pad to a width with one character (a space by default).
    private static func pad(_ name: String, left: Bool) -> ExpressionFunction {
        ExpressionFunction(name, [.string, .number], optional: [.string]) { call, _ throws(ExpressionError) in
            let subject = try call.string(0)
            let width = try call.count(1)
            let padding = call.count > 2 ? try call.string(2) : " "
            guard padding.unicodeScalars.count == 1 else {
                throw call.error(.invalidValue, "the padding must be exactly one character, got \"\(padding)\"")
            }
            let length = subject.unicodeScalars.count
            guard width > length else { return .string(subject) }
            guard width <= ExpressionLimits.maxStringBytes else {
                throw call.error(.limitExceeded, "width \(width) is beyond \(ExpressionLimits.maxStringBytes)")
            }
            let fill = String(repeating: padding, count: width - length)
            return .string(left ? fill + subject : subject + fill)
        }
    }

    /// `find_first`, `find_last`: the code-point index of a substring inside the slice
    /// `[start:end]` (Python slice bounds), or null.
    private static func find(_ name: String, last: Bool) -> ExpressionFunction {
        ExpressionFunction(name, [.string, .string], optional: [.number, .number]) { call, _ throws(ExpressionError) in
            let subject = Array(try call.string(0).unicodeScalars)
            let needle = Array(try call.string(1).unicodeScalars)
            func bound(_ position: Int, default fallback: Int) throws(ExpressionError) -> Int {
                guard position < call.count else { return fallback }
                let value = try call.integer(position)
                return value < 0 ? max(value + subject.count, 0) : min(value, subject.count)
            }
            let start = try bound(2, default: 0)
            let end = try bound(3, default: subject.count)
            guard start < end else { return .null }
            let found: Int?
            if last {
                found = Array(subject.reversed()).firstIndex(of: needle.reversed(), in: (subject.count - end)..<(subject.count - start))
                    .map { subject.count - $0 - needle.count }
            } else {
                found = subject.firstIndex(of: needle, in: start..<end)
            }
            return found.map { .number(JSONNumber($0)) } ?? .null
        }
    }
}
