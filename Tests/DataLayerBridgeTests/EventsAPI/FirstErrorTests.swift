@testable import DataLayerBridge
import Foundation
import Testing

/// ``EventsAPIValidator/firstError(for:)`` checks an envelope without making its warnings: on the
/// documents' examples, their broken variants, and each of those with one member removed or
/// replaced by a value of another type, it must give the first error of
/// ``EventsAPIValidator/findings(for:)``, or none when that has none.
struct FirstErrorTests {
    static let replacements: [JSONValue] = [nil, "", 1, .number(JSONNumber(text: "1.5") ?? JSONNumber(0)), true, [], [:], ["x": 1]]

    static func envelopes() throws -> [JSONValue] {
        let directories = [EventsAPIFixtureTests.validDirectory, EventsAPIFixtureTests.invalidDirectory]
        var envelopes: [JSONValue] = []
        for directory in directories {
            for url in try TestPaths.files(in: directory, suffix: ".json") where !url.lastPathComponent.hasSuffix(".expected.json") {
                let envelope = try EventsAPIFixtureTests.envelope(url, options: .relaxed)
                envelopes.append(envelope)
                guard case .object(let object) = envelope else { continue }
                for index in object.members.indices {
                    var removed = object.members
                    removed.remove(at: index)
                    envelopes.append(.object(JSONObject(removed)))
                    for value in replacements {
                        var replaced = object.members
                        replaced[index].value = value
                        envelopes.append(.object(JSONObject(replaced)))
                    }
                }
            }
        }
        return envelopes + ["not an object"]
    }

    @Test func firstErrorIsTheFirstErrorOfTheFindings() throws {
        let validator = EventsAPIValidator()
        var withWarningsFirst = 0
        for envelope in try Self.envelopes() {
            let findings = validator.findings(for: envelope)
            #expect(validator.firstError(for: envelope) == findings.first { $0.severity == .error }, "\(envelope)")
            if findings.first?.severity == .warning, findings.contains(where: { $0.severity == .error }) { withWarningsFirst += 1 }
        }
        // Envelopes whose warning comes before an error: where keeping the warnings would show.
        #expect(withWarningsFirst > 0)
    }
}
