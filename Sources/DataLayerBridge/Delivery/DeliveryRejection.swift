/// An envelope that was not delivered, and why: the line `send` writes to its rejects file.
public struct DeliveryRejection: Error, Sendable, Hashable {
    /// Where the envelope came from.
    public let origin: DeliveryOrigin
    /// A stable code: `http-400`, `http-413`, `http-429` (still limited after the retries), `http-503`
    /// (…), `no-response`, `over-session-limit`, `malformed-json`, `not-an-object`,
    /// `missing-client-id`, `record-too-large`, `malformed-input`.
    public let reason: String
    /// A human explanation.
    public let detail: String
    /// The HTTP status of the last answer, when there was one.
    public let status: Int?
    /// The body of that answer (at most ``responseLimit`` bytes of it).
    public let response: [UInt8]?
    /// The record's exact bytes.
    public let envelope: [UInt8]

    /// How much of a response body is kept: enough for an error message, not a whole page.
    public static let responseLimit = 4096

    /// Creates a rejection; `response` is cut to ``responseLimit`` bytes.
    public init(origin: DeliveryOrigin, reason: String, detail: String, status: Int? = nil, response: [UInt8]? = nil, envelope: [UInt8]) {
        self.origin = origin
        self.reason = reason
        self.detail = detail
        self.status = status
        self.response = response.map { Array($0.prefix(Self.responseLimit)) }
        self.envelope = envelope
    }

    /// The NDJSON line: `{"file", "record", "line", "reason", "detail", "status", "response",
    /// "envelope"}`. `envelope` is the envelope itself when it is JSON (so `jq -c .envelope` gives
    /// a file `send` accepts again); a record that is not JSON is kept as text in `input` (or
    /// `input_hex`), like `convert --rejects` does.
    public var jsonLine: [UInt8] {
        var members: [JSONObject.Member] = []
        if let file = origin.file { members.append(.init(key: "file", value: .string(file))) }
        members.append(.init(key: "record", value: .number(JSONNumber(origin.ordinal))))
        members.append(.init(key: "line", value: .number(JSONNumber(origin.line))))
        members.append(.init(key: "reason", value: .string(reason)))
        members.append(.init(key: "detail", value: .string(detail)))
        if let status { members.append(.init(key: "status", value: .number(JSONNumber(status)))) }
        if let response { members.append(.init(key: "response", value: .string(String(decoding: response, as: UTF8.self)))) }
        let isJSON = (try? JSONValue(parsing: envelope)) != nil
        if !isJSON { members.append(rawInputMember(envelope)) }
        var writer = JSONWriter()
        writer.write(.object(JSONObject(members)))
        guard isJSON else {
            writer.append(byte: UInt8(ascii: "\n"))
            return writer.bytes
        }
        // Replace the closing brace by the envelope member, copied byte for byte.
        var line = writer.bytes.dropLast() + Array(#","envelope":"#.utf8)
        line += envelope
        line += Array("}\n".utf8)
        return Array(line)
    }
}
