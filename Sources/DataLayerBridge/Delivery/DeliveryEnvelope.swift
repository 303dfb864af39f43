/// One envelope to deliver: its exact bytes (sent as they are, never re-serialised) and the client
/// whose limits it counts against.
public struct DeliveryEnvelope: Sendable, Hashable {
    /// Where the envelope came from.
    public let origin: DeliveryOrigin
    /// The envelope's JSON text, exactly as read.
    public let body: [UInt8]
    /// The key the limits are kept under: `tracker_id` and `client_id` (the Events API counts per
    /// user of a site), as their JSON texts joined by a space.
    public let client: String

    /// Creates an envelope.
    public init(origin: DeliveryOrigin, body: [UInt8], client: String) {
        self.origin = origin
        self.body = body
        self.client = client
    }

    /// Reads one input record: an envelope when it is a JSON object with a string or integer
    /// `client_id`, else the rejection saying why not.
    public static func read(_ record: UnsafeRawBufferPointer, origin: DeliveryOrigin, parser: inout JSONParser) -> Result<DeliveryEnvelope, DeliveryRejection> {
        let bytes = Array(record)
        let reject = { (reason: String, detail: String) in
            Result<DeliveryEnvelope, DeliveryRejection>.failure(DeliveryRejection(origin: origin, reason: reason, detail: detail, envelope: bytes))
        }
        let tape: JSONTape
        do { tape = try parser.parse(record) } catch { return reject("malformed-json", error.description) }
        guard tape.kind(tape.root) == .object else { return reject("not-an-object", "an envelope must be a JSON object, not \(tape.kind(tape.root))") }
        guard let clientNode = tape.member(tape.root, "client_id"), isIdentity(tape, clientNode) else {
            return reject("missing-client-id", "the envelope has no string or integer client_id to pace by")
        }
        let tracker = tape.member(tape.root, "tracker_id").map { String(decoding: tape.rawText($0), as: UTF8.self) } ?? ""
        let client = tracker + " " + String(decoding: tape.rawText(clientNode), as: UTF8.self)
        return .success(DeliveryEnvelope(origin: origin, body: bytes, client: client))
    }

    private static func isIdentity(_ tape: JSONTape, _ node: Int) -> Bool {
        switch tape.kind(node) {
        case .string: true
        case .number: tape.number(node).isInteger
        default: false
        }
    }
}

/// Where an input record was: its 1-based ordinal in the whole input (across files, the unit the
/// `--state` journal counts), its file (`nil` for standard input) and line.
public struct DeliveryOrigin: Sendable, Hashable {
    /// 1-based position in the concatenated input; problem records are numbered too.
    public let ordinal: Int
    /// The input file, or `nil` for standard input.
    public let file: String?
    /// The 1-based line in that file.
    public let line: Int

    /// Creates an origin.
    public init(ordinal: Int, file: String?, line: Int) {
        self.ordinal = ordinal
        self.file = file
        self.line = line
    }
}
