@testable import DataLayerBridge
import Testing

/// The lexer's token texts and columns: identifiers are copied as ASCII bytes, anything else
/// scalar by scalar, and both must give the text as written.
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

    @Test func aTooLargeNumberIsQuotedUpToItsOverflowingDigit() {
        let error = Self.lexError("a[99999999999999999999]")
        #expect(error?.column == 3)
        #expect(error?.reason == "number 9999999999999999999… is too large")
    }
}
