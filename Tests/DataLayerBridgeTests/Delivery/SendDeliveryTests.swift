import DataLayerBridge
import Foundation
import Testing

/// The library sender against a real HTTP server on 127.0.0.1 that injects faults. Windows are
/// short (fractions of a second) so the suite stays fast; the defaults are tested elsewhere.
@Suite(.serialized)
struct SendDeliveryTests {
    @Test func everyEnvelopeArrivesIntactThroughInjectedFaults() throws {
        // First attempts fail in every way the issue lists: 429, 500, slow answers (beyond the
        // timeout), dropped connections. Retries succeed.
        let timeout = 1.5
        let server = try TestHTTPServer { request in
            guard request.attempt == 0, let number = Int(request.text.split(separator: "-")[2].split(separator: "\"")[0]) else { return .ok }
            switch number % 5 {
            case 0: return .respond(status: 429, headers: ["Retry-After": "0"], body: "slow down")
            case 1: return .respond(status: 500, body: "oops")
            case 2: return .respond(status: 200, delay: timeout + 1)
            case 3: return .drop
            default: return .ok
            }
        }
        defer { server.stop() }
        let lines = DeliveryFixtures.envelopes(clients: 4, perClient: 10)
        let posts = Collected<RecordedPost>()
        let (stats, rejections) = try DeliveryFixtures.send(lines, to: server.endpoint, timeout: timeout, posts: posts) {
            $0.rate = RateLimit(events: 50, window: 0.5)
            $0.concurrency = 4
        }
        #expect(rejections.isEmpty)
        #expect(stats.sent == 40 && stats.rejected == 0 && stats.unfinished == 0, "\(stats)")
        let accepted = Set(server.accepted.map(\.text))
        #expect(accepted == Set(lines), "every envelope arrives byte for byte")
        for request in server.requests {
            #expect(request.method == "POST" && request.path == "/")
            #expect(request.headers["content-type"] == "application/json")
        }
        // Every faulty first attempt reached the server and was retried until it succeeded. The
        // sender saw the fault, except that (a) on a loaded machine any request may outlast the
        // timeout and be retried like the rest, and (b) libcurl may resend a request whose reused
        // connection was dropped before any answer: the server then has both attempts and the
        // sender one success.
        let timedOut = DeliveryResponse.failed(reason: "timed out")
        for (number, line) in lines.enumerated().map({ ($0.offset / 4, $0.element) }) {
            let seen = server.requests.filter { $0.text == line }
            let tries = posts.items.filter { $0.body == line }
            let outcomes = tries.map(\.response)
            #expect(seen.count >= (number % 5 == 4 ? 1 : 2), "\(line): \(seen.map { ($0.time, $0.answered as Any) })")
            #expect(outcomes.last?.status == 200 && outcomes.dropLast().allSatisfy { $0.status != 200 }, "\(line): \(outcomes)")
            switch number % 5 {
            case 0: #expect(outcomes.first?.status == 429 || outcomes.first == timedOut, "\(outcomes)")
            case 1: #expect(outcomes.first?.status == 500 || outcomes.first == timedOut, "\(outcomes)")
            case 2:
                // Abandoned at the client's timeout without waiting for the slow answer.
                #expect(outcomes.first == timedOut, "\(outcomes)")
                #expect(tries.count >= 2 && tries[0].end - tries[0].start >= timeout && tries[1].start >= tries[0].end)
            case 3: #expect(outcomes.first?.status == nil || tries.count == 1 && seen.count == 2, "\(outcomes)")
            default: break
            }
        }
        #expect(stats.retries == posts.items.count - lines.count)
        // Each client's envelopes are accepted in input order: one request per client at a time.
        for client in 1...4 {
            let order = server.accepted.filter { $0.client == "\(client)" }.map(\.text)
            let unique = order.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            #expect(unique == lines.filter { $0.contains(#""client_id":\#(client),"#) })
        }
    }

