// Directives that produce a value directly: @path, @expr, @literal, @template.

/// `{"@path": "$.a.b[0]"}`: the value at a mapping-kit path; null or absent is missing.
struct PathDirective: Directive {
    static let name = "@path"
    let path: Expression
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> PathDirective {
        PathDirective(path: try compiler.path(argument, "@path"), location: argument.location)
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        try path.resolve(scope, at: location, in: Self.name)
    }

    var read: Expression.SingleRead? { path.singleRead }
}

/// `{"@expr": "sum(items[].price)"}`: a JMESPath expression; a null result is missing.
struct ExprDirective: Directive {
    static let name = "@expr"
    let expression: Expression
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> ExprDirective {
        ExprDirective(expression: try compiler.expression(argument, "@expr"), location: argument.location)
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        try expression.resolve(scope, at: location, in: Self.name)
    }

    var read: Expression.SingleRead? { expression.singleRead }
}

/// `{"@literal": value}`: the value exactly as written, directives inside it included (mapping-kit
/// resolves them; we do not, so `@literal` is how to output an `@` key). `{"@literal": null}` is null.
struct LiteralDirective: Directive {
    static let name = "@literal"
    let value: JSONValue

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> LiteralDirective {
        LiteralDirective(value: argument.value)
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? { value }
}

/// `{"@template": "Hi {{user.name}}!"}`: text with `{{path}}` placeholders (paths as in `@path`,
/// `$.` optional). Strings go in as they are, numbers by their exact text, booleans as
/// `true`/`false`, arrays and objects as compact JSON; null and missing as nothing.
struct TemplateStringDirective: Directive {
    static let name = "@template"

    enum Part: Sendable {
        case text(String)
        case placeholder(Expression)
    }

    let parts: [Part]
    let location: MappingLocation

    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> TemplateStringDirective {
        let scalars = Array(try argument.requireString("@template").unicodeScalars)
        var parts: [Part] = []
        var text = ""
        var position = 0
        while position < scalars.count {
            guard scalars[position] == "{", position + 1 < scalars.count, scalars[position + 1] == "{" else {
                text.unicodeScalars.append(scalars[position])
                position += 1
                continue
            }
            guard let close = closingBraces(scalars, from: position + 2) else {
                throw compiler.positioned(ExpressionError(.syntax, column: position + 1, "'{{' without a closing '}}'"), label: "@template", at: argument, startingAt: 0)
            }
            var start = position + 2
            var end = close
            while start < end, scalars[start] == " " { start += 1 }
            while end > start, scalars[end - 1] == " " { end -= 1 }
            guard start < end else {
                throw compiler.positioned(ExpressionError(.syntax, column: position + 1, "empty placeholder '{{}}'"), label: "@template", at: argument, startingAt: 0)
            }
            var path = ""
            path.unicodeScalars.append(contentsOf: scalars[start..<end])
            if !text.isEmpty { parts.append(.text(text)) }
            text = ""
            parts.append(.placeholder(try compiler.path(path, at: argument, startingAt: start)))
            position = close + 2
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return TemplateStringDirective(parts: parts, location: argument.location)
    }

    private static func closingBraces(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index + 1 < scalars.count {
            if scalars[index] == "}" && scalars[index + 1] == "}" { return index }
            index += 1
        }
        return nil
    }

    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        var result = ""
        for part in parts {
            switch part {
            case .text(let text): result += text
            case .placeholder(let path): result += try path.resolve(scope, at: location, in: Self.name)?.interpolationText ?? ""
            }
        }
        return .string(result)
    }
}

extension JSONValue {
    /// How a value reads inside text: strings as they are, numbers by their exact text, booleans
    /// as `true`/`false`, null as nothing, arrays and objects as compact JSON.
    var interpolationText: String {
        switch self {
        case .string(let string): return string
        case .number(let number): return number.text
        case .bool(let bool): return bool ? "true" : "false"
        case .null: return ""
        case .array, .object: return description
        }
    }
}

extension Expression {
    /// The value for `scope`, `nil` (missing) when it is null; failures become runtime errors
    /// located at the directive.
    func resolve(_ scope: TemplateScope, at location: MappingLocation, in directive: String) throws(MappingRuntimeError) -> JSONValue? {
        let value = try evaluate(scope, at: location, in: directive)
        // Spelled out: in `isNull ? nil : value` the literal would become JSONValue.null.
        if value.isNull { return .none }
        return value
    }

    /// The value for `scope`, null kept; failures become runtime errors located at the directive.
    func evaluate(_ scope: TemplateScope, at location: MappingLocation, in directive: String) throws(MappingRuntimeError) -> JSONValue {
        do {
            return try evaluate(scope.inputs)
        } catch {
            throw MappingRuntimeError(error, at: location, in: directive)
        }
    }
}

extension MappingRuntimeError {
    /// The failure of an expression evaluated for `directive` (or `let`, `match`), located there.
    init(_ error: ExpressionError, at location: MappingLocation, in directive: String) {
        let column = error.column.map { " (column \($0) of the expression)" } ?? ""
        self.init(location: location, reason: "\(directive): \(error.kind.label)\(column): \(error.reason)")
    }
}
