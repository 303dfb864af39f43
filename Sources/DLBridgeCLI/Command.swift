#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `dlbridge` command: its row in the command table. A new command is a new row and a `run`
/// function, never a new parser.
struct Command: Sendable {
    /// One `--option` a command accepts.
    struct Option: Sendable {
        /// The long name, with its dashes: `--pretty`.
        let name: String
        /// The value's placeholder (`FILE`), or `nil` for a flag.
        let value: String?
        /// One line of help.
        let help: String

        static func flag(_ name: String, _ help: String) -> Option { Option(name: name, value: nil, help: help) }
        static func value(_ name: String, _ placeholder: String, _ help: String) -> Option {
            Option(name: name, value: placeholder, help: help)
        }
    }

    let name: String
    /// One line for `dlbridge --help`.
    let summary: String
    /// The synopsis after `dlbridge `: `fmt [--pretty|--compact] [--relaxed] [FILE]`.
    let synopsis: String
    /// Prose after the synopsis in `dlbridge NAME --help`.
    let details: String
    let options: [Option]
    /// How many positional arguments the command takes.
    let positionals: ClosedRange<Int>
    let run: @Sendable (ParsedArguments) throws -> Int32

    var help: String {
        var text = "usage: dlbridge \(synopsis)\n\n\(summary)\n"
        if !details.isEmpty { text += "\n\(details)\n" }
        let rows = options + [.flag("--help", "Show this help and exit.")]
        text += "\noptions:\n"
        let labels = rows.map { option in option.value.map { "\(option.name) \($0)" } ?? option.name }
        let width = labels.map(\.count).max() ?? 0
        for (label, option) in zip(labels, rows) {
            text += "  " + label + String(repeating: " ", count: width - label.count + 2) + option.help + "\n"
        }
        return text
    }
}

/// What a command line said, checked against the command's table row.
struct ParsedArguments {
    /// The arguments as given, for a command that hands them on to another program.
    let given: [String]
    private(set) var values: [String: [String]] = [:]
    private(set) var positionals: [String] = []

    /// `true` when the flag was given.
    func has(_ name: String) -> Bool { values[name] != nil }
    /// The last value given for the option.
    func value(_ name: String) -> String? { values[name]?.last }
    /// Every value given for a repeatable option, in order.
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// Parses `arguments` for `command`: `--name VALUE`, `--name=VALUE`, flags, `--` to end options,
    /// and `-` as a positional meaning standard input.
    init(_ arguments: [String], for command: Command) throws(UsageError) {
        given = arguments
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            if argument == "--" {
                positionals += remaining
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                positionals.append(argument)
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard let option = command.options.first(where: { $0.name == parts[0] }) else {
                throw UsageError("unknown option '\(parts[0])'")
            }
            if option.value == nil {
                if parts.count == 2 { throw UsageError("option '\(option.name)' takes no value") }
                values[option.name, default: []].append("")
            } else if parts.count == 2 {
                values[option.name, default: []].append(parts[1])
            } else if let value = remaining.popFirst() {
                values[option.name, default: []].append(value)
            } else {
                throw UsageError("option '\(option.name)' needs a value (\(option.value!))")
            }
        }
        if !command.positionals.contains(positionals.count) {
            let range = command.positionals
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" :
                range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw UsageError("expected \(expected) argument\(range.upperBound == 1 || (range.lowerBound == 1 && range.upperBound == Int.max) ? "" : "s"), got \(positionals.count)")
        }
    }
}

/// A mistake on the command line: exit status 2 and a one-line reason.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A failure that ends a command with `status` after printing `message` to standard error.
struct CommandFailure: Error {
    let status: Int32
    let message: String
}
