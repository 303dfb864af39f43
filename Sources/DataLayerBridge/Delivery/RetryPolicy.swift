/// What to do after one attempt.
public enum DeliveryDecision: Sendable, Hashable {
    /// The envelope was accepted.
    case delivered
    /// Try again `after` seconds from now; `reason` names what went wrong (`429`, `503`, `timed out`).
    case retry(after: Double, reason: String)
    /// Give up: the envelope goes to the rejects with `status` (when there was a response) and why.
    case reject(status: Int?, reason: String)
}

/// Which responses are worth another attempt and how long to wait before it.
///
/// `429` waits for its `Retry-After`; `5xx`, `408` and failures without a response (timeouts,
/// resets, refused connections) back off exponentially with jitter; other statuses (`400`, `413`,
/// `401`, …) are final. Every kind of retry counts against `maxRetries`, so a run always ends.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries allowed per envelope after its first attempt.
    public var maxRetries: Int
    /// The backoff ceiling of the first retry, in seconds; it doubles with each further retry.
    public var baseDelay: Double
    /// The largest backoff ceiling, in seconds.
    public var maxDelay: Double

    /// Creates a policy; the defaults give waits of about 0.5, 1, 2, 4, 8 … up to 30 seconds.
    public init(maxRetries: Int = 6, baseDelay: Double = 0.5, maxDelay: Double = 30) {
        self.maxRetries = max(0, maxRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before retry number `retry` (1-based): half the ceiling plus a random part of the
    /// other half (`jitter` in `0..<1`), so clients that failed together do not return together.
    public func backoff(retry: Int, jitter: Double) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(max(retry - 1, 0), 30)))
        return ceiling / 2 + ceiling / 2 * min(max(jitter, 0), 1)
    }

    /// Decides after `response`, when `retries` retries were already made. `wallTime` (seconds
    /// since 1970) turns a `Retry-After` date into a wait.
    public func decide(_ response: DeliveryResponse, retries: Int, wallTime: Double, jitter: Double) -> DeliveryDecision {
        let exhausted = retries >= maxRetries
        let suffix = retries == 1 ? "1 retry" : "\(retries) retries"
        switch response {
        case .http(let status, _, _) where (200..<300).contains(status):
            return .delivered
        case .http(429, let retryAfter, _):
            if exhausted { return .reject(status: 429, reason: "still rate limited after \(suffix)") }
            let wait = retryAfter.flatMap { RetryAfter.seconds(from: $0, now: wallTime) } ?? backoff(retry: retries + 1, jitter: jitter)
            return .retry(after: wait, reason: "429")
        case .http(let status, _, _) where status >= 500 || status == 408:
            if exhausted { return .reject(status: status, reason: "HTTP \(status) after \(suffix)") }
            return .retry(after: backoff(retry: retries + 1, jitter: jitter), reason: "\(status)")
        case .http(let status, _, _):
            return .reject(status: status, reason: "HTTP \(status)")
        case .failed(let reason):
            if exhausted { return .reject(status: nil, reason: "\(reason) after \(suffix)") }
            return .retry(after: backoff(retry: retries + 1, jitter: jitter), reason: reason)
        }
    }
}
