/// DataLayer Bridge's own functions: what mapping dataLayer pushes to analytics envelopes needs
/// and JMESPath lacks.
extension ExpressionFunctions {
    static let dataLayer: [ExpressionFunction] = [
        ExpressionFunction("seconds", [[.number, .string, .null]]) { call, _ throws(ExpressionError) in
            switch call.value(0) {
            case .number(let number): return .number(unixSeconds(number))
            case .string(let text):
                if let number = number(reading: text) { return .number(unixSeconds(number)) }
                return try ISO8601.seconds(text, call).map(JSONValue.number) ?? .null
            default: return .null
            }
        },
        // Targets that want a date-time string (Hanzo's `timestamp`) from a push's UNIX time.
        ExpressionFunction("iso8601", [[.number, .string, .null]]) { call, _ throws(ExpressionError) in
            let seconds: JSONNumber?
            switch call.value(0) {
            case .number(let number): seconds = unixSeconds(number)
            case .string(let text):
                if let number = number(reading: text) { seconds = unixSeconds(number) } else { seconds = try ISO8601.seconds(text, call) }
            default: seconds = nil
            }
            guard let seconds, let text = try ISO8601.text(seconds, call) else { return .null }
            return .string(text)
        },
        ExpressionFunction("coalesce", [.any], variadic: true) { call, _ throws(ExpressionError) in
            for position in 0..<call.count where !call.value(position).isEmptyValue { return call.value(position) }
            return .null
        },
        ExpressionFunction("lookup", [.object, [.string, .number, .null]], optional: [.any]) { call, _ throws(ExpressionError) in
            let fallback = call.optionalValue(2) ?? .null
            switch call.value(1) {
            case .string(let key): return try call.object(0)[key] ?? fallback
            case .number(let number): return try call.object(0)[number.text] ?? fallback
            default: return fallback
            }
        },
        ExpressionFunction("slug", [[.string, .number, .null]]) { call, _ throws(ExpressionError) in
            switch call.value(0) {
            case .string(let text): return .string(slug(text))
            case .number(let number): return .string(slug(number.text))
            default: return .null
            }
        },
        // JMESPath's map() gives no element index; positions in a list need one.
        ExpressionFunction("enumerate", [.array]) { call, _ throws(ExpressionError) in
            .array(try call.array(0).enumerated().map { [.position($0.offset), $0.element] })
        },
        ExpressionFunction("uuid5", [.string, [.string, .number]]) { call, _ throws(ExpressionError) in
            let namespaceText = try call.string(0)
            guard let namespace = UUIDText.namespace(namespaceText) else {
                throw call.error(.invalidValue, "namespace must be a UUID or one of dns, url, oid, x500; got \"\(namespaceText)\"")
            }
            let name = call.value(1).stringValue ?? call.value(1).numberValue?.text ?? ""
            return .string(UUIDText.version5(namespace: namespace, name: name))
        },
    ]

    /// A UNIX time in seconds, milliseconds or microseconds (told apart by magnitude: below
    /// 10^11 is seconds — until the year 5138 —, below 10^14 milliseconds, otherwise
    /// microseconds) as seconds: an integer when exact, a decimal fraction otherwise.
    static func unixSeconds(_ number: JSONNumber) -> JSONNumber {
        integerUnixSeconds(number) ?? arithmeticUnixSeconds(number)
    }

    /// ``unixSeconds(_:)`` of an integer written plainly in at most 18 digits, worked out on its
    /// text: the magnitude is the digit count, and dividing by 10^3 or 10^6 moves the point.
    /// `nil` for any other number.
    static func integerUnixSeconds(_ number: JSONNumber) -> JSONNumber? {
        number.text.withBytes { bytes -> JSONNumber? in
            let negative = bytes.first == UInt8(ascii: "-")
            let digits = bytes.count - (negative ? 1 : 0)
            guard digits >= 1, digits <= 18 else { return nil }
            for position in (bytes.count - digits)..<bytes.count where bytes[position] &- UInt8(ascii: "0") > 9 { return nil }
            // `0` is the only integer with a leading zero; `-0` is left to the arithmetic, which drops its sign.
            if bytes[bytes.count - digits] == UInt8(ascii: "0") { return digits == 1 && !negative ? number : nil }
            let power = digits < 12 ? 0 : digits < 15 ? 3 : 6
            guard power > 0 else { return number }
            // At least 9 digits stay before the point, so no `0.` is ever needed.
            let point = bytes.count - power
            var end = bytes.count
            while end > point, bytes[end - 1] == UInt8(ascii: "0") { end -= 1 }
            return JSONNumber(uncheckedText: String(unsafeUninitializedCapacity: end == point ? point : end + 1) { buffer in
                var length = buffer.copy(UnsafeBufferPointer(rebasing: bytes[..<point]), at: 0)
                guard end > point else { return length }
                buffer[length] = UInt8(ascii: ".")
                length += 1
                return buffer.copy(UnsafeBufferPointer(rebasing: bytes[point..<end]), at: length)
            })
        }
    }

