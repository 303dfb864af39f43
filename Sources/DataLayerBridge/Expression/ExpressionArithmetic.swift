/// Exact decimal arithmetic for the expression language, on ``ExactDecimal``: `29.9 * 3` is
/// `89.7` and `0.1 + 0.2` is `0.3`, because numbers never pass through `Double`.
enum ExpressionArithmetic {
    /// `a op b`. Division that does not terminate is rounded half-even to 34 significant digits;
    /// division by zero is `notANumber`. `%` is the remainder of truncating division (its sign is
    /// the dividend's); `//` is floor division. A result that would need more than
    /// `ExactDecimal.maximumExactDigits` digits to be exact is `limitExceeded`, not rounded:
    /// repeated multiplication must not grow numbers silently.
    static func apply(_ operation: ExpressionNode.ArithmeticOperator, _ a: JSONNumber, _ b: JSONNumber, column: Int) throws(ExpressionError) -> JSONNumber {
        func failure(_ kind: ExpressionError.Kind, _ reason: String) -> ExpressionError {
            ExpressionError(kind, column: column, "\(a.text) \(operation.symbol) \(b.text): \(reason)")
        }
        if let exact = integerResult(operation, a, b) { return exact }
        let x = a.decimalValue
        let y = b.decimalValue
        if let digits = exactDigits(operation, x, y), digits > ExactDecimal.maximumExactDigits {
            throw failure(.limitExceeded, "an exact result would need \(digits) digits, more than \(ExactDecimal.maximumExactDigits)")
        }
        let result: ExactDecimal?
        switch operation {
        case .add: result = x + y
        case .subtract: result = x - y
        case .multiply: result = x * y
        case .divide: result = x.divided(by: y)
        case .modulo: result = x.remainder(dividingBy: y)
        case .integerDivide: result = x.floorDivided(by: y)
        }
        guard let result else { throw failure(.notANumber, "division by zero") }
        return result.jsonNumber
    }

    /// `a op b` for the common case of integers written plainly (`index + 1`) whose sum,
    /// difference or product fits 64 bits: the same text the decimal path writes, without
    /// splitting either number into digits. `nil` for everything else.
    private static func integerResult(_ operation: ExpressionNode.ArithmeticOperator, _ a: JSONNumber, _ b: JSONNumber) -> JSONNumber? {
        guard let x = Int64(a.text), let y = Int64(b.text) else { return nil }
        let (result, overflow): (Int64, Bool)
        switch operation {
        case .add: (result, overflow) = x.addingReportingOverflow(y)
        case .subtract: (result, overflow) = x.subtractingReportingOverflow(y)
        case .multiply: (result, overflow) = x.multipliedReportingOverflow(by: y)
        case .divide, .modulo, .integerDivide: return nil
        }
        // Zero is left to the decimal path, which owns the sign of zero.
        return overflow || result == 0 ? nil : JSONNumber(uncheckedText: String(result))
    }

    /// How many significant digits the exact result spans, where that can outgrow the operands;
    /// `nil` when it cannot (zero operands, `/` which rounds by design, `%`).
    private static func exactDigits(_ operation: ExpressionNode.ArithmeticOperator, _ x: ExactDecimal, _ y: ExactDecimal) -> Int? {
        guard !x.isZero, !y.isZero else { return nil }
        let (dx, dy) = (x.coefficient.digitCount, y.coefficient.digitCount)
        // Exponents saturate far below overflow, so these sums stay in range.
        switch operation {
        case .add, .subtract: return max(x.exponent + dx, y.exponent + dy) - min(x.exponent, y.exponent) + 1
        case .multiply: return dx + dy
        case .integerDivide: return (x.exponent + dx) - (y.exponent + dy) + 1
        case .divide, .modulo: return nil
        }
    }

    /// `-x`, keeping the digits as written (`-1.50`, not `-1.5`).
    static func negate(_ number: JSONNumber) -> JSONNumber {
        if number.text.hasPrefix("-") { return JSONNumber(uncheckedText: String(number.text.dropFirst())) }
        return number.decimalValue.isZero ? number : JSONNumber(uncheckedText: "-" + number.text)
    }

    /// `|x|`, keeping the digits as written.
    static func absolute(_ number: JSONNumber) -> JSONNumber {
        number.text.hasPrefix("-") ? negate(number) : number
    }

    /// The largest integer not above `number`.
    static func floor(_ number: JSONNumber) -> JSONNumber {
        // Plain text first: `isInteger` splits a decimal into digits to find out.
        if let parts = PlainDecimal(number) {
            return parts.hasFraction ? JSONNumber(Int(parts.negative ? -parts.integer - 1 : parts.integer)) : number
        }
        return number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .down).jsonNumber
    }

    /// The smallest integer not below `number`.
    static func ceiling(_ number: JSONNumber) -> JSONNumber {
        if let parts = PlainDecimal(number) {
            return parts.hasFraction ? JSONNumber(Int(parts.negative ? -parts.integer : parts.integer + 1)) : number
        }
        return number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .up).jsonNumber
    }

    /// `number / 10^power`, exact (how `seconds()` turns milliseconds into seconds).
    static func shifted(_ number: JSONNumber, down power: Int) -> JSONNumber {
        // A timestamp is an integer: its digits are split at the point without decimal arithmetic.
        if power >= 0, power <= 18, let value = Int64(number.text) {
            var divisor: UInt64 = 1
            for _ in 0..<power { divisor *= 10 }
            let (quotient, remainder) = value.magnitude.quotientAndRemainder(dividingBy: divisor)
            var text = value < 0 ? "-" : ""
            text += String(quotient)
            if remainder != 0 {
                var fraction = String(remainder)
                fraction = String(repeating: "0", count: power - fraction.utf8.count) + fraction
                while fraction.hasSuffix("0") { fraction.removeLast() }
                text += "." + fraction
            }
            return JSONNumber(uncheckedText: text)
        }
        var divisor: ExactDecimal = 1
        for _ in 0..<power { divisor = divisor * 10 }
        return (number.decimalValue.divided(by: divisor) ?? number.decimalValue).jsonNumber
    }
}

/// A number written in plain decimal notation (`-12.034`, no exponent) whose integer part fits
/// 18 digits: what `floor` and `ceiling` need of it, read from the text without decimal arithmetic.
struct PlainDecimal {
    let negative: Bool
    /// The integer part's magnitude.
    let integer: Int64
    /// Whether a digit other than 0 follows the point.
    let hasFraction: Bool

    init?(_ number: JSONNumber) {
        var integer: Int64 = 0
        var digits = 0
        var negative = false
        var inFraction = false
        var hasFraction = false
        for byte in number.text.utf8 {
            switch byte {
            case UInt8(ascii: "-") where digits == 0 && !negative && !inFraction:
                negative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9") where inFraction:
                hasFraction = hasFraction || byte != UInt8(ascii: "0")
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 18 else { return nil }
                integer = integer * 10 + Int64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: ".") where digits > 0 && !inFraction:
                inFraction = true
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        self.negative = negative
        self.integer = integer
        self.hasFraction = hasFraction
    }
}
