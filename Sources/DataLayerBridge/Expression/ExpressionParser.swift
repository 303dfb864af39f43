/// A top-down operator-precedence (Pratt) parser from tokens to ``ExpressionNode``.
///
/// Each token has a left binding power; an infix operator continues the expression on its left
/// while its power exceeds the caller's. Projections (`[*]`, `[]`, `.*`, `[?…]`, slices) take
/// everything after them that binds at least as tightly as `projectionStop`, which is how
/// `a[*].b.c` projects `b.c` but `a[*].b | c` does not project `c`.
struct ExpressionParser {
    private let tokens: [ExpressionToken]
    private var index = 0
    /// Depth of the tree being built: recursion plus left-nesting chains such as `a.b.c`.
    private var depth = 0
    /// Whether a `let` was parsed: without one there are no locals to resolve, and resolving
    /// would rebuild the whole tree unchanged.
    private var bindsLocals = false

    /// Deepest accepted nesting. Evaluation recurses along the same tree, so this also bounds the
    /// evaluator's stack.
    static let maxDepth = 256

    private static let projectionStop = 10

    init(tokens: [ExpressionToken]) {
        self.tokens = tokens
    }

    /// Parses a whole expression, its `let`-bound variables resolved to scope-stack positions
    /// (``ExpressionNode/resolvingLocals(in:depth:)``).
    static func parse(_ source: String) throws(ExpressionError) -> ExpressionNode {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokenize(source))
        let node = try parser.expression(0)
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return parser.bindsLocals ? node.resolvingLocals(in: [:], depth: 0) : node
    }

    private var current: ExpressionToken { tokens[index] }
    private var nextKind: ExpressionToken.Kind { tokens[min(index + 1, tokens.count - 1)].kind }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func unexpected(_ expected: String? = nil) -> ExpressionError {
        let found = Self.describe(current.kind)
        let reason = expected.map { "expected \($0) but found \(found)" } ?? "unexpected \(found)"
        return ExpressionError(.syntax, column: current.column, reason)
    }

    private mutating func expect(_ kind: ExpressionToken.Kind, _ what: String) throws(ExpressionError) {
        guard current.kind == kind else { throw unexpected(what) }
        advance()
    }

    private static func bindingPower(_ kind: ExpressionToken.Kind) -> Int {
        switch kind {
        case .pipe: return 1
        case .question: return 2
        case .or: return 3
        case .and: return 4
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return 5
        case .plus, .minus: return 6
        case .star, .divide, .modulo, .integerDivide: return 7
        case .flatten: return 9
        case .filter: return 21
        case .dot: return 40
        case .lbrace: return 50
        case .lbracket: return 55
        case .lparen: return 60
        default: return 0
        }
    }

    /// What a projection's right-hand side binds with: `[*]` and slices, `.*`, `[?…]`, `[]`.
    private static let starPower = 20
    private static let notPower = 45
    /// Unary minus binds tighter than any binary operator but looser than `.` and `[…]`, so
    /// `-a.b * c` is `(-(a.b)) * c`.
    private static let unaryPower = 8

    private mutating func expression(_ rightPower: Int) throws(ExpressionError) -> ExpressionNode {
        let saved = depth
        defer { depth = saved }
        try deepen()
        return try infix(try nud(), rightPower)
    }

    /// Extends `left` with every infix operator that binds tighter than `rightPower`.
    private mutating func infix(_ left: ExpressionNode, _ rightPower: Int) throws(ExpressionError) -> ExpressionNode {
        var left = left
        while rightPower < Self.bindingPower(current.kind) {
            try deepen()
            left = try led(left)
        }
        return left
    }

    private mutating func deepen() throws(ExpressionError) {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw ExpressionError(.limitExceeded, column: current.column, "expression nests deeper than \(Self.maxDepth)")
        }
    }

    // MARK: Prefix positions

    private mutating func nud() throws(ExpressionError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case .identifier(let name):
            if name == "let", case .variable = nextKind { return try letExpression() }
            return try identifier(name)
        case .quotedIdentifier(let name):
            advance()
            if current.kind == .lparen {
                throw ExpressionError(.syntax, column: token.column, "a function name cannot be quoted")
            }
            return .field(name)
        case .rawString(let string):
            advance()
            return .literal(.string(string))
        case .literal(let value):
            advance()
            return .literal(value)
        case .current:
            advance()
            return .current
        case .root:
            advance()
            return .root
        case .variable(let name):
            advance()
            return .variable(name, column: token.column)
        case .star:
            advance()
            return .valueProjection(.current, try projectionRight(Self.starPower))
        case .flatten:
            advance()
            return .listProjection(.flatten(.current), try projectionRight(Self.bindingPower(.flatten)))
        case .filter:
            advance()
            return try filter(.current)
        case .lbracket:
            advance()
            if isIndexStart {
                return try bracketSpecifier(.current)
            }
            if current.kind == .star, nextKind == .rbracket {
                advance()
                advance()
                return .listProjection(.current, try projectionRight(Self.starPower))
            }
            return try multiSelectList()
        case .lbrace:
            advance()
            return try multiSelectHash()
        case .lparen:
            advance()
            let inner = try expression(0)
            try expect(.rparen, "')'")
            return inner
        case .ampersand:
            advance()
            return .expressionReference(try expression(0))
        case .not:
            advance()
            return .not(try expression(Self.notPower))
        case .minus, .plus:
            advance()
            return .unary(negate: token.kind == .minus, try expression(Self.unaryPower), column: token.column)
        case .number:
            throw ExpressionError(.syntax, column: token.column, "a number here needs backticks, as in `1`")
        default:
            throw unexpected()
        }
    }

    /// `name` or `name(arguments)`.
    private mutating func identifier(_ name: String) throws(ExpressionError) -> ExpressionNode {
        let column = current.column
        advance()
        guard current.kind == .lparen else { return .field(name) }
        advance()
        var arguments: [ExpressionNode] = []
        while current.kind != .rparen {
            if !arguments.isEmpty { try expect(.comma, "',' or ')'") }
            arguments.append(try expression(0))
        }
        advance()
        guard let function = ExpressionFunctions.registry[name] else {
            throw ExpressionError(.unknownFunction, column: column, "unknown function \(name)()")
        }
        if let problem = function.signature.arityProblem(arguments.count) {
            throw ExpressionError(.invalidArity, column: column, "\(name)() \(problem)")
        }
        return .function(function, arguments, column: column)
    }

    /// `let $a = …, $b = … in body`.
    private mutating func letExpression() throws(ExpressionError) -> ExpressionNode {
        bindsLocals = true
        advance()
        var bindings: [(name: String, value: ExpressionNode)] = []
        repeat {
            if !bindings.isEmpty { advance() }
            guard case .variable(let name) = current.kind else { throw unexpected("a $variable") }
            advance()
            try expect(.assign, "'='")
            bindings.append((name, try expression(0)))
        } while current.kind == .comma
        guard case .identifier("in") = current.kind else { throw unexpected("',' or 'in'") }
        advance()
        return .letExpression(bindings, try expression(0))
    }

    // MARK: Infix positions

    private mutating func led(_ left: ExpressionNode) throws(ExpressionError) -> ExpressionNode {
        let token = current
        let power = Self.bindingPower(token.kind)
        advance()
        switch token.kind {
        case .dot:
            return .subexpression(left, try dotRight(power))
        case .pipe:
            return .pipe(left, try expression(power))
        case .or:
            return .or(left, try expression(power))
        case .and:
            return .and(left, try expression(power))
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return .comparison(Self.comparator(token.kind), left, try expression(power))
        case .plus, .minus, .star, .divide, .modulo, .integerDivide:
            return .arithmetic(Self.arithmetic(token.kind), left, try expression(power), column: token.column)
        case .question:
            let then = try expression(0)
            try expect(.colon, "':'")
            // One less than its own power: `a ? b : c ? d : e` groups to the right.
            return .ternary(left, then, try expression(power - 1))
        case .flatten:
            return .listProjection(.flatten(left), try projectionRight(power))
        case .filter:
            return try filter(left)
        case .lbracket:
            if isIndexStart { return try bracketSpecifier(left) }
            if current.kind == .star, nextKind == .rbracket {
                advance()
                advance()
                return .listProjection(left, try projectionRight(Self.starPower))
            }
            throw unexpected("an index, a slice or '*'")
        default:
            index -= 1
            throw unexpected()
        }
    }

    private static func comparator(_ kind: ExpressionToken.Kind) -> ExpressionNode.Comparator {
        switch kind {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        default: return .greaterEqual
        }
    }

    private static func arithmetic(_ kind: ExpressionToken.Kind) -> ExpressionNode.ArithmeticOperator {
        switch kind {
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .divide: return .divide
        case .modulo: return .modulo
        default: return .integerDivide
        }
    }

    /// After `.`: an identifier, a function call, a multi-select or `*`; never a literal or index.
    private mutating func dotRight(_ power: Int) throws(ExpressionError) -> ExpressionNode {
        switch current.kind {
        case .identifier(let name):
            let saved = depth
            defer { depth = saved }
            return try infix(try identifier(name), power)
        case .quotedIdentifier, .star:
            return try expression(power)
        case .lbracket:
            advance()
            return try multiSelectList()
        case .lbrace:
            advance()
            return try multiSelectHash()
        default:
            throw unexpected("a name, '*', '[' or '{' after '.'")
        }
    }

    /// What a projection applies to each element: nothing (`@`) when the next token binds too
    /// loosely, otherwise the chain of `.…`, `[…]` and `[?…]` that follows.
    private mutating func projectionRight(_ power: Int) throws(ExpressionError) -> ExpressionNode {
        let next = Self.bindingPower(current.kind)
        if next < Self.projectionStop { return .current }
        switch current.kind {
        case .lbracket, .filter:
            return try expression(power)
        case .dot:
            advance()
            return try dotRight(power)
        default:
            throw unexpected()
        }
    }

    /// `[?condition]` after `left`, with the projected right-hand side.
    private mutating func filter(_ left: ExpressionNode) throws(ExpressionError) -> ExpressionNode {
        let condition = try expression(0)
        try expect(.rbracket, "']'")
        return .filterProjection(left, condition: condition, try projectionRight(Self.bindingPower(.filter)))
    }

    // MARK: Brackets

    private var isIndexStart: Bool {
        switch current.kind {
        case .number, .colon: return true
        case .minus: if case .number = nextKind { return true }
        default: break
        }
        return false
    }

    /// A signed integer: `-` must touch its digits, as in `[-1]`.
    private mutating func signedNumber() throws(ExpressionError) -> Int? {
        var negative = false
        if current.kind == .minus {
            let minus = current
            advance()
            guard case .number = current.kind, current.column == minus.endColumn else { throw unexpected("a number") }
            negative = true
        }
        guard case .number(let value) = current.kind else { return nil }
        advance()
        return negative ? -value : value
    }

    /// After `[` has been consumed and a number or `:` is next: `[n]` or `[a:b:c]`.
    private mutating func bracketSpecifier(_ left: ExpressionNode) throws(ExpressionError) -> ExpressionNode {
        let start = try signedNumber()
        if current.kind == .rbracket, let start {
            advance()
            return left.isCurrent ? .index(start) : .subexpression(left, .index(start))
        }
        var parts: [Int?] = [start]
        var stepColumn = current.column
        while current.kind == .colon, parts.count < 3 {
            let colon = current
            advance()
            if parts.count == 2, current.kind == .rbracket {
                parts.append(nil)
                break
            }
            if parts.count == 2 { stepColumn = colon.endColumn }
            parts.append(try signedNumber())
        }
        try expect(.rbracket, parts.count < 3 ? "':' or ']'" : "']'")
        if parts.count == 3, parts[2] == 0 {
            throw ExpressionError(.invalidValue, column: stepColumn, "slice step cannot be 0")
        }
        let slice = ExpressionNode.slice(start: parts[0], stop: parts[1], step: (parts.count == 3 ? parts[2] : nil) ?? 1)
        let sliced = left.isCurrent ? slice : .subexpression(left, slice)
        return .listProjection(sliced, try projectionRight(Self.starPower))
    }

    private mutating func multiSelectList() throws(ExpressionError) -> ExpressionNode {
        var elements: [ExpressionNode] = []
        repeat {
            if !elements.isEmpty { advance() }
            elements.append(try expression(0))
        } while current.kind == .comma
        try expect(.rbracket, "',' or ']'")
        return .multiSelectList(elements)
    }

    private mutating func multiSelectHash() throws(ExpressionError) -> ExpressionNode {
        var members: [(key: String, value: ExpressionNode)] = []
        repeat {
            if !members.isEmpty { advance() }
            let key: String
            switch current.kind {
            case .identifier(let name), .quotedIdentifier(let name): key = name
            default: throw unexpected("a key")
            }
            advance()
            try expect(.colon, "':'")
            members.append((key, try expression(0)))
        } while current.kind == .comma
        try expect(.rbrace, "',' or '}'")
        return .multiSelectHash(members, uniqueKeys: Set(members.map(\.key)).count == members.count)
    }

    private static func describe(_ kind: ExpressionToken.Kind) -> String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .quotedIdentifier(let name): return "\"\(name)\""
        case .rawString: return "a raw string"
        case .literal: return "a literal"
        case .number(let value): return "number \(value)"
        case .variable(let name): return "$\(name)"
        case .end: return "the end of the expression"
        case .dot: return "'.'"
        case .star: return "'*'"
        case .lbracket: return "'['"
        case .rbracket: return "']'"
        case .flatten: return "'[]'"
        case .filter: return "'[?'"
        case .lbrace: return "'{'"
        case .rbrace: return "'}'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .comma: return "','"
        case .colon: return "':'"
        case .pipe: return "'|'"
        case .or: return "'||'"
        case .and: return "'&&'"
        case .not: return "'!'"
        case .ampersand: return "'&'"
        case .current: return "'@'"
        case .root: return "'$'"
        case .assign: return "'='"
        case .question: return "'?'"
        case .equal: return "'=='"
        case .notEqual: return "'!='"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .divide: return "'/'"
        case .integerDivide: return "'//'"
        case .modulo: return "'%'"
        }
    }
}

extension ExpressionNode {
    fileprivate var isCurrent: Bool {
        if case .current = self { return true }
        return false
    }
}
