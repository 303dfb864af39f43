/// An exact decimal number, sign × coefficient × 10^exponent, for money and the expression language.
///
/// `+`, `-` and `*` are exact (`29.9 * 3` is `89.7`, `0.1 + 0.2` is `0.3`); a coefficient that fits in
/// 64 bits is kept inline, so such arithmetic allocates nothing, and larger ones fall back to an
/// arbitrary-precision integer.
///
/// Bounds, so that absurd input cannot cost gigabytes or hang:
/// - A result that would need more than `maximumExactDigits` significant digits (`1e999999999 + 1`,
///   a 20 000-digit literal) is rounded half-even to `divisionPrecision` significant digits instead.
/// - Exponents saturate at ±2^60: a value beyond 10^(2^60) keeps that exponent rather than overflowing.
///
/// Values are canonical (no trailing zero in the coefficient, zero is never negative), so equality and
/// hashing are by value: `1.0 == 1`, `2.50 == 2.5`.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// Significant digits of a quotient that does not terminate (as in IEEE 754 decimal128).
    public static let divisionPrecision = 34

    /// The most significant digits an exact result may have before it is rounded to
    /// `divisionPrecision` digits. Far beyond any amount of money, and low enough that the
    /// quadratic decimal ↔ binary conversions of the widest values stay cheap.
    public static let maximumExactDigits = 1_000

    /// Exponents saturate here (see the type's documentation).
    static let exponentLimit = 1 << 60

    /// Plain notation is used while it needs at most this many zeros that are not significant digits.
    static let plainZeroLimit = 21

    enum Coefficient: Hashable, Sendable {
        case small(UInt64)
        /// Only for values above `UInt64.max`.
        case large(BigUInt)

        var big: BigUInt {
            switch self {
            case .small(let value): BigUInt(value)
            case .large(let value): value
            }
        }

        /// Decimal digits of a nonzero coefficient.
        var digitCount: Int {
            switch self {
            case .small(let value): ExactDecimal.digitCount(value)
            case .large(let value): value.decimalDigitCount
            }
        }
    }

    /// `true` for values below zero (never for zero).
    public let isNegative: Bool
    let coefficient: Coefficient
    let exponent: Int

    /// Zero.
    public static let zero = ExactDecimal(negative: false, coefficient: 0, exponent: 0)

    // MARK: Creating values

    /// Creates the value of an integer.
    public init(_ value: Int) {
        self.init(negative: value < 0, coefficient: UInt64(value.magnitude), exponent: 0)
    }

    /// Creates the value of an integer literal.
    public init(integerLiteral value: Int) { self.init(value) }

    /// Creates the exact value of a JSON number from its source text (`1e400` stays exact, `29.90` is `29.9`).
    public init(_ number: JSONNumber) {
        if case let plain?? = number.text.utf8.withContiguousStorageIfAvailable(ExactDecimal.init(plainText:)) {
            self = plain
        } else {
            self.init(DecimalParts(number))
        }
    }

    /// Parses JSON number text, tolerating surrounding JSON whitespace and one leading `+` (as in
    /// `" +29.90 "`, common in data-layer strings); `nil` for anything else, including `.5`, `1.`,
    /// `01`, `+-1`, `NaN` and `Infinity`.
    public init?(string: String) {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = string.utf8.firstIndex(where: { !isWhitespace($0) }),
              let last = string.utf8.lastIndex(where: { !isWhitespace($0) }) else { return nil }
        var text = string[first...last]
        if text.first == "+" {
            text.removeFirst()
            if text.first == "-" { return nil }
        }
        guard let number = JSONNumber(text: String(text)) else { return nil }
        self.init(number)
    }

    /// The common shape `-?digits(.digits)?` with at most 19 digits, read without allocating; `nil`
    /// sends anything else (exponents, long coefficients) to `DecimalParts`.
    private init?(plainText text: UnsafeBufferPointer<UInt8>) {
        var negative = false
        var coefficient: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var inFraction = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 19 else { return nil }
                coefficient = coefficient * 10 + UInt64(byte - UInt8(ascii: "0"))
                if inFraction { fractionDigits += 1 }
            default: return nil
            }
        }
        self.init(negative: negative, coefficient: coefficient, exponent: -fractionDigits)
    }

    private init(_ parts: DecimalParts) {
        let kept = ExactDecimal.divisionPrecision + 1
        guard parts.digits.count > ExactDecimal.maximumExactDigits else {
            self.init(negative: parts.negative, coefficient: BigUInt(decimalDigits: parts.digits), exponent: parts.exponent)
            return
        }
        // Converting every digit would take quadratic time. The tail is nonzero (parts have no trailing
        // zero), so a 1 below the first `kept` digits rounds exactly as the whole tail would.
        let head = BigUInt(decimalDigits: parts.digits.prefix(kept) + [1])
        let exponent = parts.exponent + parts.digits.count - kept - 1
        self = ExactDecimal(negative: parts.negative, coefficient: head, exponent: exponent)
            .roundedToSignificantDigits(ExactDecimal.divisionPrecision)
    }

    /// Stores an already canonical coefficient, saturating the exponent.
    private init(canonicalNegative negative: Bool, coefficient: Coefficient, exponent: Int) {
        self.isNegative = negative
        self.coefficient = coefficient
        self.exponent = min(max(exponent, -ExactDecimal.exponentLimit), ExactDecimal.exponentLimit)
    }

    /// The canonical value of ±coefficient × 10^exponent.
    init(negative: Bool, coefficient: UInt64, exponent: Int) {
        guard coefficient != 0 else {
            self.init(canonicalNegative: false, coefficient: .small(0), exponent: 0)
            return
        }
        var coefficient = coefficient
        var exponent = exponent
        while coefficient % 10 == 0 {
            coefficient /= 10
            exponent += 1
        }
        self.init(canonicalNegative: negative, coefficient: .small(coefficient), exponent: exponent)
    }

    /// The canonical value of ±coefficient × 10^exponent, rounded when it has too many digits.
    init(negative: Bool, coefficient: BigUInt, exponent: Int) {
        if let small = coefficient.uint64Value {
            self.init(negative: negative, coefficient: small, exponent: exponent)
            return
        }
        var coefficient = coefficient
        var exponent = exponent
        while coefficient.remainder(dividingBy: UInt64.powerOfTen(19)) == 0 {
            _ = coefficient.divide(by: UInt64.powerOfTen(19))
            exponent += 19
        }
        exponent += coefficient.removeFactors(of: 10)
        if let small = coefficient.uint64Value {
            self.init(negative: negative, coefficient: small, exponent: exponent)
            return
        }
        self.init(canonicalNegative: negative, coefficient: .large(coefficient), exponent: exponent)
        if coefficient.decimalDigitBound > ExactDecimal.maximumExactDigits,
           coefficient.decimalDigitCount > ExactDecimal.maximumExactDigits {
            self = roundedToSignificantDigits(ExactDecimal.divisionPrecision)
        }
    }

    // MARK: Properties

    /// `true` for zero.
    public var isZero: Bool { coefficient == .small(0) }

    /// `true` for whole numbers (`3`, `3.0`, `3e2`).
    public var isInteger: Bool { exponent >= 0 }

    /// The absolute value.
    public var magnitude: ExactDecimal {
        ExactDecimal(canonicalNegative: false, coefficient: coefficient, exponent: exponent)
    }

    /// The value as an `Int64` when it is an integer in range; `nil` otherwise (never rounded).
    public var int64Value: Int64? {
        guard case .small(let value) = coefficient, exponent >= 0,
              let magnitude = value.scaled(byPowerOfTen: exponent) else { return nil }
        if isNegative {
            return magnitude <= Int64.min.magnitude ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The nearest `Double` (±infinity beyond its range, ±0 below it).
    public var doubleValue: Double {
        // Both factors are exact Doubles here, so one IEEE operation rounds correctly.
        if case .small(let value) = coefficient, value <= 1 << 53, abs(exponent) < ExactDecimal.exactDoublePowersOfTen.count {
            let power = ExactDecimal.exactDoublePowersOfTen[abs(exponent)]
            let magnitude = exponent < 0 ? Double(value) / power : Double(value) * power
            return isNegative ? -magnitude : magnitude
        }
        return Double(description) ?? .nan
    }

    /// 10^0 … 10^22, the powers of ten a `Double` holds exactly.
    private static let exactDoublePowersOfTen: [Double] = {
        var powers: [Double] = [1]
        for _ in 1...22 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// The value as JSON number text (`description`).
    public var jsonNumber: JSONNumber { JSONNumber(uncheckedText: description) }

    /// The shortest exact text, always valid JSON number syntax: `89.7`, `15`, `0.3`, `-0.05`, `0`.
    ///
    /// Plain notation unless it would need more than 21 zeros that are not significant digits; then
    /// exponent notation with one digit before the point and no `+`: `1e22` (plain `1e21` is
    /// `1000000000000000000000`), `1.5e-30`, but `0.0000000000000000000001` for `1e-22`.
    public var description: String {
        let digits: String
        switch coefficient {
        case .small(let value): digits = String(value)
        case .large(let value): digits = value.decimalString
        }
        let count = digits.utf8.count
        let adjusted = exponent + count - 1
        var text = isNegative ? "-" : ""
        if exponent >= 0, exponent <= ExactDecimal.plainZeroLimit {
            text += digits
            text += String(repeating: "0", count: exponent)
        } else if exponent < 0, adjusted >= 0 {
            let point = digits.index(digits.startIndex, offsetBy: adjusted + 1)
            text += digits[..<point]
            text += "."
            text += digits[point...]
        } else if exponent < 0, -adjusted - 1 <= ExactDecimal.plainZeroLimit {
            text += "0."
            text += String(repeating: "0", count: -adjusted - 1)
            text += digits
        } else {
            text += digits.prefix(1)
            if count > 1 {
                text += "."
                text += digits.dropFirst()
            }
            text += "e"
            text += String(adjusted)
        }
        return text
    }

    // MARK: Arithmetic

    /// The exact sum (rounded only past `maximumExactDigits`).
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        if lhs.isZero { return rhs }
        if rhs.isZero { return lhs }
        if case .small(let x) = lhs.coefficient, case .small(let y) = rhs.coefficient,
           case let (x, y, exponent)? = alignSmall(x, lhs.exponent, y, rhs.exponent) {
            if lhs.isNegative == rhs.isNegative {
                let (sum, overflow) = x.addingReportingOverflow(y)
                if !overflow { return ExactDecimal(negative: lhs.isNegative, coefficient: sum, exponent: exponent) }
            } else {
                return x >= y ? ExactDecimal(negative: lhs.isNegative, coefficient: x - y, exponent: exponent)
                    : ExactDecimal(negative: rhs.isNegative, coefficient: y - x, exponent: exponent)
            }
        }
        return addLarge(lhs, rhs)
    }

    /// The exact difference (rounded only past `maximumExactDigits`).
    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal { lhs + -rhs }

    /// The negated value (zero stays zero).
    public static prefix func - (operand: ExactDecimal) -> ExactDecimal {
        guard !operand.isZero else { return operand }
        return ExactDecimal(canonicalNegative: !operand.isNegative, coefficient: operand.coefficient, exponent: operand.exponent)
    }

    /// The exact product (rounded only past `maximumExactDigits`).
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let negative = lhs.isNegative != rhs.isNegative
        let exponent = lhs.exponent + rhs.exponent
        if case .small(let x) = lhs.coefficient, case .small(let y) = rhs.coefficient {
            let (high, low) = x.multipliedFullWidth(by: y)
            if high == 0 { return ExactDecimal(negative: negative, coefficient: low, exponent: exponent) }
            return ExactDecimal(negative: negative, coefficient: BigUInt(limbs: [low, high]), exponent: exponent)
        }
        return ExactDecimal(negative: negative, coefficient: lhs.coefficient.big * rhs.coefficient.big, exponent: exponent)
    }

    /// `self / other`, or `nil` when `other` is zero.
    ///
    /// Exact whenever the quotient terminates (`1 / 4` is `0.25`, `1 / 1024` too); otherwise rounded
    /// half-even to `divisionPrecision` (34) significant digits (`2 / 3` is `0.6666…667`).
    public func divided(by other: ExactDecimal) -> ExactDecimal? {
        guard !other.isZero else { return nil }
        let negative = isNegative != other.isNegative
        if case .small(let x) = coefficient, case .small(let y) = other.coefficient {
            // Scaling x as far as 64 bits allow settles most terminating quotients without allocating.
            let shift = max(0, 19 - ExactDecimal.digitCount(x))
            let scaled = x * UInt64.powerOfTen(shift)
            if scaled % y == 0 {
                return ExactDecimal(negative: negative, coefficient: scaled / y, exponent: exponent - other.exponent - shift)
            }
        }
        let numerator = coefficient.big
        let denominator = other.coefficient.big
        // The quotient terminates exactly when the denominator, without its factors 2 and 5, divides
        // the numerator; then multiplying by 2s and 5s up to a power of ten gives the exact digits.
        var rest = denominator
        let twos = rest.removeFactors(of: 2)
        let fives = rest.removeFactors(of: 5)
        let exactDivision = numerator.quotientAndRemainder(dividingBy: rest)
        var quotient = exactDivision.quotient
        if exactDivision.remainder.isZero {
            let places = max(twos, fives)
            quotient.multiply(byPowerOf: 2, places - twos)
            quotient.multiply(byPowerOf: 5, places - fives)
            return ExactDecimal(negative: negative, coefficient: quotient, exponent: exponent - other.exponent - places)
        }
        // At least divisionPrecision + 1 digits, then a 1 below them for the nonzero remainder: a
        // nonterminating quotient is never a tie, and the 1 keeps it off one when rounding.
        let shift = ExactDecimal.divisionPrecision + 1 + other.coefficient.digitCount - coefficient.digitCount
        var scaledNumerator = numerator
        var scaledDenominator = denominator
        if shift >= 0 {
            scaledNumerator.multiply(byPowerOf: 10, shift)
        } else {
            scaledDenominator.multiply(byPowerOf: 10, -shift)
        }
        quotient = scaledNumerator.quotientAndRemainder(dividingBy: scaledDenominator).quotient
        quotient.multiply(by: 10, adding: 1)
        return ExactDecimal(negative: negative, coefficient: quotient, exponent: exponent - other.exponent - shift - 1)
            .roundedToSignificantDigits(ExactDecimal.divisionPrecision)
    }

    /// The truncated remainder `self - other × trunc(self / other)`, which has the sign of `self` (like
    /// `%` in JavaScript and Swift: `-7 % 3` is `-1`); `nil` when `other` is zero. Always exact, even
    /// for `1e999999999 % 7`.
    public func remainder(dividingBy other: ExactDecimal) -> ExactDecimal? {
        guard !other.isZero else { return nil }
        if case .small(let x) = coefficient, case .small(let y) = other.coefficient,
           case let (x, y, exponent)? = ExactDecimal.alignSmall(x, exponent, y, other.exponent) {
            return ExactDecimal(negative: isNegative, coefficient: x % y, exponent: exponent)
        }
        guard ExactDecimal.compareMagnitudes(self, other) >= 0 else { return self }
        // |other| <= |self|, so scaling the divisor to the common exponent stays within self's digits;
        // the dividend's scale goes through modular exponentiation.
        let common = min(exponent, other.exponent)
        var modulus = other.coefficient.big
        modulus.multiply(byPowerOf: 10, other.exponent - common)
        let scale = BigUInt.powerOfTen(exponent - common, modulo: modulus)
        let remainder = coefficient.big % modulus * scale % modulus
        return ExactDecimal(negative: isNegative, coefficient: remainder, exponent: common)
    }

    /// `floor(self / other)`, like `//` in Python (`-7 // 3` is `-3`); `nil` when `other` is zero.
    ///
    /// Exact, except that a quotient with more than `maximumExactDigits` digits is `divided(by:)`,
    /// which at that size is an integer rounded to `divisionPrecision` digits.
    public func floorDivided(by other: ExactDecimal) -> ExactDecimal? {
        guard !other.isZero else { return nil }
        let negative = isNegative != other.isNegative
        if case .small(let x) = coefficient, case .small(let y) = other.coefficient,
           case let (x, y, _)? = ExactDecimal.alignSmall(x, exponent, y, other.exponent) {
            let (quotient, remainder) = x.quotientAndRemainder(dividingBy: y)
            return ExactDecimal(negative: negative, coefficient: quotient + (negative && remainder != 0 ? 1 : 0), exponent: 0)
        }
        if ExactDecimal.compareMagnitudes(self, other) < 0 {
            return negative && !isZero ? ExactDecimal(-1) : .zero
        }
        if adjustedExponent - other.adjustedExponent > ExactDecimal.maximumExactDigits {
            return divided(by: other)
        }
        let common = min(exponent, other.exponent)
        var numerator = coefficient.big
        numerator.multiply(byPowerOf: 10, exponent - common)
        var denominator = other.coefficient.big
        denominator.multiply(byPowerOf: 10, other.exponent - common)
        var (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        if negative, !remainder.isZero { quotient.multiply(by: 1, adding: 1) }
        return ExactDecimal(negative: negative, coefficient: quotient, exponent: 0)
    }

    /// The value rounded to `scale` digits after the point (`rounded(scale: 2)` is cents; a negative
    /// scale rounds to tens, hundreds, …). Money rounds half-even by default, so `2.675` becomes
    /// `2.68` and `2.665` becomes `2.66`; pass `.toNearestOrAwayFromZero` for commercial rounding.
    public func rounded(scale: Int, rule: FloatingPointRoundingRule = .toNearestOrEven) -> ExactDecimal {
        let target = -min(max(scale, -ExactDecimal.exponentLimit), ExactDecimal.exponentLimit)
        guard exponent < target else { return self }
        return rounding(dropping: target - exponent, rule: rule)
    }

    // MARK: Comparison

    /// Orders by value: `0.1 < 0.11`, `-0.2 < -0.1`, `2.50 == 2.5`.
    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let order = compareMagnitudes(lhs, rhs)
        return lhs.isNegative ? order > 0 : order < 0
    }

    /// -1, 0 or 1 as |lhs| is less than, equal to or greater than |rhs|.
    private static func compareMagnitudes(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> Int {
        if case .small(let x) = lhs.coefficient, case .small(let y) = rhs.coefficient {
            // A scaled coefficient that overflows 64 bits exceeds any unscaled one.
            if lhs.exponent == rhs.exponent || x == 0 || y == 0 { return order(x, y) }
            if lhs.exponent > rhs.exponent {
                return x.scaled(byPowerOfTen: lhs.exponent - rhs.exponent).map { order($0, y) } ?? 1
            }
            return y.scaled(byPowerOfTen: rhs.exponent - lhs.exponent).map { order(x, $0) } ?? -1
        }
        // One side is large, hence nonzero; a zero on the other side has the smallest magnitude.
        if lhs.isZero || rhs.isZero { return lhs.isZero ? -1 : 1 }
        let (left, right) = (lhs.adjustedExponent, rhs.adjustedExponent)
        if left != right { return left < right ? -1 : 1 }
        // Equal leading positions: the scales differ by less than maximumExactDigits.
        let common = min(lhs.exponent, rhs.exponent)
        var x = lhs.coefficient.big
        x.multiply(byPowerOf: 10, lhs.exponent - common)
        var y = rhs.coefficient.big
        y.multiply(byPowerOf: 10, rhs.exponent - common)
        return BigUInt.compare(x, y)
    }

    private static func order(_ x: UInt64, _ y: UInt64) -> Int { x < y ? -1 : (x == y ? 0 : 1) }

    // MARK: Helpers

    /// The power of ten of the leading digit (nonzero values only).
    private var adjustedExponent: Int { exponent + coefficient.digitCount - 1 }

    /// Decimal digits of a nonzero `UInt64`: the bit length gives the count within one.
    static func digitCount(_ value: UInt64) -> Int {
        let estimate = ((64 - value.leadingZeroBitCount) * 1233) >> 12
        return estimate + (value >= UInt64.powerOfTen(estimate) ? 1 : 0)
    }

    /// Both coefficients at the smaller exponent, or `nil` when that overflows 64 bits.
    private static func alignSmall(_ x: UInt64, _ xExponent: Int, _ y: UInt64, _ yExponent: Int) -> (UInt64, UInt64, Int)? {
        if xExponent > yExponent {
            return x.scaled(byPowerOfTen: xExponent - yExponent).map { ($0, y, yExponent) }
        }
        return y.scaled(byPowerOfTen: yExponent - xExponent).map { (x, $0, xExponent) }
    }

    /// The sum when a coefficient exceeds 64 bits, or the aligned sum would.
    private static func addLarge(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> ExactDecimal {
        let (high, low) = lhs.adjustedExponent >= rhs.adjustedExponent ? (lhs, rhs) : (rhs, lhs)
        let common = min(lhs.exponent, rhs.exponent)
        if high.adjustedExponent - common < 3 * maximumExactDigits {
            var x = high.coefficient.big
            x.multiply(byPowerOf: 10, high.exponent - common)
            var y = low.coefficient.big
            y.multiply(byPowerOf: 10, low.exponent - common)
            return combine(high.isNegative, x, low.isNegative, y, exponent: common)
        }
        // The exact sum would span more than maximumExactDigits, so it is rounded. `low` lies wholly
        // below `high` padded to `divisionPrecision + 2` digits; a 1 one place below the padding rounds
        // exactly as `low` would, since no rounding boundary falls between them.
        let padding = max(0, divisionPrecision + 2 - high.coefficient.digitCount) + 1
        var x = high.coefficient.big
        x.multiply(byPowerOf: 10, padding)
        return combine(high.isNegative, x, low.isNegative, BigUInt(1), exponent: high.exponent - padding)
            .roundedToSignificantDigits(divisionPrecision)
    }

    private static func combine(_ xNegative: Bool, _ x: BigUInt, _ yNegative: Bool, _ y: BigUInt, exponent: Int) -> ExactDecimal {
        if xNegative == yNegative { return ExactDecimal(negative: xNegative, coefficient: x + y, exponent: exponent) }
        return BigUInt.compare(x, y) >= 0 ? ExactDecimal(negative: xNegative, coefficient: x - y, exponent: exponent)
            : ExactDecimal(negative: yNegative, coefficient: y - x, exponent: exponent)
    }

    private func roundedToSignificantDigits(_ digits: Int) -> ExactDecimal {
        let excess = coefficient.digitCount - digits
        return excess > 0 ? rounding(dropping: excess, rule: .toNearestOrEven) : self
    }

    /// The value rounded to a multiple of 10^(exponent + drop), for `drop > 0`.
    private func rounding(dropping drop: Int, rule: FloatingPointRoundingRule) -> ExactDecimal {
        let target = exponent + drop
        switch coefficient {
        case .small(let value):
            guard drop <= UInt64.maxPowerOfTenExponent else {
                // value < 2^64 < half of 10^20: below the midpoint.
                let up = ExactDecimal.roundsAway(rule: rule, negative: isNegative, versusHalf: -1, odd: false)
                return ExactDecimal(negative: isNegative, coefficient: up && value != 0 ? 1 : 0, exponent: target)
            }
            let power = UInt64.powerOfTen(drop)
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: power)
            let up = remainder != 0 && ExactDecimal.roundsAway(
                rule: rule, negative: isNegative, versusHalf: ExactDecimal.order(remainder, power - remainder), odd: quotient & 1 == 1)
            return ExactDecimal(negative: isNegative, coefficient: quotient + (up ? 1 : 0), exponent: target)
        case .large(let value):
            var quotient = BigUInt(0)
            var up = ExactDecimal.roundsAway(rule: rule, negative: isNegative, versusHalf: -1, odd: false)
            if drop <= value.decimalDigitBound {
                let power = BigUInt.powerOfTen(drop)
                let remainder: BigUInt
                (quotient, remainder) = value.quotientAndRemainder(dividingBy: power)
                let versusHalf = BigUInt.compare(remainder + remainder, power)
                up = !remainder.isZero && ExactDecimal.roundsAway(rule: rule, negative: isNegative, versusHalf: versusHalf, odd: quotient.isOdd)
            }
            if up { quotient.multiply(by: 1, adding: 1) }
            return ExactDecimal(negative: isNegative, coefficient: quotient, exponent: target)
        }
    }

    /// Whether an inexact value moves to the next multiple away from zero, given how its dropped part
    /// compares with half a unit (-1, 0, 1) and whether the kept part is odd.
    private static func roundsAway(rule: FloatingPointRoundingRule, negative: Bool, versusHalf: Int, odd: Bool) -> Bool {
        switch rule {
        case .toNearestOrAwayFromZero: versusHalf >= 0
        case .up: !negative
        case .down: negative
        case .towardZero: false
        case .awayFromZero: true
        case .toNearestOrEven: versusHalf > 0 || (versusHalf == 0 && odd)
        @unknown default: versusHalf > 0 || (versusHalf == 0 && odd)
        }
    }
}

extension UInt64 {
    /// self × 10^power, or `nil` when that overflows (or `power` is negative).
    fileprivate func scaled(byPowerOfTen power: Int) -> UInt64? {
        guard power >= 0 else { return nil }
        guard power <= UInt64.maxPowerOfTenExponent else { return self == 0 ? 0 : nil }
        let (product, overflow) = multipliedReportingOverflow(by: UInt64.powerOfTen(power))
        return overflow ? nil : product
    }
}

extension JSONNumber {
    /// The number's exact value.
    public var decimalValue: ExactDecimal { ExactDecimal(self) }
}
