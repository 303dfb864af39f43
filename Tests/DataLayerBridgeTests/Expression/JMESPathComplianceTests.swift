import DataLayerBridge
import Foundation
import Testing

/// One case of a JMESPath compliance file: `given` document, `expression`, and either the
/// `result` or the `error` kind expected.
struct ExpressionCase: Sendable, CustomTestStringConvertible {
    let file: String
    let group: Int
    let number: Int
    let given: JSONValue
    let expression: String
    /// The expected result, or `nil` for an error case.
    let result: JSONValue?
    /// The compliance-suite error name (`syntax`, `invalid-type`, …) for error cases.
    let error: String?
    /// Benchmark cases may give neither result nor error: they must just evaluate.
    let bench: Bool

    var testDescription: String { "\(file) #\(group).\(number): \(expression)" }

    /// Every case of every `.json` file in `directory` whose name starts with `prefix`.
    static func load(_ directory: URL, prefix: String = "") throws -> [ExpressionCase] {
        var cases: [ExpressionCase] = []
        for url in try TestPaths.files(in: directory, suffix: ".json") where url.lastPathComponent.hasPrefix(prefix) {
            let groups = try #require(try JSONValue(parsing: Data(contentsOf: url)).arrayValue, "\(url.lastPathComponent)")
            for (groupIndex, group) in groups.enumerated() {
                let given = try #require(group["given"], "\(url.lastPathComponent) group \(groupIndex) has no given")
                let entries = try #require(group["cases"]?.arrayValue)
                for (caseIndex, entry) in entries.enumerated() {
                    cases.append(ExpressionCase(
                        file: url.lastPathComponent, group: groupIndex, number: caseIndex, given: given,
                        expression: try #require(entry["expression"]?.stringValue),
                        result: entry["result"], error: entry["error"]?.stringValue, bench: entry["bench"] != nil))
                }
            }
        }
        return cases
    }

    /// Compiles and evaluates the case's expression with `run` (by default as any expression is),
    /// and checks the result, or the error's kind.
    func check(running run: (_ expression: String, _ document: JSONValue) throws -> JSONValue = { try Expression($0).evaluate($1) }) {
        do {
            let value = try run(expression, given)
            if let error {
                Issue.record("expected error \(error), got \(value)")
            } else if result != nil || !bench {
                #expect(value == result, "\(expression)")
            }
        } catch let error as ExpressionError {
            if let expected = self.error {
                #expect(error.kind.code == expected, "\(expression): \(error)")
            } else {
                Issue.record("expected \(result ?? .null), got error \(error)")
            }
        } catch {
            Issue.record("\(expression): not an expression error: \(error)")
        }
    }
}

/// The JMESPath compliance suite (`../shared/conformance/jmespath/tests/`), every case.
struct JMESPathComplianceTests {
    static let directory = TestPaths.shared.appendingPathComponent("conformance/jmespath/tests")
    static let cases = (try? ExpressionCase.load(directory)) ?? []

    @Test func suiteIsPresentAndComplete() throws {
        #expect(try ExpressionCase.load(Self.directory).count == 908)
    }

    @Test(arguments: cases)
    func complianceCase(_ testCase: ExpressionCase) {
        testCase.check()
    }
}

/// Our cases for the JMESPath Community extensions and DataLayer Bridge's functions, in the
/// compliance suite's format (`Tests/Fixtures/expressions/community-*.json`).
struct CommunityExpressionTests {
    static let directory = TestPaths.fixtures("expressions")
    static let cases = (try? ExpressionCase.load(directory, prefix: "community-")) ?? []

    @Test func fixturesArePresent() throws {
        #expect(try ExpressionCase.load(Self.directory, prefix: "community-").count == Self.cases.count)
        #expect(Self.cases.count > 150)
    }

    @Test(arguments: cases)
    func communityCase(_ testCase: ExpressionCase) {
        testCase.check()
    }
}
