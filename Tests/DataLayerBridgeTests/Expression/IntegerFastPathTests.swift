import DataLayerBridge
import Testing

/// `floor`, `ceil` and `seconds` work on plain decimal text in 64-bit arithmetic when they can;
/// their results must be the very text the exact decimal arithmetic gives.
@Suite("floor, ceil and seconds in 64-bit arithmetic")
struct IntegerFastPathTests {
    /// Values around the edges: signs, zeros, 18 and 19 integer digits, trailing zeros,
    /// exponents (which take the decimal path), and a spread of timestamps.
    static let numbers: [String] = {
        var texts = ["0", "-0", "0.0", "-0.0", "0.5", "-0.5", "1.5", "-1.5", "1.0", "-7.25", "10", "-10", "1e2", "1.5e1",
                     "2.50e-1", "123456789012345678.9", "-123456789012345678.9", "999999999999999999.5",
                     "1234567890123456789.5", "0.000001", "-0.999999", "99999999999", "100000000000",
                     "99999999999999", "100000000000000", "999999999999999999", "-999999999999999999",
                     "1000000000000000000", "1700000000000", "1700000000120", "1700000000000001", "-1700000000123"]
        var state: UInt64 = 42
        for _ in 0..<300 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let magnitude = state >> (state % 40 + 4)
            let negative = state & 1 == 1 ? "-" : ""
            texts.append(negative + String(magnitude))
            texts.append(negative + String(magnitude / 1000) + "." + String(magnitude % 1000))
        }
        return texts
    }()

    static func exact(_ text: String) throws -> ExactDecimal {
        ExactDecimal(try #require(JSONNumber(text: text)))
    }

    static func evaluate(_ function: String, _ text: String) throws -> String {
        let value = try Expression("\(function)(@)").evaluate(JSONValue(parsing: text))
        return try #require(value.numberValue).text
    }

    @Test func floorAndCeilMatchDecimalRounding() throws {
        for text in Self.numbers {
            let number = try #require(JSONNumber(text: text))
            let value = try Self.exact(text)
            let floor = number.isInteger ? text : value.rounded(scale: 0, rule: .down).jsonNumber.text
            let ceiling = number.isInteger ? text : value.rounded(scale: 0, rule: .up).jsonNumber.text
            #expect(try Self.evaluate("floor", text) == floor, "floor(\(text))")
            #expect(try Self.evaluate("ceil", text) == ceiling, "ceil(\(text))")
        }
    }

    @Test func secondsMatchesDecimalDivision() throws {
        for text in Self.numbers {
            let value = try Self.exact(text)
            let magnitude = value.isNegative ? ExactDecimal.zero - value : value
            let power = magnitude < (try Self.exact("100000000000")) ? 0 : magnitude < (try Self.exact("100000000000000")) ? 3 : 6
            let divisor = try Self.exact("1" + String(repeating: "0", count: power))
            let expected = try #require(value.divided(by: divisor)).jsonNumber.text
            #expect(try Self.evaluate("seconds", text) == expected, "seconds(\(text))")
        }
    }
}
