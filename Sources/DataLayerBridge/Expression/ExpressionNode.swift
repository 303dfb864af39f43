/// The compiled tree of an expression. Built once by ``ExpressionParser``; evaluation walks it
/// without looking at the text again. Function calls are resolved to their registry entry at
/// compile time, so unknown names and wrong arities never reach evaluation.
indirect enum ExpressionNode: Sendable {
    /// `@`: the current node.
    case current
    /// `$`: the document the evaluation started from (JEP 17).
    case root
    /// `$name` (JEP 11a); `column` locates an undefined-variable error.
    case variable(String, column: Int)
    /// `name` or `"name"`: a member of the current object.
    case field(String)
    /// `left.right`: `right` evaluated against the result of `left` unless that is null.
    case subexpression(ExpressionNode, ExpressionNode)
    /// `[n]` on the current array.
    case index(Int)
    /// `[start:stop:step]` on the current array (never a zero step: rejected at compile time).
    case slice(start: Int?, stop: Int?, step: Int)
    /// `left[*]…right`, `left[]…right`, `left[a:b]…right`: `right` applied to each element of the array `left`
    /// yields, dropping nulls. `flatten` first merges nested arrays one level.
    case listProjection(ExpressionNode, ExpressionNode)
    /// `left.*…right`: `right` applied to each value of the object `left` yields, dropping nulls.
    case valueProjection(ExpressionNode, ExpressionNode)
    /// `left[?condition]…right`.
    case filterProjection(ExpressionNode, condition: ExpressionNode, ExpressionNode)
    /// `left[]`'s flattening step: arrays inside the array merged one level.
    case flatten(ExpressionNode)
    /// `left | right`: `right` evaluated against `left`'s result, ending projections.
    case pipe(ExpressionNode, ExpressionNode)
    case or(ExpressionNode, ExpressionNode)
    case and(ExpressionNode, ExpressionNode)
    case not(ExpressionNode)
    case comparison(Comparator, ExpressionNode, ExpressionNode)
    /// Binary arithmetic (JEP 16); `column` locates the operator for errors.
    case arithmetic(ArithmeticOperator, ExpressionNode, ExpressionNode, column: Int)
    /// Unary `-` or `+` (JEP 16); `+` only checks that its operand is a number.
    case unary(negate: Bool, ExpressionNode, column: Int)
    case literal(JSONValue)
    case multiSelectList([ExpressionNode])
    /// `{a: …, b: …}`; `uniqueKeys` lets evaluation append members without looking for an earlier
    /// one of the same name.
    case multiSelectHash([(key: String, value: ExpressionNode)], uniqueKeys: Bool)
    case function(ExpressionFunction, [ExpressionNode], column: Int)
    /// `&expression`: an argument that a function evaluates itself, per element.
    case expressionReference(ExpressionNode)
    /// `let $a = …, $b = … in body` (JEP 11a).
    case letExpression([(name: String, value: ExpressionNode)], ExpressionNode)
    /// `condition ? then : else` (JEP 21).
    case ternary(ExpressionNode, ExpressionNode, ExpressionNode)

    enum Comparator: Sendable {
        case equal, notEqual, less, lessEqual, greater, greaterEqual
    }

    enum ArithmeticOperator: Sendable {
        case add, subtract, multiply, divide, modulo, integerDivide
    }
}

extension ExpressionNode {
    /// Calls `visit` on every direct child node.
    func forEachChild(_ visit: (ExpressionNode) -> Void) {
        switch self {
        case .current, .root, .variable, .field, .index, .slice, .literal:
            break
        case .subexpression(let a, let b), .listProjection(let a, let b), .valueProjection(let a, let b),
            .pipe(let a, let b), .or(let a, let b), .and(let a, let b), .comparison(_, let a, let b),
            .arithmetic(_, let a, let b, _):
            visit(a)
            visit(b)
        case .filterProjection(let a, let condition, let b):
            visit(a)
            visit(condition)
            visit(b)
        case .flatten(let a), .not(let a), .unary(_, let a, _), .expressionReference(let a):
            visit(a)
        case .multiSelectList(let elements):
            elements.forEach(visit)
        case .multiSelectHash(let members, _):
            members.forEach { visit($0.value) }
        case .function(_, let arguments, _):
            arguments.forEach(visit)
        case .letExpression(let bindings, let body):
            bindings.forEach { visit($0.value) }
            visit(body)
        case .ternary(let condition, let then, let otherwise):
            visit(condition)
            visit(then)
            visit(otherwise)
        }
    }

    /// `$names` used but not bound by an enclosing `let` of this tree.
    func freeVariables(bound: Set<String> = []) -> Set<String> {
        switch self {
        case .variable(let name, _):
            return bound.contains(name) ? [] : [name]
        case .letExpression(let bindings, let body):
            // Binding values see the outer scope only: `let $a = $a in …` refers to an outer `$a`.
            var free = Set<String>()
            for binding in bindings { free.formUnion(binding.value.freeVariables(bound: bound)) }
            return free.union(body.freeVariables(bound: bound.union(bindings.map(\.name))))
        default:
            var free = Set<String>()
            forEachChild { free.formUnion($0.freeVariables(bound: bound)) }
            return free
        }
    }

    /// Names of the functions called anywhere in the tree.
    func functionNames() -> Set<String> {
        var names = Set<String>()
        if case .function(let function, _, _) = self { names.insert(function.name) }
        forEachChild { names.formUnion($0.functionNames()) }
        return names
    }
}
