import DataLayerBridge

/// `dlbridge eval`: the expression language's user-facing face. Evaluates one expression
/// against one JSON document.
enum EvalCommand {
    static let command = Command(
        name: "eval",
        summary: "Evaluate an expression (JMESPath with extensions) against a JSON document.",
        synopsis: "eval [--pretty] [--var NAME=JSON]... EXPRESSION [FILE]",
        details: """
            Reads FILE, or standard input when FILE is absent or '-', evaluates EXPRESSION against it
            and prints the result as compact JSON (numbers exactly as computed). --var binds $NAME to
            a JSON value, as a mapping binds $config, $event, $index and $item. An invalid expression
            exits 1 with 'expression:1:COLUMN: reason'; an evaluation error exits 1 with 'eval: reason'.
            """,
        options: [
            .flag("--pretty", "Indent the result by two spaces."),
            .value("--var", "NAME=JSON", "Bind $NAME to a JSON value (repeatable)."),
        ],
        positionals: 1...2,
        run: run
    )

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        var variables = ExpressionVariables()
        for binding in arguments.all("--var") {
            let parts = binding.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw UsageError("--var needs NAME=JSON, got '\(binding)'") }
            let name = parts[0].hasPrefix("$") ? String(parts[0].dropFirst()) : parts[0]
            do {
                variables[name] = try JSONValue(parsing: parts[1])
            } catch {
                throw UsageError("--var \(name): invalid JSON: \(error)")
            }
        }
        let expression: Expression
        do {
            expression = try Expression(arguments.positionals[0])
        } catch {
            throw CommandFailure(status: 1, message: "expression:\(error)")
        }
        let path = arguments.positionals.count > 1 ? arguments.positionals[1] : nil
        let input = try Console.readAll(path: path)
        let document: JSONValue
        do {
            document = try JSONValue(parsing: input)
        } catch {
            throw CommandFailure(status: 1, message: "\(FormatCommand.displayName(path)):\(error)")
        }
        let result: JSONValue
        do {
            result = try expression.evaluate(document, variables: variables)
        } catch {
            throw CommandFailure(status: 1, message: "eval: \(error)")
        }
        var writer = JSONWriter(style: arguments.has("--pretty") ? .pretty(indent: 2) : .compact)
        writer.write(result)
        writer.append(byte: UInt8(ascii: "\n"))
        writer.withBytes { Console.write($0, to: 1) }
        return 0
    }
}
