@testable import DataLayerBridge
import Testing

/// The lexer's token texts and columns: it reads UTF-8 bytes, and must give every text as
/// written and every column in characters, past non-ASCII text too.
struct ExpressionLexerTests {
    static func kinds(_ source: String) throws -> [ExpressionToken.Kind] {
        try ExpressionLexer.tokenize(source).map(\.kind)
    }

    static func lexError(_ source: String) -> ExpressionError? {
        do {
            _ = try ExpressionLexer.tokenize(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func identifiersAndVariablesKeepTheirTextShortOrLong() throws {
        let long = "a_name_well_past_fifteen_bytes_9"
        #expect(try Self.kinds("x.\(long) | $\(long)") == [.identifier("x"), .dot, .identifier(long), .pipe, .variable(long), .end])
        #expect(try Self.kinds("_9×Z9") == [.identifier("_9"), .star, .identifier("Z9"), .end])
        #expect(try Self.kinds("$") == [.root, .end])
    }

    @Test func quotedIdentifiersKeepNonASCIIAndEscapes() throws {
        #expect(try Self.kinds(#""café"."\u00e9t\u00e9".plain"#) == [.quotedIdentifier("café"), .dot, .quotedIdentifier("été"), .dot, .identifier("plain"), .end])
        #expect(try Self.kinds(#""""#) == [.quotedIdentifier(""), .end])
        #expect(Self.lexError(#""čaj\x""#)?.reason == #"invalid quoted identifier "čaj\x""#)
    }

    @Test func columnsCountCharactersPastNonASCIIText() throws {
        let tokens = try ExpressionLexer.tokenize("'čaj' − ab")
        #expect(tokens.map(\.column) == [1, 7, 9, 11])
        #expect(tokens.map(\.endColumn) == [6, 8, 11, 11])
    }

    @Test func theThreeNonASCIIOperatorsAreOneCharacterEach() throws {
        let tokens = try ExpressionLexer.tokenize("a×b÷c−d*e/f-g")
        #expect(tokens.map(\.kind) == [.identifier("a"), .star, .identifier("b"), .divide, .identifier("c"), .minus, .identifier("d"),
                                       .star, .identifier("e"), .divide, .identifier("f"), .minus, .identifier("g"), .end])
        #expect(tokens.map(\.column) == Array(1...14))
    }

    @Test func anUnexpectedCharacterIsNamedWholeAtItsColumn() {
        #expect(Self.lexError("é")?.reason == "unexpected character 'é'")
        #expect(Self.lexError("'ü' ü")?.column == 5)
        #expect(Self.lexError("a ×× 😀")?.reason == "unexpected character '😀'")
        #expect(Self.lexError("a ×× 😀")?.column == 6)
        #expect(Self.lexError("\u{C3}")?.reason == "unexpected character 'Ã'")
        #expect(Self.lexError("a ~")?.reason == "unexpected character '~'")
    }

    @Test func stringsAndLiteralsKeepNonASCIIAndTheirEscapes() throws {
        #expect(try Self.kinds(#"'č\'a\ž' `"ü\`"`"#) == [.rawString(#"č'a\ž"#), .literal(.string("ü`")), .end])
        #expect(try Self.kinds("'\\é' x") == [.rawString("\\é"), .identifier("x"), .end])
        #expect(try Self.kinds("''") == [.rawString(""), .end])
        #expect(Self.lexError("'čaj\\'")?.reason == "unterminated raw string")
        #expect(Self.lexError("x `ž")?.column == 3)
    }

    /// `null`, `true` and `false` skip the JSON parser: each must read as the parser reads it,
    /// and anything near them must still go to the parser.
    @Test(arguments: ["null", "true", "false", " null", "null ", "nul", "nulll", "True", "NULL", "fals", "\"null\"", "[null]", "0", ""])
    func aKeywordLiteralReadsAsTheJSONParserReadsIt(_ json: String) throws {
        let parsed = Result { () throws(JSONError) in try JSONValue(parsing: json) }
        switch parsed {
        case .success(let value):
            #expect(try Self.kinds("`\(json)`") == [.literal(value), .end])
        case .failure(let error):
            #expect(Self.lexError("`\(json)`")?.reason.hasPrefix("invalid JSON literal: \(error.reason) (") == true)
        }
    }

    @Test func aTooLargeNumberIsQuotedUpToItsOverflowingDigit() {
        let error = Self.lexError("a[99999999999999999999]")
        #expect(error?.column == 3)
        #expect(error?.reason == "number 9999999999999999999… is too large")
    }
}
