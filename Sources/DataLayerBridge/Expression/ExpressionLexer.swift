/// One token of an expression, with the 1-based column where it starts.
struct ExpressionToken: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case quotedIdentifier(String)
        case rawString(String)
        case literal(JSONValue)
        /// A run of decimal digits; the parser attaches a preceding `-` where a signed number fits.
        case number(Int)
        case variable(String)
        case dot, star, lbracket, rbracket, flatten, filter, lbrace, rbrace, lparen, rparen
        case comma, colon, pipe, or, and, not, ampersand, current, root, assign, question
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        case plus, minus, divide, integerDivide, modulo
        case end
    }

    var kind: Kind
    /// 1-based column of the first character.
    var column: Int
    /// 1-based column just past the last character (adjacency checks such as `-1`).
    var endColumn: Int
}

/// Splits expression text into tokens. Works on the UTF-8 bytes (every token but a string or a
/// literal is ASCII, or one of three operator characters) and counts columns in Unicode scalars,
/// so that they count characters as an editor shows them; runs once per compile, never during
/// evaluation.
struct ExpressionLexer {
    private let bytes: [UInt8]
    /// The column of each byte offset (and of the end), for a source that is not all ASCII;
    /// empty when every byte is a character, and a column is the offset plus one.
    private let columns: [Int]
    private var position = 0

    /// Longest accepted expression text, in characters: beyond this compile time is the risk.
    static let maxSourceLength = 1 << 16

    private init(bytes: [UInt8], columns: [Int]) {
        self.bytes = bytes
        self.columns = columns
    }

