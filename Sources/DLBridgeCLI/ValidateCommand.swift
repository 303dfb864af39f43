import DataLayerBridge
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dlbridge validate`: checks Luigi's Box Events API envelopes and prints one line per finding.
enum ValidateCommand {
    static let command = Command(
        name: "validate",
        summary: "Check Luigi's Box Events API envelopes (NDJSON or a JSON array); one line per finding.",
        synopsis: "validate [--format text|json] [--relaxed] [FILE...]",
        details: """
            Reads each FILE, or standard input when none is given or FILE is '-'. Input is NDJSON (one
            envelope per line), a JSON array of envelopes, or one pretty-printed envelope. The files
            form one stream: an id repeated in a later file is a duplicate.

            Text lines are 'record N: POINTER: reason' for errors and 'record N: warning: POINTER:
            reason' for warnings, POINTER being an RFC 6901 JSON pointer into the envelope ('(root)'
            for the whole record); with several FILEs each line starts with 'FILE: '. JSON lines are
            {"record":N,"severity":"error","pointer":"...","reason":"..."}, with "file" first when
            several FILEs are given. Exit status: 1 when any error was found, 0 otherwise (warnings
            alone do not fail), 2 for a usage error or an unreadable file.
            """,
        options: [
            .value("--format", "FORMAT", "'text' (default) or 'json': one JSON object per finding."),
            .flag("--relaxed", "Accept // and /* */ comments and trailing commas, as in documentation examples."),
        ],
        positionals: 0...Int.max,
        run: run
    )

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let format = arguments.value("--format") ?? "text"
        guard format == "text" || format == "json" else {
            throw UsageError("--format must be 'text' or 'json', not '\(format)'")
        }
        let paths: [String?] = arguments.positionals.isEmpty ? [nil] : arguments.positionals
        let options: JSONParser.Options = arguments.has("--relaxed") ? .relaxed : .strict
        var validator = EventsAPIStreamValidator()
        var failed = false
        for path in paths {
            let fd = try Console.open(path: path)
            defer { if fd != 0 { close(fd) } }
            let file = paths.count > 1 ? FormatCommand.displayName(path) : nil
            // Records are read and findings written as the input streams: `convert | validate` over a
            // large log holds one line at a time.
            var records = EnvelopeStream(source: FileDescriptorSource(fileDescriptor: fd), options: options)
            var output = ""
            while true {
                let next: EnvelopeRecord?
                do {
                    next = try records.next()
                } catch {
                    Console.output(output)
                    throw Console.readFailure(error, path: path == "-" ? nil : path)
                }
                guard let record = next else { break }
                let findings: [EventsAPIFinding]
                switch record.value {
                case .success(let envelope): findings = validator.findings(for: envelope)
                case .failure(let error): findings = [EventsAPIFinding(invalidJSON: error)]
                }
                for finding in findings {
                    failed = failed || finding.severity == .error
                    output += format == "json" ? jsonLine(finding, record: record.number, file: file)
                        : textLine(finding, record: record.number, file: file)
                }
                if output.utf8.count >= 1 << 16 {
                    Console.output(output)
                    output = ""
                }
            }
            Console.output(output)
        }
        return failed ? 1 : 0
    }

    static func textLine(_ finding: EventsAPIFinding, record: Int, file: String?) -> String {
        (file.map { "\($0): " } ?? "") + "record \(record): \(finding)\n"
    }

    static func jsonLine(_ finding: EventsAPIFinding, record: Int, file: String?) -> String {
        var object = JSONObject()
        if let file { object.append(key: "file", value: .string(file)) }
        object.append(key: "record", value: .number(JSONNumber(record)))
        object.append(key: "severity", value: .string(finding.severity.rawValue))
        object.append(key: "pointer", value: .string(finding.pointer))
        object.append(key: "reason", value: .string(finding.reason))
        return JSONValue.object(object).description + "\n"
    }
}
