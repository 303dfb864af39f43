import DataLayerBridge
import Foundation
import Testing

@Suite("Mapping rules, variables and state")
struct MappingApplyTests {
    static let rulesSource = """
        // Rules are tried in order; comments and trailing commas are fine (JSONC).
        {
          "name": "rules-test",
          "variables": { "tracker": { "type": "string", "default": "T-1" } },
          "rules": [
            { "name": "ignored", "match": "event == 'gtm.js'", "skip": "gtm-system" },
            {
              "name": "view",
              "match": "event == 'view_item'",
              "let": { "first": "ecommerce.items[0]", "sku": "$first.item_id" },
              "skipIf": { "when": "!$sku", "reason": "no-item-id" },
              "emit": { "type": "pv", "url": { "@expr": "$sku" }, "tracker_id": { "@expr": "$config.tracker" } },
            },
            {
              "name": "view-any",
              "match": "starts_with(event, 'view_')",
              "emit": { "type": "event", "name": { "@path": "$.event" } },
            },
            {
              "name": "cart",
              "match": "event == 'add_to_cart'",
              "emit": [
                { "type": "click", "n": { "@expr": "$output" }, "record": { "@expr": "$record.ordinal" } },
                { "type": "click", "n": { "@expr": "$output" }, "text": { "@expr": "$record.text" } },
                { "@if": { "exists": { "@path": "$.coupon" }, "then": { "type": "coupon" } } },
              ],
            },
            { "name": "empty", "match": "event == 'nothing'", "emit": { "@path": "$.absent" } },
            { "name": "broken", "match": "event == 'broken'", "emit": { "x": { "@expr": "abs(event)" } } },
            { "name": "anonymous", "match": "event == 'refund' && !client_id", "reject": "missing-client-id" },
          ],
          "unmatched": { "skip": "not-mapped" },
        }
        """

    let mapping: Mapping
    init() throws { mapping = try Mapping(source: Self.rulesSource, fileName: "rules.jsonc") }

    func apply(_ push: JSONValue, ordinal: Int = 7) -> MappingOutcome {
        mapping.apply(to: push, record: RecordContext(ordinal: ordinal, text: push.description))
    }

    @Test("metadata and resolved variables")
    func metadata() {
        #expect(mapping.name == "rules-test")
        #expect(mapping.description == "")
        #expect(mapping.variables == ["tracker": "T-1"])
        #expect(mapping.ruleCount == 7)
    }

    @Test("the first matching rule wins; let bindings see earlier ones")
    func firstMatchWins() {
        let push: JSONValue = ["event": "view_item", "ecommerce": ["items": [["item_id": "SKU-1"]]]]
        #expect(apply(push) == .envelopes([["type": "pv", "url": "SKU-1", "tracker_id": "T-1"]], remember: nil))
        #expect(apply(["event": "view_item_list"]) == .envelopes([["type": "event", "name": "view_item_list"]], remember: nil))
    }

    @Test("skipIf skips with its reason, naming the rule")
    func skipIf() {
        let push: JSONValue = ["event": "view_item", "ecommerce": ["items": [["item_name": "no id"]]]]
        #expect(apply(push) == .skip(reason: "no-item-id", detail: "rule 'view'"))
    }

    @Test("a skip rule skips")
    func skipRule() {
        #expect(apply(["event": "gtm.js"]) == .skip(reason: "gtm-system", detail: "rule 'ignored'"))
    }

    @Test("a reject rule rejects with its reason, naming the rule")
    func rejectRule() {
        #expect(apply(["event": "refund"]) == .reject(reason: "missing-client-id", detail: "rule 'anonymous'"))
        #expect(apply(["event": "refund", "client_id": "1.2"]) == .skip(reason: "not-mapped", detail: "no rule matched"))
    }

