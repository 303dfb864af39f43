@testable import DataLayerBridge
import Foundation
import Testing

/// Each converter thread of `convert --jobs N` maps with a copy of its own of the mapping
/// (`Mapping.independentCopy()`), so that the threads share no reference counts.
@Suite("A mapping's independent copy")
struct IndependentCopyTests {
    static func pushes() throws -> [(JSONValue, RecordContext)] {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Examples/mixed-export.ndjson"), encoding: .utf8)
        return text.split(separator: "\n").enumerated().compactMap { offset, line in
            (try? JSONValue(parsing: String(line))).map { ($0, RecordContext(ordinal: offset + 1, text: String(line))) }
        }
    }

    @Test func aCopyMapsEveryPushAsTheOriginalDoesWithRulesOfItsOwn() throws {
        let mapping = try Mapping.named("ga4-to-luigisbox", variables: ["tracker_id": "1234-5678"])
        let copy = mapping.independentCopy()
        #expect(copy.rules.count == mapping.rules.count)
        for (original, copied) in zip(mapping.rules, copy.rules) {
            #expect(original !== copied, "rule '\(original.name)'")
            for (binding, copiedBinding) in zip(original.bindings, copied.bindings) { #expect(binding !== copiedBinding) }
        }
        let pushes = try Self.pushes()
        #expect(pushes.count > 60)
        for (push, record) in pushes {
            #expect(copy.apply(to: push, record: record) == mapping.apply(to: push, record: record), "record \(record.ordinal)")
        }
    }

    @Test func aBridgesCopyHasRulesOfItsOwn() throws {
        let bridge = try Bridge(builtIn: "ga4-to-luigisbox", variables: ["tracker_id": "1234-5678"])
        let copy = bridge.independentCopy()
        #expect(copy.mapping.rules.count == bridge.mapping.rules.count)
        for (original, copied) in zip(bridge.mapping.rules, copy.mapping.rules) { #expect(original !== copied, "rule '\(original.name)'") }
    }

    @Test func aMappingCompiledFromTextIsCopiedFromTheSameTextAndVariables() throws {
        let source = """
            { "name": "tiny", "variables": { "site": { "required": true, "type": "string" } },
              "rules": [ { "name": "all", "match": "`true`", "emit": { "site": { "@expr": "$config.site" }, "event": { "@path": "$.event" } } } ] }
            """
        let mapping = try Mapping(source: source, fileName: "tiny.jsonc", variables: ["site": "shop"])
        let copy = mapping.independentCopy()
        #expect(copy.rules.first !== mapping.rules.first)
        let push: JSONValue = ["event": "page_view"]
        let record = RecordContext(ordinal: 1, text: push.description)
        #expect(copy.apply(to: push, record: record) == .envelopes([["site": "shop", "event": "page_view"]], remember: nil))
        #expect(copy.apply(to: push, record: record) == mapping.apply(to: push, record: record))
    }
}
