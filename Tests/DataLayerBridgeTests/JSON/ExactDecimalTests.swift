@testable import DataLayerBridge
import Testing

extension SplitMix64 {
    /// A value in 0..<bound (the tiny modulo bias does not matter to these tests).
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// JSON number text with 1–40 significant digits, sometimes trailing zeros, a sign and an
    /// exponent mostly within ±30 (so sums and products of two stay exact).
    mutating func numberText() -> String {
        var digits = String(1 + next(below: 9))
        for _ in 0..<next(below: 40) { digits += String(next(below: 10)) }
        if next(below: 4) == 0 { digits += "000" }
        let sign = next(below: 2) == 0 ? "-" : ""
        switch next(below: 3) {
        case 0: return sign + digits
        case 1: return sign + digits + "e" + String(next(below: 61) - 30)
        default:
            let point = next(below: digits.count)
            return sign + digits.prefix(point + 1) + (point + 1 < digits.count ? "." + digits.dropFirst(point + 1) : "")
        }
    }
}

struct ExactDecimalTests {
    /// Parses test input; a parse failure fails the test.
    static func decimal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ExactDecimal {
        guard let value = ExactDecimal(string: text) else {
            Issue.record("\(text) did not parse", sourceLocation: sourceLocation)
            return .zero
        }
        return value
    }

    // MARK: Exact arithmetic

    @Test func moneyTimesQuantityIsExact() throws {
        let total = Self.decimal("29.9") * 3
        #expect(total == (Self.decimal("89.7")))
        #expect(total.description == "89.7")
    }

    @Test func tenthsAddUpExactly() throws {
        let sum = Self.decimal("0.1") + Self.decimal("0.2")
        #expect(sum == (Self.decimal("0.3")))
        #expect(sum.description == "0.3")
    }

    @Test(arguments: [("15.0", "15"), ("29.90", "29.9"), ("880", "880"), ("-0.050", "-0.05"), ("100e-2", "1")])
    func descriptionDropsInsignificantZeros(text: String, expected: String) throws {
        #expect(Self.decimal(text).description == expected)
    }

    @Test func negativeZeroPrintsAsZero() throws {
        #expect(Self.decimal("-0").description == "0")
        #expect(Self.decimal("-0.0e5").description == "0")
        #expect((ExactDecimal(0) * -5).description == "0")
        #expect((Self.decimal("-0.05") + Self.decimal("0.05")).description == "0")
        #expect((-ExactDecimal.zero).isNegative == false)
        #expect(Self.decimal("-0.001").rounded(scale: 2).description == "0")
    }

    @Test func productsBeyondSixtyFourBitsAreExact() throws {
        #expect((Self.decimal("6667519810961010000") * 1000).description == "6667519810961010000000")
        let big = Self.decimal("1000000000000000000000000000001")  // 10^30 + 1
        #expect((big * big).description == "1000000000000000000000000000002000000000000000000000000000001")
        #expect((big * -big - -big * big).isZero)
        let product = Self.decimal("123456789012345678901234567890") * Self.decimal("-987654321098765432109876543210")
        #expect(product.description == "-121932631137021795226185032733622923332237463801111263526900")
    }

    @Test func sumsBeyondSixtyFourBitsAreExact() throws {
        let sum = Self.decimal("0.1000000000000000055511151231257827") + 1
        #expect(sum.description == "1.1000000000000000055511151231257827")
        let carry = Self.decimal("18446744073709551615") + 1  // UInt64.max + 1
        #expect(carry.description == "18446744073709551616")
        #expect((carry - 1).description == "18446744073709551615")
        #expect((Self.decimal("1e-40") - Self.decimal("1e-40")).isZero)
    }

    // MARK: Division

    @Test(arguments: [
        ("1", "4", "0.25"), ("10", "4", "2.5"), ("1", "8", "0.125"), ("89.7", "3", "29.9"), ("7", "-2", "-3.5"),
        ("1", "1024", "0.0009765625"), ("0", "-3", "0"), ("3", "0.0003", "10000"),
        ("1", "1267650600228229401496703205376",
         "7.888609052210118054117285652827862296732064351090230047702789306640625e-31"),  // 2^-100
        ("123456789012345678901234567890", "0.5", "246913578024691357802469135780"),
    ])
    func terminatingQuotientsAreExact(dividend: String, divisor: String, expected: String) throws {
        let quotient = try #require(Self.decimal(dividend).divided(by: Self.decimal(divisor)))
        #expect(quotient.description == expected)
    }