    static func tokenize(_ source: String) throws(ExpressionError) -> [ExpressionToken] {
        let bytes = Array(source.utf8)
        var continuations = 0
        for byte in bytes where byte & 0xC0 == 0x80 { continuations += 1 }
        guard bytes.count - continuations <= maxSourceLength else {
            throw ExpressionError(.limitExceeded, column: maxSourceLength + 1, "expression is longer than \(maxSourceLength) characters")
        }
        var columns: [Int] = []
        if continuations > 0 {
            columns.reserveCapacity(bytes.count + 1)
            var column = 1
            for byte in bytes {
                columns.append(column)
                if byte & 0xC0 != 0x80 { column += 1 }
            }
            columns.append(column)
        }
        var lexer = ExpressionLexer(bytes: bytes, columns: columns)
        var tokens: [ExpressionToken] = []
        // Every token but the end takes a byte at least: one allocation, not a doubling per few tokens.
        tokens.reserveCapacity(bytes.count + 1)
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// The 1-based column, in characters, of the byte at `offset`.
    private func column(_ offset: Int) -> Int {
        columns.isEmpty ? offset + 1 : columns[offset]
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): return true
        default: return false
        }
    }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            position += 1
        }
        let start = position
        func token(_ kind: ExpressionToken.Kind, length: Int) -> ExpressionToken {
            position = start + length
            return ExpressionToken(kind: kind, column: column(start), endColumn: column(start + length))
        }
        guard let byte = peek() else { return token(.end, length: 0) }
        switch byte {
        case UInt8(ascii: "."): return token(.dot, length: 1)
        case UInt8(ascii: "*"): return token(.star, length: 1)
        case UInt8(ascii: "]"): return token(.rbracket, length: 1)
        case UInt8(ascii: "{"): return token(.lbrace, length: 1)
        case UInt8(ascii: "}"): return token(.rbrace, length: 1)
        case UInt8(ascii: "("): return token(.lparen, length: 1)
        case UInt8(ascii: ")"): return token(.rparen, length: 1)
        case UInt8(ascii: ","): return token(.comma, length: 1)
        case UInt8(ascii: ":"): return token(.colon, length: 1)
        case UInt8(ascii: "@"): return token(.current, length: 1)
        case UInt8(ascii: "?"): return token(.question, length: 1)
        case UInt8(ascii: "+"): return token(.plus, length: 1)
        case UInt8(ascii: "-"): return token(.minus, length: 1)
        case UInt8(ascii: "%"): return token(.modulo, length: 1)
        // U+00D7 × and U+00F7 ÷ in UTF-8.
        case 0xC3 where peek(1) == 0x97: return token(.star, length: 2)
        case 0xC3 where peek(1) == 0xB7: return token(.divide, length: 2)
        // U+2212 − in UTF-8.
        case 0xE2 where peek(1) == 0x88 && peek(2) == 0x92: return token(.minus, length: 3)
        case UInt8(ascii: "/"): return peek(1) == UInt8(ascii: "/") ? token(.integerDivide, length: 2) : token(.divide, length: 1)
        case UInt8(ascii: "["):
            switch peek(1) {
            case UInt8(ascii: "]"): return token(.flatten, length: 2)
            case UInt8(ascii: "?"): return token(.filter, length: 2)
            default: return token(.lbracket, length: 1)
            }
        case UInt8(ascii: "|"): return peek(1) == UInt8(ascii: "|") ? token(.or, length: 2) : token(.pipe, length: 1)
        case UInt8(ascii: "&"): return peek(1) == UInt8(ascii: "&") ? token(.and, length: 2) : token(.ampersand, length: 1)
        case UInt8(ascii: "!"): return peek(1) == UInt8(ascii: "=") ? token(.notEqual, length: 2) : token(.not, length: 1)
        case UInt8(ascii: "<"): return peek(1) == UInt8(ascii: "=") ? token(.lessEqual, length: 2) : token(.less, length: 1)
        case UInt8(ascii: ">"): return peek(1) == UInt8(ascii: "=") ? token(.greaterEqual, length: 2) : token(.greater, length: 1)
        case UInt8(ascii: "="): return peek(1) == UInt8(ascii: "=") ? token(.equal, length: 2) : token(.assign, length: 1)
        case UInt8(ascii: "$"):
            guard let first = peek(1), Self.isIdentifierStart(first) else { return token(.root, length: 1) }
            var end = start + 2
            while end < bytes.count, Self.isIdentifierPart(bytes[end]) { end += 1 }
            return token(.variable(text(start + 1, end)), length: end - start)
        case UInt8(ascii: "'"): return try rawString()
        case UInt8(ascii: "\""): return try quotedIdentifier()
        case UInt8(ascii: "`"): return try literal()
        default:
            if Self.isIdentifierStart(byte) {
                var end = start + 1
                while end < bytes.count, Self.isIdentifierPart(bytes[end]) { end += 1 }
                return token(.identifier(text(start, end)), length: end - start)
            }
            if Self.isDigit(byte) {
                var end = start
                var value = 0
                while end < bytes.count, Self.isDigit(bytes[end]) {
                    let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(Int(bytes[end] - UInt8(ascii: "0")))
                    guard !overflow1, !overflow2 else {
                        throw ExpressionError(.syntax, column: column(start), "number \(text(start, end + 1))… is too large")
                    }
                    value = sum
                    end += 1
                }
                return token(.number(value), length: end - start)
            }
            let scalar = String(decoding: bytes[start...].prefix(4), as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
            throw ExpressionError(.syntax, column: column(start), "unexpected character '\(scalar.escaped(asASCII: false))'")
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The index of the closing `delimiter`, skipping backslash escapes. Skipping one byte of an
    /// escaped multi-byte character is enough: the rest are never an ASCII delimiter.
    private func closing(_ delimiter: UInt8, what: String) throws(ExpressionError) -> Int {
        var index = position + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
            } else if bytes[index] == delimiter {
                return index
            } else {
                index += 1
            }
        }
        throw ExpressionError(.syntax, column: column(position), "unterminated \(what)")
    }

    /// The bytes between `start` and `end` (the delimiters), each backslash before `delimiter` dropped.
    private func unescaping(_ delimiter: UInt8, from start: Int, to end: Int) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(end - start - 1)
        var index = start + 1
        while index < end {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < end, bytes[index + 1] == delimiter { index += 1 }
            text.append(bytes[index])
            index += 1
        }
        return text
    }

    /// `'text'`: only `\'` is an escape; every other backslash is kept, as the compliance suite has it.
    private mutating func rawString() throws(ExpressionError) -> ExpressionToken {
        let start = position
        let end = try closing(UInt8(ascii: "'"), what: "raw string")
        position = end + 1
        return ExpressionToken(kind: .rawString(String(decoding: unescaping(UInt8(ascii: "'"), from: start, to: end), as: UTF8.self)), column: column(start), endColumn: column(end + 1))
    }

    /// `"name"`: a JSON string, escapes and all.
    private mutating func quotedIdentifier() throws(ExpressionError) -> ExpressionToken {
        let start = position
        let end = try closing(UInt8(ascii: "\""), what: "quoted identifier")
        let json = text(start, end + 1)
        guard let value = try? JSONValue(parsing: json), case .string(let name) = value else {
            throw ExpressionError(.syntax, column: column(start), "invalid quoted identifier \(json)")
        }
        position = end + 1
        return ExpressionToken(kind: .quotedIdentifier(name), column: column(start), endColumn: column(end + 1))
    }

    /// `` `json` ``: strict JSON after unescaping `` \` ``. JMESPath's deprecated unquoted-string
    /// form (`` `foo` `` meaning `"foo"`) is rejected: raw strings (`'foo'`) say it unambiguously.
    private mutating func literal() throws(ExpressionError) -> ExpressionToken {
        let start = position
        let end = try closing(UInt8(ascii: "`"), what: "literal")
        let json = unescaping(UInt8(ascii: "`"), from: start, to: end)
        let value: JSONValue
        if let keyword = Self.keyword(json) {
            value = keyword
        } else {
            do {
                value = try JSONValue(parsing: json)
            } catch {
                throw ExpressionError(.syntax, column: column(start), "invalid JSON literal: \(error.reason) (a string literal needs quotes: `\"text\"` or 'text')")
            }
        }
        position = end + 1
        return ExpressionToken(kind: .literal(value), column: column(start), endColumn: column(end + 1))
    }

    /// `null`, `true` or `false` written alone: most of a mapping's literals, read without
    /// setting up a JSON parser.
    private static func keyword(_ json: [UInt8]) -> JSONValue? {
        if json.elementsEqual("null".utf8) { return .null }
        if json.elementsEqual("true".utf8) { return .bool(true) }
        if json.elementsEqual("false".utf8) { return .bool(false) }
        return nil
    }
}
