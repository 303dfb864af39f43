/// What a `send` run did with every input record: each one is sent, rejected with a reason,
/// found already finished in the state file, or (after an interruption) left for the next run.
public struct DeliveryStats: Sendable, Hashable {
    /// Whether nothing was sent: the counts say what would have happened.
    public var dryRun = false
    /// Input records read, envelopes or not.
    public var records = 0
    /// Records the state file says an earlier run finished; skipped.
    public var alreadyFinished = 0
    /// Envelopes the endpoint accepted (in a dry run: that would be sent).
    public var sent = 0
    /// Of `sent`, those beyond their client's session cap (with `--over-limit send`).
    public var sentOverLimit = 0
    /// Attempts after the first, for any envelope.
    public var retries = 0
    /// Rejections by reason code (``DeliveryRejection/reason``).
    public var rejectedByReason: [String: Int] = [:]
    /// Envelopes neither sent nor rejected because the run was stopped.
    public var unfinished = 0
    /// Distinct clients (tracker and client id) among the envelopes.
    public var clients = 0
    /// The most envelopes any one client has.
    public var largestClient = 0
    /// Seconds since the run started.
    public var seconds = 0.0

    /// Creates empty counts.
    public init() {}

    /// All rejections.
    public var rejected: Int { rejectedByReason.values.reduce(0, +) }

    /// Envelopes sent per second so far.
    public var rate: Double { seconds > 0 ? Double(sent) / seconds : 0 }

    /// The human summary printed on standard error after a run; `pacing` is the limit in force, for
    /// the dry run's estimate of the shortest possible replay.
    public func summary(pacing: RateLimit) -> String {
        let verb = dryRun ? "would send" : "sent"
        var text = "records    \(records): \(verb) \(sent), rejected \(rejected), already finished \(alreadyFinished)"
        text += unfinished > 0 ? ", unfinished \(unfinished)\n" : "\n"
        if sentOverLimit > 0 { text += "over cap   \(sentOverLimit) sent beyond their session cap (--over-limit send)\n" }
        if !dryRun { text += "retries    \(retries)\n" }
        text += "rejected   \(rejected)\(countBreakdown(rejectedByReason))\n"
        if dryRun {
            let windows = largestClient > 0 ? (largestClient - 1) / pacing.events : 0
            text += "pacing     \(clients) clients, at most \(largestClient) envelopes for one: at least \(roundedValue(Double(windows) * pacing.window, places: 1)) s at \(pacing)\n"
        } else {
            text += "rate       \(roundedValue(rate, places: 1)) envelopes/s over \(roundedValue(seconds, places: 1)) s, \(clients) clients\n"
        }
        return text
    }
}
