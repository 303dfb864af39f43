/// Counts each client's events per session, as the Events API does: a session holds at most
/// `limit.events` events and ends after `limit.idle` seconds without one.
public struct SessionCap: Sendable {
    /// The cap applied to every client.
    public let limit: SessionLimit
    private var sessions: [String: Session] = [:]

    private struct Session: Sendable {
        var count: Int
        var last: Double
    }

    /// Creates a cap of `limit` per client.
    public init(limit: SessionLimit) { self.limit = limit }

    /// Whether a send for `client` at `time` would go beyond its session's cap.
    public func wouldExceed(_ client: String, at time: Double) -> Bool {
        guard let session = sessions[client], time - session.last < limit.idle else { return false }
        return session.count >= limit.events
    }

    /// Records a send for `client` at `time`: it starts a new session after `limit.idle` of
    /// inactivity, else counts in the current one (an over-limit send still keeps it alive).
    public mutating func record(_ client: String, at time: Double) {
        if let session = sessions[client], time - session.last < limit.idle {
            sessions[client] = Session(count: session.count + 1, last: time)
        } else {
            sessions[client] = Session(count: 1, last: time)
        }
    }

    /// Forgets sessions that have ended by `now`.
    public mutating func forgetEnded(now: Double) {
        sessions = sessions.filter { now - $0.value.last < limit.idle }
    }
}
