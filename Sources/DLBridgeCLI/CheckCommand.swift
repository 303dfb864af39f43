import DataLayerBridge

/// `dlbridge check`: load mapping files the way `convert` would, and report every one that fails.
enum CheckCommand {
    static let command = Command(
        name: "check",
        summary: "Validate mapping files: report mistakes with FILE:LINE:COLUMN.",
        synopsis: "check [--set KEY=VALUE]... MAPPING...",
        details: """
            Compiles each MAPPING (JSONC) exactly as convert would: structure, directives, expressions,
            variables. A good file prints 'FILE: ok (N rules)' on standard output; a broken one prints
            FILE:LINE:COLUMN: /json/pointer: reason on standard error. Exit 0 when all are good, 2 otherwise.
            --set gives variable values, so required variables and declared types are checked too.
            """,
        options: [
            .value("--set", "KEY=VALUE", "Give a mapping variable a value (JSON, else a string); repeatable."),
        ],
        positionals: 1...Int.max,
        run: run
    )

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        var variables: [String: JSONValue] = [:]
        for assignment in arguments.all("--set") {
            do throws(MappingError) {
                let (key, value) = try Mapping.parseVariableAssignment(assignment)
                variables[key] = value
            } catch {
                throw UsageError(error.reason)
            }
        }
        var failed = false
        for path in arguments.positionals {
            do throws(MappingError) {
                let mapping = try Mapping(contentsOfFile: path, variables: variables)
                Console.output("\(path): ok (\(mapping.ruleCount) rule\(mapping.ruleCount == 1 ? "" : "s"))\n")
            } catch {
                Console.error("\(error)\n")
                failed = true
            }
        }
        return failed ? 2 : 0
    }
}