    @Test(arguments: [
        ("1", "3", "0.3333333333333333333333333333333333"), ("2", "3", "0.6666666666666666666666666666666667"),
        ("-2", "3", "-0.6666666666666666666666666666666667"), ("20", "3", "6.666666666666666666666666666666667"),
        ("1", "98", "0.01020408163265306122448979591836735"),
        ("100000000000000000000000000000000000000", "3", "33333333333333333333333333333333330000"),
        ("1e100", "3", "3.333333333333333333333333333333333e99"),
    ])
    func nonterminatingQuotientsRoundHalfEvenTo34Digits(dividend: String, divisor: String, expected: String) throws {
        let quotient = try #require(Self.decimal(dividend).divided(by: Self.decimal(divisor)))
        #expect(quotient.description == expected)
    }

    @Test func divisionByZeroIsNil() throws {
        #expect(ExactDecimal(1).divided(by: .zero) == nil)
        #expect(ExactDecimal(1).remainder(dividingBy: Self.decimal("0.0")) == nil)
        #expect(ExactDecimal(0).floorDivided(by: .zero) == nil)
    }

    /// `%` truncates (sign of the dividend, like JavaScript); `//` floors (like Python).
    @Test(arguments: [
        ("7", "3", "1", "2"), ("-7", "3", "-1", "-3"), ("7", "-3", "1", "-3"), ("-7", "-3", "-1", "2"),
        ("5.5", "2", "1.5", "2"), ("-5.5", "2", "-1.5", "-3"), ("0.3", "0.1", "0", "3"), ("-6", "3", "0", "-2"),
        ("1", "3", "1", "0"), ("-1", "3", "-1", "-1"), ("1", "1e999999999", "1", "0"), ("-1", "1e999999999", "-1", "-1"),
        ("1e999999999", "7", "6", "1.428571428571428571428571428571429e999999998"),
        ("100000000000000000000000.5", "3", "1.5", "33333333333333333333333"),
        ("-100000000000000000000000.5", "0.25", "-0", "-400000000000000000000002"),
    ])
    func remainderTruncatesAndFloorDivisionFloors(dividend: String, divisor: String, remainder: String, floor: String) throws {
        let (a, b) = (Self.decimal(dividend), Self.decimal(divisor))
        #expect(a.remainder(dividingBy: b) == (Self.decimal(remainder)))
        #expect(a.floorDivided(by: b) == (Self.decimal(floor)))
    }

    // MARK: Rounding

    @Test(arguments: [
        ("2.675", FloatingPointRoundingRule.toNearestOrEven, "2.68"), ("2.665", .toNearestOrEven, "2.66"),
        ("2.675", .toNearestOrAwayFromZero, "2.68"), ("2.665", .toNearestOrAwayFromZero, "2.67"),
        ("-2.665", .toNearestOrEven, "-2.66"), ("-2.665", .toNearestOrAwayFromZero, "-2.67"),
        ("-2.661", .down, "-2.67"), ("-2.669", .up, "-2.66"), ("2.669", .towardZero, "2.66"),
        ("2.661", .awayFromZero, "2.67"), ("2.6649", .toNearestOrAwayFromZero, "2.66"),
        ("89.7", .toNearestOrEven, "89.7"), ("0.005", .toNearestOrEven, "0"), ("0.015", .toNearestOrEven, "0.02"),
        ("9.995", .toNearestOrEven, "10"), ("0.0000000000000000000000001", .up, "0.01"),
        ("0.0000000000000000000000001", .toNearestOrEven, "0"),
        ("0.1000000000000000055511151231257827", .toNearestOrEven, "0.1"),
        ("0.0050000000000000000000000000000001", .toNearestOrEven, "0.01"),
    ])
    func roundingToCents(text: String, rule: FloatingPointRoundingRule, expected: String) throws {
        #expect(Self.decimal(text).rounded(scale: 2, rule: rule).description == expected)
    }

    @Test func defaultRoundingIsHalfEvenAndNegativeScalesRoundToTens() throws {
        #expect(Self.decimal("2.675").rounded(scale: 2) == (Self.decimal("2.68")))
        #expect(Self.decimal("2.665").rounded(scale: 2) == (Self.decimal("2.66")))
        #expect(ExactDecimal(1250).rounded(scale: -2) == 1200)
        #expect(ExactDecimal(1350).rounded(scale: -2) == 1400)
        #expect(ExactDecimal(1350).rounded(scale: Int.min) == 0)
        #expect(ExactDecimal(1350).rounded(scale: Int.max) == 1350)
    }

    // MARK: Parsing and printing

