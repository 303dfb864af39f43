/// Paces every client on its own: a client may start a send only when fewer than
/// `limit.events` of its sends started in the `limit.window` seconds before.
///
/// The window slides (it is not a fixed bucket), so no window of that length ever holds more than
/// `limit.events` starts, wherever it is placed. Start times are recorded when a request actually
/// begins, after any wait, so a late start can only widen the gaps.
public struct ClientPacer: Sendable {
    /// The limit each client is held to.
    public let limit: RateLimit
    /// The latest start times of each client, oldest first, at most `limit.events` of them.
    private var starts: [String: [Double]] = [:]

    /// Creates a pacer holding each client to `limit`.
    public init(limit: RateLimit) { self.limit = limit }

    /// The earliest time, not before `now`, at which `client` may start a send.
    public func earliestStart(for client: String, now: Double) -> Double {
        guard let times = starts[client], times.count >= limit.events else { return now }
        return max(now, times[times.count - limit.events] + limit.window)
    }

    /// Records that `client` started a send at `time`.
    public mutating func recordStart(for client: String, at time: Double) {
        var times = starts.removeValue(forKey: client) ?? []
        times.append(time)
        if times.count > limit.events { times.removeFirst(times.count - limit.events) }
        starts[client] = times
    }

    /// Forgets clients whose last start is a whole window before `now`: they constrain nothing any
    /// more, and a replay of millions of clients must not keep them all.
    public mutating func forgetIdle(now: Double) {
        starts = starts.filter { ($0.value.last ?? -.infinity) + limit.window > now }
    }

    /// How many clients the pacer currently remembers.
    public var clientCount: Int { starts.count }
}
