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
        if let floored = integerNeighbour(of: number.text, up: false) { return floored }
        return number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .down).jsonNumber
    }

    /// The smallest integer not below `number`.
    static func ceiling(_ number: JSONNumber) -> JSONNumber {
        if let ceiled = integerNeighbour(of: number.text, up: true) { return ceiled }
        return number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .up).jsonNumber
    }

    /// The integer next to a non-integer written `[-]digits.digits` (no exponent) with at most 18
    /// integer digits, below it or, with `up`, above it: in 64-bit arithmetic, the text the
    /// decimal rounding prints (`-2` for `-1.5`, `0` for `-0.5` up). `nil` for any other text.
    private static func integerNeighbour(of text: String, up: Bool) -> JSONNumber? {
        var text = text
        return text.withUTF8 { bytes -> JSONNumber? in
            var negative = false
            var integerPart: UInt64 = 0
            var integerDigits = 0
            var sawPoint = false
            var fractionIsZero = true
            for offset in bytes.indices {
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: "-") where offset == 0:
                    negative = true
                case UInt8(ascii: "0")...UInt8(ascii: "9") where sawPoint:
                    if byte != UInt8(ascii: "0") { fractionIsZero = false }
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    integerDigits += 1
                    guard integerDigits <= 18 else { return nil }
                    integerPart = integerPart * 10 + UInt64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "."):
                    guard !sawPoint else { return nil }
                    sawPoint = true
                default:
                    return nil
                }
            }
            guard sawPoint, !fractionIsZero else { return nil }
            // Away from zero when rounding towards the sign's side, else the integer part itself.
            let magnitude = negative != up ? integerPart + 1 : integerPart
            return JSONNumber(uncheckedText: plainText(negative: negative && magnitude != 0, integer: magnitude, fraction: 0, fractionDigits: 0))
        }
    }

    /// `[-]integer[.fraction]`, the fraction written with `fractionDigits` digits (leading zeros
    /// added; none when it is 0). Built in place: `String(Int)` and concatenation cost far more.
    private static func plainText(negative: Bool, integer: UInt64, fraction: UInt64, fractionDigits: Int) -> String {
        // 20 digits, a sign, a point and 18 fraction digits at most.
        String(unsafeUninitializedCapacity: 48) { buffer in
            var end = 0
            func append(_ value: UInt64, digits: Int) {
                var value = value
                var position = end + digits
                end = position
                while position > end - digits {
                    position -= 1
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            if negative {
                buffer[0] = UInt8(ascii: "-")
                end = 1
            }
            var integerDigits = 1
            var rest = integer / 10
            while rest > 0 {
                integerDigits += 1
                rest /= 10
            }
            append(integer, digits: integerDigits)
            if fraction != 0 {
                buffer[end] = UInt8(ascii: ".")
                end += 1
                append(fraction, digits: fractionDigits)
            }
            return end
        }
    }

    /// `number / 10^power`, exact (how `seconds()` turns milliseconds into seconds).
    static func shifted(_ number: JSONNumber, down power: Int) -> JSONNumber {
        var divisor: ExactDecimal = 1
        for _ in 0..<power { divisor = divisor * 10 }
        return (number.decimalValue.divided(by: divisor) ?? number.decimalValue).jsonNumber
    }

    /// `integer / 10^power` for |integer| < 10^18, in 64-bit arithmetic: the text the decimal
    /// division prints (`1700000000.12` for 1700000000120 / 10^3, no trailing zeros).
    static func shifted(_ integer: Int64, down power: Int) -> JSONNumber {
        var divisor: UInt64 = 1
        for _ in 0..<power { divisor *= 10 }
        let magnitude = integer.magnitude
        var fraction = magnitude % divisor
        var fractionDigits = power
        while fraction != 0, fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        return JSONNumber(uncheckedText: plainText(negative: integer < 0, integer: magnitude / divisor, fraction: fraction, fractionDigits: fractionDigits))
    }
}
