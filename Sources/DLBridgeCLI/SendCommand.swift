import DataLayerBridge
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `dlbridge send` reaches the network. The networking libraries (FoundationNetworking,
/// libcurl, TLS) add about 15 MiB to every process that links them, so `dlbridge` does not: its
/// `send` runs the `dlbridge-send` binary beside it, which links them and makes the transport.
package enum SendTransport: Sendable {
    /// Replace this process with `dlbridge-send` from the running binary's directory.
    case relay
    /// Send from this process through the transport that `make(endpoint, timeout, connections)` gives.
    case transport(make: @Sendable (String, Double, Int) throws -> any DeliveryTransport)
}

/// `dlbridge send`: delivers envelopes to the Events API, paced, retried and resumable.
enum SendCommand {
    static func command(_ sending: SendTransport) -> Command {
        Command(
            name: "send",
            summary: "POST envelopes (NDJSON) to the Luigi's Box Events API, paced per client, resumable.",
            synopsis: "send [--endpoint URL] [--state FILE] [--rejects FILE] [options] [FILE...]",
            details: """
                Reads envelopes from the FILEs in order, or standard input when none is given or FILE is
                '-', and POSTs each one as application/json. Each client (tracker_id + client_id) is held
                to the Events API limits: 30 events per 15 s, 400 per session (30 minutes idle ends a
                session); clients are sent in parallel, each client's envelopes in input order. 429 waits
                for Retry-After; 5xx, 408, timeouts and lost connections are retried with backoff; other
                statuses are final. Every envelope ends sent or rejected with a reason (to --rejects, or
                standard error). With --state, a rerun after any crash resumes without skipping an
                envelope. Exit status: 0 all sent; 1 some rejected; 2 usage, input, state or rejects file
                error; 130/143 after SIGINT/SIGTERM (rerun with the same --state to finish).
                """,
            options: [
                .value("--endpoint", "URL", "Where to POST. Default: \(SendConfiguration.eventsAPIEndpoint)"),
                .value("--state", "FILE", "Journal of finished envelopes: skip them on a rerun, record new ones (synced)."),
                .value("--rejects", "FILE", "Write each rejected envelope as an NDJSON line (appended when resuming with --state)."),
                .value("--concurrency", "N", "Requests in flight at once, each for a different client. Default: 8."),
                .value("--over-limit", "reject|send", "Envelopes beyond a client's session cap. Default: reject."),
                .value("--max-retries", "N", "Retries per envelope after the first attempt. Default: 6."),
                .value("--timeout", "SECONDS", "Give up on one request after this long (then retry). Default: 30."),
                .value("--rate", "N/DURATION", "Per-client rate limit. Default: 30/15s (the Events API limit)."),
                .value("--session", "N/IDLE", "Per-client session cap. Default: 400/30m (the Events API limit)."),
                .value("--input-format", "auto|ndjson|array", "How envelopes are framed. Default: auto."),
                .flag("--dry-run", "Read and check the envelopes and report what would be sent; send and write nothing."),
                .flag("--quiet", "No summary or progress on standard error."),
            ],
            positionals: 0...Int.max,
            run: { arguments in
                switch sending {
                case .relay: try relay(arguments.given)
                case .transport(let make): try run(arguments, make: make)
                }
            }
        )
    }

    private static func run(_ arguments: ParsedArguments, make: (String, Double, Int) throws -> any DeliveryTransport) throws -> Int32 {
        let configuration = try configuration(arguments)
        let dryRun = arguments.has("--dry-run")
        let quiet = arguments.has("--quiet")
        let timeout = try arguments.value("--timeout").map(seconds) ?? 30
        let endpoint = arguments.value("--endpoint") ?? SendConfiguration.eventsAPIEndpoint
        let inputs = try ConvertCommand.openInputs(arguments.positionals)
        defer { inputs.forEach { if $0.fd != 0 { close($0.fd) } } }
        do throws(DeliveryError) {
            let transport = try makeTransport(make, endpoint, timeout, configuration.concurrency)
            let journal = try arguments.value("--state").map { path throws(DeliveryError) in try StateJournal(path: path) }
            let rejects = try dryRun ? nil : arguments.value("--rejects").map { path throws(DeliveryError) in
                try RejectsFile(path: path, append: (journal?.progress.count ?? 0) > 0)
            }
            Interruption.install()
            let progress = SendProgress(enabled: Console.isTerminal(2) && !quiet)
            let sinks = DeliverySinks(
                rejected: { rejection in
                    if let rejects { try rejects.write(rejection) } else { Console.error(describe(rejection)) }
                },
                progress: { progress.show($0) }
            )
            let sender = Sender(configuration: configuration, transport: dryRun ? nil : transport, journal: dryRun ? nil : journal)
            let stats = try sender.run(inputs.map(\.input), sinks: sinks, shouldStop: { Interruption.signal != 0 })
            progress.finish()
            if !quiet {
                if dryRun { Console.error("dry run: nothing was sent to \(endpoint)\n") }
                Console.error(stats.summary(pacing: configuration.rate))
            }
            if Interruption.signal != 0 { return 128 + Interruption.signal }
            return stats.rejected > 0 ? 1 : 0
        } catch {
            throw CommandFailure(status: 2, message: "dlbridge send: \(error)")
        }
    }

    /// `make`'s `DeliveryError`, typed for the caller's `do throws(DeliveryError)`.
    private static func makeTransport(_ make: (String, Double, Int) throws -> any DeliveryTransport, _ endpoint: String, _ timeout: Double,
                                      _ connections: Int) throws(DeliveryError) -> any DeliveryTransport {
        do { return try make(endpoint, timeout, connections) } catch let error as DeliveryError { throw error } catch {
            throw DeliveryError(message: "\(error)")
        }
    }

    /// Runs `dlbridge-send` from this binary's directory with `arguments`; returns only on failure.
    private static func relay(_ arguments: [String]) throws -> Int32 {
        let path = siblingDirectory() + "dlbridge-send"
        guard access(path, X_OK) == 0 else {
            throw CommandFailure(status: 2, message: """
                dlbridge send: \(path) is missing. send runs that binary, which alone links the networking \
                libraries: 'swift build' (or 'swift build -c release') builds it beside dlbridge; install the two together.
                """)
        }
        var argv = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, argv)
        let reason = String(cString: strerror(errno))
        argv.forEach { free($0) }
        throw CommandFailure(status: 2, message: "dlbridge send: cannot run \(path): \(reason)")
    }

    /// The directory of the running binary, with a trailing slash: from `/proc/self/exe` where
    /// there is one, else from the program name (which `exec` resolves relative to the working directory).
    private static func siblingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    private static func configuration(_ arguments: ParsedArguments) throws -> SendConfiguration {
        var configuration = SendConfiguration()
        if let text = arguments.value("--concurrency") { configuration.concurrency = try ConvertCommand.positive(text, option: "--concurrency") }
        if let text = arguments.value("--max-retries") {
            guard let value = Int(text), value >= 0 else { throw UsageError("--max-retries needs a whole number, not '\(text)'") }
            configuration.retry.maxRetries = value
        }
        if let text = arguments.value("--over-limit") {
            guard let policy = OverLimitPolicy(rawValue: text) else { throw UsageError("--over-limit must be reject or send, not '\(text)'") }
            configuration.overLimit = policy
        }
        if let text = arguments.value("--rate") {
            guard let rate = RateLimit(parsing: text) else { throw UsageError("--rate needs N/DURATION such as 30/15s, not '\(text)'") }
            configuration.rate = rate
        }
        if let text = arguments.value("--session") {
            guard let session = SessionLimit(parsing: text) else { throw UsageError("--session needs N/IDLE such as 400/30m, not '\(text)'") }
            configuration.session = session
        }
        if let format = try ConvertCommand.inputFormat(arguments) { configuration.format = format }
        return configuration
    }

    private static func seconds(_ text: String) throws -> Double {
        guard let value = DeliveryDuration.seconds(text) else { throw UsageError("--timeout needs a positive number of seconds, not '\(text)'") }
        return value
    }

    /// `FILE:LINE: reason: detail` for a rejection reported on standard error.
    private static func describe(_ rejection: DeliveryRejection) -> String {
        let origin = rejection.origin
        return "dlbridge send: \(origin.file ?? "<stdin>"):\(origin.line): \(rejection.reason): \(rejection.detail)\n"
    }
}

/// The progress line on a terminal: sent, rejected and retried so far, and the rate.
private final class SendProgress: @unchecked Sendable {
    let enabled: Bool
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    /// Called by the sender one call at a time, at most four times a second.
    func show(_ stats: DeliveryStats) {
        guard enabled else { return }
        Console.error("\rsent \(stats.sent), rejected \(stats.rejected), retries \(stats.retries), \(Int(stats.rate)) envelopes/s   ")
        shown = true
    }

    func finish() {
        if shown { Console.error("\r\u{1B}[K") }
    }
}