    @Test("several emits, $output and $record, missing emits dropped")
    func multipleEmits() {
        let push: JSONValue = ["event": "add_to_cart"]
        let expected: MappingOutcome = .envelopes([
            ["type": "click", "n": 0, "record": 7],
            ["type": "click", "n": 1, "text": #"{"event":"add_to_cart"}"#],
        ], remember: nil)
        #expect(apply(push) == expected)
        let withCoupon: JSONValue = ["event": "add_to_cart", "coupon": "X"]
        guard case .envelopes(let envelopes, _) = apply(withCoupon) else {
            Issue.record("expected envelopes")
            return
        }
        #expect(envelopes.count == 3)
        #expect(envelopes.last == ["type": "coupon"])
    }

    @Test("a rule whose every emit is missing is a skip")
    func nothingEmitted() {
        #expect(apply(["event": "nothing"]) == .skip(reason: "nothing-emitted", detail: "rule 'empty': every emit template resolved to missing"))
    }

    @Test("unmatched: skip with the mapping's reason, or reject")
    func unmatched() throws {
        #expect(apply(["event": "purchase"]) == .skip(reason: "not-mapped", detail: "no rule matched"))
        let strict = try Mapping(source: #"{"name": "s", "rules": [], "unmatched": "reject"}"#, fileName: "s.jsonc")
        #expect(strict.apply(to: ["event": "x"], record: RecordContext(ordinal: 1, text: "")) == .reject(reason: "unmatched", detail: "no rule matched"))
        let implicit = try Mapping(source: #"{"name": "s", "rules": []}"#, fileName: "s.jsonc")
        #expect(implicit.apply(to: [:], record: RecordContext(ordinal: 1, text: "")) == .reject(reason: "unmatched", detail: "no rule matched"))
    }

    @Test("a failure while mapping rejects the push with the mapping file's position")
    func runtimeError() {
        #expect(apply(["event": "broken"]) == .reject(
            reason: "mapping-error",
            detail: "rules.jsonc:29:81: /rules/5/emit/x/@expr: @expr: invalid type (column 1 of the expression): abs(): argument 1 must be a number, got string"))
    }

    @Test("a match that fails on an unexpected push rejects it, pointing at the match")
    func failingMatch() {
        #expect(apply(["not", "an", "object"]) == .reject(
            reason: "mapping-error",
            detail: "rules.jsonc:16:16: /rules/2/match: match: invalid type (column 1 of the expression): starts_with(): argument 1 must be a string, got null"))
    }

    @Test("mapping is pure: concurrent applications agree with sequential ones")
    func concurrent() async {
        let pushes: [JSONValue] = (0..<200).map { index in
            index % 2 == 0 ? ["event": "add_to_cart"] : ["event": "view_item", "ecommerce": ["items": [["item_id": .string("S\(index)")]]]]
        }
        let sequential = pushes.enumerated().map { apply($1, ordinal: $0) }
        let mapping = self.mapping
        let parallel = await withTaskGroup(of: (Int, MappingOutcome).self) { group in
            for (index, push) in pushes.enumerated() {
                group.addTask { (index, mapping.apply(to: push, record: RecordContext(ordinal: index, text: push.description))) }
            }
            var results = [MappingOutcome?](repeating: nil, count: pushes.count)
            for await (index, outcome) in group { results[index] = outcome }
            return results.compactMap { $0 }
        }
        #expect(parallel == sequential)
    }
}

@Suite("Mapping variables")
struct MappingVariableTests {
    static let source = """
        {
          "name": "vars",
          "variables": {
            "tracker_id": { "required": true, "type": "string" },
            "batch": { "type": "number", "default": 10 },
            "debug": { "type": "boolean", "default": false },
            "extra": { "description": "anything" },
          },
          "rules": [{ "name": "all", "match": "`true`", "emit": { "config": { "@expr": "$config" } } }],
        }
        """

