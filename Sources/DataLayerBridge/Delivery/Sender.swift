#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `send` behaves: the limits, the retry policy, parallelism and input framing.
public struct SendConfiguration: Sendable {
    /// The Events API endpoint from its documentation.
    public static let eventsAPIEndpoint = "https://api.luigisbox.com/"

    /// Per-client rate; default the Events API's 30 events per 15 s.
    public var rate = RateLimit.eventsAPI
    /// Per-client session cap; default 400 events per session, 30 minutes idle ending one.
    public var session = SessionLimit.eventsAPI
    /// What to do with envelopes beyond a session cap.
    public var overLimit = OverLimitPolicy.reject
    /// Which failures are retried, how often and after how long.
    public var retry = RetryPolicy()
    /// Requests in flight at once (each for a different client).
    public var concurrency = 8
    /// Envelopes read but not yet finished, at most: bounds memory and the state file.
    public var maxUnfinished = 10_000
    /// How the input is framed.
    public var format = InputFormat.auto
    /// Records longer than this are rejected as `record-too-large`.
    public var maxRecordBytes = 16 << 20

    /// Creates the default configuration.
    public init() {}
}

/// Where a run's results go besides its ``DeliveryStats``. Both are called from several threads,
/// one call at a time.
public struct DeliverySinks: Sendable {
    /// Records one rejection durably; a thrown error ends the run (the rejection is then not
    /// marked finished, so a resumed run retries the envelope).
    public var rejected: @Sendable (DeliveryRejection) throws -> Void
    /// Sees the counts so far, at most four times a second.
    public var progress: @Sendable (DeliveryStats) -> Void

    /// Creates sinks.
    public init(rejected: @escaping @Sendable (DeliveryRejection) throws -> Void, progress: @escaping @Sendable (DeliveryStats) -> Void = { _ in }) {
        self.rejected = rejected
        self.progress = progress
    }
}

/// Delivers envelopes to the Events API: reads the inputs in order, paces each client, runs
/// clients in parallel, retries what is worth retrying and records every envelope as sent or
/// rejected. With a ``StateJournal``, envelopes an earlier run finished are skipped and each one
/// finished now is journaled, so a killed run resumes where it stopped, resending at most the
/// envelopes that were in flight.
public struct Sender: Sendable {
    /// The configuration.
    public let configuration: SendConfiguration
    /// Where envelopes go; `nil` for a dry run, which reads, validates and counts but sends and
    /// journals nothing.
    public let transport: (any DeliveryTransport)?
    /// The time source for pacing and retries.
    public let clock: any DeliveryClock
    /// The progress journal, if any.
    public let journal: StateJournal?

    /// Creates a sender.
    public init(configuration: SendConfiguration, transport: (any DeliveryTransport)?, clock: any DeliveryClock = SystemDeliveryClock(), journal: StateJournal? = nil) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.journal = journal
    }

    /// Delivers every envelope of `inputs` (one stream: ordinals run on across inputs) and returns
    /// the counts. `shouldStop` is polled: once it is true no new request starts, requests in
    /// flight finish their current attempt, and the rest counts as unfinished. Throws when an input
    /// cannot be read or the state or rejects cannot be written.
    public func run(_ inputs: [ConversionInput], sinks: DeliverySinks, shouldStop: @escaping @Sendable () -> Bool = { false }) throws(DeliveryError) -> DeliveryStats {
        let run = SendRun(sender: self, sinks: sinks, shouldStop: shouldStop)
        return try run.execute(inputs)
    }
}

/// One run's shared state: the scheduler, the counts and the first fatal error.
private final class SendRun: @unchecked Sendable {
    let sender: Sender
    let sinks: DeliverySinks
    let externalStop: @Sendable () -> Bool
    let scheduler: DeliveryScheduler
    let started: Double
    private let lock = ConditionLock()
    private var stats = DeliveryStats()
    private var clientCounts: [String: Int] = [:]
    private var failure: DeliveryError?
    private var lastProgress = -Double.infinity
    private var random = SystemRandomNumberGenerator()

    init(sender: Sender, sinks: DeliverySinks, shouldStop: @escaping @Sendable () -> Bool) {
        self.sender = sender
        self.sinks = sinks
        externalStop = shouldStop
        let configuration = sender.configuration
        scheduler = DeliveryScheduler(rate: configuration.rate, session: configuration.session, overLimit: configuration.overLimit,
                                      capacity: configuration.maxUnfinished, clock: sender.clock)
        started = sender.clock.now()
        stats.dryRun = sender.transport == nil
    }

    func shouldStop() -> Bool { externalStop() || lock.withLock { failure != nil } }

