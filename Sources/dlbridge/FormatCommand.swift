import DataLayerBridge
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dlbridge fmt`: the parser's user-facing face. Reads one JSON document and writes it back.
enum FormatCommand {
    static let command = Command(
        name: "fmt",
        summary: "Check one JSON document and write it back, pretty or compact.",
        synopsis: "fmt [--pretty|--compact] [--relaxed] [--ndjson] [FILE]",
        details: """
            Reads FILE, or standard input when FILE is absent or '-'. Output is pretty on a terminal and
            compact otherwise. Numbers are written exactly as in the input. Invalid input exits 1 with
            FILE:LINE:COLUMN: reason on standard error.
            With --ndjson, every non-blank line is one document, written compact on its own line; each
            invalid line is reported on standard error and left out, and the exit status is 1 if any was.
            """,
        options: [
            .flag("--pretty", "Indent by two spaces, one member or element per line."),
            .flag("--compact", "No white space: the whole document on one line."),
            .flag("--relaxed", "Accept // and /* */ comments and trailing commas (JSONC, as mapping files)."),
            .flag("--ndjson", "One document per line (newline-delimited JSON), each written compact."),
        ],
        positionals: 0...1,
        run: run
    )

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        if arguments.has("--pretty") && arguments.has("--compact") {
            throw UsageError("--pretty and --compact exclude each other")
        }
        let path = arguments.positionals.first
        let lines = arguments.has("--ndjson")
        if lines && arguments.has("--pretty") { throw UsageError("--ndjson output is compact, one document per line") }
        let pretty = arguments.has("--pretty") || (!lines && !arguments.has("--compact") && Console.isTerminal(1))
        let input = try Console.readAll(path: path)
        var parser = JSONParser(options: arguments.has("--relaxed") ? .relaxed : .strict)
        var writer = JSONWriter(style: pretty ? .pretty(indent: 2) : .compact)
        var invalid = 0
        let name = displayName(path)
        input.withUnsafeBytes { bytes in
            var line = 1
            var start = 0
            while start < bytes.count || (!lines && start == 0) {
                var end = bytes.count
                if lines, let newline = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) {
                    end = bytes.baseAddress!.distance(to: UnsafeRawPointer(newline))
                }
                let document = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if !lines || !isBlank(document) {
                    do throws(JSONError) {
                        writer.write(try parser.parse(document))
                        writer.append(byte: UInt8(ascii: "\n"))
                    } catch {
                        var error = error
                        error.line += line - 1
                        Console.error("\(name):\(error)\n")
                        invalid += 1
                    }
                    if writer.count >= 1 << 20 {
                        writer.withBytes { Console.write($0, to: 1) }
                        writer.reset()
                    }
                }
                line += 1
                start = end + 1
            }
        }
        writer.withBytes { Console.write($0, to: 1) }
        return invalid == 0 ? 0 : 1
    }

    private static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    static func displayName(_ path: String?) -> String {
        guard let path, path != "-" else { return "<stdin>" }
        return path
    }
}
