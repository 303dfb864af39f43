import DataLayerBridge
import Foundation
import Testing

/// What the fuzzers found, kept as tests (see FUZZING.md).
struct FuzzRegressionTests {
    static func converters() throws -> [RecordConverter] {
        try BuiltInMappings.names.map { name in
            let variables: [String: JSONValue] = name == "ga4-to-hanzo-commerce" ? [:] : ["tracker_id": "1234-5678"]
            return RecordConverter(mapping: try #require(try Mapping.builtIn(named: name, variables: variables)))
        }
    }

    static func convert(_ bytes: [UInt8], _ converter: RecordConverter) -> MappingOutcome {
        var parser = JSONParser()
        return bytes.withUnsafeBytes { converter.convert($0, ordinal: 1, line: 1, parser: &parser) }
    }

    /// mapping-timeout-0a9288b5: a gtag purchase whose item quantity is "24e-4888". Summing it exactly
    /// needed a 4,890-digit decimal, and the conversions between decimal text and binary are quadratic
    /// in the digits; with the bound at 10,000 digits a crafted push of such quantities took seconds.
    /// Now a result beyond 1,000 digits is refused, so the push is rejected at once, with the reason.
    @Test func hugeExponentsInQuantitiesAreRejectedNotSummed() throws {
        let artifact = Array(try Data(contentsOf: TestPaths.fixtures("fuzz-regressions/mapping-timeout-0a9288b5.json")))
        let validator = EventsAPIValidator()
        for converter in try Self.converters() {
            switch Self.convert(artifact, converter) {
            case .envelopes(let envelopes, _):
                #expect(!envelopes.isEmpty)
                if converter.validator != nil {
                    for envelope in envelopes { #expect(!validator.findings(for: envelope).contains { $0.severity == .error }) }
                }
            case .skip(let reason, _, _):
                #expect(!reason.isEmpty)
            case .reject(let reason, let detail):
                #expect(!reason.isEmpty && !detail.isEmpty)
            }
        }
        let hanzo = try #require(try Self.converters().first { $0.mapping.name == "ga4-to-hanzo-commerce" })
        guard case .reject(let reason, let detail) = Self.convert(artifact, hanzo) else {
            Issue.record("the Hanzo mapping should reject the push")
            return
        }
        #expect(reason == "mapping-error")
        #expect(detail.contains("1 + 24e-4888: an exact result would need 4890 digits, more than 1000"), "\(detail)")

        // The crafted worst case: 3,000 quantities of 1e-9995…1e-996.
        let items = (0..<3_000).map { #"{"item_id":"\#($0)","item_name":"x","quantity":"1e-\#(9995 - $0 % 9000)","price":"1"}"# }
        let push = #"{"event":"purchase","event_id":"e1","client_id":"1.2","ecommerce":{"transaction_id":"t","currency":"EUR","value":1,"items":["# + items.joined(separator: ",") + "]}}"
        guard case .reject(_, let crafted) = Self.convert(Array(push.utf8), hanzo) else {
            Issue.record("the crafted push should be rejected")
            return
        }
        #expect(crafted.contains("more than 1000"), "\(crafted)")
    }
}
