/// What happened to one POST: an HTTP response, or a failure before one arrived.
public enum DeliveryResponse: Sendable, Hashable {
    /// The server answered with `status`; `retryAfter` is the `Retry-After` header, if any.
    case http(status: Int, retryAfter: String?, body: [UInt8])
    /// No response: a timeout, a refused or reset connection. `reason` is for people.
    case failed(reason: String)
}

/// Carries one envelope to the Events API. The sender calls it from several threads at once and
/// blocks on it, so an implementation must be thread-safe and honour its own timeout.
public protocol DeliveryTransport: Sendable {
    /// POSTs `body` as `application/json` and waits for the outcome.
    func post(_ body: [UInt8]) -> DeliveryResponse
}
