import DataLayerBridge
import DataLayerBridgeURLSession
import Foundation

/// Envelopes and a one-call sender for the delivery tests.
enum DeliveryFixtures {
    /// Envelope `number` of client `client`: a non-ASCII title and an exact big number, so a body
    /// that was re-serialised on the way would not compare equal.
    static func envelope(client: Int, number: Int) -> String {
        #"{"type":"pv","id":"id-\#(client)-\#(number)","tracker_id":"1234-5678","client_id":\#(client),"url":"SKU-\#(number)","title":"Košile „\#(number)“ 🧥","price":1234567890.1234567890}"#
    }

    /// `perClient` envelopes for each of `clients` clients, interleaved as a log would have them.
    static func envelopes(clients: Int, perClient: Int) -> [String] {
        (0..<perClient).flatMap { number in (1...clients).map { envelope(client: $0, number: number) } }
    }

    /// Runs the library sender on `lines` against `endpoint` and returns the counts and rejections.
    /// `posts`, when given, receives every post the sender makes, timed on the client's side.
    static func send(_ lines: [String], to endpoint: String, timeout: Double = 2, posts: Collected<RecordedPost>? = nil,
                     configure: (inout SendConfiguration) -> Void = { _ in }) throws -> (stats: DeliveryStats, rejections: [DeliveryRejection]) {
        var configuration = SendConfiguration()
        configuration.retry = RetryPolicy(maxRetries: 4, baseDelay: 0.02, maxDelay: 0.1)
        configure(&configuration)
        let transport = try URLSessionTransport(endpoint: endpoint, timeout: timeout, connections: configuration.concurrency)
        let collected = Collected<DeliveryRejection>()
        let sender = Sender(configuration: configuration, transport: posts.map { RecordingTransport(base: transport, posts: $0) } ?? transport)
        let input = ConversionInput(name: "envelopes.ndjson", source: MemorySource(Array((lines.joined(separator: "\n") + "\n").utf8)))
        let stats = try sender.run([input], sinks: DeliverySinks(rejected: { collected.append($0) }))
        return (stats, collected.items)
    }
}

/// One `post` as the sender saw it: monotonic times around the call and its outcome.
struct RecordedPost: Sendable {
    var body: String
    var start: Double
    var end: Double
    var response: DeliveryResponse
}

/// Times every post on the client's side, where the sender's timeout and backoff happen: the
/// server's clock also holds the time a loaded machine takes to schedule its threads.
struct RecordingTransport: DeliveryTransport {
    let base: any DeliveryTransport
    let posts: Collected<RecordedPost>

    func post(_ body: [UInt8]) -> DeliveryResponse {
        let start = monotonicNow()
        let response = base.post(body)
        posts.append(RecordedPost(body: String(decoding: body, as: UTF8.self), start: start, end: monotonicNow(), response: response))
        return response
    }
}

/// A thread-safe list for sinks.
final class Collected<Item: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Item] = []

    func append(_ item: Item) { lock.withLock { storage.append(item) } }
    var items: [Item] { lock.withLock { storage } }
}

extension DeliveryResponse {
    /// The HTTP status, or `nil` for a failure without an answer.
    var status: Int? {
        if case .http(let status, _, _) = self { return status }
        return nil
    }
}
