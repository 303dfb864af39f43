@testable import DataLayerBridge
import Foundation
import Testing

/// `\u` digits are read four at a time from one word, and decoding copies the text between escapes
/// a word at a time; both must give what reading a byte at a time gives, wherever an escape falls.
struct EscapeFastPathTests {
    /// The four digits at `bytes` one at a time, as the parser read them before.
    static func oneAtATime(_ bytes: [UInt8]) -> UInt16? {
        var value: UInt16 = 0
        for byte in bytes {
            guard let digit = Hex.value(of: byte) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    static func fourAtOnce(_ bytes: [UInt8]) -> UInt16? {
        bytes.withUnsafeBytes { Hex.value(ofFour: $0.loadUnaligned(as: UInt32.self)) }
    }

    @Test func everyByteInEveryPlaceOfFourDigits() {
        let fillers = Array("09afAF".utf8)
        for place in 0..<4 {
            for filler in fillers {
                for byte in UInt8.min...UInt8.max {
                    var digits = [UInt8](repeating: filler, count: 4)
                    digits[place] = byte
                    #expect(Self.fourAtOnce(digits) == Self.oneAtATime(digits), "\(digits)")
                }
            }
        }
    }

    @Test func randomWordsAndWordsOfDigits() {
        var generator = SplitMix64(seed: 0x5C75)
        let digits = Array("0123456789abcdefABCDEF".utf8)
        for _ in 0..<50_000 {
            let random = (0..<4).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            #expect(Self.fourAtOnce(random) == Self.oneAtATime(random), "\(random)")
            let valid = (0..<4).map { _ in digits.randomElement(using: &generator)! }
            #expect(Self.fourAtOnce(valid) != nil && Self.fourAtOnce(valid) == Self.oneAtATime(valid), "\(valid)")
        }
    }

    /// String contents with escapes of every kind at every offset of the first words, between
    /// runs of plain and non-ASCII text of every length up to two words.
    static let contents: [String] = {
        let escapes = [#"\n"#, #"\""#, #"\\"#, #"\/"#, #"\b\f\r\t"#, #"\u0041"#, #"\u00e9"#, #"\u017E"#, #"\u20AC"#,
                       #"\ud83d\ude00"#, #"\u005C"#, #"\u0000"#, #"\u2028"#]
        let plain = "abcdefghijklmnopq"
        var contents: [String] = []
        for escape in escapes {
            for before in 0...17 {
                for after in [0, 1, 7, 8, 9, 17] {
                    contents.append(String(plain.prefix(before)) + escape + String(plain.suffix(after)))
                    contents.append(String(plain.prefix(before)) + escape + "é" + escape + String(plain.suffix(after)))
                }
            }
        }
        // Exported text with every non-ASCII letter escaped, and the same run of escapes alone.
        contents.append(#"D\u00e1mske top\u00e1nky H\u00f6henrausch \u201eStorm\u201c \u2022 \u017dilina"#)
        contents.append(String(repeating: #"\u00e1"#, count: 20))
        return contents
    }()

    @Test(arguments: contents)
    func decodingAgreesWithFoundation(_ content: String) throws {
        let document = Array("\"\(content)\"".utf8)
        let expected = try #require(JSONSerialization.jsonObject(with: Data(document), options: .fragmentsAllowed) as? String)
        var parser = JSONParser()
        try document.withUnsafeBytes { bytes in
            let tape = try parser.parse(bytes)
            #expect(tape.string(0) == expected)
            #expect(tape.value(0) == .string(expected))
            var strings = StringCache()
            #expect(tape.value(0, strings: &strings) == .string(expected))
        }
    }
}
