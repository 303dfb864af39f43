@testable import DataLayerBridge
import Testing

/// What a mapping knows before any push (`$config`) is folded into its expressions at compile time.
/// Folding must never change a value or an error, only when the work is done.
struct ConstantFoldingTests {
    static let cases = JMESPathComplianceTests.cases + CommunityExpressionTests.cases

    /// Every compliance and community case, run as `$given | expression` with `$given` known at
    /// compile time: all that reads only the document folds, the rest (the root `$`, `let`, parts
    /// that fail) runs as usual, and the outcome must be the case's.
    @Test(arguments: cases)
    func aCaseOverAKnownDocumentKeepsItsOutcome(_ testCase: ExpressionCase) {
        testCase.check { source, document in
            let tree = ExpressionNode.pipe(.variable("given", column: 1), try Expression.tree(source))
            return try Expression(source: source, tree: tree.foldingConstants(["given": document]), readingGlobalsOf: nil).evaluate(document)
        }
    }

    /// Most cases fold completely, so the test above exercises folding, not evaluation.
    @Test func mostCasesFoldToTheirValue() {
        let folded = Self.cases.filter { testCase in
            guard testCase.error == nil, let tree = try? Expression.tree(testCase.expression) else { return false }
            if case .literal = ExpressionNode.pipe(.variable("given", column: 1), tree).foldingConstants(["given": testCase.given]) { return true }
            return false
        }
        #expect(folded.count * 10 > Self.cases.count * 7, "\(folded.count) of \(Self.cases.count)")
    }

    static let config: JSONValue = ["flag": true, "name": "Shop", "names": ["A", "b"], "offset": 0]

    static func folded(_ source: String) throws -> ExpressionNode {
        try Expression.tree(source).foldingConstants(["config": config])
    }

    /// Folding rebuilds only the nodes above a change (``ExpressionNode/replacingChildren(_:)``):
    /// a known value in one child of many, in every kind of node that holds several, must land in
    /// that child with its siblings, keys and order kept, and the tree must read as the unfolded
    /// one does with the value given at evaluation.
    @Test(arguments: [
        "[a, $config.name, b]", "[$config.name, a]", "[a, b, $config.names[1]]",
        "{x: a, y: $config.name, z: b}", "{x: $config.name, y: a, x: b}",
        "join(', ', [a, $config.name])", "not_null(a, b, $config.name)", "not_null($config.name, a)",
        "let $u = a, $v = $config.name in [$u, $v, b]", "let $u = $config.name in [$u, a]", "let $u = a in [$u, $config.name]",
        "c ? a : $config.name", "c ? $config.name : a", "$config.flag && c ? a : b",
        "items[?n == $config.name].n", "items[?n == 'x'].[n, $config.name]", "a.b || $config.name", "b.b + $config.offset",
        "-$config.offset", "!$config.flag", "items[*].[n, `1`, $config.names[0]]",
    ])
    func aKnownValueInOneChildKeepsItsSiblings(_ source: String) throws {
        let document: JSONValue = ["a": "é", "b": ["b": 2], "c": false, "items": [["n": "Shop"], ["n": "x"], ["n": nil]]]
        let folded = try Expression(source: source, tree: Self.folded(source), readingGlobalsOf: nil).evaluate(document)
        let given = try Expression(source).evaluate(document, variables: ExpressionVariables(["config": Self.config]))
        #expect(folded == given)
    }

    @Test func aComparisonOfKnownValuesBecomesItsResult() throws {
        guard case .literal(let value) = try Self.folded("$config.name == 'Shop' && lower($config.name)") else {
            Issue.record("not folded")
            return
        }
        #expect(value == "shop")
    }

    @Test func aFunctionOverAKnownArrayRunsOnce() throws {
        guard case .literal(let value) = try Self.folded("map(&lower(@), $config.names)") else {
            Issue.record("not folded")
            return
        }
        #expect(value == ["a", "b"])
    }

    @Test func aKnownConditionKeepsOnlyItsBranch() throws {
        guard case .field("a") = try Self.folded("$config.flag ? a : b") else {
            Issue.record("the ternary is still there")
            return
        }
        guard case .field("b") = try Self.folded("$config.offset == `1` || b") else {
            Issue.record("the || is still there")
            return
        }
    }

    @Test func whatReadsThePushStays() throws {
        guard case .comparison(_, .field("event"), .literal("Shop")) = try Self.folded("event == $config.name") else {
            Issue.record("the push's member was folded, or the known side was not")
            return
        }
        // A multi-select is null on a null current node, so it depends on the current node.
        guard case .multiSelectHash = try Self.folded("{name: $config.name}") else {
            Issue.record("a multi-select was folded")
            return
        }
    }

    @Test func aPartThatFailsFailsWhenItRuns() throws {
        let tree = try Self.folded("event == 'x' || abs($config.name)")
        guard case .or(_, .function) = tree else {
            Issue.record("the failing call was folded")
            return
        }
        let expression = Expression(source: "", tree: tree, readingGlobalsOf: nil)
        #expect(throws: ExpressionError.self) { try expression.evaluate(["event": "y"]) }
        #expect(try expression.evaluate(["event": "x"]) == true)
    }
}
