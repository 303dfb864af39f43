/// A JSON number kept as its exact source text.
///
/// A 19-digit `client_id` such as `6667519810961010000`, `1e400` and
/// `0.1000000000000000055511151231257827` all survive a parse and re-write byte for byte. Numbers
/// compare by exact decimal value (`1`, `1.0` and `10e-1` are equal), never through `Double`.
public struct JSONNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number as written, in JSON number syntax.
    public let text: String

    /// Wraps text already known to be a valid JSON number (the parser's path).
    init(uncheckedText text: String) { self.text = text }

    /// Creates a number from JSON number text; `nil` when `text` is not a valid JSON number.
    public init?(text: String) {
        let utf8 = Array(text.utf8)
        let valid = utf8.withUnsafeBytes { JSONNumberSyntax.length(of: $0, at: 0) == utf8.count }
        guard valid else { return nil }
        self.text = text
    }

    /// Creates a number from an integer.
    public init(_ value: Int) { self.text = String(value) }

    /// Creates a number from a finite `Double` in its shortest round-trip form (`15`, not `15.0`);
    /// `nil` for NaN and the infinities, which JSON cannot carry.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            self.text = String(Int64(value))
        } else {
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            self.text = text
        }
    }

    public var description: String { text }

    /// The value as a `Double` (rounded to nearest; ±infinity when out of range).
    public var doubleValue: Double { Double(text) ?? .nan }

    /// The value as an exact `Int64`, when it is an integer in range (`1e2` and `100.0` count).
    public var int64Value: Int64? {
        if let direct = Int64(text) { return direct }
        let parts = DecimalParts(self)
        guard parts.exponent >= 0, parts.exponent <= 18 else { return parts.digits.isEmpty ? 0 : nil }
        var magnitude: Int64 = 0
        for digit in parts.digits {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        for _ in 0..<parts.exponent {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            magnitude = times10
        }
        return parts.negative ? -magnitude : magnitude
    }

    /// `true` when the value is a whole number (`3`, `3.0`, `3e2`).
    public var isInteger: Bool {
        // Text without a fraction or an exponent is an integer; only the rest needs its digits.
        // The bytes are searched in place: through the generic `UTF8View` iterator the search cost
        // as much as the rest of an envelope's type checks.
        let isPlain = text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: Self.isFractionOrExponent) }
            ?? !text.utf8.contains(where: Self.isFractionOrExponent)
        return isPlain || DecimalParts(self).exponent >= 0
    }

    /// `.`, `e` or `E`: the bytes that make number text more than an integer's digits.
    private static func isFractionOrExponent(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.text == rhs.text { return true }
        if let a = Int64(lhs.text), let b = Int64(rhs.text) { return a == b }
        return DecimalParts(lhs) == DecimalParts(rhs)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(DecimalParts(self)) }

    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        // Plain integer text (the common case: indexes, positions, timestamps) compares without
        // splitting into digits.
        if let a = Int64(lhs.text), let b = Int64(rhs.text) { return a < b }
        return DecimalParts(lhs) < DecimalParts(rhs)
    }
}

/// A number's exact value as sign × digits × 10^exponent, with no leading or trailing zero digit,
/// so that equal values have equal parts. Zero is no digits and not negative.
struct DecimalParts: Hashable, Comparable {
    var negative: Bool
    /// Decimal digits, most significant first, each 0...9.
    var digits: [UInt8]
    var exponent: Int

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        var digits = digits
        var exponent = exponent
        let firstNonZero = digits.firstIndex { $0 != 0 } ?? digits.endIndex
        digits.removeFirst(firstNonZero)
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        self.negative = negative && !digits.isEmpty
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
    }

    /// Splits valid JSON number text. Exponents are clamped far beyond any meaningful value so that
    /// absurd inputs such as `1e99999999999999999999` stay ordered instead of overflowing.
    init(_ number: JSONNumber) {
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var exponentNegative = false
        var state = 0  // 0 integer part, 1 fraction, 2 exponent
        for byte in number.text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): if state == 2 { exponentNegative = true } else { negative = true }
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): state = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): state = 2
            default:
                let digit = Int(byte &- UInt8(ascii: "0"))
                if state == 2 {
                    if exponent < 1_000_000_000_000 { exponent = exponent * 10 + digit }
                } else {
                    digits.append(UInt8(digit))
                    if state == 1 { fractionDigits += 1 }
                }
            }
        }
        self.init(negative: negative, digits: digits, exponent: (exponentNegative ? -exponent : exponent) - fractionDigits)
    }

    static func < (lhs: DecimalParts, rhs: DecimalParts) -> Bool {
        if lhs.negative != rhs.negative { return lhs.negative }
        return lhs.negative ? rhs.magnitudeLess(than: lhs) : lhs.magnitudeLess(than: rhs)
    }

    private func magnitudeLess(than other: DecimalParts) -> Bool {
        if digits.isEmpty || other.digits.isEmpty { return digits.isEmpty && !other.digits.isEmpty }
        let magnitude = digits.count + exponent
        let otherMagnitude = other.digits.count + other.exponent
        if magnitude != otherMagnitude { return magnitude < otherMagnitude }
        return digits.lexicographicallyPrecedes(other.digits)
    }
}

/// The JSON number grammar, shared by the parser and by `JSONNumber(text:)`.
enum JSONNumberSyntax {
    /// The length of the number starting at `start`, or `nil` when the bytes there are not a valid
    /// JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    @inline(__always)
    static func length(of bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        let count = bytes.count
        var index = start
        @inline(__always) func isDigit(_ i: Int) -> Bool { i < count && bytes[i] &- 0x30 < 10 }
        if index < count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return nil }
            while isDigit(index) { index += 1 }
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return nil }
            while isDigit(index) { index += 1 }
        }
        return index - start
    }
}

extension JSONValue {
    /// The number `index` (not negative): from a table made once for the positions lists usually
    /// have, since writing an integer as text costs more than the rest of `enumerate`'s pair.
    static func position(_ index: Int) -> JSONValue {
        index < smallPositions.count ? smallPositions[index] : .number(JSONNumber(index))
    }

    private static let smallPositions: [JSONValue] = (0..<256).map { .number(JSONNumber($0)) }
}
