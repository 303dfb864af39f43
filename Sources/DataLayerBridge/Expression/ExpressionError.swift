/// Why an expression failed to compile or to evaluate, and where.
///
/// Compile errors always carry the 1-based column (in characters) inside the expression text;
/// evaluation errors carry the column of the function or variable that failed when there is one.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure, matching the error names of the JMESPath compliance suite.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The expression text does not follow the grammar (compile time).
        case syntax
        /// A function name that is not in the registry (compile time).
        case unknownFunction
        /// A function called with too few or too many arguments (compile time).
        case invalidArity
        /// A function argument or operand of the wrong JSON type (evaluation).
        case invalidType
        /// An argument of the right type outside the accepted range, such as a slice step of 0.
        case invalidValue
        /// A `$variable` with no binding in scope (evaluation, as JEP 11a demands).
        case undefinedVariable
        /// Arithmetic without a numeric result: division by zero.
        case notANumber
        /// A nesting, size or precision limit was reached; the input is hostile or absurd.
        case limitExceeded

        /// The JMESPath compliance-suite name: `invalid-type`, `syntax`, …
        public var code: String {
            switch self {
            case .syntax: return "syntax"
            case .unknownFunction: return "unknown-function"
            case .invalidArity: return "invalid-arity"
            case .invalidType: return "invalid-type"
            case .invalidValue: return "invalid-value"
            case .undefinedVariable: return "undefined-variable"
            case .notANumber: return "not-a-number"
            case .limitExceeded: return "limit-exceeded"
            }
        }

        /// How messages name the kind: `syntax error`, `invalid type`, …
        var label: String {
            self == .syntax ? "syntax error" : code.replacingDashes()
        }
    }

    /// The class of failure.
    public var kind: Kind
    /// The 1-based column inside the expression (always set for compile errors).
    public var column: Int?
    /// A short human reason, such as `expected ']' but found ','`.
    public var reason: String

    /// Creates an error.
    public init(_ kind: Kind, column: Int? = nil, _ reason: String) {
        self.kind = kind
        self.column = column
        self.reason = reason
    }

    /// `1:7: syntax error: reason` when the column is known, `invalid type: reason` otherwise.
    /// Expressions are one line, so the line is always 1.
    public var description: String {
        if let column { return "1:\(column): \(kind.label): \(reason)" }
        return "\(kind.label): \(reason)"
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? " " : $0 })
    }
}