    @Test(arguments: [
        ("1e2", "100"), ("1E-2", "0.01"), ("2.50e1", "25"), ("-0.5E+1", "-5"), ("0e10", "0"), (" 42\r\n", "42"),
        ("+1.5", "1.5"), ("\t-3", "-3"), ("1e21", "1000000000000000000000"), ("1e22", "1e22"),
        ("1e-22", "0.0000000000000000000001"), ("1e-23", "1e-23"), ("15e-31", "1.5e-30"), ("-1.5e400", "-1.5e400"),
        ("12345e20", "1234500000000000000000000"), ("123e-5", "0.00123"),
        ("123456789012345678901234567890e-50", "0.0000000000000000000012345678901234567890123456789"),
        ("123456789012345678901234567890e-52", "1.2345678901234567890123456789e-23"),
    ])
    func parsesJSONNumbersAndPrintsShortestForm(text: String, expected: String) throws {
        #expect(Self.decimal(text).description == expected)
    }

    @Test(arguments: ["", " ", "+", "+-1", "-+1", "1.", ".5", "01", "1e", "0x10", "NaN", "Infinity", "1 2", "- 1", "++1", "1,5"])
    func rejectsWhatIsNotANumber(text: String) {
        #expect(ExactDecimal(string: text) == nil)
    }

    @Test func bridgesToJSONNumber() throws {
        let price = try #require(JSONNumber(text: "29.90"))
        #expect(price.decimalValue == (Self.decimal("29.9")))
        #expect(price.decimalValue.jsonNumber.text == "29.9")
        #expect(ExactDecimal(Int.min).description == "-9223372036854775808")
        #expect((Self.decimal("1e400")).jsonNumber == JSONNumber(text: "1e400"))
    }

    @Test func doubleValueIsTheNearestDouble() throws {
        #expect(Self.decimal("89.7").doubleValue == 89.7)
        #expect(Self.decimal("-0.1").doubleValue == -0.1)
        #expect(Self.decimal("1e400").doubleValue == .infinity)
        #expect(Self.decimal("0.1000000000000000055511151231257827").doubleValue == 0.1)
    }

    // MARK: Comparison and integers

    @Test func equalValuesAreEqualAndHashAlikeAcrossScales() throws {
        #expect(Self.decimal("1.0") == 1)
        #expect(Self.decimal("2.50") == Self.decimal("2.5"))
        #expect(Self.decimal("2.50").hashValue == Self.decimal("2.5").hashValue)
        #expect(Self.decimal("1e2").hashValue == ExactDecimal(100).hashValue)
        #expect(Set([Self.decimal("0.10"), Self.decimal("1e-1"), Self.decimal("0.1")]).count == 1)
    }

    @Test func ordersByValueAcrossScales() throws {
        let texts = ["-1e999999999", "-18446744073709551616", "-1", "-0.2", "-0.1", "0", "1e-999999999", "0.1", "0.11",
                     "9.99999999999999999999999", "10", "99.999", "1e2", "18446744073709551616", "1e999999999"]
        let values = texts.map { Self.decimal($0) }
        #expect(values.shuffled().sorted() == values)
        for (lower, higher) in zip(values, values.dropFirst()) {
            #expect(lower < higher)
            #expect(!(higher < lower))
        }
    }

    @Test(arguments: [
        ("42", Int64(42)), ("-42", -42), ("1e2", 100), ("100.000", 100), ("0", 0), ("-0.0", 0),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ("9223372036854775808", nil), ("-9223372036854775809", nil), ("1.5", nil), ("1e19", nil), ("1e999999999", nil),
    ] as [(String, Int64?)])
    func int64ValueIsExactOrNil(text: String, expected: Int64?) throws {
        #expect(Self.decimal(text).int64Value == expected)
    }

    @Test func integerSignAndMagnitude() throws {
        #expect(Self.decimal("3e2").isInteger)
        #expect(!Self.decimal("3.5").isInteger)
        #expect(Self.decimal("-3.5").isNegative)
        #expect(Self.decimal("-3.5").magnitude == Self.decimal("3.5"))
        #expect(Self.decimal("0.0").isZero)
    }

    // MARK: Bounds

    @Test func absurdExponentsRoundToDivisionPrecisionInsteadOfExpanding() throws {
        let huge = Self.decimal("1e999999999")
        #expect((huge + 1) == huge)
        #expect((huge + 1).description == "1e999999999")
        #expect((huge - 1) == huge)
        #expect(((huge + 1) - huge).isZero)
        #expect((huge * huge).description == "1e1999999998")
        #expect((1 + (Self.decimal("1e-999999999"))) == 1)
        #expect((Self.decimal("1.5") - Self.decimal("1e-999999999")).description == "1.5")
        // Within maximumExactDigits the same operands stay exact.
        #expect((huge - Self.decimal("1e999999965")).description == "9.999999999999999999999999999999999e999999998")
    }

    @Test func roundingFallbackStillSeesTheTinyOperand() throws {
        // Exactly half a unit in the 34th digit: the far smaller addend breaks the tie upwards.
        let tie = Self.decimal("1.0000000000000000000000000000000005")
        #expect((tie + Self.decimal("1e-999999999")).description == "1.000000000000000000000000000000001")
        #expect((tie - Self.decimal("1e-999999999")).description == "1")
    }

