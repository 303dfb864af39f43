import DataLayerBridge
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs envelopes with the toolchain's `URLSession` (FoundationNetworking on Linux): one
/// envelope per request, `Content-Type: application/json`, connections kept alive and shared.
public final class URLSessionTransport: DeliveryTransport, @unchecked Sendable {
    /// Where envelopes are POSTed.
    public let endpoint: String
    private let url: URL
    private let session: URLSession
    private let timeout: Double

    /// Creates a transport for `endpoint` (an `http` or `https` URL) that gives up on a request
    /// after `timeout` seconds, for `connections` requests in flight at once.
    public init(endpoint: String, timeout: Double, connections: Int) throws(DeliveryError) {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw DeliveryError(message: "the endpoint must be an http or https URL, not '\(endpoint)'")
        }
        self.endpoint = endpoint
        self.url = url
        self.timeout = timeout
        // FoundationNetworking on Linux truncates its timeouts to whole seconds (0.4 s becomes an
        // immediate failure), so `post` keeps the exact deadline itself and URLSession's timeouts
        // are only a backstop.
        let backstop = timeout.rounded(.up) + 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = backstop
        configuration.timeoutIntervalForResource = backstop
        // A request abandoned at its deadline can hold its connection until the server answers;
        // twice the parallelism keeps such stragglers from queueing the retries behind them.
        configuration.httpMaximumConnectionsPerHost = 2 * max(1, connections)
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends `body` and blocks until the answer, a failure or the timeout.
    public func post(_ body: [UInt8]) -> DeliveryResponse {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout.rounded(.up) + 1)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("dlbridge/\(DataLayerBridge.version)", forHTTPHeaderField: "User-Agent")
        request.httpBody = Data(body)
        let outcome = Outcome()
        let task = session.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                outcome.value = .http(status: response.statusCode, retryAfter: response.value(forHTTPHeaderField: "Retry-After"),
                                      body: data.map { Array($0) } ?? [])
            } else {
                outcome.value = .failed(reason: error.map(Self.describe) ?? "no response")
            }
            outcome.done.signal()
        }
        task.resume()
        guard outcome.done.wait(timeout: .now() + timeout) == .success else {
            task.cancel()
            return .failed(reason: "timed out")
        }
        return outcome.value ?? .failed(reason: "no response")
    }

    /// `timed out`, `connection lost`, … rather than Foundation's sentences with codes.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        switch error.code {
        case .timedOut: return "timed out"
        case .networkConnectionLost: return "connection lost"
        case .cannotConnectToHost: return "cannot connect"
        case .cannotFindHost, .dnsLookupFailed: return "cannot resolve host"
        case .notConnectedToInternet: return "not connected"
        default: return "network error \(error.code.rawValue)"
        }
    }

    /// The completion handler's result, handed across threads under the semaphore's ordering.
    private final class Outcome: @unchecked Sendable {
        var value: DeliveryResponse?
        let done = DispatchSemaphore(value: 0)
    }
}
