import DataLayerBridge

/// `dlbridge test`: runs a mapping against fixture pairs and shows what differs.
enum TestCommand {
    static let command = Command(
        name: "test",
        summary: "Run a mapping against fixture pairs (input pushes → expected envelopes).",
        synopsis: "test MAPPING FIXTURE_DIR",
        details: """
            MAPPING is a built-in name or a mapping file. FIXTURE_DIR holds <case>.input.ndjson with
            <case>.expected.ndjson, and optionally <case>.vars.json (variables) and
            <case>.expected-skips.ndjson ({"record": N, "skip"|"reject": "reason"} per record that
            gives no envelope). Envelopes compare as JSON values. Each failure is shown as
            'envelope N: /json/pointer: expected X, got Y'. Exit status: 0 all pass, 1 any fails,
            2 usage or unreadable folder.
            """,
        options: [],
        positionals: 2...2,
        run: run
    )

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let mappingName = arguments.positionals[0]
        let pairs = FixturePairs(directory: arguments.positionals[1])
        let names: [String]
        do throws(MappingError) {
            names = try pairs.caseNames()
        } catch {
            throw CommandFailure(status: 2, message: "dlbridge test: \(error)")
        }
        if names.isEmpty { throw CommandFailure(status: 2, message: "dlbridge test: no <case>.input.ndjson in \(pairs.directory)") }
        var failed = 0
        for name in names {
            let result = pairs.run(name) { variables throws(MappingError) in try Mapping.named(mappingName, variables: variables) }
            if result.passed {
                Console.output("ok    \(name)\n")
            } else {
                failed += 1
                Console.output("FAIL  \(name)\n" + result.failures.map { "      \($0)\n" }.joined())
            }
        }
        Console.output("\n\(names.count - failed) passed, \(failed) failed\n")
        return failed == 0 ? 0 : 1
    }
}
