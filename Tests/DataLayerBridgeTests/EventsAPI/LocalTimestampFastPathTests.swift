@testable import DataLayerBridge
import Testing

private typealias S = EventsAPISamples

/// ``LocalTimestampRule`` reads a timestamp of up to 15 plain digits from its text's words: its
/// findings must be those of the type check and `Int64` conversion spelled out here (the rule as it
/// was before the fast path), for timestamps parsed from JSON text and made from number texts.
struct LocalTimestampFastPathTests {
    /// Around the bounds, at the fast path's length limit and past it, with signs, fractions and
    /// exponents, beyond `Int64`, and values of other types.
    static let timestamps = [
        "0", "-0", "1", "-1", "7", "1626386701", "99999999999", "100000000000", "100000000001", "1626386701000",
        "999999999999999", "100000000000000", "1000000000000000", "9223372036854775807", "9223372036854775808",
        "99999999999999999999", "-1626386701", "1626386701.0", "1626386701.5", "1.626386701e9", "1e11", "1E2", "-1e30",
        "1626386701.0000000000000000001", "\"1626386701\"", "\"\"", "\"é\"", "null", "true", "[]", "{}", "[1626386701]",
    ]

    @Test(arguments: timestamps)
    func findingsAreThoseOfTheTypeCheckAndConversion(_ text: String) throws {
        let parsed = try JSONValue(parsing: "{\"type\":\"pv\",\"local_timestamp\":\(text)}")
        let envelopes = [parsed] + (JSONNumber(text: text).map { [S.setting(S.pageView, "local_timestamp", .number($0))] } ?? [])
        for envelope in envelopes {
            let object = try #require(envelope.objectValue)
            #expect(LocalTimestampRule().findings(for: object) == Self.typeCheckAndConversion(object))
        }
    }

    /// The fast path's own results, which the comparison alone would not catch if both were wrong.
    @Test func plainDigitsAreJudgedByTheirValue() throws {
        func findings(_ text: String) throws -> [EventsAPIFinding] {
            LocalTimestampRule().findings(for: try #require(try JSONValue(parsing: "{\"local_timestamp\":\(text)}").objectValue))
        }
        let milliseconds = [S.error("/local_timestamp", "looks like milliseconds; must be UNIX seconds")]
        #expect(try findings("99999999999") == [])
        #expect(try findings("100000000000") == milliseconds)
        #expect(try findings("999999999999999") == milliseconds)
        #expect(try findings("0") == [S.error("/local_timestamp", "must be a positive UNIX timestamp in seconds")])
    }

    /// ``SmallUTF8/decimalValue`` works on whole words: on texts of every length it reads, digits
    /// mixed with the bytes next to `0` and `9`, signs, points, non-ASCII and NUL, it must give the
    /// value of a text of digits only and `nil` for any other.
    @Test func decimalValueIsThatOfAllDigitTexts() throws {
        let others: [Character] = ["/", ":", "-", "+", ".", "e", " ", "\u{0}", "\u{7F}", "é", "٣", "０"]
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        var texts = ["0", "9", "00", "10", "99999999", "100000000", "123456789", "1626386701", "123456789012345",
                     "999999999999999", "000000000000000", "12345678/", "1234567:8", ":12345678"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<(1 + next(15)) { text.append(next(6) == 0 ? others[next(others.count)] : Character(String(next(10)))) }
            texts.append(text)
        }
        for text in texts where text.utf8.count <= 15 {
            let small = try #require(SmallUTF8(text), "\(text) is not a small string")
            let digitsOnly = text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            #expect(small.decimalValue == (digitsOnly ? Int64(text) : nil), "\(text)")
        }
    }

    /// The rule before the fast path.
    static func typeCheckAndConversion(_ envelope: JSONObject) -> [EventsAPIFinding] {
        guard let value = envelope["local_timestamp"] else { return [] }
        guard EventsAPIType.integer.accepts(value), case .number(let timestamp) = value else {
            return [S.error("/local_timestamp", EventsAPIType.integer.reason(rejecting: value))]
        }
        let seconds = timestamp.int64Value ?? (timestamp.text.hasPrefix("-") ? .min : .max)
        if seconds >= LocalTimestampRule.millisecondThreshold {
            return [S.error("/local_timestamp", "looks like milliseconds; must be UNIX seconds")]
        }
        return seconds <= 0 ? [S.error("/local_timestamp", "must be a positive UNIX timestamp in seconds")] : []
    }
}
