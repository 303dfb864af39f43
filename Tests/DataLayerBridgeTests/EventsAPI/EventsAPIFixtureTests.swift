import DataLayerBridge
import Foundation
import Testing

/// The Events API documents' own examples (`Tests/Fixtures/events-api/valid/`, provenance in the
/// README there) validate without errors, and each broken variant in `invalid/` yields exactly the
/// findings in its `.expected.json`.
struct EventsAPIFixtureTests {
    static let validDirectory = TestPaths.fixtures("events-api/valid")
    static let invalidDirectory = TestPaths.fixtures("events-api/invalid")

    static func validNames() throws -> [String] {
        try TestPaths.files(in: validDirectory, suffix: ".json").map(\.lastPathComponent)
    }

    static func invalidNames() throws -> [String] {
        try TestPaths.files(in: invalidDirectory, suffix: ".json").map(\.lastPathComponent)
            .filter { !$0.hasSuffix(".expected.json") }
    }

    /// The documents' examples are annotated with `//` comments, so they are read as JSONC.
    static func envelope(_ url: URL, options: JSONParser.Options) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: url), options: options)
    }

    @Test func everyDocumentExampleIsPresent() throws {
        let names = try Self.validNames()
        #expect(names.filter { $0.hasPrefix("guide-") }.count == 8)
        #expect(names.filter { $0.hasPrefix("shopping-assistant-") }.count == 2)
        #expect(names.count == 10)
    }

    @Test(arguments: try validNames())
    func documentExampleHasNoErrors(_ name: String) throws {
        let envelope = try Self.envelope(Self.validDirectory.appendingPathComponent(name), options: .relaxed)
        let errors = EventsAPIValidator().findings(for: envelope).filter { $0.severity == .error }
        #expect(errors == [], "\(name)")
    }

    /// The one warning the examples carry: the guide's Product Listing example sends a numeric `id`.
    @Test func onlyTheProductListingExampleCarriesAWarning() throws {
        var warned: [String: [EventsAPIFinding]] = [:]
        for name in try Self.validNames() {
            let envelope = try Self.envelope(Self.validDirectory.appendingPathComponent(name), options: .relaxed)
            let findings = EventsAPIValidator().findings(for: envelope)
            if !findings.isEmpty { warned[name] = findings }
        }
        #expect(warned == ["guide-4.json": [
            EventsAPIFinding(severity: .warning, pointer: "/id", reason: "should be a string (Events API v1), not a number"),
        ]])
    }

    @Test func everyBrokenVariantHasItsExpectation() throws {
        let names = try Self.invalidNames()
        #expect(names.count == 63)
        let expectations = try TestPaths.files(in: Self.invalidDirectory, suffix: ".expected.json")
        #expect(expectations.count == names.count)
    }

    @Test(arguments: try invalidNames())
    func brokenVariantYieldsExpectedFindings(_ name: String) throws {
        let envelope = try Self.envelope(Self.invalidDirectory.appendingPathComponent(name), options: .strict)
        let expectedURL = Self.invalidDirectory.appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".expected.json"))
        let expected = try Self.findings(in: JSONValue(parsing: Data(contentsOf: expectedURL)))
        #expect(EventsAPIValidator().findings(for: envelope) == expected, "\(name)")
    }

    static func findings(in expected: JSONValue) -> [EventsAPIFinding] {
        (expected.arrayValue ?? []).map { entry in
            EventsAPIFinding(
                severity: entry["severity"]?.stringValue == "warning" ? .warning : .error,
                pointer: entry["pointer"]?.stringValue ?? "<missing>",
                reason: entry["reason"]?.stringValue ?? "<missing>")
        }
    }
}
