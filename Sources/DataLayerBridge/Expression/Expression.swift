/// A JMESPath expression compiled once; evaluation never re-parses.
///
/// The language is JMESPath (<https://jmespath.org/specification.html>) with the JMESPath
/// Community extensions — arithmetic, `let`, the root `$`, string and object functions, the
/// ternary `?:` — and DataLayer Bridge's own functions (`seconds`, `coalesce`, `lookup`, `slug`,
/// `uuid5`, `enumerate`). Numbers stay exact throughout: arithmetic is decimal, never `Double`.
///
/// ```swift
/// let total = try Expression("sum(map(&price * quantity, items))")
/// let value = try total.evaluate(push)
/// ```
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    /// Everything in one shared object: mappings pass and copy expressions on every push, and a
    /// copy is then one reference, not a string and two trees.
    private final class Compiled: Sendable {
        let source: String
        /// The tree as given, which ``referencedVariables`` and ``functionNames`` read when asked.
        /// It shares with `root` every node above which the passes changed nothing.
        let tree: ExpressionNode
        let root: ExpressionNode
        /// `root` in the form evaluation walks.
        let step: ExpressionStep
        /// `root` when it is one read that needs no evaluator.
        let single: SingleRead?
        /// The room an evaluator of `root` needs for `let` values.
        let scopeCapacity: Int

        init(source: String, tree: ExpressionNode, root: ExpressionNode) {
            self.source = source
            self.tree = tree
            self.root = root
            step = root.step()
            single = SingleRead(root)
            scopeCapacity = root.scopeCapacity
        }
    }

    /// An expression that is one member of the document, one mapping variable or one literal
    /// (`user_agent`, `$type`: most emit fields), answered without setting up an evaluator (and,
    /// in a template, without its directive: ``Template``). Known when the expression compiles, so
    /// that every other expression goes straight to one.
    enum SingleRead: Sendable {
        case field(MemberName)
        case global(name: String, slot: Int, column: Int)
        case literal(JSONValue)

        init?(_ node: ExpressionNode) {
            switch node {
            case .field(let name): self = .field(MemberName(name))
            case .global(let name, let slot, let column): self = .global(name: name, slot: slot, column: column)
            case .literal(let value): self = .literal(value)
            default: return nil
            }
        }

        /// The value read from `inputs`; `nil` only for a variable that neither the variables nor
        /// the deferred variable bind.
        @inline(__always)
        func value(bound inputs: EvaluationInputs) -> JSONValue? {
            switch self {
            case .field(let name): return ExpressionEvaluator.field(name, of: inputs.root)
            case .global(let name, let slot, _): return inputs.globals.value(slot: slot, name: name) ?? inputs.deferred?.value(of: name)
            case .literal(let value): return value
            }
        }

        /// The value read from `inputs`; an unbound variable is an `undefinedVariable` error.
        func value(_ inputs: EvaluationInputs) throws(ExpressionError) -> JSONValue {
            if let value = value(bound: inputs) { return value }
            // Only a variable reads nothing.
            guard case .global(let name, _, let column) = self else { return .null }
            throw ExpressionEvaluator.undefined(name, column: column)
        }
    }

    private let compiled: Compiled

    /// The expression text as given.
    public var source: String { compiled.source }
    var root: ExpressionNode { compiled.root }
    /// The expression when it is one read (``SingleRead``).
    var singleRead: SingleRead? { compiled.single }
    /// The room an evaluator of the expression needs for `let` values (``ExpressionNode/scopeCapacity``).
    var scopeCapacity: Int { compiled.scopeCapacity }

    /// Names of `$variables` the expression refers to (free, i.e. not bound by `let`), so a
    /// mapping can report undefined variables at load time. Found when asked: a mapping's
    /// expressions never are (the mapping compiler checks its variables on the tree), and
    /// finding these sets for each of them at load cost 2 M instructions per `convert`.
    public var referencedVariables: Set<String> { compiled.tree.freeVariables() }

    /// Function names used, for load-time validation (unknown names are already a compile error).
    /// Found when asked, as ``referencedVariables`` are.
    public var functionNames: Set<String> { compiled.tree.functionNames() }

    /// Compiles `source`. Errors carry the 1-based column inside the expression.
    public init(_ source: String) throws(ExpressionError) {
        self.init(source: source, tree: try Self.tree(source), readingGlobalsOf: nil)
    }

    /// The compiled tree of `source`, before evaluation steps are built from it: what a mapping
    /// checks before ``init(source:tree:readingGlobalsOf:)`` builds the steps, once.
    static func tree(_ source: String) throws(ExpressionError) -> ExpressionNode {
        try ExpressionParser.parse(source)
    }

    /// The expression of `tree` (made by ``tree(_:)`` from `source`), its free variables that
    /// `layout` names read by slot: what a mapping does once at load time, so that evaluation never
    /// hashes a variable name.
    init(source: String, tree: ExpressionNode, readingGlobalsOf layout: VariableLayout?) {
        compiled = Compiled(source: source, tree: tree, root: tree.preparedForSteps(readingGlobalsOf: layout) ?? tree)
    }

    /// Evaluates the expression against `value`, with `variables` as the outermost scope
    /// (`$config`, `$event`, `$index`, `$item` come in this way). Referring to a variable that is
    /// neither bound there nor by a `let` is an `undefinedVariable` error.
    public func evaluate(_ value: JSONValue, variables: ExpressionVariables = .init()) throws(ExpressionError) -> JSONValue {
        try evaluate(value, variables: variables, deferred: nil)
    }

    /// Evaluates with `deferred` made only if the expression reads it.
    func evaluate(_ value: JSONValue, variables: ExpressionVariables, deferred: DeferredVariable?) throws(ExpressionError) -> JSONValue {
        try evaluate(EvaluationInputs(root: value, globals: variables, deferred: deferred))
    }

    /// Evaluates against `inputs.root`, with `inputs` lent to the evaluation rather than copied.
    func evaluate(_ inputs: EvaluationInputs) throws(ExpressionError) -> JSONValue {
        if let single = compiled.single { return try single.value(inputs) }
        let step = compiled.step
        return try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: compiled.scopeCapacity) { evaluator throws(ExpressionError) in
            try step.evaluate(inputs.root, &evaluator)
        }
    }

    /// Evaluates against `value` (the document of the inputs `evaluator` borrows, passed on by
    /// the caller: reading it from the evaluator copied it) with an evaluator that has no `let`
    /// value on its stack: what evaluates a rule's `let`s in turn with one evaluator, where
    /// setting one up for each cost as much as a short binding's steps. With an evaluator at
    /// hand, a single read is its step: looking for the ``SingleRead`` copied it, for nothing.
    func evaluate(_ value: JSONValue, _ evaluator: inout ExpressionEvaluator) throws(ExpressionError) -> JSONValue {
        try compiled.step.evaluate(value, &evaluator)
    }

    /// The expression text.
    public var description: String { source }

    /// Two expressions are equal when their text is: compilation is deterministic.
    public static func == (lhs: Expression, rhs: Expression) -> Bool { lhs.source == rhs.source }

    /// Hashes the text, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
