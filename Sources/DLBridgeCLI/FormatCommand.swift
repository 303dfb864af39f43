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
        var parser = JSONParser(options: arguments.has("--relaxed") ? .relaxed : .strict)
        var writer = JSONWriter(style: pretty ? .pretty(indent: 2) : .compact)
        let name = displayName(path)
        guard lines else {
            let input = try Console.readAll(path: path)
            let failure: JSONError? = input.withUnsafeBytes { bytes in
                do throws(JSONError) {
                    writer.write(try parser.parse(bytes))
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw CommandFailure(status: 1, message: "\(name):\(failure)") }
            writer.append(byte: UInt8(ascii: "\n"))
            writer.withBytes { Console.write($0, to: 1) }
            return 0
        }
        return try formatLines(path: path, name: name, parser: &parser, writer: &writer)
    }

    /// NDJSON: streamed in fixed-size batches, so memory stays flat whatever the input size.
    private static func formatLines(path: String?, name: String, parser: inout JSONParser, writer: inout JSONWriter) throws -> Int32 {
        let fd: Int32 = path.map { $0 == "-" ? 0 : open($0, O_RDONLY) } ?? 0
        guard fd >= 0 else { throw CommandFailure(status: 2, message: "dlbridge: \(name): \(Console.systemError())") }
        defer { if fd != 0 { close(fd) } }
        var reader = RecordReader(source: FileDescriptorSource(fileDescriptor: fd), format: .ndjson)
        var invalid = 0
        do throws(StreamError) {
            while let batch = try reader.nextBatch() {
                batch.bytes.withUnsafeBytes { bytes in
                    for record in batch.records {
                        if let problem = record.problem {
                            Console.error("\(name):\(record.line):1: \(problem)\n")
                            invalid += 1
                            continue
                        }
                        do throws(JSONError) {
                            writer.write(try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[record.range])))
                            writer.append(byte: UInt8(ascii: "\n"))
                        } catch {
                            var error = error
                            error.line += record.line - 1
                            Console.error("\(name):\(error)\n")
                            invalid += 1
                        }
                    }
                }
                writer.withBytes { Console.write($0, to: 1) }
                writer.reset()
            }
        } catch {
            throw CommandFailure(status: 2, message: "dlbridge: \(name): \(error)")
        }
        return invalid == 0 ? 0 : 1
    }

    static func displayName(_ path: String?) -> String {
        guard let path, path != "-" else { return "<stdin>" }
        return path
    }
}