    func assignments(_ texts: String...) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for text in texts {
            let (key, value) = try Mapping.parseVariableAssignment(text)
            result[key] = value
        }
        return result
    }

    @Test("--set values parse as JSON, else as raw strings")
    func parseAssignments() throws {
        #expect(try Mapping.parseVariableAssignment("n=42") == ("n", 42))
        #expect(try Mapping.parseVariableAssignment("s=hello world") == ("s", "hello world"))
        #expect(try Mapping.parseVariableAssignment("q=\"quoted\"") == ("q", "quoted"))
        #expect(try Mapping.parseVariableAssignment("a=[1,true]") == ("a", [1, true]))
        #expect(try Mapping.parseVariableAssignment("e=") == ("e", ""))
        #expect(try Mapping.parseVariableAssignment("u=a=b") == ("u", "a=b"))
        #expect(throws: MappingError(file: "--set", line: 0, column: 0, pointer: "", reason: "expected KEY=VALUE, got 'novalue'")) {
            try Mapping.parseVariableAssignment("novalue")
        }
        #expect(throws: MappingError.self) { try Mapping.parseVariableAssignment("1x=2") }
    }

    @Test("declared types win: a string variable keeps the text of a number")
    func typedCoercion() throws {
        let mapping = try Mapping(source: Self.source, fileName: "v.jsonc",
                                  variables: try assignments("tracker_id=007", "batch=25", "extra={\"a\":1}"))
        #expect(mapping.variables == ["tracker_id": "007", "batch": 25, "debug": false, "extra": ["a": 1]])
        let numeric = try Mapping(source: Self.source, fileName: "v.jsonc", variables: try assignments("tracker_id=1234"))
        #expect(numeric.variables["tracker_id"] == "1234")
        let exact = try Mapping(source: Self.source, fileName: "v.jsonc", variables: try assignments("tracker_id=6667519810961010000"))
        #expect(exact.variables["tracker_id"] == "6667519810961010000")
    }

    @Test("$config is the resolved variables, in declaration order")
    func configValue() throws {
        let mapping = try Mapping(source: Self.source, fileName: "v.jsonc", variables: ["tracker_id": "x"])
        let outcome = mapping.apply(to: [:], record: RecordContext(ordinal: 1, text: "{}"))
        guard case .envelopes(let envelopes, _) = outcome, let config = envelopes.first?["config"]?.objectValue else {
            Issue.record("expected the config envelope, got \(outcome)")
            return
        }
        #expect(config.keys == ["tracker_id", "batch", "debug", "extra"])
        #expect(JSONValue.object(config) == ["tracker_id": "x", "batch": 10, "debug": false, "extra": nil])
    }

    @Test("a required variable without a value names the variable")
    func requiredMissing() {
        #expect(throws: MappingError(file: "v.jsonc", line: 4, column: 5, pointer: "/variables/tracker_id",
                                     reason: "required variable 'tracker_id' has no value: set it with --set tracker_id=VALUE")) {
            try Mapping(source: Self.source, fileName: "v.jsonc")
        }
    }

    @Test("a value of the wrong type is an error at the declaration")
    func wrongType() throws {
        #expect(throws: MappingError(file: "v.jsonc", line: 6, column: 5, pointer: "/variables/debug",
                                     reason: "--set debug: 'debug' is declared a boolean, got string \"yes\"")) {
            try Mapping(source: Self.source, fileName: "v.jsonc", variables: try assignments("tracker_id=x", "debug=yes"))
        }
    }
}

@Suite("Mapping state: remember and recall")
struct MappingStateTests {
    static let source = """
        {
          "name": "state",
          "rules": [
            {
              "name": "login",
              "match": "event == 'luigisbox.collector.customer_id'",
              "remember": { "key": "client_id", "values": { "customer_id": "customer_id" } },
              "skip": "customer-id-remembered",
            },
            {
              "name": "view",
              "match": "event == 'view_item'",
              "emit": { "type": "pv", "client_id": { "@path": "$.client_id" }, "customer_id": { "@path": "$.user" } },
            },
          ],
          "recall": { "key": "client_id", "set": { "customer_id": "customer_id" } },
        }
        """

