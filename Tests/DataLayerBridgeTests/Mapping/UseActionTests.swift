import DataLayerBridge
import Foundation
import Testing

/// One push of `Tests/Fixtures/use/caller.cases.json` with the whole outcome it must get.
struct UseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let variables: [String: JSONValue]
    let input: JSONValue
    let ordinal: Int
    let expected: JSONValue

    var testDescription: String { name }

    static func all() throws -> [UseCase] {
        let url = TestPaths.fixtures("use").appendingPathComponent("caller.cases.json")
        let runs = try #require(try JSONValue(parsing: Data(contentsOf: url)).arrayValue)
        var cases: [UseCase] = []
        for run in runs {
            var variables: [String: JSONValue] = [:]
            for member in run["variables"]?.objectValue ?? JSONObject() { variables[member.key] = member.value }
            for entry in try #require(run["cases"]?.arrayValue) {
                cases.append(UseCase(
                    name: try #require(entry["name"]?.stringValue), variables: variables, input: try #require(entry["input"]),
                    ordinal: Int(entry["ordinal"]?.numberValue?.int64Value ?? 1), expected: try #require(entry["expected"])
                ))
            }
        }
        return cases
    }
}

@Suite("Rule action use")
struct UseActionTests {
    static let directory = TestPaths.fixtures("use").path
    static let cases = (try? UseCase.all()) ?? []

    /// An outcome as the fixtures write it; file paths in details relative to the fixture folder.
    static func json(_ outcome: MappingOutcome) -> JSONValue {
        func remembered(_ remember: Remembered?) -> JSONValue? {
            guard let remember else { return nil }
            var values = JSONObject()
            for key in remember.values.keys.sorted() { values.append(key: key, value: remember.values[key] ?? .null) }
            return ["key": .string(remember.key), "values": .object(values)]
        }
        var object = JSONObject()
        switch outcome {
        case .envelopes(let envelopes, let remember):
            object["envelopes"] = .array(envelopes)
            object["remember"] = remembered(remember)
        case .skip(let reason, let detail, let remember):
            object["skip"] = .string(reason)
            object["detail"] = .string(detail.replacingOccurrences(of: directory + "/", with: ""))
            object["remember"] = remembered(remember)
        case .reject(let reason, let detail):
            object["reject"] = .string(reason)
            object["detail"] = .string(detail.replacingOccurrences(of: directory + "/", with: ""))
        }
        return .object(object)
    }

    @Test("the cases file is found and covers both variable sets")
    func casesFound() {
        #expect(Self.cases.count == 11)
    }

    @Test(arguments: cases)
    func outcome(_ testCase: UseCase) throws {
        let mapping = try Mapping(contentsOfFile: Self.directory + "/caller.jsonc", variables: testCase.variables)
        let outcome = mapping.apply(to: testCase.input, record: RecordContext(ordinal: testCase.ordinal, text: testCase.input.description))
        #expect(Self.json(outcome) == testCase.expected)
    }

    @Test("the caller's recall fills what a used mapping remembered, in stream order")
    func recallThroughUse() {
        let result = FixturePairs(directory: Self.directory).run("recall") { variables throws(MappingError) in
            try Mapping(contentsOfFile: Self.directory + "/caller.jsonc", variables: variables)
        }
        #expect(result.failures == [])
    }

    static let errorDirectory = TestPaths.fixtures("use-errors").path
    static let errorCases: [String] = ((try? TestPaths.files(in: TestPaths.fixtures("use-errors"), suffix: ".jsonc")) ?? [])
        .map { String($0.lastPathComponent.dropLast(".jsonc".count)) }

    /// `use-errors/<case>.jsonc` fails to load with exactly `<case>.expected.txt`, file names
    /// relative to the folder; a `// --set KEY=VALUE` line gives a variable value.
    @Test(arguments: errorCases)
    func loadError(_ name: String) throws {
        let path = Self.errorDirectory + "/" + name + ".jsonc"
        let source = try String(contentsOfFile: path, encoding: .utf8)
        let expected = try String(contentsOfFile: Self.errorDirectory + "/" + name + ".expected.txt", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        var variables: [String: JSONValue] = [:]
        for line in source.split(separator: "\n") where line.hasPrefix("// --set ") {
            let (key, value) = try Mapping.parseVariableAssignment(String(line.dropFirst("// --set ".count)))
            variables[key] = value
        }
        let error = #expect(throws: MappingError.self) { try Mapping(contentsOfFile: path, variables: variables) }
        #expect(error?.description.replacingOccurrences(of: Self.errorDirectory + "/", with: "") == expected)
    }

    @Test("the error cases include a cycle through two files and a mapping using itself")
    func errorCoverage() {
        #expect(Set(["cycle", "self", "error-in-used", "missing-file", "unknown-name"]).isSubset(of: Set(Self.errorCases)))
    }

    @Test("a mapping given as text finds what it uses beside the file name it is given")
    func sourceWithFileName() throws {
        let source = try String(contentsOfFile: Self.directory + "/caller.jsonc", encoding: .utf8)
        let mapping = try Mapping(source: source, fileName: Self.directory + "/caller.jsonc", variables: ["tracker": "T"])
        #expect(mapping.apply(to: ["event": "nested"], record: RecordContext(ordinal: 1, text: "")) ==
            .envelopes([["type": "leaf", "tracker": "leaf-tracker", "site": "leaf-site"]], remember: nil))
    }

    @Test("built-in mappings use built-in mappings by name, with no files around")
    func builtInByName() throws {
        let mapping = try #require(try Mapping.builtIn(named: BuiltInMappings.defaultName, variables: ["tracker_id": "1234-5678"]))
        let push: JSONValue = ["client_id": "c1", "event_id": "e1", "ecommerce": ["add": ["products": [["id": "p1", "name": "Shoe"]]]]]
        #expect(mapping.apply(to: push, record: RecordContext(ordinal: 1, text: "")) == .envelopes([[
            "id": "e1", "tracker_id": "1234-5678", "client_id": "c1", "type": "click",
            "action": ["type": "add-to-cart", "resource_identifier": "p1"],
        ]], remember: nil))
    }
}
