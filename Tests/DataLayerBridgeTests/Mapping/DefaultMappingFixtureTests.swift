import DataLayerBridge
import Testing

/// The built-in `ga4-to-luigisbox` mapping (the text embedded from `mappings/`, as an installed
/// binary has it) against every hand-written fixture pair in `Tests/Fixtures/ga4-to-luigisbox/`.
@Suite("Default mapping ga4-to-luigisbox: fixture pairs")
struct DefaultMappingFixtureTests {
    static let pairs = FixturePairs(directory: TestPaths.fixtures("ga4-to-luigisbox").path)
    static let cases = (try? pairs.caseNames()) ?? []

    @Test("the fixture folder is found and holds the cases")
    func casesFound() {
        #expect(Self.cases.count >= 38)
        #expect(Self.cases.contains("uuid-id"))
    }

    @Test(arguments: cases)
    func fixturePair(_ name: String) {
        let result = Self.pairs.run(name) { variables throws(MappingError) in
            try Mapping.named(BuiltInMappings.defaultName, variables: variables)
        }
        #expect(result.failures == [])
    }
}