    @Test("remembered values reach only later envelopes of the same client, in input order")
    func rememberRecall() throws {
        let mapping = try Mapping(source: Self.source, fileName: "state.jsonc")
        let pushes: [JSONValue] = [
            ["event": "view_item", "client_id": 111],
            ["event": "luigisbox.collector.customer_id", "client_id": 111, "customer_id": "C-9"],
            ["event": "view_item", "client_id": 111],
            ["event": "view_item", "client_id": "222"],
            ["event": "view_item", "client_id": 111, "user": "explicit"],
            ["event": "luigisbox.collector.customer_id", "client_id": 111, "customer_id": "C-10"],
            ["event": "view_item", "client_id": 111],
        ]
        // Rules run independently (as in parallel), then the state applies in order.
        let outcomes = pushes.enumerated().map { mapping.apply(to: $1, record: RecordContext(ordinal: $0 + 1, text: "")) }
        #expect(outcomes[1] == .skip(reason: "customer-id-remembered", detail: "rule 'login'",
                                     remember: Remembered(key: "111", values: ["customer_id": "C-9"])))
        var state = MappingState()
        let resolved = outcomes.map { state.resolve($0, mapping: mapping) }
        #expect(resolved == [
            .envelopes([["type": "pv", "client_id": 111]], remember: nil),
            .skip(reason: "customer-id-remembered", detail: "rule 'login'"),
            .envelopes([["type": "pv", "client_id": 111, "customer_id": "C-9"]], remember: nil),
            .envelopes([["type": "pv", "client_id": "222"]], remember: nil),
            .envelopes([["type": "pv", "client_id": 111, "customer_id": "explicit"]], remember: nil),
            .skip(reason: "customer-id-remembered", detail: "rule 'login'"),
            .envelopes([["type": "pv", "client_id": 111, "customer_id": "C-10"]], remember: nil),
        ])
    }

    /// The state mapping with the recall key `key`, on a line of its own before the rest, so that
    /// every location of the mapping is the same however long `key` is.
    static func recalling(_ key: String) throws -> Mapping {
        let source = Self.source.replacingOccurrences(of: #""recall": { "key": "client_id","#, with: "")
            .replacingOccurrences(of: #""set": { "customer_id": "customer_id" } },"#, with: "")
        return try Mapping(
            source: #"{ "recall": { "set": { "customer_id": "customer_id" }, "key": "\#(key)" },"# + "\n" + source.dropFirst(1),
            fileName: "state.jsonc")
    }

    @Test("a recall key that is one member reads what the same key as a longer expression reads")
    func recallKeyReadInPlace() throws {
        // `client_id` is read from the envelope directly; `client_id || client_id`, the same value
        // for every JSON value (only falsy values reach the right side, and it is the same), is
        // evaluated as an expression.
        let direct = try Self.recalling("client_id")
        let evaluated = try Self.recalling("client_id || client_id")
        let ids = [
            "111", #""111""#, "12345678901234567890123", "1.50", "-0", #""Dětské \"x\"\n\u2028""#, #""""#,
            #""\#(String(repeating: "long-id-", count: 6))""#, "null", "true", "false", #"{"id": 1}"#, "[1]",
        ]
        var lines: [String] = []
        for id in ids {
            lines.append(#"{"event": "luigisbox.collector.customer_id", "client_id": \#(id), "customer_id": "C-\#(lines.count)"}"#)
        }
        lines.append(#"{"event": "view_item"}"#)
        for id in ids { lines.append(#"{"event": "view_item", "client_id": \#(id)}"#) }
        var directState = MappingState(), evaluatedState = MappingState()
        var resolved: [MappingOutcome] = []
        for (offset, line) in lines.enumerated() {
            let push = try JSONValue(parsing: line)
            let record = RecordContext(ordinal: offset + 1, text: line)
            let outcome = directState.resolve(direct.apply(to: push, record: record), mapping: direct)
            #expect(outcome == evaluatedState.resolve(evaluated.apply(to: push, record: record), mapping: evaluated), "\(line)")
            resolved.append(outcome)
        }
        // Numbers are keyed by their text, strings as they are: 111 and "111" are one client.
        let views = resolved.suffix(ids.count)
        #expect(views.first == .envelopes([["type": "pv", "client_id": 111, "customer_id": "C-1"]], remember: nil))
        #expect(views.dropFirst(2).first == .envelopes([["type": "pv", "client_id": try JSONValue(parsing: ids[2]), "customer_id": "C-2"]], remember: nil))
        if case .reject(let reason, let detail) = views.last {
            #expect(reason == "mapping-error" && detail.hasSuffix("recall/key: a client key must be a string or number, got array"))
        } else {
            Issue.record("an array client id must reject the push, not \(String(describing: views.last))")
        }
    }

    @Test("a login push without a customer id remembers nothing")
    func nullNotRemembered() throws {
        let mapping = try Mapping(source: Self.source, fileName: "state.jsonc")
        let outcome = mapping.apply(to: ["event": "luigisbox.collector.customer_id", "client_id": 1], record: RecordContext(ordinal: 1, text: ""))
        #expect(outcome == .skip(reason: "customer-id-remembered", detail: "rule 'login'"))
    }
}
