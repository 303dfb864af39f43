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
        // Zero is left to the decimal path, which owns the sign of zero. Small positive results
        // (list positions) come from the table `enumerate` uses, not written as text each time.
        if overflow || result == 0 { return nil }
        if result > 0, result < 256, case .number(let small) = JSONValue.position(Int(result)) { return small }
        return JSONNumber(uncheckedText: String(result))
    }

    /// `a op b` (`+`, `-` or `*`) for integers of at most 8 bytes of text (`-1234567` included), as
    /// ``apply(_:_:_:column:)`` gives it: list positions (`[0] + 1 + offset`, `$n + $shift`) read
    /// from the words of their small strings, where `Int64(text)` parses through the generic
    /// integer parser twice. `nil` when the operation or an operand is anything else, and for a
    /// zero result, whose sign is the decimal path's to decide. Only where
    /// ``ShortText/smallStringLayoutHolds`` (``SmallASCIILiteral/words(of:)``'s condition).
    @inline(__always)
    static func smallIntegerResult(_ operation: ExpressionNode.ArithmeticOperator, _ a: JSONNumber, _ b: JSONNumber) -> JSONValue? {
        guard let x = smallInteger(a), let y = smallInteger(b) else { return nil }
        return smallIntegerResult(operation, x, y)
    }

    /// ``smallIntegerResult(_:_:_:)`` of operands already read (``smallInteger(_:)``).
    @inline(__always)
    static func smallIntegerResult(_ operation: ExpressionNode.ArithmeticOperator, _ x: Int64, _ y: Int64) -> JSONValue? {
        // Magnitudes below 10^8: no sum, difference or product overflows.
        let result: Int64
        switch operation {
        case .add: result = x + y
        case .subtract: result = x - y
        case .multiply: result = x * y
        case .divide, .modulo, .integerDivide: return nil
        }
        return result == 0 ? nil : .number(JSONNumber(uncheckedText: smallIntegerText(result)))
    }

    /// `String(value)`, made for a magnitude below 10^14 (15 bytes at most, with a sign) as a small
    /// string from its digits: writing it through the integer formatter, or reading a position from
    /// a table (a `swift_once` call and a copy), cost more than the arithmetic. Only where
    /// ``ShortText/smallStringLayoutHolds``.
    @inline(__always)
    static func smallIntegerText(_ value: Int64) -> String {
        guard value.magnitude < 100_000_000_000_000 else { return String(value) }
        // The text's bytes in order from the low word's first byte: each digit, found from the
        // last, goes in front of those already there.
        var (low, high): (UInt64, UInt64) = (0, 0)
        var length: UInt64 = 0
        func prepend(_ byte: UInt64) {
            high = high << 8 | low >> 56
            low = low << 8 | byte
            length += 1
        }
        var magnitude = value.magnitude
        repeat {
            prepend(UInt64(UInt8(ascii: "0")) + magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        if value < 0 { prepend(UInt64(UInt8(ascii: "-"))) }
        // An ASCII small string: its length and discriminator in the top byte.
        return ShortText.smallString(bits: (low, high | (0xE0 | length) << 56))
    }

    /// ``smallInteger(_:)`` of `value` when it is a number; `nil` for anything else. An operand
    /// read where it lies (a `let` value, a variable) is passed on, not copied, to be read.
    @inline(__always)
    static func smallInteger(of value: JSONValue?) -> Int64? {
        guard case .number(let number)? = value else { return nil }
        return smallInteger(number)
    }

    /// The value of integer text of 1 to 8 bytes held in a small ASCII string (`7`, `-12`), read
    /// from its first word; `nil` for any other text (a fraction, an exponent, longer text).
    @inline(__always)
    static func smallInteger(_ number: JSONNumber) -> Int64? {
        guard let (low, high) = SmallASCIILiteral.words(of: number.text) else { return nil }
        // A small string's length is the low nibble of its last byte.
        var length = Int(truncatingIfNeeded: (high >> 56) & 0x0F)
        guard length <= 8 else { return nil }
        var bytes = low
        let negative = bytes & 0xFF == UInt64(UInt8(ascii: "-"))
        if negative {
            bytes >>= 8
            length -= 1
        }
        guard length > 0 else { return nil }
        var value: Int64 = 0
        for _ in 0..<length {
            let digit = (bytes & 0xFF) &- UInt64(UInt8(ascii: "0"))
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            bytes >>= 8
        }
        return negative ? -value : value
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
            guard parts.hasFraction else { return number }
            // A positive number's floor is the text before its point.
            if !parts.negative, let length = parts.integerTextLength {
                return JSONNumber(uncheckedText: number.text.withBytes { String(decoding: UnsafeBufferPointer(rebasing: $0[..<length]), as: UTF8.self) })
            }
            return plainNumber(negative: parts.negative, integer: UInt64(parts.integer) + (parts.negative ? 1 : 0))
        }
        return number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .down).jsonNumber
    }

    /// The smallest integer not below `number`.
    static func ceiling(_ number: JSONNumber) -> JSONNumber {
        if let parts = PlainDecimal(number) {
            return parts.hasFraction ? plainNumber(negative: parts.negative, integer: UInt64(parts.integer) + (parts.negative ? 0 : 1)) : number
        }
        return number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .up).jsonNumber
    }

    /// `number / 10^power`, exact (how `seconds()` turns milliseconds into seconds).
    static func shifted(_ number: JSONNumber, down power: Int) -> JSONNumber {
        // A timestamp is an integer: its digits are split at the point without decimal arithmetic.
        if power >= 0, power <= 18, let value = Int64(number.text) { return shifted(value, down: power) }
        var divisor: ExactDecimal = 1
        for _ in 0..<power { divisor = divisor * 10 }
        return (number.decimalValue.divided(by: divisor) ?? number.decimalValue).jsonNumber
    }

    /// `value / 10^power` for `power` in 0...18, the text the exact division gives.
    static func shifted(_ value: Int64, down power: Int) -> JSONNumber {
        var divisor: UInt64 = 1
        for _ in 0..<power { divisor *= 10 }
        var (quotient, fraction) = value.magnitude.quotientAndRemainder(dividingBy: divisor)
        var fractionDigits = power
        while fraction != 0, fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        return plainNumber(negative: value < 0, integer: quotient, fraction: fraction, fractionDigits: fractionDigits)
    }

    /// `[-]integer[.fraction]`, the fraction written with `fractionDigits` digits (leading zeros
    /// added; none when it is 0), never `-0`: the text the exact arithmetic gives for that value.
    /// Written byte by byte into the string: `String(Int)` and concatenation cost several times more.
    private static func plainNumber(negative: Bool, integer: UInt64, fraction: UInt64 = 0, fractionDigits: Int = 0) -> JSONNumber {
        let sign = negative && (integer != 0 || fraction != 0)
        var integerDigits = 1
        var rest = integer / 10
        while rest > 0 {
            integerDigits += 1
            rest /= 10
        }
        let length = (sign ? 1 : 0) + integerDigits + (fraction != 0 ? 1 + fractionDigits : 0)
        // At the exact length, so that texts of up to 15 bytes (timestamps among them) stay inline.
        let text = String(unsafeUninitializedCapacity: length) { buffer in
            var end = 0
            func append(_ value: UInt64, digits: Int) {
                var value = value
                end += digits
                for position in stride(from: end - 1, through: end - digits, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            if sign {
                buffer[0] = UInt8(ascii: "-")
                end = 1
            }
            append(integer, digits: integerDigits)
            if fraction != 0 {
                buffer[end] = UInt8(ascii: ".")
                end += 1
                append(fraction, digits: fractionDigits)
            }
            return end
        }
        return JSONNumber(uncheckedText: text)
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
    /// How many bytes of the text, sign included, come before the point, when they are the
    /// integer part's own text (no leading zero but in `0`); `nil` when they are not.
    let integerTextLength: Int?

    init?(_ number: JSONNumber) {
        // Read as one buffer: iterating `text.utf8` costs several times more per byte.
        guard let parts = number.text.withBytes(Self.parse) else { return nil }
        self = parts
    }

    private init(negative: Bool, integer: Int64, hasFraction: Bool, integerTextLength: Int?) {
        self.negative = negative
        self.integer = integer
        self.hasFraction = hasFraction
        self.integerTextLength = integerTextLength
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> PlainDecimal? {
        let zero = UInt8(ascii: "0")
        let negative = bytes.first == UInt8(ascii: "-")
        var position = negative ? 1 : 0
        let firstDigit = position
        var integer: Int64 = 0
        while position < bytes.count, bytes[position] &- zero < 10 {
            guard position - firstDigit < 18 else { return nil }
            // 18 digits cannot overflow.
            integer = integer &* 10 &+ Int64(bytes[position] &- zero)
            position += 1
        }
        let digits = position - firstDigit
        guard digits > 0 else { return nil }
        let integerEnd = position
        var hasFraction = false
        if position < bytes.count {
            guard bytes[position] == UInt8(ascii: ".") else { return nil }
            position += 1
            while position < bytes.count {
                let digit = bytes[position] &- zero
                guard digit < 10 else { return nil }
                hasFraction = hasFraction || digit != 0
                position += 1
            }
        }
        let ownText = digits == 1 || bytes[firstDigit] != zero
        return PlainDecimal(negative: negative, integer: integer, hasFraction: hasFraction, integerTextLength: ownText ? integerEnd : nil)
    }
}
