import DataLayerBridge

/// The `dlbridge` entry point: global flags, then dispatch through the command table.
package struct CommandLineTool {
    let commands: [Command]

    /// A tool whose `send` command reaches the network as `sending` says.
    package init(sending: SendTransport) {
        commands = [
            CheckCommand.command,
            ConvertCommand.command,
            EvalCommand.command,
            FormatCommand.command,
            MappingsCommand.command,
            TestCommand.command,
            SendCommand.command(sending),
            ValidateCommand.command,
        ]
    }

    /// Runs the command line `arguments` (without the program name) and returns the exit status.
    package func run(_ arguments: [String]) -> Int32 {
        guard let first = arguments.first else {
            Console.error(overview)
            return 2
        }
        switch first {
        case "--help", "-h", "help":
            if arguments.count > 1, let command = commands.first(where: { $0.name == arguments[1] }) {
                Console.output(command.help)
            } else {
                Console.output(overview)
            }
            return 0
        case "--version":
            Console.output("dlbridge \(DataLayerBridge.version)\n")
            return 0
        default:
            break
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            Console.error("dlbridge: unknown command '\(first)'\nTry 'dlbridge --help'.\n")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            Console.output(command.help)
            return 0
        }
        do {
            let parsed = try ParsedArguments(rest, for: command)
            return try command.run(parsed)
        } catch let error as UsageError {
            Console.error("dlbridge \(command.name): \(error.message)\nTry 'dlbridge \(command.name) --help'.\n")
            return 2
        } catch let failure as CommandFailure {
            Console.error(failure.message.hasSuffix("\n") ? failure.message : failure.message + "\n")
            return failure.status
        } catch {
            Console.error("dlbridge \(command.name): \(error)\n")
            return 1
        }
    }

    var overview: String {
        var text = """
            usage: dlbridge <command> [options] [arguments]

            Turns dataLayer pushes (GA4, gtag, Universal Analytics, BigQuery export rows) into
            Luigi's Box Events API envelopes and other analytics targets, through mapping files.

            commands:

            """
        let width = commands.map(\.name.count).max() ?? 0
        for command in commands {
            text += "  " + command.name + String(repeating: " ", count: width - command.name.count + 2) + command.summary + "\n"
        }
        text += """

            global options:
              --help      Show this help, or 'dlbridge COMMAND --help' for one command.
              --version   Print the version and exit.

            """
        return text
    }
}
