import DataLayerBridge
import Testing

/// The pure parts of `send`: pacing, session cap, retry decisions, `Retry-After`, limits syntax.
struct DeliveryPolicyTests {
    @Test func thePacerAdmitsAWindowfulThenWaitsForTheOldestStartToLeave() {
        var pacer = ClientPacer(limit: RateLimit(events: 3, window: 15))
        for time in [0.0, 1, 2] {
            #expect(pacer.earliestStart(for: "a", now: time) == time)
            pacer.recordStart(for: "a", at: time)
        }
        #expect(pacer.earliestStart(for: "a", now: 2) == 15, "the 4th start waits until the 1st leaves the window")
        #expect(pacer.earliestStart(for: "b", now: 2) == 2, "other clients are paced on their own")
        pacer.recordStart(for: "a", at: 15)
        #expect(pacer.earliestStart(for: "a", now: 15) == 16)
        #expect(pacer.earliestStart(for: "a", now: 40) == 40)
        pacer.forgetIdle(now: 31)
        #expect(pacer.clientCount == 0)
    }

    @Test func theDefaultsAreTheDocumentedEventsAPILimits() {
        let configuration = SendConfiguration()
        #expect(configuration.rate == RateLimit(events: 30, window: 15))
        #expect(configuration.session == SessionLimit(events: 400, idle: 1800))
        #expect(configuration.overLimit == .reject)
        #expect(SendConfiguration.eventsAPIEndpoint == "https://api.luigisbox.com/")
    }

    @Test func theSessionCapCountsUntilThirtyIdleMinutesEndTheSession() {
        var cap = SessionCap(limit: SessionLimit(events: 2, idle: 1800))
        cap.record("a", at: 0)
        cap.record("a", at: 1000)
        #expect(cap.wouldExceed("a", at: 2000))
        #expect(!cap.wouldExceed("b", at: 2000))
        #expect(!cap.wouldExceed("a", at: 2800), "1800 s after the last event a new session starts")
        cap.record("a", at: 2800)
        #expect(!cap.wouldExceed("a", at: 2801))
    }

    static let limitTexts: [(String, RateLimit?)] = [
        ("30/15s", RateLimit(events: 30, window: 15)), ("5/500ms", RateLimit(events: 5, window: 0.5)),
        ("30/1.5s", RateLimit(events: 30, window: 1.5)), ("2/1m", RateLimit(events: 2, window: 60)), ("10/3", RateLimit(events: 10, window: 3)),
        ("30", nil), ("0/15s", nil), ("30/0s", nil), ("30/-1s", nil), ("30/15x", nil), ("a/15s", nil), ("30/15s/2", nil), ("30/infs", nil),
    ]

    @Test(arguments: limitTexts)
    func limitsParse(_ text: String, _ expected: RateLimit?) {
        #expect(RateLimit(parsing: text) == expected)
    }

    @Test func limitsPrintAsTheyAreWritten() {
        #expect(RateLimit.eventsAPI.description == "30/15s")
        #expect(SessionLimit.eventsAPI.description == "400/30m")
        #expect(RateLimit(events: 5, window: 0.25).description == "5/250ms")
        #expect(RateLimit(events: 5, window: 1.5).description == "5/1.5s")
    }

    static let retryAfterCases: [(String, Double?)] = [
        ("120", 120), (" 3 ", 3), ("0", 0),
        ("Sun, 06 Nov 1994 08:49:57 GMT", 20),        // IMF-fixdate
        ("Sunday, 06-Nov-94 08:49:57 GMT", 20),       // RFC 850
        ("Sun Nov  6 08:49:57 1994", 20),             // asctime
        ("Sun, 06 Nov 1994 08:00:00 GMT", 0),         // in the past: now
        ("-5", nil), ("1.5", nil), ("soon", nil), ("", nil), ("Sun, 32 Nov 1994 08:49:57 GMT", nil), ("Sun, 06 Nov 1994 25:00:00 GMT", nil),
    ]

    /// `now` is 1994-11-06 08:49:37 UTC, the RFC's example date.
    @Test(arguments: retryAfterCases)
    func retryAfterReadsSecondsAndAllThreeHTTPDateForms(_ value: String, _ expected: Double?) {
        #expect(RetryAfter.seconds(from: value, now: 784_111_777) == expected)
    }

    @Test func httpDatesAreExactAcrossLeapYears() {
        #expect(RetryAfter.epochSeconds(ofHTTPDate: "Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.epochSeconds(ofHTTPDate: "Tue, 29 Feb 2000 12:00:00 GMT") == 951_825_600)
        #expect(RetryAfter.epochSeconds(ofHTTPDate: "Wed, 21 Oct 2015 07:28:00 GMT") == 1_445_412_480)
    }

    @Test func retryDecisionsFollowTheStatus() {
        let policy = RetryPolicy(maxRetries: 2, baseDelay: 1, maxDelay: 4)
        func decide(_ response: DeliveryResponse, retries: Int = 0) -> DeliveryDecision {
            policy.decide(response, retries: retries, wallTime: 784_111_777, jitter: 0)
        }
        #expect(decide(.http(status: 202, retryAfter: nil, body: [])) == .delivered)
        #expect(decide(.http(status: 429, retryAfter: "7", body: [])) == .retry(after: 7, reason: "429"))
        #expect(decide(.http(status: 429, retryAfter: "Sun, 06 Nov 1994 08:49:47 GMT", body: [])) == .retry(after: 10, reason: "429"))
        #expect(decide(.http(status: 429, retryAfter: nil, body: [])) == .retry(after: 0.5, reason: "429"))
        #expect(decide(.http(status: 429, retryAfter: "7", body: []), retries: 2) == .reject(status: 429, reason: "still rate limited after 2 retries"))
        #expect(decide(.http(status: 503, retryAfter: nil, body: []), retries: 1) == .retry(after: 1, reason: "503"))
        #expect(decide(.http(status: 408, retryAfter: nil, body: [])) == .retry(after: 0.5, reason: "408"))
        #expect(decide(.http(status: 500, retryAfter: nil, body: []), retries: 2) == .reject(status: 500, reason: "HTTP 500 after 2 retries"))
        #expect(decide(.http(status: 400, retryAfter: nil, body: [])) == .reject(status: 400, reason: "HTTP 400"))
        #expect(decide(.http(status: 413, retryAfter: nil, body: [])) == .reject(status: 413, reason: "HTTP 413"))
        #expect(decide(.failed(reason: "timed out")) == .retry(after: 0.5, reason: "timed out"))
        #expect(decide(.failed(reason: "connection lost"), retries: 2) == .reject(status: nil, reason: "connection lost after 2 retries"))
    }

    @Test func backoffDoublesUpToTheCeilingWithJitterInTheUpperHalf() {
        let policy = RetryPolicy(maxRetries: 10, baseDelay: 0.5, maxDelay: 4)
        #expect((1...6).map { policy.backoff(retry: $0, jitter: 0) } == [0.25, 0.5, 1, 2, 2, 2])
        #expect((1...6).map { policy.backoff(retry: $0, jitter: 0.999_999) }.map { ($0 * 100).rounded() / 100 } == [0.5, 1, 2, 4, 4, 4])
    }
}
