@testable import DataLayerBridge
import Testing

/// A rule's `let`s are evaluated in turn with one evaluator (``MappingRule/apply(_:)``): each must
/// bind what the general path (``Expression/evaluate(_:at:in:)`` on the scope, an evaluator of its
/// own for each) binds, reading the earlier ones, and a failing one must reject the push with the
/// general path's error.
struct RuleBindingFastPathTests {
    /// Single reads (a member, a variable, a literal), `let` expressions (the evaluator's stack
    /// reused from one binding to the next), reads of earlier bindings, of `$event`, `$record`,
    /// `$config`, and a binding that fails on a string.
    static let source = """
        {
          "name": "lets",
          "variables": { "site": { "type": "string", "default": "S" } },
          "rules": [{
            "name": "all",
            "match": "`true`",
            "let": {
              "a": "x", "b": "$a", "c": "`3`", "d": "let $t = $b in [$t, $c, y]", "e": "$d[0] || $event.z",
              "f": "w && abs(w)", "g": "let $u = $e, $v = $f in {u: $u, v: $v}", "h": "[$record.ordinal, $config.site, $g.u]"
            },
            "emit": { "v": { "@expr": "[$a, $b, $c, $d, $e, $f, $g, $h]" } }
          }]
        }
        """

    static let pushes: [JSONValue] = [
        ["x": 1, "y": "s", "w": -2, "z": true], ["w": "text"], [:], ["x": nil, "w": 0, "z": [1]], ["x": ["k": 1], "y": [nil]], "push", 7,
    ]

    /// The outcome of the rule's bindings evaluated one by one through the general path, then its emit.
    static func generalOutcome(_ mapping: Mapping, _ push: JSONValue, ordinal: Int) throws -> MappingOutcome {
        let rule = mapping.rules[0]
        var scope = TemplateScope(document: push, variables: ExpressionVariables(layout: mapping.layout))
        scope.variables.set(mapping.config, layoutSlot: MappingCompiler.configSlot)
        scope.variables.set(push, layoutSlot: MappingCompiler.eventSlot)
        scope.variables.set(["ordinal": .number(JSONNumber(ordinal)), "text": .string(push.description)], layoutSlot: MappingCompiler.recordSlot)
        do throws(MappingRuntimeError) {
            for binding in rule.bindings {
                scope.variables.set(try binding.expression.evaluate(scope, at: binding.location, in: "let"), layoutSlot: binding.slot)
            }
        } catch {
            return .reject(reason: "mapping-error", detail: error.detail)
        }
        let emitted = try Expression("[$a, $b, $c, $d, $e, $f, $g, $h]").evaluate(push, variables: scope.variables)
        return .envelopes([["v": emitted]], remember: nil)
    }

    @Test func bindingsInTurnBindWhatTheGeneralPathBinds() throws {
        let mapping = try Mapping(source: Self.source, fileName: "lets.jsonc")
        var rejected = 0
        for (index, push) in Self.pushes.enumerated() {
            let outcome = mapping.apply(to: push, record: RecordContext(ordinal: index + 1, text: push.description))
            #expect(try outcome == Self.generalOutcome(mapping, push, ordinal: index + 1), "\(push)")
            if case .reject = outcome { rejected += 1 }
        }
        // The string `w` fails, and only it; the first push binds every kind of value.
        #expect(rejected == 1)
        let first = mapping.apply(to: Self.pushes[0], record: RecordContext(ordinal: 1, text: ""))
        #expect(first == .envelopes([["v": [1, 1, 3, [1, 3, "s"], 1, 2, ["u": 1, "v": 2], [1, "S", 1]]]], remember: nil))
    }
}

extension RuleBindingFastPathTests {
    /// ``Expression/evaluate(_:_:)`` with one evaluator for several expressions in turn gives what
    /// each gives with an evaluator of its own: single reads, `let`s, and errors, an undefined
    /// variable's (at its column) included.
    @Test func expressionsInTurnGiveWhatEachGivesAlone() throws {
        let layout = VariableLayout(names: ["a", "record"])
        let sources = ["k", "$a", "`1`", "$record", "$nope", "let $x = k in [$x, $a]", "abs(k)", "$a.k", "@", "$", "let $y = $a in $y"]
        let expressions = try sources.map { source in Expression(source: source, tree: try Expression.tree(source), readingGlobalsOf: layout) }
        var bound = ExpressionVariables(layout: layout)
        bound.set(["k": 2], layoutSlot: 0)
        let documents: [JSONValue] = [["k": -1], ["k": "s"], "text", nil]
        func outcome(_ evaluate: () throws(ExpressionError) -> JSONValue) -> String {
            do { return try evaluate().description } catch { return "\(error)" }
        }
        var undefined: Set<String> = []
        for variables in [bound, ExpressionVariables(["a": 5]), ExpressionVariables()] {
            for document in documents {
                let inputs = EvaluationInputs(root: document, globals: variables, deferred: DeferredVariable(ordinal: 3, text: "made"))
                let alone = expressions.map { expression in outcome { () throws(ExpressionError) in try expression.evaluate(inputs) } }
                let inTurn = withUnsafePointer(to: inputs) { pointer in
                    ExpressionEvaluator.withEvaluator(borrowing: pointer, scopeCapacity: expressions.map(\.scopeCapacity).max() ?? 0) { evaluator in
                        expressions.map { expression in outcome { () throws(ExpressionError) in try expression.evaluate(document, &evaluator) } }
                    }
                }
                #expect(inTurn == alone, "\(document)")
                undefined.formUnion(alone.filter { $0.contains("undefined variable") })
            }
        }
        // `$nope`, and `$a` where the variables do not bind it, at their columns.
        #expect(undefined == ["1:1: undefined variable: $nope is not defined", "1:1: undefined variable: $a is not defined",
                              "1:20: undefined variable: $a is not defined", "1:10: undefined variable: $a is not defined"])
    }
}
