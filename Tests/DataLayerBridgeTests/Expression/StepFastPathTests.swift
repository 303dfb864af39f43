@testable import DataLayerBridge
import Testing

/// Fast paths of the evaluation steps, each compared with the general path it stands for, on
/// values and on errors. A pipe (`x | @`) makes the general path: it is a step of its own, which
/// evaluates `x` into a value before anything reads from it.
struct StepFastPathTests {
    /// Arrays with objects, duplicate keys, non-objects and too few elements; objects; scalars.
    static let documents = [
        #"[{"k":1},{"k":2,"k":3},"s",null,[{"k":4}]]"#, #"[{"k":1},{"j":2}]"#, #"[{"k":{"k":7}}]"#, "[]",
        #"[{"k":null},{"caf\u00e9":1,"k":"x"},{"cafe\u0301":2}]"#, #"{"k":5,"a":{"k":6}}"#, #"{"a":[1],"k":[{"k":8}]}"#,
        #"{"a":"s"}"#, "null", #""text""#, "7",
    ]

    /// `[n].name`, `$x.name` and `@.name` read the member where the object lies
    /// (``ExpressionStep/member(_:_:_:)``), and `lookup(x, 'name')` through it: the same values, and
    /// for `lookup` on anything but an object the call's type error.
    @Test(arguments: [
        ("[1].k", "([1] | @).k"), ("[-1].k", "([-1] | @).k"), ("[-4].k", "([-4] | @).k"), ("[0].k", "([0] | @).k"),
        ("[4].k", "([4] | @).k"), ("[2].k", "([2] | @).k"), (#"[1]."café""#, #"([1] | @)."café""#), ("[0].k.k", "(([0] | @).k | @).k"),
        ("@.k", "(@ | @).k"), ("k[0].k", "(k[0] | @).k"), ("a.k", "(a | @).k"), ("k.k", "(k | @).k"),
        ("let $x = [1] in $x.k", "let $x = [1] in ($x | @).k"), ("let $x = a in $x.k", "let $x = a in ($x | @).k"),
        ("let $x = a, $y = [0] in [$x.k, $y.k]", "let $x = a, $y = [0] in [($x | @).k, ($y | @).k]"),
        ("lookup([1], 'k')", "lookup([1] | @, 'k')"), ("lookup([-1], 'k')", "lookup([-1] | @, 'k')"),
        ("lookup([2], 'k')", "lookup([2] | @, 'k')"), ("lookup([9], 'k')", "lookup([9] | @, 'k')"), ("lookup(@, 'k')", "lookup(@ | @, 'k')"),
        ("let $x = a in lookup($x, 'k')", "let $x = a in lookup($x | @, 'k')"), ("lookup([1], 'caf\u{e9}')", "lookup([1] | @, 'caf\u{e9}')"),
    ])
    func aMemberReadInPlaceGivesWhatTheValueGives(_ fast: String, _ general: String) throws {
        try ExpressionTests.expectSameOutcomes(of: fast, as: general, on: Self.documents)
    }

    /// The reads above take the fast path at all: `[n]`, `$x` and `@` answer for their member.
    @Test func membersOfElementsLocalsAndTheCurrentNodeAreReadInPlace() throws {
        let inputs = EvaluationInputs(root: [["k": 1], ["k": 2]], globals: ExpressionVariables())
        let read = try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: 1) { evaluator throws(ExpressionError) in
            let name = MemberName("k")
            let second = try IndexStep(position: -1).member(name, inputs.root, &evaluator)
            let current = try CurrentStep().member(name, ["k": 3], &evaluator)
            try evaluator.pushScope(["k": 4, "j": 5])
            let local = try LocalStep(slot: 0).member(name, .null, &evaluator)
            let outside = Result { () throws(ExpressionError) in try LocalStep(slot: 1).member(name, .null, &evaluator) }
            let notObject = try IndexStep(position: 0).member(name, [1], &evaluator)
            let outcome: JSONValue = (try? outside.get()) == nil ? "fails" : "reads"
            return .array([second, current, local, notObject].map { $0 ?? "none" } + [outcome])
        }
        #expect(read == [2, 3, 4, "none", "fails"])
    }
}

extension StepFastPathTests {
    /// A mapping variable read by slot (``ExpressionEvaluator/global(_:slot:column:)``) gives what a
    /// read by name gives: the bound value, the deferred variable, variables of another layout, and
    /// the undefined-variable error at its column.
    @Test func aVariableReadBySlotGivesWhatAReadByNameGives() throws {
        let source = "[$a, $b.k, $record, $b]"
        let tree = try Expression.tree(source)
        let layout = VariableLayout(names: ["b", "a", "record"])
        let bySlot = Expression(source: source, tree: tree, readingGlobalsOf: layout)
        let byName = Expression(source: source, tree: tree, readingGlobalsOf: nil)
        var inLayout = ExpressionVariables(layout: layout)
        inLayout.set(["k": 2], slot: 0, name: "b")
        inLayout.set(1, slot: 1, name: "a")
        var missing = ExpressionVariables(layout: layout)
        missing.set(1, slot: 1, name: "a")
        let scopes = [inLayout, missing, ExpressionVariables(["a": "x", "b": ["k": [3]], "record": "given"]), ExpressionVariables(["a": 1])]
        let deferred = DeferredVariable(ordinal: 7, text: "made")
        func outcome(_ expression: Expression, _ variables: ExpressionVariables, _ made: DeferredVariable?) -> String {
            do {
                return try expression.evaluate([:], variables: variables, deferred: made).description
            } catch {
                return "\(error)"
            }
        }
        var outcomes: [String] = []
        for variables in scopes {
            for made in [deferred, nil] {
                outcomes.append(outcome(bySlot, variables, made))
                #expect(outcomes.last == outcome(byName, variables, made))
            }
        }
        #expect(outcomes.first == #"[1,2,{"ordinal":7,"text":"made"},{"k":2}]"#)
        #expect(outcomes.last == "1:6: undefined variable: $b is not defined")
        // With a deferred variable of another name beside them, too.
        #expect(outcomes[outcomes.count - 2] == outcomes.last)
    }