    /// ``unixSeconds(_:)`` by exact arithmetic, for any number.
    static func arithmeticUnixSeconds(_ number: JSONNumber) -> JSONNumber {
        if let value = Int64(number.text) {
            let magnitude = value.magnitude
            return ExpressionArithmetic.shifted(value, down: magnitude < 100_000_000_000 ? 0 : magnitude < 100_000_000_000_000 ? 3 : 6)
        }
        let magnitude = ExpressionArithmetic.absolute(number)
        let power = magnitude < JSONNumber(100_000_000_000) ? 0 : magnitude < JSONNumber(100_000_000_000_000) ? 3 : 6
        return ExpressionArithmetic.shifted(number, down: power)
    }

    /// Lower case ASCII letters, digits and `_`; any other run becomes one `_` (none next to an
    /// `_` already there, none at either end). Latin letters with diacritics fold to their base letter first (`á`→`a`, `č`→`c`,
    /// `ß`→`ss`, `ł`→`l`); other scripts count as separators.
    static func slug(_ text: String) -> String { asciiSlug(text) ?? foldedSlug(text) }

    /// ``slug(_:)`` of ASCII text, worked out on its bytes in one pass; `nil` when `text` holds a
    /// non-ASCII character.
    static func asciiSlug(_ text: String) -> String? {
        text.withBytes { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            // Never longer than the text: a `_` is only added in place of the separators it stands for.
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                let underscore = UInt8(ascii: "_")
                var end = 0
                var pendingSeparator = false
                for byte in bytes {
                    var kept = byte
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): kept = byte | 0x20
                    // Leading `_`s would be trimmed; skipping them changes no separator either,
                    // since none is added at the start.
                    case underscore where end == 0: continue
                    case underscore: break
                    default:
                        pendingSeparator = true
                        continue
                    }
                    if pendingSeparator, end > 0, buffer[end - 1] != underscore {
                        buffer[end] = underscore
                        end += 1
                    }
                    pendingSeparator = false
                    buffer[end] = kept
                    end += 1
                }
                while end > 0, buffer[end - 1] == underscore { end -= 1 }
                return end
            }
        }
    }

    /// ``slug(_:)`` scalar by scalar, folding Latin letters with diacritics.
    static func foldedSlug(_ text: String) -> String {
        // Built as bytes: every character of a slug is ASCII.
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var pendingSeparator = false
        func append(_ byte: UInt8) {
            if pendingSeparator, let last = result.last, last != UInt8(ascii: "_") { result.append(UInt8(ascii: "_")) }
            pendingSeparator = false
            result.append(byte)
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", "_":
                append(UInt8(scalar.value))
            case "A"..."Z":
                append(UInt8(scalar.value + 32))
            default:
                let folded = latinFolding(scalar)
                if folded.isEmpty { pendingSeparator = true } else { folded.utf8.forEach(append) }
            }
        }
        let start = result.firstIndex { $0 != UInt8(ascii: "_") } ?? result.endIndex
        let end = result.lastIndex { $0 != UInt8(ascii: "_") }.map { $0 + 1 } ?? start
        return String(decoding: result[start..<max(start, end)], as: UTF8.self)
    }

    /// ASCII for U+00C0…U+017F (Latin-1 Supplement letters and Latin Extended-A), by code point.
    private static let latinTable: [Substring] = """
        a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|ss|a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|\
        o|o|o|o|o||o|u|u|u|u|y|th|y|a|a|a|a|a|a|c|c|c|c|c|c|c|c|d|d|d|d|e|e|e|e|e|e|e|e|e|e|g|g|g|g|g|g|g|g|h|h|\
        h|h|i|i|i|i|i|i|i|i|i|i|ij|ij|j|j|k|k|k|l|l|l|l|l|l|l|l|l|l|n|n|n|n|n|n|n|n|n|o|o|o|o|o|o|oe|oe|r|r|r|r|\
        r|r|s|s|s|s|s|s|s|s|t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|u|u|w|w|y|y|y|z|z|z|z|z|z|s
        """.split(separator: "|", omittingEmptySubsequences: false)

    private static func latinFolding(_ scalar: Unicode.Scalar) -> Substring {
        let index = Int(scalar.value) - 0xC0
        return latinTable.indices.contains(index) ? latinTable[index] : ""
    }
}

extension JSONValue {
    /// `coalesce()`'s notion of "no value": null, `""`, `[]` and `{}` (but not `false` or `0`).
    var isEmptyValue: Bool {
        switch self {
        case .null: return true
        case .string(let string): return string.isEmpty
        case .array(let elements): return elements.isEmpty
        case .object(let object): return object.isEmpty
        case .bool, .number: return false
        }
    }
}

