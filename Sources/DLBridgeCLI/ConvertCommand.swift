import DataLayerBridge
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dlbridge convert`: the streaming filter from dataLayer logs to envelopes.
enum ConvertCommand {
    static let command = Command(
        name: "convert",
        summary: "Convert dataLayer records (NDJSON or a JSON array) into envelopes, stdin to stdout.",
        synopsis: "convert [--mapping NAME|FILE] [--set KEY=VALUE]... [options] [FILE...]",
        details: """
            Reads FILEs in order as one stream, or standard input when none is given or FILE is '-',
            and writes one envelope per line to standard output, in input order. Every record is
            converted, skipped with a reason, or rejected with a reason; a summary goes to standard
            error. Exit status: 0 success (rejects are counted, not fatal); 1 with --fail-on-reject
            when any record was rejected; 2 usage, mapping or input error; 130/143 after SIGINT/SIGTERM
            (the records converted so far are written, and the summary printed).
            """,
        options: [
            .value("--mapping", "NAME|FILE", "A built-in mapping (see 'dlbridge mappings') or a mapping file. Default: \(BuiltInMappings.defaultName)."),
            .value("--set", "KEY=VALUE", "Set a mapping variable (repeatable); VALUE is JSON when it parses as JSON, else text."),
            .value("--input-format", "auto|ndjson|array", "How records are framed. Default: auto (by the first non-blank byte)."),
            .value("--max-record-bytes", "N", "Reject records longer than N bytes (suffix K, M or G for KiB, MiB, GiB). Default: 16M."),
            .value("--jobs", "N", "Convert on N threads; output is identical for any N. Default: the number of cores."),
            .flag("--data-model", "GTM data-model semantics: each push merges into its client's model, rules see the merged model."),
            .value("--data-model-clients", "N", "With --data-model, keep the models of at most N clients (least recently pushed dropped first). Default: 100000."),
            .value("--rejects", "FILE", "Write each rejected record as an NDJSON line with its reason and exact input."),
            .value("--skipped", "FILE", "Write each skipped record likewise."),
            .value("--stats", "FILE", "Write the summary as JSON."),
            .flag("--fail-on-reject", "Exit 1 when any record was rejected."),
            .flag("--quiet", "No summary on standard error."),
        ],
        positionals: 0...Int.max,
        run: run
    )

    /// `--input-format`, shared with `send`; `nil` when not given.
    static func inputFormat(_ arguments: ParsedArguments) throws -> InputFormat? {
        guard let text = arguments.value("--input-format") else { return nil }
        guard let format = InputFormat(rawValue: text) else { throw UsageError("--input-format must be auto, ndjson or array, not '\(text)'") }
        return format
    }

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let format = try inputFormat(arguments) ?? .auto
        let maxRecordBytes = try arguments.value("--max-record-bytes").map { try byteCount($0, option: "--max-record-bytes") }
        let jobs = try arguments.value("--jobs").map { try positive($0, option: "--jobs") } ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var converter = StreamConverter(converter: RecordConverter(mapping: try loadMapping(arguments)))
        // Converting on this thread, one parser (and its string cache) serves the whole run.
        var parser = JSONParser()
        defer { leftToExit = (converter, parser) }
        converter.format = format
        converter.jobs = jobs
        if let maxRecordBytes { converter.maxRecordBytes = maxRecordBytes }
        let maxClients = try arguments.value("--data-model-clients").map { try positive($0, option: "--data-model-clients") }
        if maxClients != nil && !arguments.has("--data-model") { throw UsageError("--data-model-clients needs --data-model") }
        if arguments.has("--data-model") { converter.dataModel = DataModel(maxClients: maxClients ?? 100_000) }

        let rejects = try arguments.value("--rejects").map(OutputFile.init)
        let skipped = try arguments.value("--skipped").map(OutputFile.init)
        let inputs = try openInputs(arguments.positionals)
        defer { inputs.forEach { if $0.fd != 0 { close($0.fd) } } }

        Console.ignoreBrokenPipeSignal()
        Interruption.install()
        // One job frees a batch's blocks on the thread that made them, right after writing them,
        // so the heap shrank and grew again every batch. Several jobs fault far less often (about
        // 3,000 times per corpus run, against 39,700), and there the setting measured no faster,
        // while each worker's arena keeping its own peak added 0.4 MiB to the peak (about 1 MiB
        // with 1 MiB batches).
        if jobs == 1 { Allocator.keepFreedMemoryForReuse() }
        var progress = ProgressLine(enabled: Console.isTerminal(2) && !arguments.has("--quiet"))
        let sinks = ConversionSinks(
            envelopes: { Console.write($0, to: 1) },
            rejects: rejects.map { file in { file.write($0) } },
            skipped: skipped.map { file in { file.write($0) } },
            progress: { progress.update($0) }
        )
        let stats: ConversionStats
        do throws(StreamError) {
            stats = try converter.run(inputs.map(\.input), sinks: sinks, shouldStop: { Interruption.signal != 0 }, parser: &parser)
        } catch {
            throw CommandFailure(status: 2, message: "dlbridge convert: \(error)")
        }
        progress.finish()
        if let path = arguments.value("--stats") {
            var writer = JSONWriter(style: .pretty(indent: 2))
            writer.write(stats.json)
            writer.append(byte: UInt8(ascii: "\n"))
            try OutputFile(path).write(writer)
        }
        if !arguments.has("--quiet") { Console.error(stats.summary) }
        if Interruption.signal != 0 { return 128 + Interruption.signal }
        return arguments.has("--fail-on-reject") && stats.rejected > 0 ? 1 : 0
    }

    /// The mapping named by `--mapping`, compiled with the `--set` variables; errors exit 2.
    static func loadMapping(_ arguments: ParsedArguments) throws -> Mapping {
        var variables: [String: JSONValue] = [:]
        do throws(MappingError) {
            for assignment in arguments.all("--set") {
                let (key, value) = try Mapping.parseVariableAssignment(assignment)
                variables[key] = value
            }
            return try Mapping.named(arguments.value("--mapping") ?? BuiltInMappings.defaultName, variables: variables)
        } catch {
            throw CommandFailure(status: 2, message: "dlbridge: \(error)")
        }
    }

    static func openInputs(_ paths: [String]) throws -> [(input: ConversionInput, fd: Int32)] {
        let names = paths.isEmpty ? ["-"] : paths
        return try names.map { path in
            if path == "-" { return (ConversionInput(name: nil, source: FileDescriptorSource(fileDescriptor: 0), size: regularFileSize(0)), 0) }
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw CommandFailure(status: 2, message: "dlbridge convert: \(path): \(Console.systemError())") }
            return (ConversionInput(name: path, source: FileDescriptorSource(fileDescriptor: fd), size: regularFileSize(fd)), fd)
        }
    }

    private static func regularFileSize(_ fd: Int32) -> Int? {
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(status.st_size)
    }

    static func positive(_ text: String, option: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw UsageError("\(option) needs a positive whole number, not '\(text)'") }
        return value
    }

    static func byteCount(_ text: String, option: String) throws -> Int {
        let multipliers: [Character: Int] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30]
        if let last = text.last, let multiplier = multipliers[last] {
            return try positive(String(text.dropLast()), option: option) * multiplier
        }
        return try positive(text, option: option)
    }
}

/// The converter of the `convert` that ran and its parser, left for the process's exit to free:
/// `dlbridge` exits right after its command, and releasing the compiled mapping object by object
/// cost 1.26 M instructions, 6 % of a conversion of empty input, and the parser's string cache
/// 1.15 M more on 5,000 records. Only the tool's processes run commands; the library frees
/// everything as usual.
nonisolated(unsafe) private var leftToExit: (StreamConverter, JSONParser)?

/// A file opened for writing (rejects, skipped, stats); failures are usage-level errors.
final class OutputFile {
    let fd: Int32

    init(_ path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CommandFailure(status: 2, message: "dlbridge: \(path): \(Console.systemError())") }
    }

    deinit { close(fd) }

    func write(_ bytes: UnsafeRawBufferPointer) { Console.write(bytes, to: fd) }
    func write(_ writer: JSONWriter) { writer.withBytes { Console.write($0, to: fd) } }
}

/// SIGINT and SIGTERM end a conversion cleanly: the window in progress is written, then the
/// summary, and the exit status is 128 + the signal.
enum Interruption {
    nonisolated(unsafe) static var signal: Int32 = 0

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { Interruption.signal = $0 }
        Glibc.signal(SIGINT, handler)
        Glibc.signal(SIGTERM, handler)
        // A parent may start us with these signals blocked (the mask is inherited): unblock them.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}

/// The progress line on a terminal: bytes, records per second and, when the size is known, ETA.
struct ProgressLine {
    let enabled: Bool
    private var lastSeconds = 0.0
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    mutating func update(_ stats: ConversionStats) {
        guard enabled, stats.seconds - lastSeconds >= 0.25 else { return }
        lastSeconds = stats.seconds
        let rate = stats.seconds > 0 ? Int(Double(stats.records) / stats.seconds) : 0
        var line = "\r\(stats.bytes / 1_000_000) MB, \(stats.records) records, \(rate) records/s"
        if let total = stats.expectedBytes, stats.bytes > 0, total > stats.bytes {
            line += ", ETA \(Int(stats.seconds * Double(total - stats.bytes) / Double(stats.bytes))) s"
        }
        Console.error(line + "   ")
        shown = true
    }

    mutating func finish() {
        if shown { Console.error("\r\u{1B}[K") }
    }
}
