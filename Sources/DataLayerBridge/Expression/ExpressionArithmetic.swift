/// Exact decimal arithmetic for the expression language: `29.9 * 3` is `89.7` and `0.1 + 0.2`
/// is `0.3`, because numbers are decimal text and never pass through `Double`.
///
/// `apply` is the one entry point for the binary operators, `sum` and `avg`, so that its
/// backend can change without touching the evaluator.
enum ExpressionArithmetic {
    /// Results with more significant digits than this are `limitExceeded`: repeated
    /// multiplication must not grow numbers without bound.
    static let maxDigits = 36

    /// `a op b`. Division that does not terminate is rounded half-even to the available digits;
    /// division by zero is `notANumber`. `%` is the remainder of truncating division (its sign
    /// is the dividend's); `//` is floor division.
    static func apply(_ operation: ExpressionNode.ArithmeticOperator, _ a: JSONNumber, _ b: JSONNumber, column: Int) throws(ExpressionError) -> JSONNumber {
        func failure(_ kind: ExpressionError.Kind, _ reason: String) -> ExpressionError {
            ExpressionError(kind, column: column, "\(a.text) \(operation.symbol) \(b.text): \(reason)")
        }
        if let exact = integerResult(operation, a, b) { return exact }
        guard let x = ScaledInteger(a), let y = ScaledInteger(b) else {
            throw failure(.limitExceeded, "operands have more than \(maxDigits) significant digits")
        }
        let result: ScaledInteger?
        switch operation {
        case .add: result = x.adding(y)
        case .subtract: result = x.adding(y.negated)
        case .multiply: result = x.multiplied(by: y)
        case .divide, .modulo, .integerDivide:
            guard y.mantissa != 0 else { throw failure(.notANumber, "division by zero") }
            result = operation == .divide ? x.divided(by: y) : operation == .modulo ? x.remainder(y) : x.floorDivided(by: y)
        }
        guard let result else { throw failure(.limitExceeded, "result has more than \(maxDigits) significant digits") }
        return JSONNumber(parts: DecimalParts(negative: result.mantissa < 0, digits: result.digits, exponent: result.exponent))
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
        return overflow ? nil : JSONNumber(uncheckedText: String(result))
    }

    /// `-x`, exactly as written otherwise.
    static func negate(_ number: JSONNumber) -> JSONNumber {
        if number.text.hasPrefix("-") { return JSONNumber(uncheckedText: String(number.text.dropFirst())) }
        return DecimalParts(number).digits.isEmpty ? number : JSONNumber(uncheckedText: "-" + number.text)
    }

    /// `|x|`, exactly as written otherwise.
    static func absolute(_ number: JSONNumber) -> JSONNumber {
        number.text.hasPrefix("-") ? negate(number) : number
    }

    /// The largest integer not above `number`.
    static func floor(_ number: JSONNumber) -> JSONNumber { rounded(number, up: false) }

    /// The smallest integer not below `number`.
    static func ceiling(_ number: JSONNumber) -> JSONNumber { rounded(number, up: true) }

    private static func rounded(_ number: JSONNumber, up: Bool) -> JSONNumber {
        let parts = DecimalParts(number)
        guard parts.exponent < 0 else { return number }
        // Normalised parts have no trailing zero digit, so a negative exponent means a fraction.
        var whole = Array(parts.digits.dropLast(-parts.exponent))
        if up != parts.negative {
            var position = whole.count - 1
            while position >= 0, whole[position] == 9 {
                whole[position] = 0
                position -= 1
            }
            if position >= 0 { whole[position] += 1 } else { whole.insert(1, at: 0) }
        }
        return JSONNumber(parts: DecimalParts(negative: parts.negative, digits: whole, exponent: 0))
    }

    /// `number × 10^power`, exact for any power (how `seconds()` turns milliseconds into seconds).
    static func scaled(_ number: JSONNumber, byPowerOfTen power: Int) -> JSONNumber {
        var parts = DecimalParts(number)
        parts.exponent += power
        return JSONNumber(parts: parts)
    }
}

extension JSONNumber {
    /// The plain decimal text of `parts` (`89.7`, `-0.003`, `1700000000`), or scientific
    /// notation when that would be absurdly long (`1e400`).
    init(parts: DecimalParts) {
        let digits = String(decoding: parts.digits.map { $0 + 48 }, as: UTF8.self)
        let sign = parts.negative ? "-" : ""
        if parts.digits.isEmpty {
            self.init(uncheckedText: "0")
        } else if parts.exponent >= 0, parts.exponent <= 21 {
            self.init(uncheckedText: sign + digits + String(repeating: "0", count: parts.exponent))
        } else if parts.exponent < 0, -parts.exponent <= 30 {
            let point = digits.count + parts.exponent
            let text = point > 0
                ? digits.prefix(point) + "." + digits.dropFirst(point)
                : "0." + String(repeating: "0", count: -point) + digits
            self.init(uncheckedText: sign + text)
        } else {
            let fraction = digits.count > 1 ? "." + digits.dropFirst() : ""
            self.init(uncheckedText: sign + digits.prefix(1) + fraction + "e\(parts.exponent + digits.count - 1)")
        }
    }
}