/// RFC 4122 name-based UUIDs.
enum UUIDText {
    /// The 16 bytes of a UUID written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (any case), or of one
    /// of RFC 4122's predefined namespaces by name.
    static func namespace(_ text: String) -> [UInt8]? {
        // A UUID's 36 bytes cannot lowercase to a 3- or 4-letter name: it is read as it is.
        if text.utf8.count == 36 { return parse(text) }
        switch text.lowercased() {
        case "dns": return parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
        case "url": return parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
        case "oid": return parse("6ba7b812-9dad-11d1-80b4-00c04fd430c8")
        case "x500": return parse("6ba7b814-9dad-11d1-80b4-00c04fd430c8")
        default: return nil
        }
    }

    static func parse(_ text: String) -> [UInt8]? {
        guard text.utf8.count == 36 else { return nil }
        return text.withBytes { utf8 -> [UInt8]? in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16)
            var position = 0
            // Groups of 8, 4, 4, 4 and 12 digits: no byte's two digits straddle a dash.
            while position < utf8.count {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard utf8[position] == UInt8(ascii: "-") else { return nil }
                    position += 1
                    continue
                }
                guard let high = Hex.value(of: utf8[position]), let low = Hex.value(of: utf8[position + 1]) else { return nil }
                bytes.append(high << 4 | low)
                position += 2
            }
            return bytes
        }
    }

    /// SHA-1 of namespace + UTF-8 name, truncated to 16 bytes, version 5 and RFC 4122 variant.
    static func version5(namespace: [UInt8], name: String) -> String {
        var sha = SHA1()
        sha.update(namespace)
        sha.update(name.utf8)
        let digest = sha.finish()
        // Written digit by digit at its final length: hexadecimal pieces joined cost several times more.
        return String(unsafeUninitializedCapacity: 36) { text in
            var end = 0
            for (index, byte) in digest.prefix(16).enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[end] = UInt8(ascii: "-")
                    end += 1
                }
                let value = index == 6 ? byte & 0x0F | 0x50 : index == 8 ? byte & 0x3F | 0x80 : byte
                for nibble in [value >> 4, value & 0x0F] {
                    text[end] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
                    end += 1
                }
            }
            return end
        }
    }
}

/// ISO 8601 / RFC 3339 date-times with an explicit offset, to UNIX seconds.
enum ISO8601 {
    /// `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH[:MM])` (`T` may be a space, letters any case) as
    /// UNIX seconds; `nil` when `text` is not such a date-time. Local times without an offset
    /// are refused: they name no instant.
    static func seconds(_ text: String, _ call: FunctionCall) throws(ExpressionError) -> JSONNumber? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
              let day = scanner.digits(2), scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
              let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2)
        else { return nil }
        var second = 0
        var fraction: [UInt8] = []
        if scanner.skip(":") {
            guard let value = scanner.digits(2) else { return nil }
            second = value
            if scanner.skip(".") || scanner.skip(",") {
                fraction = scanner.digitRun()
                guard !fraction.isEmpty, fraction.count <= 9 else { return nil }
            }
        }
        var offset = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else if let sign = scanner.sign(), let offsetHour = scanner.digits(2) {
            _ = scanner.skip(":")
            let offsetMinute = scanner.atEnd ? 0 : scanner.digits(2) ?? 99
            guard offsetHour <= 23, offsetMinute <= 59 else { return nil }
            offset = sign * (offsetHour * 3600 + offsetMinute * 60)
        } else {
            return nil
        }
        guard scanner.atEnd, (1...12).contains(month), (1...CivilCalendar.daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let whole = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second - offset
        guard !fraction.isEmpty else { return JSONNumber(whole) }
        let fractional = JSONNumber(uncheckedText: "0." + String(decoding: fraction, as: UTF8.self))
        return try ExpressionArithmetic.apply(.add, JSONNumber(whole), fractional, column: call.column)
    }

    /// UNIX seconds as `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC; the fraction exact to 9 digits, cut
    /// beyond, trailing zeros dropped); `nil` outside the years 0000–9999, which the format cannot write.
    static func text(_ seconds: JSONNumber, _ call: FunctionCall) throws(ExpressionError) -> String? {
        let floored = ExpressionArithmetic.floor(seconds)
        guard let whole = floored.int64Value, (-62_167_219_200...253_402_300_799).contains(whole) else { return nil }
        let fraction = try ExpressionArithmetic.apply(.subtract, seconds, floored, column: call.column)
        let nanoseconds = try ExpressionArithmetic.apply(.multiply, fraction, JSONNumber(1_000_000_000), column: call.column)
        let nanos = Int(ExpressionArithmetic.floor(nanoseconds).int64Value ?? 0)
        let days = Int(whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400)
        let secondOfDay = Int(whole) - days * 86_400
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3_600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if nanos > 0 {
            var digits = pad(nanos, 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        mutating func digitRun() -> [UInt8] {
            let start = position
            while position < bytes.count, bytes[position] &- 48 < 10 { position += 1 }
            return Array(bytes[start..<position])
        }

        /// Exactly `count` digits as a number.
        mutating func digits(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + count)] {
                guard byte &- 48 < 10 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            position += count
            return value
        }
    }
}
