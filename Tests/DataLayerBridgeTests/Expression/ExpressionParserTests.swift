@testable import DataLayerBridge
import Testing

/// The parser resolves `let`-bound variables only when the expression has a `let`: every tree
/// it returns must be the one resolving gives.
struct ExpressionParserTests {
    @Test(arguments: [
        "a.b[?c == $d] | $e",
        "let $a = b in $a",
        "length(let $x = a in [$x, $y])",
        "[let $a = a in let $b = $a in [$a, $b], $a]",
        "a || {k: let $v = @ in $v}",
    ])
    func aParsedTreeHasItsLocalsResolved(_ source: String) throws {
        let tree = try ExpressionParser.parse(source)
        #expect(String(reflecting: tree) == String(reflecting: tree.resolvingLocals(in: [:], depth: 0)), "\(source)")
    }

    @Test func aBindingReadsTheOuterVariableAndTheBodyTheLocal() throws {
        guard case .letExpression(let bindings, let body) = try ExpressionParser.parse("let $a = $a in $a") else {
            Issue.record("not a let expression")
            return
        }
        guard case .variable("a", _) = bindings[0].value, case .local(0) = body else {
            Issue.record("unresolved: \(bindings) in \(body)")
            return
        }
    }
}