    /// `$record` read several times in one evaluation, by slot and by name, is the same record
    /// each time (an evaluation makes it once and keeps it); bound as a variable, the bound value.
    @Test func aDeferredVariableReadTwiceIsTheSameRecord() throws {
        let source = "[$record.ordinal, $record.text, $record, $record.ordinal, length($record.text)]"
        let tree = try Expression.tree(source)
        let bySlot = Expression(source: source, tree: tree, readingGlobalsOf: VariableLayout(names: ["record"]))
        let byName = Expression(source: source, tree: tree, readingGlobalsOf: nil)
        let deferred = DeferredVariable(ordinal: 7, text: "caf\u{e9}")
        for expression in [bySlot, byName] {
            #expect(try expression.evaluate([:], variables: ExpressionVariables(), deferred: deferred)
                == [7, "caf\u{e9}", ["ordinal": 7, "text": "caf\u{e9}"], 7, 4])
            #expect(try expression.evaluate([:], variables: ExpressionVariables(["record": ["ordinal": 1, "text": "given"]]), deferred: deferred)
                == [1, "given", ["ordinal": 1, "text": "given"], 1, 5])
        }
    }

    /// A deferred `$record` answers for `record` only, with the record it borrows (its text
    /// decoded, non-ASCII and escapes as they are): any other name stays undefined, not null.
    @Test func aDeferredVariableLeavesOtherNamesUndefined() throws {
        let deferred = DeferredVariable(ordinal: 7, text: "{\"a\":\"caf\u{e9} \\u00e9\"}")
        #expect(deferred.value(of: "record") == .some(["ordinal": 7, "text": "{\"a\":\"caf\u{e9} \\u00e9\"}"]))
        #expect(DeferredVariable(ordinal: 1, text: "").value(of: "record") == .some(["ordinal": 1, "text": ""]))
        #expect(deferred.value(of: "r") == Optional<JSONValue>.none)
        #expect(deferred.value(of: "recordx") == Optional<JSONValue>.none)
    }
}

