import DataLayerBridge
import Foundation
import Testing

/// `Tests/Fixtures/mapping-errors/<case>.jsonc` must fail to load with exactly the message in
/// `<case>.expected.txt`. A leading `// --set KEY=VALUE` line gives a variable value.
@Suite("Mapping load errors")
struct MappingErrorTests {
    static let cases: [String] = ((try? TestPaths.files(in: TestPaths.fixtures("mapping-errors"), suffix: ".jsonc")) ?? [])
        .map { String($0.lastPathComponent.dropLast(".jsonc".count)) }

    @Test(arguments: cases)
    func loadError(_ name: String) throws {
        let directory = TestPaths.fixtures("mapping-errors")
        let source = try String(contentsOf: directory.appendingPathComponent(name + ".jsonc"), encoding: .utf8)
        let expected = try String(contentsOf: directory.appendingPathComponent(name + ".expected.txt"), encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        var variables: [String: JSONValue] = [:]
        for line in source.split(separator: "\n") where line.hasPrefix("// --set ") {
            let (key, value) = try Mapping.parseVariableAssignment(String(line.dropFirst("// --set ".count)))
            variables[key] = value
        }
        let error = #expect(throws: MappingError.self) {
            try Mapping(source: source, fileName: name + ".jsonc", variables: variables)
        }
        #expect(error?.description == expected)
    }

    @Test("there are load-error cases for each kind of mistake the issue names")
    func coverage() {
        for name in ["unknown-directive", "unknown-function", "expression-syntax", "expression-syntax-escaped", "two-directives",
                     "undefined-variable", "required-variable"] {
            #expect(Self.cases.contains(name), "\(name)")
        }
    }

    @Test("the error's parts: file, line, column, pointer, reason")
    func parts() throws {
        let source = "{\n  \"name\": \"t\",\n  \"rules\": [{\"name\": \"r\", \"match\": \"a ||| b\", \"skip\": \"x\"}]\n}"
        let error = #expect(throws: MappingError.self) { try Mapping(source: source, fileName: "m.jsonc") }
        #expect(error == MappingError(file: "m.jsonc", line: 3, column: 41, pointer: "/rules/0/match", reason: "expression: syntax error: unexpected '|'"))
    }

    @Test("an unreadable file names the file")
    func unreadable() {
        let error = #expect(throws: MappingError.self) { try Mapping(contentsOfFile: "/nonexistent/m.jsonc") }
        #expect(error?.description == "/nonexistent/m.jsonc: cannot open: No such file or directory")
    }
}