    @Test func resultsBeyondMaximumExactDigitsAreRounded() throws {
        let wide = Self.decimal("1" + String(repeating: "0", count: 599) + "1")  // 10^600 + 1, exact
        #expect((wide - Self.decimal("1e600")) == 1)
        #expect((wide * wide).description == "1e1200")  // 1,201 digits: beyond maximumExactDigits
        let longLiteral = Self.decimal("2." + String(repeating: "9", count: 20_000))
        #expect(longLiteral.description == "3")
        let longLiteralBelowHalf = Self.decimal("1." + String(repeating: "0", count: 33) + "4" + String(repeating: "9", count: 20_000))
        #expect(longLiteralBelowHalf.description == "1")
    }

    @Test func exponentsSaturateInsteadOfOverflowing() throws {
        var value = Self.decimal("1e999999999999")
        for _ in 0..<30 { value = value * value }
        #expect(value.description == "1e\(1 << 60)")
        #expect(value > (Self.decimal("1e999999999999")))
        var tiny = Self.decimal("1e-999999999999")
        for _ in 0..<30 { tiny = tiny * tiny }
        #expect(tiny > 0)
        #expect(JSONNumber(text: tiny.description) != nil)
    }

    // MARK: Properties over generated values

    @Test func descriptionReparsesAsValidJSONOfTheSameValue() throws {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<400 {
            let text = generator.numberText()
            let value = Self.decimal(text)
            let printed = try #require(JSONNumber(text: value.description), "\(text) printed as \(value)")
            #expect(printed == JSONNumber(text: text), "\(text) printed as \(value)")
            #expect(ExactDecimal(printed) == value)
            #expect(value.doubleValue == Double(text), "\(text)")
        }
    }

    @Test func orderAndEqualityAgreeWithJSONNumber() throws {
        var generator = SplitMix64(seed: 2)
        for _ in 0..<400 {
            let leftText = generator.numberText()
            let left = Self.decimal(leftText)
            // Every fourth pair is the same value written at another scale.
            let sameValue = (left.isNegative ? "-" : "") + left.coefficient.big.decimalString + "00e\(left.exponent - 2)"
            let rightText = generator.next(below: 4) == 0 ? sameValue : generator.numberText()
            let right = Self.decimal(rightText)
            let (leftNumber, rightNumber) = (try #require(JSONNumber(text: leftText)), try #require(JSONNumber(text: rightText)))
            #expect((left < right) == (leftNumber < rightNumber), "\(leftText) vs \(rightText)")
            #expect((left == right) == (leftNumber == rightNumber), "\(leftText) vs \(rightText)")
            if left == right { #expect(left.hashValue == right.hashValue) }
        }
    }

    @Test func arithmeticIdentitiesHold() throws {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<300 {
            let (a, b) = (Self.decimal(generator.numberText()), Self.decimal(generator.numberText()))
            #expect((a + b) - b == a, "\(a) \(b)")
            #expect(a + b == b + a)
            #expect((a * b).divided(by: b) == a, "\(a) \(b)")
            let floor = try #require(a.floorDivided(by: b))
            let modulo = a - floor * b
            #expect(floor.isInteger)
            #expect(modulo.isZero || modulo.isNegative == b.isNegative, "\(a) // \(b) = \(floor)")
            #expect(modulo.magnitude < b.magnitude, "\(a) // \(b) = \(floor)")
            let remainder = try #require(a.remainder(dividingBy: b))
            #expect(remainder.isZero || remainder.isNegative == a.isNegative, "\(a) % \(b) = \(remainder)")
            #expect(remainder.magnitude < b.magnitude, "\(a) % \(b) = \(remainder)")
            let truncated = try #require((a - remainder).divided(by: b))
            #expect(truncated.isInteger, "\(a) % \(b) = \(remainder)")
        }
    }

    @Test func longDivisionReassemblesTheDividend() {
        // Limbs at the edges (0, 1, 2^63, 2^64 - 1) drive the rare correction steps of long division.
        var generator = SplitMix64(seed: 4)
        func limbs() -> [UInt64] {
            (0...generator.next(below: 5)).map { _ in [0, 1, 1 << 63, .max, .max - 1, generator.next()][generator.next(below: 6)] }
        }
        for _ in 0..<2000 {
            let dividend = BigUInt(limbs: limbs() + limbs())
            let divisor = BigUInt(limbs: limbs() + [generator.next() >> (generator.next() % 64) | 1])
            let (quotient, remainder) = dividend.quotientAndRemainder(dividingBy: divisor)
            #expect(quotient * divisor + remainder == dividend)
            #expect(BigUInt.compare(remainder, divisor) < 0)
        }
    }
}
