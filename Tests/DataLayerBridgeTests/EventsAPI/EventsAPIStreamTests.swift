import DataLayerBridge
import Testing

private typealias S = EventsAPISamples

/// The stream validator: per-envelope findings plus ids unique across the stream.
struct EventsAPIStreamTests {
    @Test func duplicateIDInALaterEnvelopeIsAnError() {
        var validator = EventsAPIStreamValidator()
        #expect(validator.findings(for: S.pageView) == [])
        #expect(validator.findings(for: S.setting(S.search, "id", "e1")) == [
            S.error("/id", #"duplicate id "e1": already used earlier in the stream"#),
        ])
        #expect(validator.findings(for: S.search) == [])
    }

    @Test func idsCompareAsExactJSONValues() {
        var validator = EventsAPIStreamValidator()
        _ = validator.findings(for: S.setting(S.pageView, "id", "42"))
        #expect(validator.findings(for: S.setting(S.pageView, "id", 42)).map(\.severity) == [.warning])
        #expect(validator.findings(for: S.setting(S.pageView, "id", S.number("42.0"))) == [
            S.warning("/id", "should be a string (Events API v1), not a number"),
            S.error("/id", "duplicate id 42.0: already used earlier in the stream"),
        ])
        // 2^53 + 1 and 2^53 are one Double but two ids.
        _ = validator.findings(for: S.setting(S.pageView, "id", S.number("9007199254740993")))
        #expect(validator.findings(for: S.setting(S.pageView, "id", S.number("9007199254740992"))).map(\.severity) == [.warning])
    }

    @Test func emptyOrMissingIDsAreNotDuplicates() {
        var validator = EventsAPIStreamValidator()
        let unnamed = S.setting(S.pageView, "id", "")
        _ = validator.findings(for: unnamed)
        #expect(validator.findings(for: unnamed) == [S.error("/id", "must not be empty")])
        #expect(validator.findings(for: S.setting(S.pageView, "id", nil)) == [S.error("/id", "required member is missing")])
    }

    @Test func millisecondTimestampIsReportedInTheStream() {
        var validator = EventsAPIStreamValidator()
        #expect(validator.findings(for: S.setting(S.pageView, "local_timestamp", 1_626_386_701_000)) == [
            S.error("/local_timestamp", "looks like milliseconds; must be UNIX seconds"),
        ])
    }

    @Test func nonObjectEnvelopeIsOneRootError() {
        var validator = EventsAPIStreamValidator()
        #expect(validator.findings(for: [S.pageView]) == [S.error("", "an envelope must be an object, not array")])
    }
}

/// How a finding reads on a line of text.
struct EventsAPIFindingTests {
    @Test func errorsAndWarningsReadAsPointerAndReason() {
        #expect(S.error("/lists/Search Results/items/0/position", "must be a positive integer, not 0").description
            == "/lists/Search Results/items/0/position: must be a positive integer, not 0")
        #expect(S.warning("/items/0/was_discounted", "missing").description == "warning: /items/0/was_discounted: missing")
    }

    @Test func rootAndControlCharactersStayOnOneVisibleLine() {
        #expect(S.error("", "an envelope must be an object, not array").description == "(root): an envelope must be an object, not array")
        #expect(S.error("/lists/a\nb\u{7F}", "x").description == #"/lists/a\u000Ab\u007F: x"#)
    }

    @Test func invalidJSONCarriesTheParserPositionAndReason() {
        let error = JSONError(offset: 6, line: 1, column: 7, reason: "trailing comma")
        #expect(EventsAPIFinding(invalidJSON: error) == S.error("", "invalid JSON: 1:7: trailing comma"))
    }
}
