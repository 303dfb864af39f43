@testable import DataLayerBridge
import Testing

/// The public facade: compile errors and their columns, variables, limits, identity.
struct ExpressionTests {
    static func compileError(_ source: String) -> ExpressionError? {
        do {
            _ = try Expression(source)
            return nil
        } catch {
            return error
        }
    }

    static func evaluationError(_ source: String, _ value: JSONValue = [:], variables: ExpressionVariables = .init()) throws -> ExpressionError? {
        let expression = try Expression(source)
        do {
            _ = try expression.evaluate(value, variables: variables)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("foo.", 5, ExpressionError.Kind.syntax),
        ("a[?b == ]", 9, .syntax),
        ("  foo bar", 7, .syntax),
        ("foo[1:2:0]", 9, .invalidValue),
        ("nope(@)", 1, .unknownFunction),
        ("a | abs(@, @)", 5, .invalidArity),
        ("`{bad}`", 1, .syntax),
        ("'unterminated", 1, .syntax),
        ("a + 1", 5, .syntax),
        ("\"to_string\"(@)", 1, .syntax),
        ("a ~ b", 3, .syntax),
        ("'čaj' ~", 7, .syntax),
    ])
    func compileErrorsCarryTheColumn(_ source: String, column: Int, kind: ExpressionError.Kind) {
        let error = Self.compileError(source)
        #expect(error?.kind == kind, "\(source)")
        #expect(error?.column == column, "\(source): \(String(describing: error))")
    }

    @Test func errorDescriptionNamesPositionKindAndReason() throws {
        #expect(Self.compileError("foo.")?.description == "1:5: syntax error: expected a name, '*', '[' or '{' after '.' but found the end of the expression")
        #expect(try Self.evaluationError("abs('x')")?.description == "1:1: invalid type: abs(): argument 1 must be a number, got string")
        #expect(ExpressionError(.invalidValue, "no position").description == "invalid value: no position")
    }

    @Test func hostVariablesAreTheOutermostScope() throws {
        var variables = ExpressionVariables(["config": ["currency": "EUR"], "index": 3])
        variables["item"] = ["sku": "A-1"]
        let expression = try Expression("{currency: $config.currency, position: $index, sku: $item.sku, event: $.event}")
        let result = try expression.evaluate(["event": "purchase"], variables: variables)
        #expect(result == ["currency": "EUR", "position": 3, "sku": "A-1", "event": "purchase"])
        #expect(expression.referencedVariables == ["config", "index", "item"])
        #expect(try Expression("let $index = `1` in $index").evaluate(nil, variables: variables) == 1)
    }

    @Test func variablesAreAValueEachCopyChangedOnItsOwn() throws {
        let original = ExpressionVariables(["a": 1, "b": "x"])
        var changed = original
        changed["a"] = 2
        changed["c"] = [true]
        changed["b"] = nil
        #expect(original["a"] == 1 && original["b"] == "x" && original["c"] == nil && original.names == ["a", "b"])
        #expect(changed["a"] == 2 && changed["b"] == nil && changed["c"] == [true] && changed.names == ["a", "c"])
        // A copy made after the change shares nothing that a later change of either reaches.
        var again = changed
        again["c"] = nil
        #expect(changed["c"] == [true] && again["c"] == nil && again["a"] == 2)
    }

    @Test func unboundVariableIsAnEvaluationErrorWithItsColumn() throws {
        let error = try Self.evaluationError("[a, $event.name]", ["a": 1])
        #expect(error?.kind == .undefinedVariable)
        #expect(error?.column == 5)
        #expect(error?.reason == "$event is not defined")
        #expect(try Self.evaluationError("$event", variables: ExpressionVariables(["event": "x"])) == nil)
    }

    @Test func referencedVariablesAreTheFreeOnes() throws {
        #expect(try Expression("let $a = $config in [$a, $b, $index]").referencedVariables == ["config", "b", "index"])
        #expect(try Expression("let $a = $a in $a").referencedVariables == ["a"], "a binding sees the outer scope")
        #expect(try Expression("[let $x = `1` in $x, $x]").referencedVariables == ["x"])
        #expect(try Expression("$ | @").referencedVariables.isEmpty)
    }

