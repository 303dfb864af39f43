import DataLayerBridge
import Foundation
import Testing

/// One golden case of `Tests/Fixtures/directives/<directive>.json`: a push, a template, variables,
/// and the expected value (absent = missing) or the rejection the push must get.
struct DirectiveCase: Sendable, CustomTestStringConvertible {
    let file: String
    let name: String
    let input: JSONValue
    let template: JSONValue
    let variables: JSONObject
    /// `nil` when the template must resolve to missing.
    let expected: JSONValue?
    /// For failure cases: the detail after the emit's pointer, `"/@expr: @expr: invalid type: …"`.
    let reject: String?

    var testDescription: String { "\(file): \(name)" }

    static func all() throws -> [DirectiveCase] {
        var cases: [DirectiveCase] = []
        for url in try TestPaths.files(in: TestPaths.fixtures("directives"), suffix: ".json") {
            let entries = try #require(try JSONValue(parsing: Data(contentsOf: url)).arrayValue)
            for entry in entries {
                cases.append(DirectiveCase(
                    file: url.lastPathComponent,
                    name: try #require(entry["name"]?.stringValue),
                    input: try #require(entry["input"]),
                    template: try #require(entry["template"]),
                    variables: entry["variables"]?.objectValue ?? JSONObject(),
                    expected: entry["expected"],
                    reject: entry["reject"]?.stringValue
                ))
            }
        }
        return cases
    }

    /// A one-rule mapping that always matches and emits `{"result": template}`, so a missing
    /// result shows as an envelope without `result`. Each fixture variable becomes a declared
    /// variable whose default is the fixture's value.
    var mappingSource: String {
        var declarations = JSONObject()
        for member in variables { declarations.append(key: member.key, value: ["default": member.value]) }
        let rule: JSONValue = ["name": "case", "match": "`true`", "emit": ["result": template]]
        let mapping: JSONValue = ["name": "directive-case", "variables": .object(declarations), "rules": [rule]]
        return mapping.description
    }
}

@Suite("Directive golden cases")
struct DirectiveGoldenTests {
    static let cases = (try? DirectiveCase.all()) ?? []

    @Test("the fixture directory covers every directive")
    func coversEveryDirective() throws {
        let files = Set(try TestPaths.files(in: TestPaths.fixtures("directives"), suffix: ".json").map(\.lastPathComponent))
        let directives = ["path", "expr", "literal", "template", "if", "case", "replace", "arrayPath", "merge", "excludeWhenNull", "json", "flatten"]
        #expect(Set(directives.map { $0 + ".json" }).isSubset(of: files))
        #expect(Self.cases.count > 90)
    }

    @Test(arguments: cases)
    func golden(_ testCase: DirectiveCase) throws {
        let mapping = try Mapping(source: testCase.mappingSource, fileName: "directive-case")
        let outcome = mapping.apply(to: testCase.input, record: RecordContext(ordinal: 1, text: testCase.input.description))
        if let reject = testCase.reject {
            guard case .reject(let reason, let detail) = outcome else {
                Issue.record("expected a rejection, got \(outcome)")
                return
            }
            #expect(reason == "mapping-error")
            let marker = try #require(detail.range(of: ": /rules/0/emit/result"), "detail: \(detail)")
            #expect(String(detail[marker.upperBound...]) == reject)
            return
        }
        let envelope: JSONValue = testCase.expected.map { ["result": $0] } ?? [:]
        #expect(outcome == .envelopes([envelope], remember: nil))
    }
}
