/// Hands envelopes to the sender's worker threads: per client in input order, one at a time per
/// client, each client paced by ``ClientPacer`` and counted by ``SessionCap``, clients in parallel.
///
/// The reader adds envelopes; it blocks while `capacity` envelopes are unfinished, which bounds
/// memory and the gap between the state file's low-water mark and the newest finished ordinal.
final class DeliveryScheduler: @unchecked Sendable {
    /// What a worker should do next.
    enum Assignment {
        /// Send `envelope` no earlier than `notBefore`; `overLimit` when it is beyond its session cap.
        case send(DeliveryEnvelope, notBefore: Double, overLimit: Bool)
        /// Reject `envelope` unsent: its session cap is reached and the policy is ``OverLimitPolicy/reject``.
        case rejectOverLimit(DeliveryEnvelope)
    }

    private struct ClientQueue {
        var pending: [DeliveryEnvelope] = []
        var head = 0
        var busy = false
        var isEmpty: Bool { head == pending.count }

        mutating func popFirst() -> DeliveryEnvelope {
            let envelope = pending[head]
            head += 1
            if head == pending.count {
                pending.removeAll(keepingCapacity: false)
                head = 0
            }
            return envelope
        }
    }

    private let lock = ConditionLock()
    private let clock: any DeliveryClock
    private let overLimit: OverLimitPolicy
    private let capacity: Int
    private var queues: [String: ClientQueue] = [:]
    private var ready = ReadyClients()
    private var pacer: ClientPacer
    private var sessions: SessionCap
    private var queued = 0
    private var unfinished = 0
    private var inputFinished = false
    private var stopped = false
    private var dispatches = 0

    init(rate: RateLimit, session: SessionLimit, overLimit: OverLimitPolicy, capacity: Int, clock: any DeliveryClock) {
        pacer = ClientPacer(limit: rate)
        sessions = SessionCap(limit: session)
        self.overLimit = overLimit
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    /// Whether ``stop()`` was called.
    var isStopped: Bool { lock.withLock { stopped } }

    /// Queues `envelope` behind its client's earlier ones, waiting while the scheduler is full.
    /// Returns `false` (dropping nothing: the caller counts it unfinished) once stopped.
    func add(_ envelope: DeliveryEnvelope, shouldStop: () -> Bool) -> Bool {
        lock.withLock {
            while unfinished >= capacity && !stopped && !shouldStop() { lock.wait(seconds: 0.1) }
            guard !stopped && !shouldStop() else { return false }
            unfinished += 1
            queued += 1
            var queue = queues.removeValue(forKey: envelope.client) ?? ClientQueue()
            queue.pending.append(envelope)
            if !queue.busy && queue.pending.count - queue.head == 1 {
                ready.insert(envelope.client, at: pacer.earliestStart(for: envelope.client, now: clock.now()))
            }
            queues[envelope.client] = queue
            lock.broadcast()
            return true
        }
    }

    /// Says no more envelopes will be added.
    func finishInput() {
        lock.withLock {
            inputFinished = true
            lock.broadcast()
        }
    }

    /// Makes every waiting call return: no more assignments are handed out.
    func stop() {
        lock.withLock {
            stopped = true
            lock.broadcast()
        }
    }

    /// The next assignment, waiting for one; `nil` when the input is finished and every envelope
    /// has been handed out, or when stopped. The assignment's client stays busy until ``finish(_:)``.
    func next(shouldStop: () -> Bool) -> Assignment? {
        lock.withLock {
            while true {
                if stopped || shouldStop() { return nil }
                if let client = ready.removeFirst() {
                    return assign(client)
                }
                if inputFinished && queued == 0 { return nil }
                lock.wait(seconds: 0.1)
            }
        }
    }

    /// Called with the lock held.
    private func assign(_ client: String) -> Assignment {
        var queue = queues.removeValue(forKey: client) ?? ClientQueue()
        let envelope = queue.popFirst()
        queue.busy = true
        queues[client] = queue
        queued -= 1
        let now = clock.now()
        dispatches += 1
        if dispatches % 10_000 == 0 {
            pacer.forgetIdle(now: now)
            sessions.forgetEnded(now: now)
        }
        let slot = pacer.earliestStart(for: client, now: now)
        let over = sessions.wouldExceed(client, at: slot)
        if over && overLimit == .reject { return .rejectOverLimit(envelope) }
        sessions.record(client, at: slot)
        return .send(envelope, notBefore: slot, overLimit: over)
    }

    /// Records that `client` starts a request now (every attempt counts against its rate).
    func recordStart(for client: String) {
        lock.withLock { pacer.recordStart(for: client, at: clock.now()) }
    }

    /// The earliest time, not before `time`, at which `client` may retry.
    func earliestStart(for client: String, notBefore time: Double) -> Double {
        lock.withLock { pacer.earliestStart(for: client, now: time) }
    }

    /// Ends the assignment of `envelope`'s client: the client's next envelope becomes ready.
    func finish(_ envelope: DeliveryEnvelope) {
        lock.withLock {
            unfinished -= 1
            let client = envelope.client
            guard var queue = queues.removeValue(forKey: client) else { return }
            queue.busy = false
            if !queue.isEmpty {
                ready.insert(client, at: pacer.earliestStart(for: client, now: clock.now()))
                queues[client] = queue
            }
            lock.broadcast()
        }
    }
}

/// What happens to an envelope beyond its client's session cap (400 events per session).
public enum OverLimitPolicy: String, Sendable, CaseIterable {
    /// Write it to the rejects with reason `over-session-limit`; nothing is sent.
    case reject
    /// Send it anyway (the Events API may drop it) and count it in the summary.
    case send
}
