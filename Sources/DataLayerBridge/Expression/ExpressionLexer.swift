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

/// Splits expression text into tokens. Works on Unicode scalars so that columns count
/// characters, as an editor shows them; runs once per compile, never during evaluation.
struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    /// Longest accepted expression text, in characters: beyond this compile time is the risk.
    static let maxSourceLength = 1 << 16

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    static func tokenize(_ source: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source)
        guard lexer.scalars.count <= maxSourceLength else {
            throw ExpressionError(.limitExceeded, column: maxSourceLength + 1, "expression is longer than \(maxSourceLength) characters")
        }
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = position + offset
        return index < scalars.count ? scalars[index] : nil
    }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "_": return true
        default: return false
        }
    }

    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
        let start = position
        func token(_ kind: ExpressionToken.Kind, length: Int) -> ExpressionToken {
            position = start + length
            return ExpressionToken(kind: kind, column: start + 1, endColumn: start + length + 1)
        }
        guard let scalar = peek() else { return token(.end, length: 0) }
        switch scalar {
        case ".": return token(.dot, length: 1)
        case "*", "\u{D7}": return token(.star, length: 1)
        case "]": return token(.rbracket, length: 1)
        case "{": return token(.lbrace, length: 1)
        case "}": return token(.rbrace, length: 1)
        case "(": return token(.lparen, length: 1)
        case ")": return token(.rparen, length: 1)
        case ",": return token(.comma, length: 1)
        case ":": return token(.colon, length: 1)
        case "@": return token(.current, length: 1)
        case "?": return token(.question, length: 1)
        case "+": return token(.plus, length: 1)
        case "-", "\u{2212}": return token(.minus, length: 1)
        case "%": return token(.modulo, length: 1)
        case "\u{F7}": return token(.divide, length: 1)
        case "/": return peek(1) == "/" ? token(.integerDivide, length: 2) : token(.divide, length: 1)
        case "[":
            switch peek(1) {
            case "]": return token(.flatten, length: 2)
            case "?": return token(.filter, length: 2)
            default: return token(.lbracket, length: 1)
            }
        case "|": return peek(1) == "|" ? token(.or, length: 2) : token(.pipe, length: 1)
        case "&": return peek(1) == "&" ? token(.and, length: 2) : token(.ampersand, length: 1)
        case "!": return peek(1) == "=" ? token(.notEqual, length: 2) : token(.not, length: 1)
        case "<": return peek(1) == "=" ? token(.lessEqual, length: 2) : token(.less, length: 1)
        case ">": return peek(1) == "=" ? token(.greaterEqual, length: 2) : token(.greater, length: 1)
        case "=": return peek(1) == "=" ? token(.equal, length: 2) : token(.assign, length: 1)
        case "$":
            guard let first = peek(1), Self.isIdentifierStart(first) else { return token(.root, length: 1) }
            var end = start + 2
            while end < scalars.count, Self.isIdentifierPart(scalars[end]) { end += 1 }
            return token(.variable(text(start + 1, end)), length: end - start)
        case "'": return try rawString()
        case "\"": return try quotedIdentifier()
        case "`": return try literal()
        default:
            if Self.isIdentifierStart(scalar) {
                var end = start + 1
                while end < scalars.count, Self.isIdentifierPart(scalars[end]) { end += 1 }
                return token(.identifier(text(start, end)), length: end - start)
            }
            if Self.isDigit(scalar) {
                var end = start
                var value = 0
                while end < scalars.count, Self.isDigit(scalars[end]) {
                    let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(Int(scalars[end].value - 48))
                    guard !overflow1, !overflow2 else {
                        throw ExpressionError(.syntax, column: start + 1, "number \(text(start, end + 1))… is too large")
                    }
                    value = sum
                    end += 1
                }
                return token(.number(value), length: end - start)
            }
            throw ExpressionError(.syntax, column: start + 1, "unexpected character '\(scalar.escaped(asASCII: false))'")
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        let slice = scalars[start..<end]
        // Identifiers are ASCII: bytes written straight into the string cost a tenth of
        // appending scalar by scalar to a `String.UnicodeScalarView`.
        guard slice.allSatisfy(\.isASCII) else {
            var string = String.UnicodeScalarView()
            string.append(contentsOf: slice)
            return String(string)
        }
        return String(unsafeUninitializedCapacity: slice.count) { buffer in
            for (offset, scalar) in zip(buffer.indices, slice) { buffer[offset] = UInt8(truncatingIfNeeded: scalar.value) }
            return slice.count
        }
    }

    /// The index of the closing `delimiter`, skipping backslash escapes.
    private func closing(_ delimiter: Unicode.Scalar, what: String) throws(ExpressionError) -> Int {
        var index = position + 1
        while index < scalars.count {
            if scalars[index] == "\\" {
                index += 2
            } else if scalars[index] == delimiter {
                return index
            } else {
                index += 1
            }
        }
        throw ExpressionError(.syntax, column: position + 1, "unterminated \(what)")
    }

    /// `'text'`: only `\'` is an escape; every other backslash is kept, as the compliance suite has it.
    private mutating func rawString() throws(ExpressionError) -> ExpressionToken {
        let start = position
        let end = try closing("'", what: "raw string")
        var string = String.UnicodeScalarView()
        var index = start + 1
        while index < end {
            if scalars[index] == "\\", index + 1 < end, scalars[index + 1] == "'" {
                index += 1
            }
            string.append(scalars[index])
            index += 1
        }
        position = end + 1
        return ExpressionToken(kind: .rawString(String(string)), column: start + 1, endColumn: end + 2)
    }

    /// `"name"`: a JSON string, escapes and all.
    private mutating func quotedIdentifier() throws(ExpressionError) -> ExpressionToken {
        let start = position
        let end = try closing("\"", what: "quoted identifier")
        let json = text(start, end + 1)
        guard let value = try? JSONValue(parsing: json), case .string(let name) = value else {
            throw ExpressionError(.syntax, column: start + 1, "invalid quoted identifier \(json)")
        }
        position = end + 1
        return ExpressionToken(kind: .quotedIdentifier(name), column: start + 1, endColumn: end + 2)
    }

    /// `` `json` ``: strict JSON after unescaping `` \` ``. JMESPath's deprecated unquoted-string
    /// form (`` `foo` `` meaning `"foo"`) is rejected: raw strings (`'foo'`) say it unambiguously.
    private mutating func literal() throws(ExpressionError) -> ExpressionToken {
        let start = position
        let end = try closing("`", what: "literal")
        var json = String.UnicodeScalarView()
        var index = start + 1
        while index < end {
            if scalars[index] == "\\", index + 1 < end, scalars[index + 1] == "`" { index += 1 }
            json.append(scalars[index])
            index += 1
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: String(json))
        } catch {
            throw ExpressionError(.syntax, column: start + 1, "invalid JSON literal: \(error.reason) (a string literal needs quotes: `\"text\"` or 'text')")
        }
        position = end + 1
        return ExpressionToken(kind: .literal(value), column: start + 1, endColumn: end + 2)
    }
}
