@testable import DataLayerBridge
import Testing

/// A mapping's `$config`, and the `let`s computed from it alone, are known when the mapping loads:
/// they are computed then, once, and folded into the expressions that read them.
struct MappingConstantsTests {
    static let source = #"""
        {"name": "constants", "variables": {"names": {"type": "array", "default": ["A", "B"]}, "base": {"type": "string", "default": "0"}},
         "rules": [{"name": "r", "match": "`true`",
                    "let": {"lowered": "map(&lower(@), $config.names)", "hit": "contains($lowered, lower(event))",
                            "shift": "$config.base == '0' ? `1` : position"},
                    "emit": {"hit": {"@expr": "$hit"}, "lowered": {"@expr": "$lowered"}, "shift": {"@expr": "$shift"}}}]}
        """#

    @Test func aLetOfConfigAloneIsComputedOnceAndFoldedIntoLaterOnes() throws {
        let mapping = try Mapping(source: Self.source, fileName: "constants.jsonc")
        let bindings = mapping.rules[0].bindings
        guard case .literal(let lowered) = bindings[0].expression.root,
              case .function(_, let arguments, _) = bindings[1].expression.root, case .literal(let argument) = arguments[0],
              case .literal(let shift) = bindings[2].expression.root else {
            Issue.record("not folded: \(bindings.map(\.expression.root))")
            return
        }
        #expect(lowered == ["a", "b"] && argument == lowered && shift == 1)
        let push: JSONValue = ["event": "B", "position": 5]
        #expect(mapping.apply(to: push, record: RecordContext(ordinal: 1, text: push.description))
                == .envelopes([["hit": true, "lowered": ["a", "b"], "shift": 1]], remember: nil))
    }

    @Test func givenVariablesAreTheOnesFoldedIn() throws {
        let mapping = try Mapping(source: Self.source, fileName: "constants.jsonc", variables: ["base": "1"])
        let push: JSONValue = ["event": "C", "position": 5]
        #expect(mapping.apply(to: push, record: RecordContext(ordinal: 1, text: push.description))
                == .envelopes([["hit": false, "lowered": ["a", "b"], "shift": 5]], remember: nil))
    }
}
