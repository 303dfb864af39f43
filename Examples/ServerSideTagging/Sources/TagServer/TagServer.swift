import DataLayerBridge
import Hummingbird

/// The collect endpoint of a server-side tag pipeline: dataLayer pushes in, Events API envelopes out.
///
/// - `POST /collect` with one push (`Content-Type: application/json`, or none) answers
///   `{"envelopes": […]}`, plus `"skipped": {"reason", "detail"}` when the push carries nothing to
///   send; a push that cannot be converted is `400` with `{"error": {"reason", "detail"}}`.
/// - `POST /collect` with a batch (`Content-Type: application/x-ndjson`, one push per line) answers
///   `{"records": N, "envelopes": […], "skipped": […], "rejected": […]}`, each skip and rejection
///   naming its `record` (1-based line of the batch); values a push remembers (a customer id) reach
///   the later pushes of the same batch, never another request.
/// - A body over `maxBodyBytes` is `413`, an empty body `400`.
/// - `GET /healthz` answers `{"status": "ok", "mapping": NAME}`.
public struct TagServer: Sendable {
    /// Converts the pushes; shared by every request.
    public let bridge: Bridge
    /// The largest body accepted.
    public let maxBodyBytes: Int

    /// Creates the endpoint.
    public init(bridge: Bridge, maxBodyBytes: Int = 1 << 20) {
        self.bridge = bridge
        self.maxBodyBytes = maxBodyBytes
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in
            Self.json(.ok, ["status": "ok", "mapping": .string(bridge.mapping.name)])
        }
        router.post("collect") { request, _ in
            await collect(request)
        }
        return router
    }

    /// An application serving the routes on `host`:`port` (port 0: any free port, reported to
    /// `onServerRunning`).
    public func application(host: String = "127.0.0.1", port: Int = 8080,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port))) { channel in
            await onServerRunning(channel.localAddress?.port ?? port)
        }
    }

    func collect(_ request: Request) async -> Response {
        var request = request
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.collectBody(upTo: maxBodyBytes))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return Self.failure(.contentTooLarge, reason: "body-too-large", detail: "the body is larger than \(maxBodyBytes) bytes")
        } catch {
            return Self.failure(.badRequest, reason: "unreadable-body", detail: "\(error)")
        }
        guard body.contains(where: { !Self.isBlank($0) }) else {
            return Self.failure(.badRequest, reason: "empty-body", detail: "the body holds no push")
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-ndjson") || contentType.hasPrefix("application/jsonl") {
            return await batch(body)
        }
        switch bridge.convert(body) {
        case .envelopes(let envelopes):
            return Self.json(.ok, ["envelopes": .array(envelopes.map(\.value))])
        case .skipped(let reason, let detail):
            return Self.json(.ok, ["envelopes": [], "skipped": ["reason": .string(reason), "detail": .string(detail)]])
        case .rejected(let reason, let detail):
            return Self.failure(.badRequest, reason: reason, detail: detail)
        }
    }

    /// Converts an NDJSON batch as one stream, so remembered values carry from push to push.
    func batch(_ body: [UInt8]) async -> Response {
        var envelopes: [JSONValue] = []
        var skipped: [JSONValue] = []
        var rejected: [JSONValue] = []
        var records = 0
        do {
            for try await record in bridge.results(of: OneChunk(bytes: body), format: .ndjson, maxRecordBytes: maxBodyBytes) {
                records += 1
                switch record.result {
                case .envelopes(let values):
                    envelopes += values.map(\.value)
                case .skipped(let reason, let detail):
                    skipped.append(Self.note(record, reason: reason, detail: detail))
                case .rejected(let reason, let detail):
                    rejected.append(Self.note(record, reason: reason, detail: detail))
                }
            }
        } catch {
            return Self.failure(.badRequest, reason: "unreadable-body", detail: "\(error)")
        }
        return Self.json(.ok, [
            "records": .number(JSONNumber(records)), "envelopes": .array(envelopes),
            "skipped": .array(skipped), "rejected": .array(rejected),
        ])
    }

    static func note(_ record: RecordResult, reason: String, detail: String) -> JSONValue {
        ["record": .number(JSONNumber(record.ordinal)), "reason": .string(reason), "detail": .string(detail)]
    }

    static func failure(_ status: HTTPResponse.Status, reason: String, detail: String) -> Response {
        json(status, ["error": ["reason": .string(reason), "detail": .string(detail)]])
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        var writer = JSONWriter()
        writer.write(value)
        writer.append(byte: UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// A request body already in memory, as the one chunk of a stream.
struct OneChunk: AsyncSequence, Sendable {
    let bytes: [UInt8]

    func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes) }

    struct Iterator: AsyncIteratorProtocol {
        var bytes: [UInt8]?

        mutating func next() async -> [UInt8]? {
            defer { bytes = nil }
            return bytes
        }
    }
}