extension DeferredVariable {
    /// A deferred `$record` of a text that lives as long as the program.
    init(ordinal: Int, text: StaticString) {
        self.init(ordinal: ordinal, text: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

extension StepFastPathTests {
    /// A comparison with a literal (``LiteralComparisonStep``) answers `==` and `!=` itself, against
    /// `null` by the value's case: every comparator against every kind of literal must give what
    /// the general comparison of two evaluated values gives, errors of the left side included.
    @Test func aComparisonWithALiteralGivesWhatTheGeneralComparisonGives() throws {
        let values: [JSONValue] = [
            nil, false, true, 0, 1, .number(JSONNumber(text: "1.0")!), -2, "", "a", "caf\u{e9}", "cafe\u{301}", [], [nil], ["a"], [:], ["k": nil], ["k": "a"],
        ] + Self.shortTexts.map(JSONValue.string)
        let comparators: [ExpressionNode.Comparator] = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
        for literal in values {
            for comparator in comparators {
                for left in [CurrentStep(), FieldStep(name: "k"), UnaryStep(negate: true, CurrentStep(), column: 1), LocalStep(slot: 0)] as [ExpressionStep] {
                    // A `let` binding `@` gives the `let` value read in place something to read.
                    let fast = LetStep([CurrentStep()], LiteralComparisonStep(comparator, left, literal))
                    let general = LetStep([CurrentStep()], ComparisonStep(comparator, left, LiteralStep(literal)))
                    for value in values {
                        #expect(ExpressionTests.outcome(of: fast, on: value) == ExpressionTests.outcome(of: general, on: value),
                                "\(value) \(comparator) \(literal)")
                    }
                }
            }
        }
    }
}

extension StepFastPathTests {
    /// `coalesce` stops at the first value found when no later argument can fail; a `let` value
    /// counts as one that cannot. Inside a `let`, the call must give what the general call gives.
    @Test func aCoalesceOfLetValuesGivesWhatTheCallGives() throws {
        guard case .letExpression(_, .function(let coalesce, let arguments, let column)) = try Expression.tree("let $x = b in coalesce(a, $x, abs(c), $x)") else {
            Issue.record("not a let of a call")
            return
        }
        let bindings: [ExpressionStep] = [FieldStep(name: "b")]
        let fast = LetStep(bindings, try #require(CoalesceStep(coalesce, arguments)))
        let general = LetStep(bindings, FunctionStep(coalesce, arguments.map { $0.step() }, column: column))
        let documents: [JSONValue] = [["a": 1, "c": "s"], ["b": 2, "c": "s"], ["b": 2, "c": -3], ["c": -3], ["a": "", "b": [], "c": 1], [:], nil]
        for document in documents {
            #expect(ExpressionTests.outcome(of: fast, on: document) == ExpressionTests.outcome(of: general, on: document), "\(document)")
        }
        #expect(ExpressionTests.outcome(of: fast, on: ["b": 2, "c": "s"]).contains("abs()"), "an argument after the value still fails")
    }
}

extension StepFastPathTests {
    /// `x == null` looks at `@` and `let` values where they lie (``ExpressionStep/isNull(_:_:)``):
    /// the same answers as a test of the evaluated value.
    @Test(arguments: [
        ("@ == `null`", "(@ | @) == `null`"), ("@ != `null`", "(@ | @) != `null`"), ("`null` == @", "`null` == (@ | @)"),
        ("let $x = a in $x == `null`", "let $x = a in ($x | @) == `null`"), ("let $x = a, $y = k in [$x != `null`, $y == `null`]", "let $x = a, $y = k in [($x | @) != `null`, ($y | @) == `null`]"),
        ("let $x = a in [0] == `null`", "let $x = a in ([0] | @) == `null`"), ("a == `null` ? 'none' : 'some'", "(a | @) == `null` ? 'none' : 'some'"),
    ])
    func aNullTestInPlaceGivesWhatTheValueGives(_ fast: String, _ general: String) throws {
        try ExpressionTests.expectSameOutcomes(of: fast, as: general, on: Self.documents + [#"{"a":null,"k":0}"#, #"{"a":false}"#, #"[null]"#])
    }

    /// `to_string(@)` and `lookup(@, 'k')` read `@` in place, not through its step: the same values,
    /// and on anything but an object `lookup`'s type error.
    @Test(arguments: [
        ("to_string(@)", "to_string(@ | @)"), ("lookup(@, 'k') | to_string(@)", "lookup(@ | @, 'k') | to_string(@ | @)"),
        ("map(&to_string(@), @)", "map(&to_string(@ | @), @)"), ("map(&lookup(@, 'k'), @)", "map(&lookup(@ | @, 'k'), @)"),
    ])
    func theCurrentNodeReadInPlaceGivesWhatItsStepGives(_ fast: String, _ general: String) throws {
        try ExpressionTests.expectSameOutcomes(of: fast, as: general, on: Self.documents + [#"{"k":"caf\u00e9"}"#, #"[{"k":1.50},{"k":"x"},null]"#])
    }
}

extension StepFastPathTests {
    /// A multi-select measures scalar and string members inline (``JSONValue/flatSize``): the size
    /// the walk gives, and none for containers, which the walk measures.
    @Test func aFlatSizeIsTheSizeAWalkGives() throws {
        let values: [JSONValue] = [nil, true, 0, .number(JSONNumber(text: "-1.50e3")!), "", "caf\u{e9} 😀", .string(String(repeating: "x", count: 40)), [], ["a"], [:], ["k": "v"]]
        for value in values {
            switch value {
            case .array, .object: #expect(value.flatSize == nil, "\(value)")
            default: #expect(value.flatSize == SizeGuardTests.walkedSize(value), "\(value)")
            }
            #expect(value.size(upTo: .max) == SizeGuardTests.walkedSize(value), "\(value)")
        }
    }
}

extension StepFastPathTests {
    /// Texts around what ``SmallASCIILiteral`` decides by words: short ASCII ones, 15 and 16 bytes,
    /// the Kelvin sign (a non-ASCII string equal to `"K"`), and a short text in large storage.
    static let shortTexts: [String] = {
        var large = String()
        large.reserveCapacity(64)
        large.append("K")
        return ["K", "k", "\u{212A}", "Kk", "\u{212A}k", "view_item_list", "view_item_lisx", "fifteen-bytes-x", "sixteen-bytes-xx", "sixteen-bytes-xy", large]
    }()

    /// Only small ASCII strings are decided by their words; the texts above reach both paths.
    @Test func onlySmallASCIIStringsAreDecidedByTheirWords() throws {
        let decided = Self.shortTexts.map { SmallASCIILiteral.words(of: $0) != nil }
        #expect(decided == [true, true, false, true, false, true, true, true, false, false, false])
        #expect(Self.shortTexts.map { SmallASCIILiteral($0) != nil } == [true, true, false, true, false, true, true, true, false, false, true])
    }

    /// `contains([…texts…], x)` (``StringMembershipStep``) gives what the general call gives, by
    /// words or by `==`, for lists of short ASCII texts and lists with other texts.
    @Test(arguments: ["'K', 'view_item_list', 'fifteen-bytes-x'", "'k', 'sixteen-bytes-xx'", "'\u{212A}', 'Kk'", "'a'"])
    func aMembershipOfShortTextsGivesWhatTheCallGives(_ list: String) throws {
        let documents = Self.shortTexts.dropLast().map { #"{"k":\#(JSONValue.string($0).description)}"# }
        try ExpressionTests.expectSameOutcomes(of: "contains([\(list)], k)", as: "contains([\(list)] | @, k)", on: documents + ["{}", "null", #"{"k":1}"#])
        // The large-storage text, which no document can give.
        let large = try #require(Self.shortTexts.last)
        let fast = try Expression("contains([\(list)], k)"), general = try Expression("contains([\(list)] | @, k)")
        #expect(try fast.evaluate(["k": .string(large)]) == general.evaluate(["k": .string(large)]))
    }
}

extension StepFastPathTests {
    /// A comparison or a membership test of a member of `@` (`event == 'page_view'`,
    /// `contains(['view_item', …], event)`) looks at the member where it lies
    /// (``InPlaceOperand/test(_:_:_:)``): the answers of the same tests on the member evaluated
    /// first (`event | @`), for repeated keys (the last one counts), missing members, members of
    /// every type, escaped and non-ASCII texts, and a current node that is no object.
    @Test(arguments: [
        "k == 'view_item_list'", "k != 'view_item_list'", "k == 'caf\u{e9}'", "k == `null`", "k != `1`", "k == `{\"a\": [1]}`",
        "contains(['view_item', 'view_item_list', 'caf\u{e9}', 'sixteen-bytes-xx'], k)", "k == 'v' ? 'y' : 'n'",
    ])
    func testsOfAMemberReadInPlaceGiveWhatTheEvaluatedMemberGives(_ test: String) throws {
        let documents = [
            #"{"k": "view_item_list"}"#, #"{"k": "view_item", "k": "view_item_list"}"#, #"{"k": "view_item_list", "k": "view_item"}"#,
            #"{"k": "caf\u00e9"}"#, #"{"k": "cafe\u0301"}"#, #"{"k": "view\u005fitem"}"#, #"{"k": "sixteen-bytes-xx"}"#, #"{"k": "v", "j": 1}"#,
            #"{"k": null}"#, #"{"k": 1}"#, #"{"k": 1.0}"#, #"{"k": {"a": [1]}}"#, #"{"k": ["view_item"]}"#, #"{"j": "view_item"}"#, "{}",
            "null", "[]", #""k""#, "12345678901234567890123",
        ]
        try ExpressionTests.expectSameOutcomes(of: test, as: test.replacingOccurrences(of: "k", with: "(k | @)"), on: documents)
    }
}

extension StepFastPathTests {
    /// A `{…}` whose keys are all small strings makes each member's key from its words: the same
    /// object, keys and text as the general build, for ASCII and non-ASCII keys of up to 15 bytes,
    /// and for key sets with a longer key, which keep the keys as given.
    @Test(arguments: [
        ["title", "type", "url", "position", "price"], ["caf\u{e9}", "x", ""], ["fifteen-bytes-x", "\u{212A}"], ["sixteen-bytes-xx", "a"],
        ["\u{1F600}\u{1F600}\u{1F600}", "cafe\u{301}"],
    ])
    func anObjectWithSmallKeysGivesWhatTheGeneralBuildGives(_ literals: [String]) throws {
        // Made at run time: a non-ASCII literal is not a small string, a string made of its bytes is.
        let keys = literals.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        let values: [ExpressionStep] = keys.indices.map { $0 % 2 == 0 ? FieldStep(name: "k") as ExpressionStep : LiteralStep(.number(JSONNumber($0))) }
        let fast = MultiSelectStep(values, keys: keys, uniqueKeys: true)
        let general = MultiSelectStep(values, keys: keys, uniqueKeys: false)
        // Every key set but the one with a 16-byte key takes the words.
        #expect(keys.allSatisfy { ShortText(smallStringOf: $0) != nil } == !keys.contains("sixteen-bytes-xx"), "\(keys)")
        for document in [["k": "v"], ["k": [1, nil]], [:], nil] as [JSONValue] {
            #expect(ExpressionTests.outcome(of: fast, on: document) == ExpressionTests.outcome(of: general, on: document), "\(keys) \(document)")
            let built = try ExpressionEvaluator.withEvaluator(EvaluationInputs(root: document, globals: ExpressionVariables()), scopeCapacity: 0) { evaluator throws(ExpressionError) in
                try fast.evaluate(document, &evaluator)
            }
            // Byte for byte: `==` on strings would let a differently normalised key pass.
            #expect(built.objectValue.map { $0.members.map { Array($0.key.utf8) } } == (document.isNull ? nil : keys.map { Array($0.utf8) }), "\(keys)")
            #expect(built.objectValue.map { $0.members.allSatisfy { $0.keyLength == UInt32($0.key.utf8.count) } } ?? true)
        }
    }
}

extension StepFastPathTests {
    /// A filter that projects nothing (`xs[?c]`) hands back the array itself while it keeps every
    /// element, and copies only once it drops one: the same values and errors as a filter whose
    /// right side gives each element back through a call (`xs[?c].not_null(@)`), which builds its
    /// result element by element.
    @Test(arguments: ["[?@ != `null`]", "[?@]", "[?`true`]", "[?abs(@) > `1`]", "[?k]", "[?!@]"])
    func aFilterKeepingElementsAsTheyAreGivesWhatABuildingFilterGives(_ filter: String) throws {
        let documents = Self.documents + [
            "[1, 2, 3]", "[1, null, 2]", "[null, 1]", "[2, 3, null]", "[null]", #"["a", 0, false, {}, []]"#, "[3, -4, 0.5]",
            #"[{"k": 1}, {"k": 0}, {"k": null}, {}]"#, #"[{"k": true}, {"k": "x"}]"#,
        ]
        try ExpressionTests.expectSameOutcomes(of: "@" + filter, as: "@" + filter + ".not_null(@)", on: documents)
    }
}

extension StepFastPathTests {
    /// An evaluator has room for exactly the `let` values its tree holds at once: a `let`'s
    /// bindings while its body runs, the bindings before each one while that one runs.
    @Test(arguments: [
        ("a.b", 0), ("let $a = `1` in $a", 1), ("let $a = `1`, $b = `2` in [$a, $b]", 2),
        ("let $a = (let $x = `1`, $y = `2`, $z = `3` in [$x, $y, $z]) in $a", 3),
        ("let $a = `1`, $b = (let $x = `1`, $y = `2`, $z = `3` in [$x, $y, $z]) in [$a, $b]", 4),
        ("let $a = `1` in let $b = `2` in let $c = `3` in [$a, $b, $c]", 3),
        ("[let $a = `1` in $a, let $b = `2`, $c = `3` in $c]", 2),
        ("map(&(let $q = @, $r = @ in [$q, $r]), `[1, 2]`)", 2),
        ("let $a = `1`, $b = `2` in map(&(let $q = [$a, $b, @] in $q), `[3]`)", 3),
    ])
    func theScopeStackHasRoomForTheDeepestNesting(_ source: String, _ capacity: Int) throws {
        let tree = try ExpressionParser.parse(source).resolvingLocals(in: [:], depth: 0)
        #expect(tree.scopeCapacity == capacity, "\(source)")
        #expect(try Expression(source).scopeCapacity == capacity, "\(source)")
    }

    /// Nested `let`s evaluate to what they bind, at every depth: an evaluator given less room than
    /// its expression needs would fail here instead of giving the value.
    @Test func nestedLetsGiveTheirValues() throws {
        let cases: [(String, JSONValue)] = [
            ("let $a = `1`, $b = (let $x = `2`, $y = `3`, $z = `4` in [$x, $y, $z]) in [$a, $b]", [1, [2, 3, 4]]),
            ("let $a = `1` in let $b = `2` in let $c = `3` in [$a, $b, $c]", [1, 2, 3]),
            ("let $a = k, $b = `2` in map(&(let $q = [$a, $b, @] in $q), `[3, 4]`)", [["v", 2, 3], ["v", 2, 4]]),
            ("[let $a = k in $a, let $b = `2`, $c = `3` in [$b, $c]]", ["v", [2, 3]]),
        ]
        for (source, expected) in cases {
            #expect(try Expression(source).evaluate(["k": "v"]) == expected, "\(source)")
        }
    }

    /// A push past the room given is an error, not a write past the buffer; values left pushed
    /// are dropped when the evaluator ends.
    @Test func aPushPastTheRoomGivenFails() throws {
        let inputs = EvaluationInputs(root: nil, globals: ExpressionVariables())
        let pushed = try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: 1) { evaluator throws(ExpressionError) in
            try evaluator.pushScope(["k": 1])
            let second = Result { () throws(ExpressionError) in try evaluator.pushScope(2) }
            return [.number(JSONNumber(evaluator.scopeDepth)), (try? second.get()) == nil ? "fails" : "pushed", try evaluator.local(0)]
        }
        #expect(pushed == [1, "fails", ["k": 1]])
        let none = Result { () throws(ExpressionError) in
            try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: 0) { evaluator throws(ExpressionError) in
                try evaluator.pushScope(1)
                return .null
            }
        }
        #expect((try? none.get()) == nil)
    }
}

extension StepFastPathTests {
    /// A ternary whose condition is a comparison with a literal (``ComparisonTernaryStep``) asks
    /// the comparison whether it holds and returns a literal branch as it is: every comparator
    /// against every kind of literal, with literal and evaluated branches, must give what the
    /// general ternary gives, errors of the condition and of the branches included.
    @Test func aTernaryOnAComparisonGivesWhatTheGeneralTernaryGives() throws {
        let values: [JSONValue] = [nil, false, true, 0, 1, -2, "", "a", "pv", "caf\u{e9}", [], ["a"], [:], ["k": nil], ["k": "a"], ["k": 1]]
        let comparators: [ExpressionNode.Comparator] = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
        let branches: [(ExpressionStep, ExpressionStep)] = [
            (LiteralStep("yes"), LiteralStep(nil)), (LiteralStep(nil), LiteralStep("no")), (FieldStep(name: "k"), LiteralStep(["n": 1])),
            (LiteralStep(2), CurrentStep()),
            (UnaryStep(negate: true, CurrentStep(), column: 3), FieldStep(name: "k")),
        ]
        for literal in values {
            for comparator in comparators {
                for left in [CurrentStep(), FieldStep(name: "k"), UnaryStep(negate: true, CurrentStep(), column: 1)] as [ExpressionStep] {
                    for (then, otherwise) in branches {
                        let condition = LiteralComparisonStep(comparator, left, literal)
                        let fast = ComparisonTernaryStep(condition, then, otherwise)
                        let general = TrioStep(.ternary, condition, then, otherwise)
                        for value in values {
                            #expect(ExpressionTests.outcome(of: fast, on: value) == ExpressionTests.outcome(of: general, on: value),
                                    "\(value) \(comparator) \(literal)")
                        }
                    }
                }
            }
        }
    }

    /// The default mapping's ternaries on a comparison take the fused step, whichever side the literal is on.
    @Test(arguments: ["$type == 'event' ? `null` : x", "`null` == @ ? `null` : to_string(@)", "a < `2` ? b : c"])
    func ternariesOnAComparisonAreFused(_ source: String) throws {
        #expect(try Expression.tree(source.replacingOccurrences(of: "$type", with: "t")).step() is ComparisonTernaryStep)
    }
}

extension StepFastPathTests {
    /// An array's walk measures elements whose size is at hand (``JSONValue/sizeAtHand``) without
    /// a call: the size a walk gives for scalars, strings and objects that remember their size,
    /// none for arrays and objects that do not, and the same walk of arrays holding them.
    @Test func aSizeAtHandIsTheSizeAWalkGives() throws {
        let remembering = try SizeGuardTests.materialised(#"{"a":"caf\u00e9","b":[1,{"c":null}],"d":{"e":2.50}}"#)
        let forgetting: JSONValue = ["a": "café", "b": [1, ["c": nil]]]
        let scalars: [JSONValue] = [nil, false, .number(JSONNumber(text: "-1.50e3")!), "", "caf\u{e9} 😀"]
        for value in scalars + [remembering] {
            #expect(value.sizeAtHand == SizeGuardTests.walkedSize(value), "\(value)")
        }
        for value: JSONValue in [forgetting, [], [1]] { #expect(value.sizeAtHand == nil, "\(value)") }
        let array = JSONValue.array(scalars + [remembering, forgetting, [remembering, [forgetting]]])
        #expect(array.size(upTo: .max) == SizeGuardTests.walkedSize(array))
    }

    /// `from_items([[key, value], …])` built without the pairs (``PairsObjectStep``) gives what the
    /// call on the built pairs gives: values, repeated keys, keys that are not strings, errors of
    /// keys and values, a null current node, and the size guard's limit, counted pair by pair so
    /// that it fails before a later pair's error as the multi-select does.
    @Test(arguments: [
        "[['a', a], ['b', b]]", "[['a', a], ['a', b], [k, a]]", "[[n, a], ['b', b]]", "[[k, a], [n, b]]",
        "[['a', a], [a, b]]", "[['a', abs(k)], ['b', b]]", "[[n, a], ['b', abs(k)]]", "[['a', {x: a, y: [b]}]]",
        "[['big', s], ['again', s]]", "[['big', s], ['again', s], ['bad', abs(k)]]", "[['big', s], ['bad', abs(k)]]",
        "[[k, s], ['big', s]]", "[[a, `1`]]",
    ])
    func pairsWrittenOutGiveWhatFromItemsGives(_ pairs: String) throws {
        let fast = try Expression("from_items(\(pairs))"), general = try Expression("from_items(\(pairs) | @)")
        #expect(try Expression.tree("from_items(\(pairs))").step() is PairsObjectStep)
        let large = String(repeating: "x", count: ExpressionLimits.maxValueSize * 3 / 5)
        let documents: [JSONValue] = [
            ["a": 1, "b": ["c": nil], "k": "key", "n": 2, "s": "short"], ["a": "k", "k": "a"], ["s": .string(large), "k": "key"],
            [:], [1, 2], nil,
        ]
        for document in documents {
            let errors = [fast, general].map { expression in ExpressionTests.describe { _ = try expression.evaluate(document) } }
            #expect(errors[0] == errors[1], "\(pairs)")
            #expect((try? fast.evaluate(document)) == (try? general.evaluate(document)), "\(pairs)")
        }
    }
}

extension StepFastPathTests {
    /// `xs[?@ != `null`] | [0]` (``FirstNonNullStep``) gives what the filter and the index give: the
    /// first value that is not null (`false` and `0` are values), null for none and for anything but
    /// an array, and of a `map` every element's error, even after the value is found.
    @Test(arguments: [
        "xs[?@ != `null`] | [0]", "xs[?`null` != @] | [0]", "map(&k, xs)[?@ != `null`] | [0]",
        "map(&abs(@), xs)[?@ != `null`] | [0]", "map(&(let $l = lower(@) in $l), xs)[?@ != `null`] | [0]",
        "map(&[1], enumerate(xs))[?@ != `null`] | [0]", "map(&@, k)[?@ != `null`] | [0]", "k[?@ != `null`] | [0]",
    ])
    func theFirstNonNullValueIsWhatTheFilterAndTheIndexGive(_ source: String) throws {
        #expect(try Expression.tree(source).step() is FirstNonNullStep)
        let general = source.replacingOccurrences(of: "] | [0]", with: "] | @ | [0]")
        try ExpressionTests.expectSameOutcomes(of: source, as: general, on: [
            #"{"xs":[null,false,1]}"#, #"{"xs":[null,"A",-2]}"#, #"{"xs":[3,"a"]}"#, #"{"xs":[null,null]}"#, #"{"xs":[]}"#,
            #"{"xs":[{"k":null},{"k":0},{"k":"Ř"}],"k":"text"}"#, #"{"xs":"text","k":{"a":1}}"#, #"{"k":[null,5]}"#, "null", "[1]",
        ])
    }
}

extension StepFastPathTests {
    /// `map(&to_string(@), xs)` returns an array of strings as it is: the same values as the call
    /// (strings, numbers and objects written out, nulls), and `enumerate` pairs are still written.
    @Test(arguments: ["xs", "enumerate(xs)", "k", "@"])
    func anArrayOfStringsMapsToItselfThroughToString(_ elements: String) throws {
        // Spaces where the general form has `| @`, so that errors name the same columns.
        let (source, general) = ("map(&to_string(@),     \(elements))", "map(&to_string(@ | @), \(elements))")
        try ExpressionTests.expectSameOutcomes(of: source, as: general, on: [
            #"{"xs":["a","Ř",""]}"#, #"{"xs":["a",1,null]}"#, #"{"xs":[{"k":"v"},[2]]}"#, #"{"xs":[],"k":"text"}"#,
            #"["a","b"]"#, #"[1,"b"]"#, "null",
        ])
    }
}

extension StepFastPathTests {
    /// `map(&body, enumerate(xs))` whose body reads its pair only through `[0]` and `[1]` is
    /// evaluated against the elements, not the pairs (``ExpressionNode/readingPairInPlace()``):
    /// the same values and errors as the pairs `enumerate(xs) | @` makes, for bodies that read the
    /// pair in other ways too (`@`, `[2]`, `[-1]`, a member), with reads of `[0]` and `[1]` inside
    /// parts that run against other values (`&…`, the right of a pipe, projection or filter), nested
    /// fused maps (whose positions must not leak into the outer body), null elements (a multi-select
    /// is null on null, a pair never is), and anything but an array.
    @Test(arguments: [
        "{index: [0], item: [1]}", "[1].a + [0]", "[0] == `1` ? [1] : `null`", "[1].a || [0]",
        "let $x = [1] in {k: $x.a, p: [0]}", "from_items(items({a: coalesce([1].a, 'x'), p: [0] + `1`})[?[1] != `null`])",
        "{o: [0], inner: map(&[0], enumerate([1].xs)), again: [0]}", "map(&{o: [0], e: [1]}, enumerate([1].xs))",
        "{o: [0], inner: map(&[0], [1].xs)}", "[1].xs[*][0]", "[1] | [0]", "[1].xs[?[0] == `1`][0]", "sort_by([1].xs, &[0])",
        "[1][]", "[1].*", "keys([1])", "abs([1])", "[[0], [1].a]", "[1]", "[1].abs(@)", "[1].{k: a, i: [0]}", "[1].[a, @]",
        "[1] | keys(@)", "[1] | {k: a}", "`1` + ([1] | a)", "[1].a.b",
        "@", "[2]", "[-1]", "[-2]", "a", "[0:1]", "[[0], @]", "{i: [0], e: [1], two: [2]}",
    ])
    func aMapOverEnumerateReadsTheElementsInPlace(_ body: String) throws {
        try ExpressionTests.expectSameOutcomes(of: "map(&(\(body)), enumerate(xs))", as: "map(&(\(body)), enumerate(xs) | @)", on: [
            #"{"xs":[{"a":1,"xs":[[1,2],[3]]},{"a":null,"xs":[]},null,{"xs":["p","q"]},7,"s",[5],{"a":"x","xs":{"b":1}}]}"#,
            #"{"xs":[{"a":2,"xs":[[4],[1,"v"]]},{"a":3}]}"#, #"{"xs":[null]}"#, #"{"xs":[-1.5,2]}"#, #"{"xs":[]}"#,
            #"{"xs":"text"}"#, #"{"xs":{"a":1}}"#, "{}", "null",
        ])
    }

    /// Which bodies are evaluated against the elements: those reading their pair only through `[0]`
    /// and `[1]` where they run against it; and the values they give, which the general calls give.
    @Test func onlyBodiesReadingThePairThroughItsIndicesAreFused() throws {
        let fused = ["{index: [0], item: [1]}", "[1].a + [0]", "sort_by([1].xs, &@)", "[1] | @", "`1`", "$x"]
        let unfused = ["@", "a", "[2]", "[-1]", "[0:1]", "[[0], @]", "[1] || @", "{a: [0], b: @.a}"]
        for body in fused { #expect(try Expression.tree(body).readingPairInPlace() != nil, "\(body)") }
        for body in unfused { #expect(try Expression.tree(body).readingPairInPlace() == nil, "\(body)") }
        let value = try Expression("map(&{i: [0], e: [1].a, inner: map(&[0] * `10`, enumerate([1].b)), i2: [0]}, enumerate(xs))")
            .evaluate(["xs": [["a": "x", "b": [1, 2]], ["b": []], ["a": "y", "b": [3]]]])
        #expect(value == [["i": 0, "e": "x", "inner": [0, 10], "i2": 0], ["i": 1, "e": nil, "inner": [], "i2": 1],
                          ["i": 2, "e": "y", "inner": [0], "i2": 2]])
    }
}

extension StepFastPathTests {
    /// The members of a multi-select are measured by the array that holds them (``StepArray``): a
    /// multi-select or a literal by its own `measured`, any other step as it is evaluated. Either
    /// way the total grows by the value's size, and a value that takes it past the limit fails.
    @Test func membersAreMeasuredByTheirValuesSize() throws {
        let large = String(repeating: "\u{e9}", count: ExpressionLimits.maxValueSize / 3)
        let steps: [ExpressionStep] = [
            CurrentStep(), FieldStep(name: "k"), LocalStep(slot: 0), LiteralStep("caf\u{e9}"), LiteralStep(["a": [1, nil]]),
            LiteralStep(.string(large)), MultiSelectStep([FieldStep(name: "k"), LiteralStep(2)], keys: nil, uniqueKeys: true),
            MultiSelectStep([CurrentStep(), LiteralStep("t")], keys: ["x", "y"], uniqueKeys: true),
        ]
        let measuring = StepArray(steps)
        for document in [["k": "v\n"], ["k": .string(large)], [:], nil, 12] as [JSONValue] {
            for start in [0, ExpressionLimits.maxValueSize / 2] {
                for position in steps.indices {
                    let inputs = EvaluationInputs(root: document, globals: ExpressionVariables())
                    var expected = start
                    let expectedOutcome = ExpressionTests.describe {
                        _ = try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: 1) { evaluator throws(ExpressionError) in
                            try evaluator.pushScope(document)
                            let value = try steps[position].evaluate(document, &evaluator)
                            try ExpressionLimits.count(value.size(upTo: .max), into: &expected)
                            return value
                        }
                    }
                    var total = start
                    let outcome = ExpressionTests.describe {
                        _ = try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: 1) { evaluator throws(ExpressionError) in
                            try evaluator.pushScope(document)
                            return try measuring.measured(position, document, &evaluator, size: &total)
                        }
                    }
                    #expect(outcome == expectedOutcome, "\(position) \(start)")
                    if outcome == "no error" { #expect(total == expected, "\(position) \(start)") }
                }
            }
        }
    }
}

extension StepFastPathTests {
    /// `x | (@ == `null` ? `null` : to_string(@))` (an item's identity) gives a string `x` gives
    /// back without the `to_string(@)` step: the values and errors of the step for strings
    /// (non-ASCII, escaped, empty, long), numbers of every size, objects, arrays, booleans and null.
    @Test(arguments: ["k", "lookup(@, 'k')", "[1]", "k.k"])
    func aStringPassedOnByToStringIsTheValue(_ left: String) throws {
        let (source, general) = ("\(left) | (@ == `null` ? `null` : to_string(@))", "\(left) | (@ == `null` ? `null` : to_string(@ | @))")
        #expect(try Expression.tree(source).step() is PairStep)
        #expect((try Expression.tree(source).step() as? PairStep)?.rightKeepsStrings == true)
        #expect((try Expression.tree(general).step() as? PairStep)?.rightKeepsStrings == false)
        let long = String(repeating: "\u{159}x", count: 40)
        try ExpressionTests.expectSameOutcomes(of: source, as: general, on: [
            #"{"k":"SKU-1"}"#, #"{"k":"Ř\n\"é\u0000"}"#, #"{"k":""}"#, #"{"k":"\#(long)"}"#, #"{"k":12}"#, #"{"k":-0.50}"#,
            #"{"k":123456789012345678901234567890}"#, #"{"k":1e400}"#, #"{"k":{"k":"in"}}"#, #"{"k":["a"]}"#, #"{"k":true}"#,
            #"{"k":null}"#, "{}", #"["a","b"]"#, #"[0,7]"#, "null", #""text""#, "7",
        ])
    }

    /// A `{…}` with names that all differ builds its members from its per-key records: small
    /// ASCII keys, and a non-ASCII, an escaped and a long key that are not made from small-string
    /// bits. The members (in order, as written) and the sizes the guard counts are those of the
    /// same object built through `from_items`, with and without null members dropped.
    @Test(arguments: [
        (#"{a: a, "é": b, "tab\t": c, "a_key_of_more_than_sixteen_bytes": d, z: `null`}"#,
         #"from_items([['a', a], ['é', b], [`"tab\t"`, c], ['a_key_of_more_than_sixteen_bytes', d], ['z', `null`]] | @)"#),
        (#"from_items(items({a: a, "é": b, "a_key_of_more_than_sixteen_bytes": d, z: `null`})[?[1] != `null`])"#,
         #"from_items(items({a: a, "é": b, "a_key_of_more_than_sixteen_bytes": d, z: `null`} | @)[?[1] != `null`])"#),
        ("{k: a, j: b}", "from_items([['k', a], ['j', b]] | @)"),
        ("from_items(items({k: a, j: b})[?[1] != `null`])", "from_items(items({k: a, j: b} | @)[?[1] != `null`])"),
    ])
    func aMultiSelectHashBuildsItsMembersFromItsKeys(_ fast: String, _ general: String) throws {
        let documents = [#"{"a":1,"b":"x","c":[1,2],"d":{"e":null}}"#, #"{"a":null,"b":null}"#, "{}", #"{"d":"\u00e9"}"#]
        try ExpressionTests.expectSameOutcomes(of: fast, as: general, on: documents)
        let (fast, general) = (try Expression(fast), try Expression(general))
        for input in documents {
            let document = try JSONValue(parsing: input)
            let (built, written) = (try fast.evaluate(document), try general.evaluate(document))
            var (builtText, writtenText) = (JSONWriter(), JSONWriter())
            builtText.write(built)
            writtenText.write(written)
            #expect(builtText.string == writtenText.string, "\(input)")
            #expect(built.size(upTo: .max) == written.size(upTo: .max), "\(input)")
        }
    }
}

extension StepFastPathTests {
    /// Operand values of every kind the in-place arithmetic meets: small integers either side of
    /// its 8-byte bound, both signs, zero, fractions, exponents, huge numbers, numeric and other
    /// strings, and the types arithmetic refuses.
    static let arithmeticOperands: [JSONValue] = [
        0, 1, -1, 7, 255, 256, 12_345_678, -1_234_567, 123_456_789, -12_345_678,
        .number(JSONNumber(text: "-0")!), .number(JSONNumber(text: "1.50")!), .number(JSONNumber(text: "1e3")!),
        .number(JSONNumber(text: "123456789012345678901234567890")!), "3", "caf\u{e9}", "", nil, true, [1], ["k": 1],
    ]

    /// Arithmetic on `let` values, mapping variables read by slot and `@` reads small integers where
    /// they lie (``InPlaceOperand/smallInteger(_:_:)``): the values and errors of the same arithmetic
    /// on operands that are evaluated first (`x | @`), for every operator and every pair of operands.
    @Test(arguments: ["+", "-", "*", "/", "%", "//"])
    func arithmeticOnOperandsReadInPlaceGivesWhatEvaluatedOperandsGive(_ symbol: String) throws {
        let layout = VariableLayout(names: ["a", "b"])
        func bySlot(_ source: String) throws -> Expression {
            Expression(source: source, tree: try Expression.tree(source), readingGlobalsOf: layout)
        }
        // Spaces where the general forms have `| @`, so that errors name the same columns.
        let pairs = [
            (try bySlot("let $x = a, $y = b in $x       \(symbol) $y"), try bySlot("let $x = a, $y = b in ($x | @) \(symbol) ($y | @)")),
            (try bySlot("$a       \(symbol) $b"), try bySlot("($a | @) \(symbol) ($b | @)")),
            (try bySlot("let $x = a in $x       \(symbol) $b"), try bySlot("let $x = a in ($x | @) \(symbol) $b")),
            (try bySlot("a | @       \(symbol) $b"), try bySlot("a | (@ | @) \(symbol) ($b | @)")),
            (try bySlot("$a       \(symbol) `2`"), try bySlot("($a | @) \(symbol) `2`")),
        ]
        var inPlace = 0
        for a in Self.arithmeticOperands {
            for b in Self.arithmeticOperands {
                var variables = ExpressionVariables(layout: layout)
                variables.set(a, slot: 0, name: "a")
                variables.set(b, slot: 1, name: "b")
                let document: JSONValue = ["a": a, "b": b]
                for (fast, general) in pairs {
                    let outcome = ExpressionTests.describe { _ = try fast.evaluate(document, variables: variables) }
                    #expect(outcome == ExpressionTests.describe { _ = try general.evaluate(document, variables: variables) }, "\(fast.source) on \(a), \(b)")
                    #expect((try? fast.evaluate(document, variables: variables)) == (try? general.evaluate(document, variables: variables)),
                            "\(fast.source) on \(a), \(b)")
                }
                if ExpressionArithmetic.smallInteger(of: a) != nil && ExpressionArithmetic.smallInteger(of: b) != nil { inPlace += 1 }
            }
        }
        // Most pairs of small integers take the in-place path, and an unbound variable still fails.
        #expect(inPlace > 60)
        #expect(throws: ExpressionError.self) { try bySlot("$a + $b").evaluate([:], variables: ExpressionVariables(layout: layout)) }
    }

    /// Conditions on a mapping variable read by slot or a `let` value (`$list ? … : …`, `!$x`,
    /// `$type == 'event'`, `$first.item`) look at it where it lies (``ExpressionStep/isTruthy(_:_:)``,
    /// ``InPlaceOperand/test(_:_:_:)``): the values and errors of the same conditions on the value
    /// evaluated first (`$a | @`), for values of every type, and for a variable left unbound.
    @Test func conditionsOnVariablesReadInPlaceGiveWhatEvaluatedValuesGive() throws {
        let layout = VariableLayout(names: ["a"])
        func bySlot(_ source: String) throws -> Expression {
            Expression(source: source, tree: try Expression.tree(source), readingGlobalsOf: layout)
        }
        // `($a)` is `$a`, at the column `($a | @)` has it, so that errors name the same columns.
        let conditions = [
            "X ? 'y' : 'n'", "!X", "X == 'event'", "X != 'Product Listing'", "X == 'caf\u{e9}'", "X == `null`", "X != `null`",
            "X == `[1]`", "X == `1`", "X.k", "X.k.j", "X && 'y'", "contains(['event', 'pv'], X) ? X : `null`",
        ]
        let pairs = try conditions.flatMap { condition in
            [
                (try bySlot(condition.replacingOccurrences(of: "X", with: "($a)")), try bySlot(condition.replacingOccurrences(of: "X", with: "($a | @)"))),
                (try bySlot("let $x = a in " + condition.replacingOccurrences(of: "X", with: "($x)")),
                 try bySlot("let $x = a in " + condition.replacingOccurrences(of: "X", with: "($x | @)"))),
            ]
        }
        let values: [JSONValue] = Self.arithmeticOperands + [
            "event", "Product Listing", "Product Listing!", "Event", "caf\u{e9}", "cafe", .string(String(repeating: "event", count: 9)),
            ["k": "v"], ["k": ["j": 1]], ["k": nil], [], [:], false, [nil],
        ]
        for a in values {
            var variables = ExpressionVariables(layout: layout)
            variables.set(a, slot: 0, name: "a")
            let document: JSONValue = ["a": a]
            for (fast, general) in pairs {
                let outcome = ExpressionTests.describe { _ = try fast.evaluate(document, variables: variables) }
                #expect(outcome == ExpressionTests.describe { _ = try general.evaluate(document, variables: variables) }, "\(fast.source) on \(a)")
                #expect((try? fast.evaluate(document, variables: variables)) == (try? general.evaluate(document, variables: variables)),
                        "\(fast.source) on \(a)")
            }
        }
        // Unbound, the variable fails where it is read, either way.
        for (fast, general) in pairs where fast.source.hasPrefix("(") || fast.source.hasPrefix("!") {
            let unbound = ExpressionVariables(layout: layout)
            let outcome = ExpressionTests.describe { _ = try fast.evaluate([:], variables: unbound) }
            #expect(outcome.contains("$a is not defined"), "\(fast.source)")
            #expect(outcome == ExpressionTests.describe { _ = try general.evaluate([:], variables: unbound) }, "\(fast.source)")
        }
    }

    /// `@`, a `let` value and a mapping variable are read as small integers in place; anything else
    /// is not read there, and is left to the operand's value.
    @Test func onlyOperandsThatLieSomewhereAreReadAsSmallIntegers() throws {
        let layout = VariableLayout(names: ["a"])
        var variables = ExpressionVariables(layout: layout)
        variables.set(-42, slot: 0, name: "a")
        let inputs = EvaluationInputs(root: 17, globals: variables)
        let read = try ExpressionEvaluator.withEvaluator(inputs, scopeCapacity: 1) { evaluator throws(ExpressionError) in
            try evaluator.pushScope(9)
            let operands = [CurrentStep(), LocalStep(slot: 0), GlobalStep(name: "a", slot: 0, column: 1), FieldStep(name: "k"), LiteralStep(5)]
            var read: [JSONValue] = []
            for step in operands {
                read.append(try InPlaceOperand(step).smallInteger(17, &evaluator).map { .number(JSONNumber(Int($0))) } ?? .null)
            }
            return .array(read)
        }
        #expect(read == [17, 9, -42, nil, nil])
    }
}
