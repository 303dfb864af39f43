import DataLayerBridge
import Foundation
import Testing

/// Every built-in mapping other than the default (which `DefaultMappingFixtureTests` covers) against
/// the hand-written fixture pairs in `Tests/Fixtures/<mapping name>/`, run on the embedded text as an
/// installed binary has it.
@Suite("Built-in mappings: fixture pairs")
struct BuiltInMappingFixtureTests {
    static let mappings = BuiltInMappings.names.filter { $0 != BuiltInMappings.defaultName }

    /// `mapping/case` for every case of every mapping, so each pair is its own test case.
    static let cases: [String] = mappings.flatMap { name in
        ((try? FixturePairs(directory: TestPaths.fixtures(name).path).caseNames()) ?? []).map { "\(name)/\($0)" }
    }

    @Test("every built-in mapping has a fixture folder with cases", arguments: mappings)
    func fixturesExist(_ name: String) {
        #expect(Self.cases.contains { $0.hasPrefix(name + "/") })
    }

    /// `Tests/Scripts/embed-mappings.py` writes the built-ins from `mappings/*.jsonc`; a file edited
    /// without re-running it would ship the old text.
    @Test("the embedded mappings are exactly the files in mappings/")
    func embeddedTextMatchesFiles() throws {
        let files = try TestPaths.files(in: TestPaths.packageRoot.appendingPathComponent("mappings"), suffix: ".jsonc")
        #expect(files.map { String($0.lastPathComponent.dropLast(".jsonc".count)) } == BuiltInMappings.names)
        for file in files {
            var text = try String(contentsOf: file, encoding: .utf8)
            if text.hasSuffix("\n") { text.removeLast() }
            #expect(BuiltInMappings.source(named: String(file.lastPathComponent.dropLast(".jsonc".count))) == text,
                    "\(file.lastPathComponent): run python3 Tests/Scripts/embed-mappings.py")
        }
    }

    @Test(arguments: cases)
    func fixturePair(_ mappingAndCase: String) {
        let parts = mappingAndCase.split(separator: "/", maxSplits: 1).map(String.init)
        let name = parts[0]
        let result = FixturePairs(directory: TestPaths.fixtures(name).path).run(parts[1]) { variables throws(MappingError) in
            try Mapping.named(name, variables: variables)
        }
        #expect(result.failures == [])
    }
}
