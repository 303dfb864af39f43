/// The compiled tree of an expression. Built once by ``ExpressionParser`` and rewritten by the
/// compile passes below; evaluation walks the ``ExpressionStep`` tree made from it, never the text.
/// Function calls are resolved to their registry entry at compile time, so unknown names and
/// wrong arities never reach evaluation.
indirect enum ExpressionNode: Sendable {
    /// `@`: the current node.
    case current
    /// `$`: the document the evaluation started from (JEP 17).
    case root
    /// `$name` (JEP 11a) that no enclosing `let` binds; `column` locates an undefined-variable error.
    case variable(String, column: Int)
    /// A `$name` bound by an enclosing `let`: the position of its value on the evaluator's scope
    /// stack, fixed at compile time.
    case local(Int)
    /// A free `$name` that a mapping's ``VariableLayout`` expects in `slot`.
    case global(String, slot: Int, column: Int)
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
    /// `[0]` of the `[index, element]` pair that the body of a fused `map(&…, enumerate(xs))` stands
    /// for (``readingPairInPlace()``): the element's position, which the map keeps in the evaluator.
    /// Made only by that fusion, never by the parser.
    case enumerationIndex

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
        case .current, .root, .variable, .local, .global, .field, .index, .slice, .literal, .enumerationIndex:
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

    /// The same node with each direct child replaced by `transform(child)`.
    func mappingChildren(_ transform: (ExpressionNode) -> ExpressionNode) -> ExpressionNode {
        replacingChildren { transform($0) } ?? self
    }

    /// The node with each direct child for which `transform` gives a replacement replaced, or `nil`
    /// when it gives none: a compile pass that changes little of a tree (folding, binding globals)
    /// rebuilds only the nodes above a change and shares the rest, where rebuilding every node
    /// allocated the whole tree anew in each pass.
    func replacingChildren(_ transform: (ExpressionNode) -> ExpressionNode?) -> ExpressionNode? {
        /// `nodes` with the replacements `transform` gives, or `nil` when it gives none.
        func replacing(_ nodes: [ExpressionNode]) -> [ExpressionNode]? {
            var replaced: [ExpressionNode]?
            for (index, node) in nodes.enumerated() {
                guard let new = transform(node) else { continue }
                if replaced == nil { replaced = nodes }
                replaced![index] = new
            }
            return replaced
        }
        switch self {
        case .current, .root, .variable, .local, .global, .field, .index, .slice, .literal, .enumerationIndex:
            return nil
        case .subexpression(let a, let b), .listProjection(let a, let b), .valueProjection(let a, let b),
            .pipe(let a, let b), .or(let a, let b), .and(let a, let b), .comparison(_, let a, let b),
            .arithmetic(_, let a, let b, _):
            let newA = transform(a), newB = transform(b)
            guard newA != nil || newB != nil else { return nil }
            return replacingPair(newA ?? a, newB ?? b)
        case .filterProjection(let a, let condition, let b):
            let newA = transform(a), newCondition = transform(condition), newB = transform(b)
            guard newA != nil || newCondition != nil || newB != nil else { return nil }
            return .filterProjection(newA ?? a, condition: newCondition ?? condition, newB ?? b)
        case .flatten(let a): return transform(a).map { .flatten($0) }
        case .not(let a): return transform(a).map { .not($0) }
        case .unary(let negate, let a, let column): return transform(a).map { .unary(negate: negate, $0, column: column) }
        case .expressionReference(let a): return transform(a).map { .expressionReference($0) }
        case .multiSelectList(let elements): return replacing(elements).map { .multiSelectList($0) }
        case .multiSelectHash(let members, let uniqueKeys):
            return replacing(members.map(\.value)).map { values in
                .multiSelectHash(zip(members, values).map { ($0.key, $1) }, uniqueKeys: uniqueKeys)
            }
        case .function(let function, let arguments, let column):
            return replacing(arguments).map { .function(function, $0, column: column) }
        case .letExpression(let bindings, let body):
            let values = replacing(bindings.map(\.value)), newBody = transform(body)
            guard values != nil || newBody != nil else { return nil }
            return .letExpression(values.map { zip(bindings, $0).map { ($0.name, $1) } } ?? bindings, newBody ?? body)
        case .ternary(let condition, let then, let otherwise):
            let newCondition = transform(condition), newThen = transform(then), newOtherwise = transform(otherwise)
            guard newCondition != nil || newThen != nil || newOtherwise != nil else { return nil }
            return .ternary(newCondition ?? condition, newThen ?? then, newOtherwise ?? otherwise)
        }
    }

    /// The two-child node of this kind with children `a` and `b`.
    private func replacingPair(_ a: ExpressionNode, _ b: ExpressionNode) -> ExpressionNode {
        switch self {
        case .subexpression: .subexpression(a, b)
        case .listProjection: .listProjection(a, b)
        case .valueProjection: .valueProjection(a, b)
        case .pipe: .pipe(a, b)
        case .or: .or(a, b)
        case .and: .and(a, b)
        case .comparison(let comparator, _, _): .comparison(comparator, a, b)
        case .arithmetic(let operation, _, _, let column): .arithmetic(operation, a, b, column: column)
        default: preconditionFailure("not a node of two children")
        }
    }

    /// `let`-bound variables turned into scope-stack positions. `scope` maps the names bound
    /// around this node to their positions; `depth` is the stack height when it is evaluated.
    /// Binding values see the outer names only (`let $a = $a in …` reads an outer `$a`), but the
    /// evaluator pushes each value as it goes, so binding `i` runs at `depth + i`.
    func resolvingLocals(in scope: [String: Int], depth: Int) -> ExpressionNode {
        switch self {
        case .variable(let name, _):
            return scope[name].map { .local($0) } ?? self
        case .letExpression(let bindings, let body):
            var inner = scope
            var resolved: [(name: String, value: ExpressionNode)] = []
            for (offset, binding) in bindings.enumerated() {
                resolved.append((binding.name, binding.value.resolvingLocals(in: scope, depth: depth + offset)))
                inner[binding.name] = depth + offset
            }
            return .letExpression(resolved, body.resolvingLocals(in: inner, depth: depth + bindings.count))
        default:
            return mappingChildren { $0.resolvingLocals(in: scope, depth: depth) }
        }
    }

    /// The tree that evaluation steps are built from: every `from_items(items(X)[?[1] != `null`])`
    /// replaced by one call of ``ExpressionFunctions/nonNullMembers`` on X, and the free variables
    /// that `layout` names read by slot; `nil` when neither changes anything. One walk does both,
    /// where a walk for each cost 0.19 M instructions more per `convert` (1.1 %).
    func preparedForSteps(readingGlobalsOf layout: VariableLayout?) -> ExpressionNode? {
        if case .variable(let name, let column) = self {
            return layout?.slots[name].map { .global(name, slot: $0, column: column) }
        }
        let replaced = replacingChildren { $0.preparedForSteps(readingGlobalsOf: layout) }
        return (replaced ?? self).fusedNonNullMembers ?? replaced
    }

    /// The node, when it is a `from_items(items(X)[?[1] != `null`])`, as one call of
    /// ``ExpressionFunctions/nonNullMembers`` on X, at the column of `items`: the same value and
    /// the same errors, in one step. On a ternary X (`c ? {…} : {…}`) the call moves into each
    /// branch, where a literal object is built without its null members in the first place
    /// (``CompactObjectStep``); the condition, then the branch, then the call run as before.
    private var fusedNonNullMembers: ExpressionNode? {
        guard case .function(let fromItems, let arguments, _) = self, fromItems.name == "from_items", arguments.count == 1,
              case .filterProjection(let pairs, .comparison(.notEqual, .index(1), .literal(.null)), .current) = arguments[0],
              case .function(let items, let object, let column) = pairs, items.name == "items", object.count == 1 else { return nil }
        return Self.nonNullMembers(of: object[0], column: column)
    }

    /// ``ExpressionFunctions/nonNullMembers`` of `object`, moved into the branches of a ternary.
    private static func nonNullMembers(of object: ExpressionNode, column: Int) -> ExpressionNode {
        if case .ternary(let condition, let then, let otherwise) = object {
            return .ternary(condition, nonNullMembers(of: then, column: column), nonNullMembers(of: otherwise, column: column))
        }
        return .function(ExpressionFunctions.nonNullMembers, [object], column: column)
    }

    /// The body of a `map(&body, enumerate(xs))` as it reads when evaluated against an element
    /// instead of its `[index, element]` pair: `[1]` is the element (`@`) and `[0]` its position
    /// (``enumerationIndex``), wherever the body reads its own current node. `nil` when it reads
    /// that node any other way (`@`, a member, `[2]`, `[-1]`, a slice), as those would read the
    /// pair. Parts evaluated against other values (an `&expression`, the right of a projection,
    /// pipe or subexpression, a filter's condition) are left as they are. A multi-select also looks
    /// at its current node (null on null), which a pair never is: the map evaluates a null element
    /// against its pair. The element being no null, `[1].name` and `[1] | x` are `name` and `x`.
    func readingPairInPlace() -> ExpressionNode? {
        switch self {
        case .index(0):
            return .enumerationIndex
        case .index(1):
            return .current
        case .subexpression(.index(1), let right), .pipe(.index(1), let right):
            return right
        case .current, .field, .index, .slice, .enumerationIndex:
            return nil
        case .expressionReference:
            return self
        case .subexpression(let left, let right):
            return left.readingPairInPlace().map { .subexpression($0, right) }
        case .pipe(let left, let right):
            return left.readingPairInPlace().map { .pipe($0, right) }
        case .listProjection(let left, let right):
            return left.readingPairInPlace().map { .listProjection($0, right) }
        case .valueProjection(let left, let right):
            return left.readingPairInPlace().map { .valueProjection($0, right) }
        case .filterProjection(let left, let condition, let right):
            return left.readingPairInPlace().map { .filterProjection($0, condition: condition, right) }
        default:
            var readsPair = true
            let node = mappingChildren { child in
                guard let read = child.readingPairInPlace() else {
                    readsPair = false
                    return child
                }
                return read
            }
            return readsPair ? node : nil
        }
    }

    /// Whether the node is an `&expression` argument: a fused call step leaves those to the call,
    /// whose type error they are.
    var isExpressionReference: Bool {
        if case .expressionReference = self { return true }
        return false
    }

    /// Whether evaluating the node can never fail, whatever it is evaluated against: reads of
    /// the current node and its members, `let` values (whose positions ``resolvingLocals(in:depth:)``
    /// placed inside their `let`), literals, comparisons, logic, and calls of functions that take
    /// any value (`to_number`, `type`). Conservative: anything else counts as able to fail. A
    /// fused step may stop early over such a node's results, as no later one could have failed.
    var cannotFail: Bool {
        switch self {
        case .current, .root, .local, .field, .index, .literal, .enumerationIndex:
            return true
        case .subexpression(let left, let right), .pipe(let left, let right), .or(let left, let right),
             .and(let left, let right), .comparison(_, let left, let right):
            return left.cannotFail && right.cannotFail
        case .not(let inner):
            return inner.cannotFail
        case .ternary(let condition, let then, let otherwise):
            return condition.cannotFail && then.cannotFail && otherwise.cannotFail
        case .function(let function, let arguments, _):
            return function.transform != nil && arguments.count == 1 && !arguments[0].isExpressionReference && arguments[0].cannotFail
        default:
            return false
        }
    }

    /// `$names` used but not bound by an enclosing `let` (those are resolved to ``local(_:)``).
    func freeVariables() -> Set<String> {
        switch self {
        case .variable(let name, _), .global(let name, _, _):
            return [name]
        default:
            var free = Set<String>()
            forEachChild { free.formUnion($0.freeVariables()) }
            return free
        }
    }

    /// The most `let` values an evaluation of the tree holds on the scope stack at once: a `let`
    /// holds its bindings while its body runs, and the ones before each binding while that runs.
    /// What an evaluator of the tree is given room for.
    var scopeCapacity: Int {
        guard case .letExpression(let bindings, let body) = self else {
            var most = 0
            forEachChild { most = Swift.max(most, $0.scopeCapacity) }
            return most
        }
        var most = bindings.count + body.scopeCapacity
        for (index, binding) in bindings.enumerated() { most = Swift.max(most, index + binding.value.scopeCapacity) }
        return most
    }

    /// Names of the functions called anywhere in the tree.
    func functionNames() -> Set<String> {
        var names = Set<String>()
        if case .function(let function, _, _) = self { names.insert(function.name) }
        forEachChild { names.formUnion($0.functionNames()) }
        return names
    }
}