    @Test func functionNamesListsEveryCall() throws {
        #expect(try Expression("sort_by(items, &to_number(price))[0] | lower(name) || slug(x)").functionNames
            == ["sort_by", "to_number", "lower", "slug"])
        #expect(try Expression("a.b").functionNames.isEmpty)
    }

    /// Fusing the null-member chain and reading variables by slot happen in one walk
    /// (``ExpressionNode/preparedForSteps(readingGlobalsOf:)``): variables inside the fused call,
    /// beside it and in a branch it moved into are read by slot, and the results are those of
    /// the same text read by name.
    @Test func aFusedCallReadsItsVariablesBySlot() throws {
        let layout = VariableLayout(names: ["u", "v"])
        var variables = ExpressionVariables(layout: layout)
        variables["u"] = "é"
        variables["v"] = nil
        for source in ["from_items(items({a: $u, b: $v, c: x})[?[1] != `null`])",
                       "[$u, from_items(items(c ? {a: $u} : {b: $v, d: $w})[?[1] != `null`])]",
                       "from_items(items(@)[?[1] != `null`]) || $u"] {
            let bySlot = Expression(source: source, tree: try Expression.tree(source), readingGlobalsOf: layout)
            // What the walk should have left: a `$u` or `$v` read by name, or a chain not fused.
            func leftOver(_ node: ExpressionNode) -> Bool {
                if case .variable(let name, _) = node, name != "w" { return true }
                if case .function(let function, _, _) = node, function.name == "from_items" { return true }
                var found = false
                node.forEachChild { found = found || leftOver($0) }
                return found
            }
            #expect(!leftOver(bySlot.root), "\(source): \(bySlot.root)")
            for document: JSONValue in [["x": 1, "c": true], ["x": nil, "c": false], [:]] {
                let byName = Result { () throws(ExpressionError) in try Expression(source).evaluate(document, variables: ExpressionVariables(["u": "é"])) }
                let read = Result { () throws(ExpressionError) in try bySlot.evaluate(document, variables: variables) }
                #expect("\(read)" == "\(byName)", "\(source) on \(document)")
            }
        }
    }

    @Test func nullMembersAreLeftOutInOneStepWithTheSameResultsAndErrors() throws {
        let fused = try Expression("from_items(items(@)[?[1] != `null`])")
        // A pipe at the end keeps the chain from being fused: what the mapping author wrote.
        let written = try Expression("from_items(items(@)[?[1] != `null`] | @)")
        guard case .function(let function, _, let column) = fused.root else { Issue.record("not fused: \(fused.root)"); return }
        #expect(function.name == "items" && column == 12)
        #expect(fused.functionNames == ["from_items", "items"])
        func text(_ value: JSONValue) -> String {
            var writer = JSONWriter()
            writer.write(value)
            return writer.string
        }
        for input in [#"{"a":1,"b":null,"c":"x","d":{"e":null},"f":[null],"g":false,"a":null,"h":0}"#, "{}", #"{"only":null}"#,
                      #"{"a":1,"c":"x","d":{"e":null},"f":[null]}"#, #"{"a":1,"a":2}"#] {
            let value = try JSONValue(parsing: input)
            #expect(text(try fused.evaluate(value)) == text(try written.evaluate(value)), "\(input)")
        }
        #expect(text(try fused.evaluate(try JSONValue(parsing: #"{"a":1,"b":null,"c":"x","a":null,"h":0}"#))) == #"{"c":"x","h":0}"#)
        // Nothing null: the object comes back whole, duplicate keys still collapsed to the last.
        #expect(text(try fused.evaluate(try JSONValue(parsing: #"{"a":1,"c":{"e":null}}"#))) == #"{"a":1,"c":{"e":null}}"#)
        #expect(text(try fused.evaluate(try JSONValue(parsing: #"{"a":1,"a":2}"#))) == #"{"a":2}"#)
        for input in ["1", #""s""#, "[]", "null", "true"] {
            let value = try JSONValue(parsing: input)
            #expect(Self.describe { _ = try fused.evaluate(value) } == Self.describe { _ = try written.evaluate(value) }, "\(input)")
            #expect(Self.describe { _ = try fused.evaluate(value) }.contains("items(): argument 1 must be an object"))
        }
    }

    @Test(arguments: [
        "{a: a, b: missing, c: c.d, e: `null`}",
        "{only: missing}",
        "{a: a, a: c}",
        "{x: a, y: {z: missing}}",
        "a ? {p: a, q: missing} : {r: c.d}",
        "missing ? {p: a} : c.d == 'x' ? {q: c, r: missing} : a",
        "c ? c : {p: a}",
    ])
    func anObjectBuiltWithoutItsNullMembersGivesWhatTheWrittenChainGives(_ object: String) throws {
        try Self.expectSameOutcomes(
            of: "from_items(items(\(object))[?[1] != `null`])", as: "from_items(items(\(object))[?[1] != `null`] | @)",
            on: [#"{"a":1,"c":{"d":"x"}}"#, #"{"a":null,"c":null}"#, "{}", "null", "[1]", #""s""#])
    }

    /// `fused` (an expression a fused step evaluates) and `written` (the same calls kept apart by a
    /// trailing `| @`) give the same value or the same error on every input.
    static func expectSameOutcomes(of fused: String, as written: String, on inputs: [String]) throws {
        let (fused, written) = (try Expression(fused), try Expression(written))
        for input in inputs {
            let document = try JSONValue(parsing: input)
            #expect(describe { _ = try fused.evaluate(document) } == describe { _ = try written.evaluate(document) }, "\(input)")
            #expect((try? fused.evaluate(document)) == (try? written.evaluate(document)), "\(input)")
        }
    }

    @Test(arguments: [
        "{index: [0], item: [1]}",
        "@",
        "[[0], @, [1].a]",
        "[1].a + `1`",
        "[0]",
    ])
    func aMapOverEnumerateGivesWhatTheWrittenCallsGive(_ body: String) throws {
        try Self.expectSameOutcomes(
            of: "map(&(\(body)), enumerate(xs))", as: "map(&(\(body)), enumerate(xs) | @)",
            on: [#"{"xs":[{"a":1},{"a":2},{"a":"x"}]}"#, #"{"xs":[]}"#, #"{"xs":[{"a":5}]}"#, "{}", #"{"xs":"s"}"#, #"{"xs":{"a":1}}"#])
        // A body that keeps its pair keeps the pair it was given, not the buffer's later contents.
        #expect(try Expression("map(&@, enumerate(xs))").evaluate(["xs": ["a", "b"]]) == [[0, "a"], [1, "b"]])
    }

    /// `contains(map(&body, xs), literal)` stops at the first match only when the body cannot
    /// fail; a body that can (`abs`, `length`) keeps the calls, whose error a later element raises.
    @Test(arguments: [
        ("to_number(index)", true), ("type(@)", true), ("a.b == `1` || !c", true), ("c ? a : [0]", true),
        ("abs(index)", false), ("length(@)", false), ("$x", false), ("to_number(index) + `1`", false),
    ] as [(String, Bool)])
    func aSearchOverAMapStopsEarlyOnlyWhenTheBodyCannotFail(_ body: String, _ fused: Bool) throws {
        let source = "contains(map(&(\(body)), xs), `0`)"
        #expect((try Expression.tree(source).step() is MapContainsStep) == fused, "\(body)")
        guard fused else { return }
        try Self.expectSameOutcomes(
            of: source, as: "contains(map(&(\(body)), xs) | @, `0`)",
            on: [#"{"xs":[{"index":0},{"index":"x"}]}"#, #"{"xs":[{"index":"3"},{"index":"0"}]}"#, #"{"xs":[]}"#, "{}",
                 #"{"xs":"s"}"#, #"{"xs":{"index":0}}"#, #"{"xs":[0,"0",[0],{"a":{"b":1}},null]}"#, "null"])
    }

    @Test func aSearchOverAMapThatStopsEarlyMissesNoLaterFailure() throws {
        // The calls would fail on the second element: that search is not fused, so it still fails.
        let failing = try Expression("contains(map(&abs(@), xs), `1`)")
        #expect(Self.describe { _ = try failing.evaluate(["xs": [1, "s"]]) }.contains("abs()"))
        // A body that cannot fail finds the first element and never looks at the rest.
        #expect(try Expression("contains(map(&to_number(@), xs), `1`)").evaluate(["xs": [1, "s"]]) == true)
        #expect(try Expression("contains(map(&to_number(@), xs), `1`)").evaluate(["xs": ["1.0", 2]]) == true, "exact numbers")
        #expect(try Expression("contains(map(&to_number(@), xs), `1`)").evaluate(["xs": ["x", 2]]) == false)
    }

    /// One member, one variable or one literal is answered without an evaluator: the same
    /// values and the same errors as when a pipe makes the evaluator run.
    @Test(arguments: ["a", #""café""#, "$x", "`{\"k\": [1]}`", "'text'"])
    func aSingleReadGivesWhatTheEvaluatorGives(_ read: String) throws {
        try Self.expectSameOutcomes(of: read, as: "\(read) | @", on: [#"{"a":1,"café":"é"}"#, #"{"a":{"b":2}}"#, "{}", "null", "[1]"])
        let variables = ExpressionVariables(["x": ["y": 1]])
        #expect(try Expression(read).evaluate(["a": 3], variables: variables) == Expression("\(read) | @").evaluate(["a": 3], variables: variables))
    }

    @Test func aListOfLiteralStringsIsSearchedWithTheAnswersAndErrorsOfTheCall() throws {
        let source = "contains(['a', 'b', 'caf\u{e9}', 'view_search_results'], x)"
        #expect(try Expression.tree(source).step() is StringMembershipStep)
        let fused = try Expression(source)
        // A pipe keeps the list a value of its own, so the general call runs.
        let written = try Expression("contains(['a', 'b', 'caf\u{e9}', 'view_search_results'] | @, x)")
        #expect(!(try Expression.tree(written.source).step() is StringMembershipStep))
        let searches: [JSONValue] = ["a", "b", "c", "", "view_search_results", "view_search_result", "cafe\u{301}", "A", 1, true, nil, ["a"], ["x": "a"]]
        for search in searches {
            let value: JSONValue = ["x": search]
            #expect(try fused.evaluate(value) == written.evaluate(value), "\(search)")
        }
        #expect(try fused.evaluate(["x": "cafe\u{301}"]) == true, "canonically equivalent, as == says")
        // On a null current node the list is null: the call's type error.
        #expect(Self.describe { _ = try fused.evaluate(nil) } == Self.describe { _ = try written.evaluate(nil) })
        #expect(Self.describe { _ = try fused.evaluate(nil) }.contains("must be a string or an array, got null"))
        #expect(Self.describe { _ = try Expression("contains(['a'], abs(x))").evaluate(["x": "s"]) }.contains("abs()"))
    }

    /// `coalesce(…)`, `lookup(x, 'name')`, `to_string(x)`, `contains`, `starts_with` and `ends_with`
    /// of a literal text, `map(&body, xs)`, and the one-value transforms (`to_number`, `type`, `to_array`) are steps
    /// of their own; each must give what the general call gives, values and errors, whatever the
    /// arguments evaluate to.
    @Test(arguments: [
        ("coalesce(a, b, c)", "CoalesceStep"), ("coalesce(a)", "CoalesceStep"), ("coalesce(a, abs(b), c)", "CoalesceStep"),
        ("coalesce(a, abs(b))", "CoalesceStep"), ("coalesce(abs(b), a)", "CoalesceStep"), ("coalesce(a, b, abs(c), 'x', `null`)", "CoalesceStep"),
        ("coalesce(a, abs(b), c, abs(a), b)", "CoalesceStep"), ("coalesce(a, 'item')", "CoalesceStep"),
        ("coalesce(a, abs(b), 'x')", "CoalesceStep"), ("coalesce(abs(b), a, `{\"k\": 1}`)", "CoalesceStep"),
        ("coalesce(a, b, `0`)", "CoalesceStep"), ("coalesce(a, '')", "CoalesceStep"), ("coalesce(a, `[]`)", "CoalesceStep"),
        ("coalesce('x', a)", "CoalesceStep"), ("coalesce('x', abs(b))", "CoalesceStep"), ("coalesce(a, 'x', abs(b))", "CoalesceStep"),
        ("coalesce(`null`, 'x')", "CoalesceStep"), ("coalesce(c, 'x')", "CoalesceStep"), ("coalesce(\"caf\u{e9}\", a)", "CoalesceStep"),
        ("to_number(c)", "TransformStep"), ("type(\"caf\u{e9}\")", "TransformStep"), ("to_number(@)", "TransformStep"),
        ("lookup(a, 'k')", "MemberLookupStep"), ("lookup(a, 'caf\u{e9}')", "MemberLookupStep"), ("lookup(abs(b), 'k')", "MemberLookupStep"),
        ("to_number(a)", "TransformStep"), ("to_number(b)", "TransformStep"), ("type(a)", "TransformStep"), ("to_array(a)", "TransformStep"),
        ("to_string(a)", "StringPassStep"), ("to_string(b)", "StringPassStep"), ("to_string(abs(b))", "StringPassStep"),
        ("to_number(&a)", "FunctionStep"), ("to_string(&a)", "FunctionStep"),
        ("contains(a, 'k')", "SubstringStep"), ("contains(a, 'caf\u{e9}')", "SubstringStep"), ("contains(a, '')", "SubstringStep"),
        ("contains(abs(b), 'k')", "SubstringStep"), ("contains(&a, 'k')", "FunctionStep"), ("lookup(&a, 'k')", "FunctionStep"),
        ("starts_with(a, 'k')", "SubstringStep"), ("starts_with(a, '1')", "SubstringStep"), ("starts_with(b, '')", "SubstringStep"),
        ("ends_with(a, '50')", "SubstringStep"), ("ends_with(b, 'caf\u{e9}')", "SubstringStep"), ("ends_with(abs(b), 'k')", "SubstringStep"),
        ("starts_with(&a, 'k')", "FunctionStep"),
        ("map(&k, a)", "MapStep"), ("map(&@, b)", "MapStep"), ("map(&abs(@), a)", "MapStep"), ("map(&[0], abs(b))", "MapStep"),
        ("map(a, b)", "FunctionStep"),
    ])
    func aFusedCallGivesTheValuesAndErrorsOfTheCall(_ source: String, _ stepName: String) throws {
        let tree = try Expression.tree(source)
        guard case .function(let function, let arguments, let column) = tree else {
            Issue.record("not a call: \(tree)")
            return
        }
        let fused = tree.step()
        #expect(String(describing: type(of: fused)) == stepName)
        let call = FunctionStep(function, arguments.map { $0.step() }, column: column)
        let documents: [JSONValue] = [
            [:], ["a": nil, "b": "", "c": 0], ["a": "", "b": [], "c": [:]], ["a": [], "b": ["x": 1], "c": "z"],
            ["a": ["k": 1, "caf\u{e9}": 2], "b": 3], ["a": ["k": nil], "b": -2], ["a": ["ke": 1]], ["a": "k", "b": 1],
            ["a": ["cafe\u{301}": 5]], ["a": 0, "b": false, "c": true], ["a": ["k": 1], "b": "not a number"], nil, 7,
            ["a": "12.50", "b": "1e400"], ["a": " 3", "b": "-0"], ["a": [1, "2"], "b": 19_999_999_999_999_999], ["a": .number(JSONNumber(text: "1.50")!), "b": "caf\u{e9}"],
            ["a": [["k": 1], ["k": 2], 3, -4], "b": ["x", ["y"], nil]], ["caf\u{e9}": "1.5", "c": "2"], ["cafe\u{301}": 4, "c": nil],
        ]
        for document in documents {
            #expect(Self.outcome(of: fused, on: document) == Self.outcome(of: call, on: document), "\(source) on \(document)")
        }
    }

    /// A filter's steps are built with its condition read for truthiness only (`x || null` is `x`),
    /// comparisons with a literal on the left turned around, and a filter of a literal table unrolled,
    /// each condition and right side folded knowing its element; whichever apply, the filter must
    /// give what the plain filter gives, values and errors.
    @Test(arguments: [
        #"`[{"exact": "Abc", "list": 1}, {"contains": "b", "list": 2}, {"iexact": "c", "list": 3}, null, 7, "s", [1]]`[?exact == $.t || iexact && iexact == lower($.t) || contains && contains(lower($.t), contains)].list"#,
        #"`[1, 2, 3, "x", null]`[?@ > $.n].to_string(@)"#,
        #"`[{"a": [1, 2]}, {"a": "x"}, {}]`[?length(a) > `1`].a[0]"#,
        #"`[{"k": "a"}, {"k": 1}, {}]`[?contains($.t, k)].k"#,
        #"`[[1, 2], [3], []]`[?map(&(@ + $.n), @)[0] > `2`]"#,
        #"`[{"k": "a"}, {"k": "b"}]`[?let $k = k in $k == $.t || `false`].{key: k, t: $.t}"#,
        #"`[{"k": "a"}, {"k": null}, 3]`[?`null` == k || `null`]"#,
        #"list[?(`"Abc"` == @ || `""`) && `true`]"#,
        #"list[?!(@ == $.t || `false`) && `[1]`]"#,
        #"list[?`"x"` != @ || abs(@)]"#,
        #"list[?`{}` || @ && `0`]"#,
        #"let $l = t in `["b", "", "Ab", "bz", "xbz", "xbzz"]`[?contains($l, @)]"#,
        #"let $l = t in `[{"c": "x", "k": 1}, {"c": "Abc", "k": 2}, {"c": "A", "k": 3}, {"c": "", "k": null}]`[?starts_with($l, c)].k"#,
        #"let $l = t in `[{"s": "A"}, {"e": "c"}, {"e": "bz"}, {"s": "xbz"}, {"c": "b"}]`[?s && starts_with($l, s) || e && ends_with($l, e) || c && contains($l, c)]"#,
        #"let $l = t, $m = n in `["b", "z"]`[?contains($l, @) && contains($m, @)]"#,
    ])
    func aFilterGivesWhatThePlainFilterGives(_ source: String) throws {
        var tree = try Expression.tree(source)
        // A filter inside a `let` is compared inside the same `let`.
        var binding: (ExpressionStep) -> ExpressionStep = { $0 }
        if case .letExpression(let bindings, let body) = tree {
            tree = body
            binding = { LetStep(bindings.map { $0.value.step() }, $0) }
        }
        guard case .filterProjection(let left, let condition, let right) = tree else {
            Issue.record("not a filter: \(tree)")
            return
        }
        if case .literal = left { #expect(tree.step() is UnrolledFilterStep) }
        let built = binding(tree.step())
        let filter = binding(TrioStep(.filterProjection, left.step(), condition.step(), right.step()))
        let list: JSONValue = ["Abc", "x", "", nil, 0, 2, [1], ["k": 1]]
        let documents: [JSONValue] = [
            ["t": "Abc", "n": 1, "list": list], ["t": "xbz", "n": 2], ["t": "C", "n": 0, "list": ["x", "y"]], ["t": "a", "n": "x"],
            ["t": 5, "n": nil, "list": [-1, "Abc"]], ["t": ["b", "Ab", "xbz"], "n": "bz"], [:], nil, "Abc",
        ]
        for document in documents {
            #expect(Self.outcome(of: built, on: document) == Self.outcome(of: filter, on: document), "\(source) on \(document)")
        }
    }

    /// Conditions that each look for a literal text in one and the same variable (the list_names
    /// rules' `contains($l, contains)`) read the variable once and search bytes (``SubstringTable``);
    /// a condition that does anything else, or texts looked for in anything but one variable, leave
    /// the conditions to run one by one. The filter above gives the same outcomes either way.
    @Test(arguments: [
        (#"let $l = t in `["b", "", "Ab"]`[?contains($l, @)]"#, true),
        (#"let $l = t in `[{"s": "A"}, {"e": "c"}]`[?s && starts_with($l, s) || e && ends_with($l, e)]"#, true),
        (#"let $l = t in `["b", "z"]`[?contains($l, @) || @ == 'z']"#, false),
        (#"let $l = t, $m = n in `["b", "z"]`[?contains(@ == 'b' && $l || $m, @)]"#, false),
        (#"`["b", "z"]`[?contains(t, @)]"#, false),
        (#"`["b", "z"]`[?contains(lower(t), @)]"#, false),
        (#"let $l = t in `[{"c": "b"}, {"e": "z"}]`[?c && contains(lower($l), c) || e && ends_with(lower($l), e)]"#, true),
        (#"let $l = t in `["b", "z"]`[?contains(lower($l), @) || contains($l, @)]"#, false),
        (#"let $l = t in `["b", "z"]`[?contains(upper($l), @)]"#, false),
    ])
    func conditionsLookingForTextsInOneVariableAreSearchedAsATable(_ source: String, _ table: Bool) throws {
        guard case .letExpression(_, let body) = try Expression.tree(source) else {
            #expect(!table, "\(source) is no let")
            #expect((try Expression.tree(source).step() as? UnrolledFilterStep)?.texts == nil)
            return
        }
        #expect(((body.step() as? UnrolledFilterStep)?.texts != nil) == table, "\(source)")
    }

    /// The filter `source` (`let $t = t in <literal list>[?…]`), whose texts a ``SubstringTable``
    /// looks for, answers (and fails) on `["t": subject]` as the plain filter step does, for each subject.
    static func expectTextTableMatchesTheFilter(_ source: String, on subjects: [JSONValue]) throws {
        guard case .letExpression(let bindings, let body) = try Expression.tree(source),
              case .filterProjection(let left, let condition, let right) = body else {
            Issue.record("not a filter in a let: \(source)")
            return
        }
        #expect((body.step() as? UnrolledFilterStep)?.texts != nil, "\(source)")
        let built = LetStep(bindings.map { $0.value.step() }, body.step())
        let filter = LetStep(bindings.map { $0.value.step() }, TrioStep(.filterProjection, left.step(), condition.step(), right.step()))
        for subject in subjects {
            let document: JSONValue = ["t": subject]
            #expect(Self.outcome(of: built, on: document) == Self.outcome(of: filter, on: document), "\(source) on \(subject)")
        }
    }

    /// Texts looked for in a variable's `lower()` (the list_names rules) are searched for, when all
    /// of them are ASCII, in the variable's text with only its A–Z lower-cased, without making the
    /// lower-case form; a text holding one of the two scalars whose lower-case form holds ASCII
    /// (`İ`, the Kelvin sign) makes the lower-case form. Either way, for every subject (non-ASCII,
    /// empty, not a string), the answers and errors are the plain filter's.
    @Test(arguments: [
        #"let $t = t in `["abc", "ki", "i", "k", "", "x", "bc", "sse", "ABC"]`[?contains(lower($t), @)]"#,
        #"let $t = t in `[{"s": "ki"}, {"e": "k"}, {"c": "bc"}, {"s": "d"}, {"e": "e"}]`[?s && starts_with(lower($t), s) || e && ends_with(lower($t), e) || c && contains(lower($t), c)]"#,
        #"let $t = t in `["ki", "i\u0307", "é", "σ", "straße", "k"]`[?contains(lower($t), @)]"#,
    ])
    func textsInALowerCaseFormAreFoundAsInTheLowerCaseString(_ source: String) throws {
        try Self.expectTextTableMatchesTheFilter(source, on: [
            "ABC", "xAbCx", "KI", "\u{212A}I", "a\u{212A}", "\u{130}", "\u{130}K", "D\u{11B}tsk\u{E9} KI", "\u{17D}LU\u{164}OU\u{10C}K\u{DD} K",
            "STRASSE", "Stra\u{DF}e", "\u{3A3}\u{38A}\u{3A3}\u{3A5}\u{3A6}\u{39F}\u{3A3}", "\u{65E5}\u{672C} KI", "", "E\u{301}", "\u{1F600}bc",
            .string(String(repeating: "Related Products ", count: 20) + "KI"), 5, nil, ["abc"], ["k": "ki"],
        ])
    }

    /// Texts looked for anywhere are found in one walk of the subject, each of its bytes naming the
    /// texts that start with it (``SubstringTable``): texts that share a first byte, one that starts
    /// another, the same text also looked for at the start or the end, an empty text, non-ASCII texts,
    /// texts longer than the subject or found only at its end. The answers are the plain filter's.
    @Test(arguments: [
        #"let $t = t in `["ab", "abc", "b", "bca", "", "\u00e9", "\u017e", "cab", "a", "zz", "abcabcabcabc", "ab"]`[?contains($t, @)]"#,
        #"let $t = t in `[{"c": "ab"}, {"s": "ab"}, {"e": "ab"}, {"c": "ba"}, {"c": "\u00e9t"}, {"e": "b"}]`[?c && contains($t, c) || s && starts_with($t, s) || e && ends_with($t, e)]"#,
        #"let $t = t in `["autocomplete", "suggest", "search", "similar", "related", "recommend", "s", "ts", "ks"]`[?contains(lower($t), @)]"#,
    ])
    func textsLookedForAnywhereAreFoundInOneWalk(_ source: String) throws {
        try Self.expectTextTableMatchesTheFilter(source, on: [
            "", "a", "b", "ab", "ba", "abc", "cab", "xxab", "bab", "bcab", "abcabcabcab", "abcabcabcabc", "zz", "z", "\u{E9}", "x\u{E9}t",
            "D\u{11B}tsk\u{E9}", "\u{17E}ab\u{17E}", "SEARCH Results", "category_kids", "Related-Products", "AutoComplete", "TS", "Ks",
            .string(String(repeating: "xa", count: 40) + "b"), 5, nil, ["ab"], ["t": "ab"],
        ])
    }

    /// The two scalars that the lower-case search above must not fold byte by byte are all there
    /// are: every other non-ASCII scalar lower-cases to non-ASCII scalars only. Fails when the
    /// standard library's case mappings change that.
    @Test func onlyTwoNonASCIIScalarsLowerCaseToASCII() {
        var scalars: [UInt32] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else { continue }
            if String(scalar).lowercased().unicodeScalars.contains(where: \.isASCII) { scalars.append(value) }
        }
        #expect(scalars == [0x130, 0x212A])
    }

    /// `x | (@ == null ? null : e)` is built as `x.e`, either way round of the test; the same
    /// values and errors as the pipe into the ternary, for null, empty, scalar and container `x`
    /// and an `e` that fails on some of them. A ternary that does anything else stays a pipe.
    @Test(arguments: [
        "lookup(@, 'id') | (@ == `null` ? `null` : to_string(@))",
        "a | (`null` == @ ? `null` : abs(@))",
        "a | (@ == `null` ? `null` : {v: @, n: length(@)})",
    ])
    func aPipeIntoANullTestIsASubexpression(_ source: String) throws {
        let tree = try Expression.tree(source)
        guard case .pipe(let left, let right) = tree else {
            Issue.record("not a pipe: \(source)")
            return
        }
        #expect((tree.step() as? PairStep)?.rule == .subexpression)
        let plain = PairStep(.pipe, left.step(), right.step())
        let documents: [JSONValue] = [
            ["id": "10.50", "a": -3], ["id": 7, "a": "xyz"], ["id": nil, "a": nil], ["id": "", "a": ""], ["id": false, "a": [1, 2]],
            ["id": ["k": 1], "a": ["k": nil]], [:], nil, "text", 5, [1],
        ]
        for document in documents {
            #expect(Self.outcome(of: tree.step(), on: document) == Self.outcome(of: plain, on: document), "\(source) on \(document)")
        }
        #expect((try Expression.tree("a | (@ == `null` ? `0` : abs(@))").step() as? PairStep)?.rule == .pipe)
        #expect((try Expression.tree("a | (@ != `null` ? `null` : abs(@))").step() as? PairStep)?.rule == .pipe)
    }

    /// Unrolling is bounded: a filter inside the condition (which would be unrolled again in every
    /// copy), more than 64 elements or a condition too large for the table's size leave the plain filter.
    @Test func unrollingLeavesNestedAndLargeTablesToThePlainFilter() throws {
        let table = "[" + (0..<8).map { "{\"k\": \($0)}" }.joined(separator: ", ") + "]"
        #expect(try Expression.tree("`\(table)`[?k == $.n]").step() is UnrolledFilterStep)
        #expect(!(try Expression.tree("`\(table)`[?`\(table)`[?k == $.n]]").step() is UnrolledFilterStep))
        let long = "[" + (0..<65).map(String.init).joined(separator: ", ") + "]"
        #expect(!(try Expression.tree("`\(long)`[?@ == $.n]").step() is UnrolledFilterStep))
        let large = "[" + Array(repeating: "k", count: 600).joined(separator: ", ") + "]"
        #expect(!(try Expression.tree("`\(table)`[?\(large)]").step() is UnrolledFilterStep))
    }

    /// `step`'s value against `document` as compact JSON, or its error. The steps compared hold
    /// at most a `let` or two: an evaluator with room for four `let` values runs them all.
    static func outcome(of step: ExpressionStep, on document: JSONValue) -> String {
        let inputs = EvaluationInputs(root: document, globals: ExpressionVariables())
        do {
            return try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: 4) { evaluator throws(ExpressionError) in
                try step.evaluate(document, &evaluator)
            }.description
        } catch {
            return "error: \(error)"
        }
    }

    static func describe(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func compiledExpressionIsReusableAndComparable() throws {
        let expression = try Expression("items[?price > `10`].sku")
        #expect(try expression.evaluate(["items": [["sku": "a", "price": 5], ["sku": "b", "price": 20]]]) == ["b"])
        #expect(try expression.evaluate(["items": [["sku": "c", "price": 11]]]) == ["c"])
        #expect(expression == (try Expression("items[?price > `10`].sku")))
        #expect(expression != (try Expression("items[?price > `10`].name")))
        #expect(Set([expression, try Expression("items[?price > `10`].sku")]).count == 1)
        #expect(expression.description == "items[?price > `10`].sku")
    }

    @Test func nestingBeyondTheLimitIsRefusedNotCrashed() {
        let depth = ExpressionParser.maxDepth + 1
        for source in [
            String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth),
            String(repeating: "!", count: depth) + "a",
            String(repeating: "-", count: depth) + "a",
            String(repeating: "[", count: depth) + "a" + String(repeating: "]", count: depth),
            "a" + String(repeating: ".a", count: depth),
            "a" + String(repeating: " + a", count: depth),
            String(repeating: "abs(", count: depth) + "a" + String(repeating: ")", count: depth),
        ] {
            #expect(Self.compileError(source)?.kind == .limitExceeded, "\(source.prefix(20))…")
        }
        #expect(Self.compileError(String(repeating: "(", count: 100) + "a" + String(repeating: ")", count: 100)) == nil)
    }

    @Test func overlongExpressionIsRefused() {
        let source = String(repeating: "a", count: ExpressionLexer.maxSourceLength + 1)
        #expect(Self.compileError(source)?.kind == .limitExceeded)
    }

    @Test func exponentialValuesAreRefused() throws {
        var source = "'0123456789abcdef'"
        for index in 0..<40 { source = "let $v\(index) = \(source) in [$v\(index), $v\(index)]" }
        #expect(try Self.evaluationError(source)?.kind == .limitExceeded)
        #expect(try Self.evaluationError("join('', [pad_left('', `4000000`), pad_left('', `4000000`)])")?.kind == .limitExceeded)
        #expect(try Self.evaluationError("replace(pad_left('', `4000000`), '', 'ab')")?.kind == .limitExceeded)
    }

    @Test func growingNumbersAreRefused() throws {
        var source = "$n"
        for index in 0..<12 { source = "let $n = $n * $n in \(index == 0 ? "$n" : source)" }
        source = "let $n = `123456789.123456789` in " + source
        #expect(try Self.evaluationError(source)?.kind == .limitExceeded)
        #expect(try Self.evaluationError("`1e999999999` + `1`")?.kind == .limitExceeded)
        #expect(try Self.evaluationError("`1e999999999` // `3`")?.kind == .limitExceeded)
        #expect(try Self.evaluationError("`1e999999999` % `7`") == nil)
        #expect(try Expression("`2` / `3`").evaluate(nil) == .number(JSONNumber(text: "0.6666666666666666666666666666666667")!))
    }

    @Test func expressionReferenceOutsideAFunctionIsATypeError() throws {
        #expect(try Self.evaluationError("&a")?.kind == .invalidType)
    }

    @Test func everyFunctionIsRegisteredOnce() {
        #expect(ExpressionFunctions.names == [
            "abs", "avg", "ceil", "coalesce", "contains", "ends_with", "enumerate", "find_first", "find_last", "floor", "from_items",
            "iso8601", "items", "join", "keys", "length", "lookup", "lower", "map", "max", "max_by", "merge", "min", "min_by",
            "not_null", "pad_left", "pad_right", "replace", "reverse", "seconds", "slug", "sort", "sort_by", "split",
            "starts_with", "sum", "to_array", "to_number", "to_string", "trim", "trim_left", "trim_right", "type",
            "upper", "uuid5", "values", "zip",
        ])
        #expect(ExpressionFunctions.jmespath.count + ExpressionFunctions.community.count + ExpressionFunctions.dataLayer.count
            == ExpressionFunctions.names.count)
    }
}

/// SHA-1 against the FIPS 180 / RFC 3174 test vectors.
struct SHA1Tests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (String(repeating: "0123456701234567012345670123456701234567012345670123456701234567", count: 10),
         "dea356a2cddd90c7a7ecedc5ebb563934f460452"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    ])
    func digestMatchesVector(_ message: String, _ digest: String) {
        #expect(Self.hex(SHA1.hash(message.utf8)) == digest)
    }

    @Test func millionAsInChunks() {
        var sha = SHA1()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { sha.update(chunk) }
        #expect(Self.hex(sha.finish()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// The message schedule four words at a time (SSE2 on x86-64) against the word-at-a-time one,
    /// on random blocks and on blocks of all-zero and all-one bits.
    @Test func scheduleEqualsTheWordAtATimeOne() {
        var generator = SplitMix64(seed: 0x5A1)
        var blocks: [[UInt32]] = [[UInt32](repeating: 0, count: 16), [UInt32](repeating: .max, count: 16)]
        for _ in 0..<1_000 { blocks.append((0..<16).map { _ in UInt32.random(in: .min ... .max, using: &generator) }) }
        for block in blocks {
            var fast = block + [UInt32](repeating: 0xDEAD_BEEF, count: 64)
            var reference = fast
            fast.withUnsafeMutableBufferPointer { SHA1.schedule($0) }
            reference.withUnsafeMutableBufferPointer { SHA1.portableSchedule($0) }
            #expect(fast == reference, "\(block)")
        }
    }

    /// Lengths around the 56-byte padding boundary and the 64-byte block, hashed whole and split.
    @Test(arguments: [
        (55, "cef734ba81a024479e09eb5a75b6ddae62e6abf1"), (56, "901305367c259952f4e7af8323f480d59f81335b"),
        (63, "0ddc4e0cccd9a12850deb5abb0853a4425559fec"), (64, "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"),
        (65, "78c741ddc482e4cdf8c474a0876347a0905b6233"), (119, "4300320394f7ee239bcdce7d3b8bcee173a0cd5c"),
        (120, "ceb2821639c4b6dcb10bce0e522ca2e608ce056d"),
    ])
    func paddingBoundaries(_ length: Int, _ digest: String) {
        let message = [UInt8](repeating: UInt8(ascii: "x"), count: length)
        #expect(Self.hex(SHA1.hash(message)) == digest)
        var split = SHA1()
        split.update(message.prefix(length / 2))
        split.update(message.dropFirst(length / 2))
        #expect(Self.hex(split.finish()) == digest)
    }
}
