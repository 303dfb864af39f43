@testable import DataLayerBridge
import Testing

/// `floor`, `ceiling` and `seconds()` read plain integers and decimals from their text instead of
/// doing decimal arithmetic; the text they give must be the text the exact arithmetic gives.
struct NumberFastPathTests {
    /// Numbers of every shape the fast paths read or refuse: integers of 1 to 20 digits, decimals
    /// with and without trailing zeros, both signs, zero, exponents.
    static let numbers: [JSONNumber] = {
        var texts = [
            "0", "-0", "7", "-7", "0.5", "-0.5", "-0.000", "0.000", "1.50", "-2.000", "10.01", "-10.01",
            "1714521600949", "-1714521600949", "1714521600000", "99999999999", "100000000000", "100000000000000",
            "123456789012345678.9", "-123456789012345678.9", "1234567890123456789.5", "9223372036854775807",
            "-9223372036854775808", "92233720368547758070", "1e3", "1.5E2", "-2.5e-3", "123.456e1", "0.0001",
        ]
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % bound
        }
        for _ in 0..<2_000 {
            let integerDigits = Int(next(20)) + 1
            var text = next(2) == 0 ? "-" : ""
            text += String(next(9) + 1)
            for _ in 1..<integerDigits { text += String(next(10)) }
            if next(3) > 0 {
                text += "."
                for _ in 0...next(8) { text += String(next(10)) }
            }
            texts.append(text)
        }
        return texts.map { JSONNumber(text: $0)! }
    }()

    /// Integer sums, differences and products are worked out on machine integers, the small
    /// positive ones taken from a table: the text must be the exact arithmetic's, either side of
    /// the table's bounds and for negative results.
    @Test func integerResultsAreTheTextOfExactArithmetic() throws {
        for x in -300...300 {
            for y in [-256, -255, -1, 0, 1, 2, 254, 255, 256] {
                let (a, b) = (JSONNumber(x), JSONNumber(y))
                let exact: [(ExpressionNode.ArithmeticOperator, ExactDecimal)] = [
                    (.add, a.decimalValue + b.decimalValue), (.subtract, a.decimalValue - b.decimalValue),
                    (.multiply, a.decimalValue * b.decimalValue),
                ]
                for (operation, result) in exact {
                    #expect(try ExpressionArithmetic.apply(operation, a, b, column: 1).text == result.jsonNumber.text, "\(x) \(operation) \(y)")
                }
            }
        }
    }

    /// An arithmetic step reads integers of up to 8 bytes of text from their small strings' words:
    /// its value must be the text ``ExpressionArithmetic/apply(_:_:_:column:)`` gives, for every
    /// operator, both signs, zero, the 8-byte bound either side, and numbers it leaves alone.
    @Test func smallIntegerArithmeticIsTheGeneralArithmetic() throws {
        let texts = [
            "0", "-0", "1", "-1", "7", "-7", "12", "-12", "255", "256", "-255", "99999999", "-9999999", "12345678", "-1234567",
            "123456789", "-12345678", "100000000", "0.5", "1.0", "-2.50", "1e2", "1E-2", "9223372036854775807",
        ]
        let numbers = texts.map { JSONNumber(text: $0)! } + (-40...300).map(JSONNumber.init)
        let operators: [(ExpressionNode.ArithmeticOperator, String)] = [
            (.add, "+"), (.subtract, "-"), (.multiply, "*"), (.divide, "/"), (.modulo, "%"), (.integerDivide, "//"),
        ]
        var fast = 0
        for (operation, symbol) in operators {
            let expression = try Expression("$a \(symbol) $b")
            for a in numbers {
                for b in numbers.prefix(40) + numbers.suffix(20) {
                    let variables = ExpressionVariables(["a": .number(a), "b": .number(b)])
                    let general = Result { () throws(ExpressionError) in try ExpressionArithmetic.apply(operation, a, b, column: 1) }
                    let stepped = Result { () throws(ExpressionError) in try expression.evaluate(.null, variables: variables) }
                    switch (general, stepped) {
                    case (.success(let number), .success(.number(let result))):
                        #expect(result.text == number.text, "\(a.text) \(symbol) \(b.text)")
                    case (.failure(let error), .failure(let failure)):
                        #expect(error.kind == failure.kind && error.reason == failure.reason, "\(a.text) \(symbol) \(b.text)")
                    default:
                        Issue.record("\(a.text) \(symbol) \(b.text): \(general) against \(stepped)")
                    }
                    if let small = ExpressionArithmetic.smallIntegerResult(operation, a, b) {
                        fast += 1
                        #expect(small.numberValue?.text == (try? general.get())?.text, "\(a.text) \(symbol) \(b.text)")
                    }
                }
            }
        }
        // The step takes the fast path for most of these pairs.
        #expect(fast > 40_000)
    }

    /// A small integer result is written as a small string from its digits: the text `String`
    /// writes, for one and many digits, both signs, each power of ten and its neighbours up to the
    /// bound where a sign and the digits no longer fit 15 bytes, and past it (`String` itself).
    @Test func smallIntegerTextIsWhatStringWrites() {
        var values: [Int64] = [0, 1, -1, 9, -9, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        for exponent in 1...18 {
            let power = (1...exponent).reduce(Int64(1)) { product, _ in product * 10 }
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1), power / 2 + 7, -(power / 3)]
        }
        for value in values {
            let text = ExpressionArithmetic.smallIntegerText(value)
            #expect(text == String(value), "\(value)")
            // A string equal to the formatter's is not enough: it must also compare and hash as one.
            #expect(text.utf8.count == String(value).utf8.count && text.hashValue == String(value).hashValue, "\(value)")
        }
    }

    @Test func smallIntegersAreWhatInt64Reads() {
        let texts = Self.numbers.map(\.text) + ["0", "-0", "5", "-5", "42", "99999999", "-9999999", "100000000", "-12345678", "1e5", "0.0"]
        for text in texts {
            let number = JSONNumber(text: text)!
            let read = ExpressionArithmetic.smallInteger(number)
            // Read whenever the text is at most 8 bytes of integer; then it is Int64's value.
            #expect(read == (text.utf8.count <= 8 ? Int64(text) : nil), "\(text)")
        }
    }

    @Test func floorAndCeilingGiveTheTextOfExactRounding() {
        for number in Self.numbers {
            #expect(ExpressionArithmetic.floor(number).text == number.decimalValue.rounded(scale: 0, rule: .down).jsonNumber.text
                    || (number.isInteger && ExpressionArithmetic.floor(number) == number), "floor(\(number.text))")
            #expect(ExpressionArithmetic.ceiling(number).text == number.decimalValue.rounded(scale: 0, rule: .up).jsonNumber.text
                    || (number.isInteger && ExpressionArithmetic.ceiling(number) == number), "ceil(\(number.text))")
        }
    }

    @Test func shiftingGivesTheTextOfExactDivision() {
        for number in Self.numbers {
            var divisor: ExactDecimal = 1
            for power in 0...7 {
                let exact = (number.decimalValue.divided(by: divisor) ?? number.decimalValue).jsonNumber
                #expect(ExpressionArithmetic.shifted(number, down: power).text == exact.text, "\(number.text) / 10^\(power)")
                divisor = divisor * 10
            }
        }
    }

    @Test func scalarDescriptionsAreWhatTheWriterWrites() {
        for value in [JSONValue.null, true, false] + Self.numbers.map(JSONValue.number) {
            var writer = JSONWriter()
            writer.write(value)
            #expect(value.description == writer.string)
        }
    }

    /// Timestamps at every magnitude boundary `seconds()` draws (10^11 and 10^14), with trailing
    /// zeros, both signs, and beyond the 18 digits the text path reads.
    static let timestamps = [
        "0", "-0", "1", "-1", "10", "99999999999", "100000000000", "-100000000000", "100000000001", "99999999999999",
        "100000000000000", "100000000000010", "1714521600995", "1714521600000", "1714521600900", "-1714521600995",
        "1714521600995123", "1714521600000000", "171452160099512345", "1714521600995123456", "17145216009951234567",
        "-9223372036854775808", "1714521600.995", "1714521600995.5", "-0.5", "1.7e12", "1714521600995e0", "1E-3",
    ].map { JSONNumber(text: $0)! } + numbers

    @Test func integerSecondsAreTheArithmeticsText() {
        for number in Self.timestamps {
            let exact = ExpressionFunctions.arithmeticUnixSeconds(number).text
            if let fast = ExpressionFunctions.integerUnixSeconds(number) { #expect(fast.text == exact, "seconds(\(number.text))") }
            #expect(ExpressionFunctions.unixSeconds(number).text == exact, "seconds(\(number.text))")
        }
        // The usual timestamps take the text path.
        #expect(ExpressionFunctions.integerUnixSeconds(JSONNumber(text: "1714521600995")!)?.text == "1714521600.995")
        #expect(ExpressionFunctions.integerUnixSeconds(JSONNumber(text: "1714521600000")!)?.text == "1714521600")
        #expect(ExpressionFunctions.integerUnixSeconds(JSONNumber(text: "1e3")!) == nil)
    }

    @Test func numbersReadInPlaceAreWhatJSONNumberReads() {
        let texts = Self.numbers.map(\.text) + [
            "", "-", "+1", "01", "-01", "1.", ".5", "1e", "1e+", "1E-7", " 1", "1 ", "0x10", "1_000", "٣", "１", "NaN",
            "Infinity", "-0.0e-0", "29.90", "1714521600995", "1.5\u{0}", "é1",
        ]
        for text in texts {
            #expect(ExpressionFunctions.number(reading: text)?.text == JSONNumber(text: text)?.text, "\(text.debugDescription)")
        }
    }

    @Test func floorOfTextWithLeadingZerosIsTheArithmeticsToo() {
        for text in ["007.5", "00.5", "-007.5", "0.5", "10.5", "-0.5"] {
            let number = JSONNumber(uncheckedText: text)
            #expect(ExpressionArithmetic.floor(number).text == number.decimalValue.rounded(scale: 0, rule: .down).jsonNumber.text, "floor(\(text))")
        }
    }

    @Test(arguments: [
        ("floor(seconds(@))", JSONValue.number(JSONNumber(text: "1714521600995")!), "1714521600"),
        ("floor(seconds(@))", "1714521600995", "1714521600"),
        ("seconds(@)", "1714521600995", "1714521600.995"),
        ("seconds(@)", "-1714521600995", "-1714521600.995"),
        ("floor(seconds(@))", "-1714521600995", "-1714521601"),
        ("seconds(@)", "2024-05-01T00:00:00.995Z", "1714521600.995"),
        ("floor(seconds(@))", "2024-05-01T02:00:00.5+02:00", "1714521600"),
        ("seconds(@)", "1714521600995123", "1714521600.995123"),
        ("seconds(@)", "1.714521600995e12", "1714521600.995"),
        ("seconds(@)", "soon", "null"),
    ])
    func secondsOfNumbersAndText(source: String, input: JSONValue, expected: String) throws {
        #expect(try Expression(source).evaluate(input).description == expected)
    }
}
