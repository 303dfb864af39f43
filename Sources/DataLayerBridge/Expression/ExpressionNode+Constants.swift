extension ExpressionNode {
    /// The tree with every part whose value is the same on every evaluation replaced by that value,
    /// computed once: free variables that `values` names (a mapping's `$config`, its `let`s that
    /// came out constant) become literals, a ternary, `||` or `&&` on a literal keeps the branch it
    /// takes, and a node whose inputs are all literals (`lower('A')`, `$config.index_base == '0'`,
    /// `map(&lower(@), $config.names)`) becomes its value.
    ///
    /// A part whose evaluation fails is left as it is, so the failure happens, and reads as it
    /// always did, when the expression runs.
    func foldingConstants(_ values: [String: JSONValue]) -> ExpressionNode {
        foldedConstants(values) ?? self
    }

    /// ``foldingConstants(_:)``, or `nil` when nothing in the tree folds: most of a tree does not,
    /// and is then shared rather than rebuilt.
    private func foldedConstants(_ values: [String: JSONValue]) -> ExpressionNode? {
        if case .variable(let name, _) = self { return values[name].map { .literal($0) } }
        let replaced = replacingChildren { $0.foldedConstants(values) }
        let node = replaced ?? self
        switch node {
        case .ternary(.literal(let condition), let then, let otherwise):
            return condition.isTruthy ? then : otherwise
        case .or(.literal(let left), let right):
            return left.isTruthy ? .literal(left) : right
        case .and(.literal(let left), let right):
            return left.isTruthy ? right : .literal(left)
        default:
            guard node.hasConstantInputs else { return replaced }
            let step = node.step()
            let inputs = EvaluationInputs(root: .null, globals: ExpressionVariables(), deferred: nil)
            guard let value = try? ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: node.scopeCapacity, { evaluator throws(ExpressionError) in try step.evaluate(.null, &evaluator) }) else {
                return replaced
            }
            return .literal(value)
        }
    }

    /// Whether the node's value depends on nothing but literal children: not on the current node,
    /// the root or a variable. Children are already folded, so a constant child is a literal. A
    /// multi-select reads the current node (it is null on null); `&expression` arguments and the
    /// right of a projection or pipe run on values the literal on their left gives, so they only
    /// have to read nothing from outside.
    private var hasConstantInputs: Bool {
        switch self {
        case .subexpression(.literal, let right), .pipe(.literal, let right),
             .listProjection(.literal, let right), .valueProjection(.literal, let right):
            return right.readsOnlyCurrent
        case .filterProjection(.literal, let condition, let right):
            return condition.readsOnlyCurrent && right.readsOnlyCurrent
        case .flatten(.literal), .not(.literal), .unary(_, .literal, _), .comparison(_, .literal, .literal),
             .arithmetic(_, .literal, .literal, _):
            return true
        case .function(_, let arguments, _):
            return arguments.allSatisfy { argument in
                switch argument {
                case .literal: true
                case .expressionReference(let inner): inner.readsOnlyCurrent
                default: false
                }
            }
        default:
            return false
        }
    }

    /// Whether the node reads nothing but the current node: no root, no variable, no position of a
    /// fused `enumerate`. A `let` inside counts as reading outside, as its values' stack positions
    /// assume the depth it runs at.
    private var readsOnlyCurrent: Bool {
        switch self {
        case .root, .variable, .local, .global, .letExpression, .enumerationIndex:
            return false
        default:
            var only = true
            forEachChild { only = only && $0.readsOnlyCurrent }
            return only
        }
    }

    /// The node as it reads when the current node is `value`: every read of the current node that
    /// evaluation makes against the node's own current node (not inside an `&expression`, nor
    /// right of a projection, pipe or subexpression, which run against other values) replaced
    /// by `value`, so that folding can compute what `value` alone decides. Evaluated against
    /// `value`, the result gives what the node gives.
    func knowingCurrent(_ value: JSONValue) -> ExpressionNode {
        switch self {
        case .current:
            return .literal(value)
        case .field, .index, .slice:
            return .subexpression(.literal(value), self)
        case .subexpression(let left, let right):
            return .subexpression(left.knowingCurrent(value), right)
        case .pipe(let left, let right):
            return .pipe(left.knowingCurrent(value), right)
        case .listProjection(let left, let right):
            return .listProjection(left.knowingCurrent(value), right)
        case .valueProjection(let left, let right):
            return .valueProjection(left.knowingCurrent(value), right)
        case .filterProjection(let left, let condition, let right):
            return .filterProjection(left.knowingCurrent(value), condition: condition, right)
        case .expressionReference:
            return self
        default:
            return mappingChildren { $0.knowingCurrent(value) }
        }
    }

    /// The node where only its truthiness is read (a filter's condition): `x || <falsy literal>` is
    /// `x` and `x && <truthy literal>` is `x` there, as are the same inside `||`, `&&` and `!`. The
    /// dropped literal neither fails nor reads anything, so errors and their order are unchanged.
    func asCondition() -> ExpressionNode {
        switch self {
        case .or(let left, .literal(let right)) where !right.isTruthy:
            return left.asCondition()
        case .and(let left, .literal(let right)) where right.isTruthy:
            return left.asCondition()
        case .or(let left, let right):
            return .or(left.asCondition(), right.asCondition())
        case .and(let left, let right):
            return .and(left.asCondition(), right.asCondition())
        case .not(let inner):
            return .not(inner.asCondition())
        default:
            return self
        }
    }
}