    func execute(_ inputs: [ConversionInput]) throws(DeliveryError) -> DeliveryStats {
        var workers: [WorkerThread] = []
        var readFailure: DeliveryError?
        do throws(DeliveryError) {
            if let transport = sender.transport {
                for _ in 0..<max(1, sender.configuration.concurrency) { workers.append(try WorkerThread { self.work(transport) }) }
            }
            try read(inputs)
        } catch {
            readFailure = error
        }
        scheduler.finishInput()
        if readFailure != nil { scheduler.stop() }
        workers.forEach { $0.join() }
        let result = lock.withLock { () -> (DeliveryStats, DeliveryError?) in
            stats.seconds = sender.clock.now() - started
            stats.clients = clientCounts.count
            stats.largestClient = clientCounts.values.max() ?? 0
            stats.unfinished = stats.records - stats.alreadyFinished - stats.sent - stats.rejected
            return (stats, failure)
        }
        if let error = readFailure ?? result.1 { throw error }
        return result.0
    }

    /// The reader: frames records, skips finished ones, rejects unreadable ones and hands the
    /// rest to the scheduler (or, in a dry run, to the session count).
    ///
    /// With a state journal, the first records are held until the input's fingerprint (see
    /// ``StateJournal/checkInput(_:)``) is checked: nothing is skipped as finished, or sent, for
    /// an input the journal was not written for.
    private func read(_ inputs: [ConversionInput]) throws(DeliveryError) {
        var ordinalBase = 0
        var parser = JSONParser()
        var dryRunSessions = SessionCap(limit: sender.configuration.session)
        var fingerprint = sender.journal.map { InputFingerprint(records: $0.fingerprintRecords ?? InputFingerprint.defaultRecords) }
        var held: [(DeliveryOrigin, Result<DeliveryEnvelope, DeliveryRejection>)] = []
        func release() throws(DeliveryError) {
            if let print = fingerprint { try sender.journal?.checkInput(print) }
            fingerprint = nil
            for (origin, result) in held { dispatch(origin, { result }, sessions: &dryRunSessions) }
            held = []
        }
        for input in inputs {
            var reader = RecordReader(source: input.source, format: sender.configuration.format, maxRecordBytes: sender.configuration.maxRecordBytes)
            var lastOrdinal = 0
            while true {
                let batch: RecordBatch?
                do { batch = try reader.nextBatch() } catch { throw DeliveryError(message: "\(input.name ?? "<stdin>"): \(error)") }
                guard let batch else { break }
                for span in batch.records {
                    lastOrdinal = span.ordinal
                    let origin = DeliveryOrigin(ordinal: ordinalBase + span.ordinal, file: input.name, line: span.line)
                    lock.withLock { stats.records += 1 }
                    let read = { (parser: inout JSONParser) -> Result<DeliveryEnvelope, DeliveryRejection> in
                        if let problem = span.problem {
                            return .failure(DeliveryRejection(origin: origin, reason: problem.code, detail: problem.description, envelope: Array(batch.bytes[span.range])))
                        }
                        return batch.bytes.withUnsafeBytes { bytes in
                            DeliveryEnvelope.read(UnsafeRawBufferPointer(rebasing: bytes[span.range]), origin: origin, parser: &parser)
                        }
                    }
                    if fingerprint != nil {
                        fingerprint!.add(batch.bytes[span.range])
                        held.append((origin, read(&parser)))
                        if fingerprint!.isComplete { try release() }
                        continue
                    }
                    dispatch(origin, { read(&parser) }, sessions: &dryRunSessions)
                }
            }
            ordinalBase += lastOrdinal
        }
        try release()
    }

    /// Skips a finished record; otherwise rejects it or hands its envelope on (`result` reads
    /// it, so a finished record is not even parsed).
    private func dispatch(_ origin: DeliveryOrigin, _ result: () -> Result<DeliveryEnvelope, DeliveryRejection>, sessions: inout SessionCap) {
        if sender.journal?.contains(origin.ordinal) == true {
            lock.withLock { stats.alreadyFinished += 1 }
            return
        }
        if shouldStop() { return }
        switch result() {
        case .failure(let rejection):
            finish(rejection)
        case .success(let envelope):
            lock.withLock { clientCounts[envelope.client, default: 0] += 1 }
            if sender.transport == nil {
                count(envelope, sessions: &sessions)
            } else {
                // Refused only once stopped; the envelope then counts as unfinished.
                _ = scheduler.add(envelope, shouldStop: shouldStop)
            }
        }
    }

    /// A dry run's stand-in for sending: the session cap as if every envelope went out at once.
    private func count(_ envelope: DeliveryEnvelope, sessions: inout SessionCap) {
        let over = sessions.wouldExceed(envelope.client, at: 0)
        if over && sender.configuration.overLimit == .reject {
            finish(overLimitRejection(envelope))
            return
        }
        sessions.record(envelope.client, at: 0)
        lock.withLock {
            stats.sent += 1
            if over { stats.sentOverLimit += 1 }
        }
    }

