import DataLayerBridge

/// `dlbridge fmt`: the parser's user-facing face. Reads one JSON document and writes it back.
enum FormatCommand {
    static let command = Command(
        name: "fmt",
        summary: "Check one JSON document and write it back, pretty or compact.",
        synopsis: "fmt [--pretty|--compact] [--relaxed] [FILE]",
        details: """
            Reads FILE, or standard input when FILE is absent or '-'. Output is pretty on a terminal and
            compact otherwise. Numbers are written exactly as in the input. Invalid input exits 1 with
            FILE:LINE:COLUMN: reason on standard error.
            """,
        options: [
            .flag("--pretty", "Indent by two spaces, one member or element per line."),
            .flag("--compact", "No white space: the whole document on one line."),
            .flag("--relaxed", "Accept // and /* */ comments and trailing commas (JSONC, as mapping files)."),
        ],
        positionals: 0...1,
        run: run
    )

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        if arguments.has("--pretty") && arguments.has("--compact") {
            throw UsageError("--pretty and --compact exclude each other")
        }
        let path = arguments.positionals.first
        let pretty = arguments.has("--pretty") || (!arguments.has("--compact") && Console.isTerminal(1))
        let input = try Console.readAll(path: path)
        var parser = JSONParser(options: arguments.has("--relaxed") ? .relaxed : .strict)
        var writer = JSONWriter(style: pretty ? .pretty(indent: 2) : .compact)
        let failure: JSONError? = input.withUnsafeBytes { bytes in
            do throws(JSONError) {
                writer.write(try parser.parse(bytes))
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw CommandFailure(status: 1, message: "\(displayName(path)):\(failure)") }
        writer.bytes.append(UInt8(ascii: "\n"))
        writer.bytes.withUnsafeBytes { Console.write($0, to: 1) }
        return 0
    }

    static func displayName(_ path: String?) -> String {
        guard let path, path != "-" else { return "<stdin>" }
        return path
    }
}
