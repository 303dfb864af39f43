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
        number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .down).jsonNumber
    }

    /// The smallest integer not below `number`.
    static func ceiling(_ number: JSONNumber) -> JSONNumber {
        number.isInteger ? number : number.decimalValue.rounded(scale: 0, rule: .up).jsonNumber
    }

    /// `number / 10^power`, exact (how `seconds()` turns milliseconds into seconds).
    static func shifted(_ number: JSONNumber, down power: Int) -> JSONNumber {
        var divisor: ExactDecimal = 1
        for _ in 0..<power { divisor = divisor * 10 }
        return (number.decimalValue.divided(by: divisor) ?? number.decimalValue).jsonNumber
    }
}