    /// A worker thread: takes assignments until there are none.
    private func work(_ transport: any DeliveryTransport) {
        while let assignment = scheduler.next(shouldStop: shouldStop) {
            switch assignment {
            case .rejectOverLimit(let envelope):
                finish(overLimitRejection(envelope))
                scheduler.finish(envelope)
            case .send(let envelope, let notBefore, let overLimit):
                deliver(envelope, notBefore: notBefore, overLimit: overLimit, transport: transport)
                scheduler.finish(envelope)
            }
        }
    }

    /// Attempts `envelope` until it is delivered, rejected, or the run stops.
    private func deliver(_ envelope: DeliveryEnvelope, notBefore: Double, overLimit: Bool, transport: any DeliveryTransport) {
        let clock = sender.clock
        var start = notBefore
        var retries = 0
        while clock.sleep(until: start, stopped: shouldStop) {
            scheduler.recordStart(for: envelope.client)
            let response = transport.post(envelope.body)
            let jitter = lock.withLock { Double.random(in: 0..<1, using: &random) }
            switch sender.configuration.retry.decide(response, retries: retries, wallTime: clock.wallTime(), jitter: jitter) {
            case .delivered:
                finishSent(envelope, overLimit: overLimit)
                return
            case .reject(let status, let reason):
                var body: [UInt8]?
                if case .http(_, _, let responseBody) = response { body = responseBody }
                let code = status.map { "http-\($0)" } ?? "no-response"
                finish(DeliveryRejection(origin: envelope.origin, reason: code, detail: reason, status: status, response: body, envelope: envelope.body))
                return
            case .retry(let after, _):
                retries += 1
                lock.withLock { stats.retries += 1 }
                start = scheduler.earliestStart(for: envelope.client, notBefore: clock.now() + after)
            }
        }
    }

    private func overLimitRejection(_ envelope: DeliveryEnvelope) -> DeliveryRejection {
        let limit = sender.configuration.session
        return DeliveryRejection(origin: envelope.origin, reason: "over-session-limit",
                                 detail: "the client already has \(limit.events) events in this session (a session ends after \(DeliveryDuration.format(limit.idle)) without events)",
                                 envelope: envelope.body)
    }

    private func finishSent(_ envelope: DeliveryEnvelope, overLimit: Bool) {
        guard journal(envelope.origin.ordinal) else { return }
        lock.withLock {
            stats.sent += 1
            if overLimit { stats.sentOverLimit += 1 }
        }
        reportProgress()
    }

    /// Records a rejection in the rejects sink, then in the journal (in that order, so a crash
    /// between the two repeats the rejection rather than losing it).
    private func finish(_ rejection: DeliveryRejection) {
        do {
            try sinks.rejected(rejection)
        } catch {
            fail(DeliveryError(message: "rejects: \(error)"))
            return
        }
        guard sender.transport == nil || journal(rejection.origin.ordinal) else { return }
        lock.withLock { stats.rejectedByReason[rejection.reason, default: 0] += 1 }
        reportProgress()
    }

    /// Journals a finished ordinal; `false` (and the run stops) when the journal cannot be written.
    private func journal(_ ordinal: Int) -> Bool {
        guard let journal = sender.journal else { return true }
        do throws(DeliveryError) {
            try journal.record(ordinal)
            return true
        } catch {
            fail(error)
            return false
        }
    }

    private func fail(_ error: DeliveryError) {
        lock.withLock { if failure == nil { failure = error } }
        scheduler.stop()
    }

    private func reportProgress() {
        lock.withLock {
            let now = sender.clock.now()
            guard now - lastProgress >= 0.25 else { return }
            lastProgress = now
            var snapshot = stats
            snapshot.seconds = now - started
            snapshot.clients = clientCounts.count
            sinks.progress(snapshot)
        }
    }
}

/// A POSIX thread running one closure, joined before the run returns. Workers block in HTTP
/// calls, so they get threads of their own rather than the shared concurrency pool.
private final class WorkerThread: @unchecked Sendable {
    private var thread: pthread_t

    init(_ body: @escaping @Sendable () -> Void) throws(DeliveryError) {
        let box = Unmanaged.passRetained(Body(body))
        #if canImport(Glibc)
        thread = pthread_t()
        let status = pthread_create(&thread, nil, { pointer in
            Unmanaged<Body>.fromOpaque(pointer!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        #else
        var created: pthread_t?
        let status = pthread_create(&created, nil, { pointer in
            Unmanaged<Body>.fromOpaque(pointer).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        if let created { thread = created } else { thread = pthread_self() }
        #endif
        guard status == 0 else {
            box.release()
            throw DeliveryError(message: "cannot start a sender thread: \(String(cString: strerror(status)))")
        }
    }

    func join() { pthread_join(thread, nil) }

    private final class Body: @unchecked Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