/// mantissa × 10^exponent in 128 bits: the arithmetic backend until the project's arbitrary
/// precision decimal lands; `nil` results mean "too many digits".
private struct ScaledInteger {
    var mantissa: Int128
    var exponent: Int

    init(mantissa: Int128, exponent: Int) {
        self.mantissa = mantissa
        self.exponent = exponent
    }

    init?(_ number: JSONNumber) {
        let parts = DecimalParts(number)
        guard parts.digits.count <= ExpressionArithmetic.maxDigits else { return nil }
        var value: Int128 = 0
        for digit in parts.digits { value = value * 10 + Int128(digit) }
        mantissa = parts.negative ? -value : value
        exponent = parts.exponent
    }

    var negated: ScaledInteger { ScaledInteger(mantissa: -mantissa, exponent: exponent) }

    var digits: [UInt8] {
        var magnitude = mantissa.magnitude
        var digits: [UInt8] = []
        while magnitude > 0 {
            digits.append(UInt8(magnitude % 10))
            magnitude /= 10
        }
        return digits.reversed()
    }

    private static func power(_ exponent: Int) -> Int128? {
        var result: Int128 = 1
        for _ in 0..<exponent {
            let (next, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = next
        }
        return result
    }

    private static func withinDigits(_ value: Int128) -> Bool {
        guard let limit = power(ExpressionArithmetic.maxDigits) else { return false }
        return value.magnitude < limit.magnitude
    }

    /// Both mantissas at the smaller exponent.
    private func aligned(with other: ScaledInteger) -> (Int128, Int128, Int)? {
        let exponent = Swift.min(self.exponent, other.exponent)
        guard let scaleA = Self.power(self.exponent - exponent), let scaleB = Self.power(other.exponent - exponent) else { return nil }
        let (a, overflowA) = mantissa.multipliedReportingOverflow(by: scaleA)
        let (b, overflowB) = other.mantissa.multipliedReportingOverflow(by: scaleB)
        return overflowA || overflowB ? nil : (a, b, exponent)
    }

    private static func checked(_ mantissa: Int128, _ exponent: Int) -> ScaledInteger? {
        withinDigits(mantissa) ? ScaledInteger(mantissa: mantissa, exponent: exponent) : nil
    }

    func adding(_ other: ScaledInteger) -> ScaledInteger? {
        guard let (a, b, exponent) = aligned(with: other) else { return nil }
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : Self.checked(sum, exponent)
    }

    func multiplied(by other: ScaledInteger) -> ScaledInteger? {
        let (product, overflow) = mantissa.multipliedReportingOverflow(by: other.mantissa)
        return overflow ? nil : Self.checked(product, exponent + other.exponent)
    }

    /// Exact when the quotient terminates within the digit budget, else rounded half-even.
    func divided(by other: ScaledInteger) -> ScaledInteger? {
        var numerator = mantissa
        var shift = 0
        while numerator % other.mantissa != 0 {
            let (scaled, overflow) = numerator.multipliedReportingOverflow(by: 10)
            guard !overflow, Self.withinDigits(scaled) else { break }
            numerator = scaled
            shift += 1
        }
        var quotient = numerator / other.mantissa
        let remainder = numerator % other.mantissa
        let twice = remainder.magnitude * 2
        if twice > other.mantissa.magnitude || (twice == other.mantissa.magnitude && quotient % 2 != 0) {
            quotient += (numerator < 0) != (other.mantissa < 0) ? -1 : 1
        }
        return Self.checked(quotient, exponent - other.exponent - shift)
    }

    func remainder(_ other: ScaledInteger) -> ScaledInteger? {
        guard let (a, b, exponent) = aligned(with: other) else { return nil }
        return ScaledInteger(mantissa: a % b, exponent: exponent)
    }

    func floorDivided(by other: ScaledInteger) -> ScaledInteger? {
        guard let (a, b, _) = aligned(with: other) else { return nil }
        var quotient = a / b
        if a % b != 0, (a < 0) != (b < 0) { quotient -= 1 }
        return ScaledInteger(mantissa: quotient, exponent: 0)
    }
}
