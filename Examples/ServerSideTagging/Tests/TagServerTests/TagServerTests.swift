import DataLayerBridge
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TagServer

/// Starts the server on a free loopback port and sends it real HTTP requests.
@Suite struct TagServerTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/ga4-to-luigisbox")

    /// Runs `body` against a live server, then shuts the server down.
    func withServer(maxBodyBytes: Int = 1 << 20, _ body: @Sendable (URL) async throws -> Void) async throws {
        let server = TagServer(bridge: try Bridge(variables: ["tracker_id": "1234-5678"]), maxBodyBytes: maxBodyBytes)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.application(host: "127.0.0.1", port: 0) { port in portContinuation.yield(port) }.run()
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(URL(string: "http://127.0.0.1:\(port)")!)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    struct Reply {
        let status: Int
        let body: JSONValue
    }

    static func send(_ url: URL, method: String = "POST", contentType: String? = nil, body: [UInt8]? = nil) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let body { request.httpBody = Data(body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = try #require(response as? HTTPURLResponse).statusCode
        return Reply(status: status, body: try JSONValue(parsing: Array(data)))
    }

    static func fixture(_ name: String) throws -> (input: [UInt8], envelopes: [JSONValue]) {
        let input = Array(try Data(contentsOf: fixtures.appendingPathComponent("\(name).input.ndjson")))
        let expected = try String(contentsOf: fixtures.appendingPathComponent("\(name).expected.ndjson"), encoding: .utf8)
        return (input, try expected.split(separator: "\n").map { try JSONValue(parsing: String($0)) })
    }

    @Test func healthz() async throws {
        try await withServer { base in
            let reply = try await Self.send(base.appendingPathComponent("healthz"), method: "GET")
            #expect(reply.status == 200)
            #expect(reply.body == ["status": "ok", "mapping": "ga4-to-luigisbox"])
        }
    }

    @Test func onePushBecomesItsEnvelopes() async throws {
        let fixture = try Self.fixture("add-to-cart")
        let push = Array(fixture.input.split(separator: UInt8(ascii: "\n"))[0])
        try await withServer { base in
            let reply = try await Self.send(base.appendingPathComponent("collect"), contentType: "application/json", body: push)
            #expect(reply.status == 200)
            #expect(reply.body == ["envelopes": [fixture.envelopes[0]]])
        }
    }

    @Test func aSkippedPushSaysWhy() async throws {
        try await withServer { base in
            let reply = try await Self.send(base.appendingPathComponent("collect"), body: Array(#"{"ecommerce": null}"#.utf8))
            #expect(reply.status == 200)
            #expect(reply.body["envelopes"] == [])
            #expect(reply.body["skipped"]?["reason"] == "ecommerce-reset")
        }
    }

    @Test func aBatchCarriesRememberedValuesFromPushToPush() async throws {
        let fixture = try Self.fixture("customer-id")
        try await withServer { base in
            let reply = try await Self.send(base.appendingPathComponent("collect"), contentType: "application/x-ndjson", body: fixture.input)
            #expect(reply.status == 200)
            #expect(reply.body["envelopes"] == .array(fixture.envelopes))
            #expect(reply.body["records"] == 5)
            #expect(reply.body["skipped"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } == ["customer-id-remembered"])
            #expect(reply.body["rejected"] == [])
        }
    }

    @Test(arguments: [
        (#"{"event": "#, "malformed-json"),
        ("[1, 2]", "not-an-object"),
        ("  \n ", "empty-body"),
    ])
    func badInputIs400WithTheReason(body: String, reason: String) async throws {
        try await withServer { base in
            let reply = try await Self.send(base.appendingPathComponent("collect"), body: Array(body.utf8))
            #expect(reply.status == 400)
            #expect(reply.body["error"]?["reason"]?.stringValue == reason)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await withServer(maxBodyBytes: 1000) { base in
            let push = Array(#"{"event": "page_view", "pad": "\#(String(repeating: "x", count: 1200))"}"#.utf8)
            let reply = try await Self.send(base.appendingPathComponent("collect"), body: push)
            #expect(reply.status == 413)
            #expect(reply.body["error"]?["reason"] == "body-too-large")
        }
    }
}