    @Test func perClientPacingHoldsInEverySlidingWindow() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let rate = RateLimit(events: 5, window: 0.4)
        let lines = DeliveryFixtures.envelopes(clients: 3, perClient: 16)
        let posts = Collected<RecordedPost>()
        let (stats, _) = try DeliveryFixtures.send(lines, to: server.endpoint, posts: posts) {
            $0.rate = rate
            $0.concurrency = 3
        }
        #expect(stats.sent == 48)
        #expect(Set(server.accepted.map(\.text)) == Set(lines))
        for client in 1...3 {
            // Timed where the pacer acts, when the sender starts a post: the server's clock would
            // add the time a loaded machine takes to schedule its threads. The slack covers a
            // preemption between the pacer's record of a start and the post itself.
            let times = posts.items.filter { $0.body.contains(#""client_id":\#(client),"#) }.map(\.start).sorted()
            #expect(times.count == 16)
            // Any rate.events + 1 consecutive posts span at least the window, wherever it is placed.
            for index in times.indices.dropLast(rate.events) {
                #expect(times[index + rate.events] - times[index] >= rate.window - 0.02, "client \(client) at \(index)")
            }
        }
    }

    @Test func retryAfterIsHonouredBeforeTheRetry() throws {
        let server = try TestHTTPServer { request in
            request.attempt == 0 ? .respond(status: 429, headers: ["Retry-After": "1"]) : .ok
        }
        defer { server.stop() }
        let (stats, _) = try DeliveryFixtures.send([DeliveryFixtures.envelope(client: 9, number: 1)], to: server.endpoint)
        #expect(stats.sent == 1 && stats.retries == 1)
        let times = server.requests.map(\.time)
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= 0.95, "the retry waited for Retry-After: 1")
    }

    @Test func finalStatusesAndExhaustedRetriesAreRejectedWithTheResponse() throws {
        let server = try TestHTTPServer { request in
            if request.text.contains("SKU-1\"") { return .respond(status: 400, body: #"{"error":"invalid event"}"#) }
            if request.text.contains("SKU-2\"") { return .respond(status: 413, body: "too large") }
            if request.text.contains("SKU-3\"") { return .respond(status: 503, body: "down") }
            return .ok
        }
        defer { server.stop() }
        let lines = (0..<5).map { DeliveryFixtures.envelope(client: 1, number: $0) }
        let (stats, rejections) = try DeliveryFixtures.send(lines, to: server.endpoint) { $0.retry.maxRetries = 2 }
        #expect(stats.sent == 2)
        #expect(stats.rejectedByReason == ["http-400": 1, "http-413": 1, "http-503": 1])
        #expect(stats.retries == 2, "only the 503 is retried")
        let byReason = Dictionary(uniqueKeysWithValues: rejections.map { ($0.reason, $0) })
        #expect(byReason["http-400"]?.status == 400)
        #expect(byReason["http-400"].map { String(decoding: $0.response ?? [], as: UTF8.self) } == #"{"error":"invalid event"}"#)
        #expect(byReason["http-400"]?.envelope == Array(lines[1].utf8))
        #expect(byReason["http-400"]?.origin == DeliveryOrigin(ordinal: 2, file: "envelopes.ndjson", line: 2))
        #expect(byReason["http-413"].map { String(decoding: $0.response ?? [], as: UTF8.self) } == "too large")
        #expect(byReason["http-503"]?.detail == "HTTP 503 after 2 retries")
        #expect(server.requests.filter { $0.text == lines[3] }.count == 3)
    }

    @Test func aRefusedConnectionIsRetriedThenRejected() throws {
        let server = try TestHTTPServer()
        let endpoint = server.endpoint
        server.stop()  // nothing listens on the port any more
        let (stats, rejections) = try DeliveryFixtures.send([DeliveryFixtures.envelope(client: 1, number: 1)], to: endpoint) { $0.retry.maxRetries = 1 }
        #expect(stats.retries == 1 && stats.sent == 0)
        #expect(rejections.map(\.reason) == ["no-response"])
        #expect(rejections.first?.status == nil)
    }

    @Test(arguments: [OverLimitPolicy.reject, .send])
    func theSessionCapRejectsOrSendsWhatIsBeyondIt(_ policy: OverLimitPolicy) throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let lines = DeliveryFixtures.envelopes(clients: 2, perClient: 5)
        let (stats, rejections) = try DeliveryFixtures.send(lines, to: server.endpoint) {
            $0.session = SessionLimit(events: 3, idle: 60)
            $0.overLimit = policy
        }
        switch policy {
        case .reject:
            #expect(stats.sent == 6 && stats.rejectedByReason == ["over-session-limit": 4])
            #expect(Set(rejections.map(\.origin.ordinal)) == [7, 8, 9, 10], "the last two of each client")
            #expect(server.requests.count == 6)
        case .send:
            #expect(stats.sent == 10 && stats.sentOverLimit == 4 && rejections.isEmpty)
        }
    }
}
