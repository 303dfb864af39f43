@testable import DataLayerBridge
import Testing

/// The cache of short strings that materialisation goes through: it must return exactly the
/// string of the bytes asked for, whatever was cached before.
struct StringCacheTests {
    /// `text` through `cache`, prepared first as materialisation prepares it for each document.
    static func string(_ text: String, _ cache: inout StringCache) -> String {
        cache.prepare()
        return Array(text.utf8).withUnsafeBytes { cache.string($0) }
    }

    @Test func everyLookupGivesTheStringOfItsBytes() {
        var cache = StringCache()
        // Enough distinct keys for many to collide in 8,192 slots, each asked for twice,
        // with lengths 0 to 15 (made from their words), 16 to 256 (cached by a hash of them) and
        // beyond (made afresh), ASCII and not.
        let keys = (0..<5_000).map { number in
            ["", "a", "item_id", "Košile", "x\(number)", String(repeating: "k", count: number % 20) + "\(number)",
             String(repeating: "ř", count: number % 150) + "\(number % 7)", "https://shop.example/p/\(number % 300)?utm=\(number % 3)"][number % 8]
        }
        for round in 0..<2 {
            for key in keys { #expect(Self.string(key, &cache) == key, "round \(round)") }
        }
        // Same length, same first word, different second word; long ones differing only in the last byte.
        #expect(Self.string("abcdefgh12345678", &cache) == "abcdefgh12345678")
        #expect(Self.string("abcdefgh12345679", &cache) == "abcdefgh12345679")
        let long = String(repeating: "Doporučujeme ", count: 5)
        for ending in ["a", "b", "a", "ž"] { #expect(Self.string(long + ending, &cache) == long + ending) }
    }

    /// Two entries share each set of the table: with far more distinct long strings than entries,
    /// asked for in rotation, again in pairs and in reverse (so that sets fill, entries move to the
    /// front of their set and are pushed out of it), every string must still come back as itself.
    @Test func stringsSharingASetComeBackAsThemselves() {
        var cache = StringCache()
        let texts = (0..<9_000).map { number in
            number % 3 == 0 ? "Pánská bunda Husky \(number)" : "https://shop.example/produkt/\(number)?page=\(number % 5)"
        }
        for round in 0..<3 {
            for (index, text) in texts.enumerated() {
                #expect(Self.string(text, &cache) == text, "round \(round)")
                let partner = texts[(index * 7 + round) % texts.count]
                #expect(Self.string(partner, &cache) == partner, "round \(round)")
                #expect(Self.string(text, &cache) == text, "round \(round)")
            }
            for text in texts.reversed() { #expect(Self.string(text, &cache) == text, "round \(round)") }
        }
    }

    /// A long string is looked up by a hash of three of its words (first, middle, last) and its
    /// length: texts that agree in those and differ only in the bytes between (so share a tag and a
    /// set, where only two of them fit) must each come back as itself, found and made afresh in
    /// turn, ASCII and not, and beside texts of other lengths with the same hashed words.
    @Test func textsSharingTheirHashedWordsComeBackAsThemselves() {
        var cache = StringCache()
        var texts: [String] = []
        for length in [40, 41, 64, 100] {
            for variant in 0..<12 {
                var bytes = (0..<length).map { UInt8(97 + $0 % 26) }
                // Bytes 8..<16 are hashed by none of the three words at these lengths.
                let middle = length / 2 - 4
                #expect(middle >= 16 && middle + 8 <= length - 8)
                bytes[8] = UInt8(65 + variant)
                if variant % 3 == 0 { bytes.replaceSubrange(10...11, with: Array("é".utf8)) }
                texts.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        for round in 0..<3 {
            for text in texts + texts.reversed() + texts {
                let made = Self.string(text, &cache)
                let expected = String(decoding: Array(text.utf8), as: UTF8.self)
                #expect(made == text && made.utf8.elementsEqual(text.utf8), "\(text) round \(round)")
                #expect(unsafeBitCast(made, to: (UInt64, UInt64).self).0 == unsafeBitCast(expected, to: (UInt64, UInt64).self).0, "\(text) round \(round)")
            }
        }
    }

    /// UUID-shaped strings skip the table (an event id never comes again): they must still come back
    /// as themselves, and the test must take only strings of that exact shape.
    @Test func uuidShapedStringsBypassTheTable() {
        let uuid = "8a2a9c24-db48-4ee2-5588-9b91b5704770"
        let shaped = [uuid, "zzzzzzzz-žž-4ee2-5588-9b91b5704770", String(repeating: "-", count: 36)]
        let other = [String(uuid.dropLast()), uuid + "0", String(uuid.map { $0 == "-" ? "0" : $0 }),
                     "8a2a9c24xdb48-4ee2-5588-9b91b5704770", "8a2a9c24-db48-4ee2-5588x9b91b5704770"]
        for text in shaped { #expect(Array(text.utf8).withUnsafeBytes(StringCache.isUUIDShaped), "\(text)") }
        for text in other { #expect(!Array(text.utf8).withUnsafeBytes(StringCache.isUUIDShaped), "\(text)") }
        var cache = StringCache()
        for _ in 0..<3 {
            for text in shaped + other { #expect(Self.string(text, &cache) == text) }
        }
    }

    /// Short texts are made from two words read with overlapping loads, longer ones are cached by a
    /// hash of their words: texts of every length up to 17 that differ in a single byte, at every
    /// position, must each come back as themselves.
    @Test func textsDifferingInOneByteAreToldApart() {
        var cache = StringCache()
        for length in 1...17 {
            for position in 0..<length {
                let base = String((0..<length).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) })
                var changed = Array(base.utf8)
                changed[position] = UInt8(ascii: "Z")
                let other = String(decoding: changed, as: UTF8.self)
                for text in [base, other, base, other] { #expect(Self.string(text, &cache) == text, "\(text)") }
            }
        }
    }

    /// Strings of up to 15 bytes are made from their words: each must be, bit for bit, the string
    /// the stdlib makes of the same bytes (then it compares, hashes, counts and frees as that one
    /// does), for every length, ASCII or with letters of two, three and four bytes anywhere.
    @Test func shortStringsAreTheStdlibsBitForBit() {
        #expect(ShortText.smallStringLayoutHolds)
        var cache = StringCache()
        var texts = StringFastPathTests.strings(of: ["a", "Z", "0", " ", "é", "ř", "€", "😀", "\u{7F}"], upTo: 4)
        texts += ["abcdefghijklmno", "1714521611524", "39.63", "Oblečení", "bílá / L", "čokoláda 😀", "https://a.cz/x"]
        for length in 0...15 { texts.append(String(repeating: "x", count: length)) }
        var checked = 0
        for text in texts where text.utf8.count <= 15 {
            let made = Self.string(text, &cache)
            let expected = String(decoding: Array(text.utf8), as: UTF8.self)
            #expect(unsafeBitCast(made, to: (UInt64, UInt64).self) == unsafeBitCast(expected, to: (UInt64, UInt64).self), "\(text)")
            #expect(made == text && made.count == text.count && made.hashValue == text.hashValue, "\(text)")
            checked += 1
        }
        #expect(checked > 5_000)
    }

    /// Longer strings are made without validating their bytes again, told by the words they were
    /// hashed from whether they are ASCII: each must carry the flags word (count, ASCII, NFC) of
    /// the string the stdlib makes of the same bytes, first made and found again, with a letter
    /// beyond ASCII at every position (the last word read overlaps the one before it).
    @Test func longStringsCarryTheStdlibsFlags() {
        var cache = StringCache()
        var texts: [String] = []
        for length in [16, 17, 23, 24, 31, 36, 40, 100, 255, 256, 257, 300] {
            let ascii = String((0..<length).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) })
            texts.append(ascii)
            for position in 0..<(length - 1) where position < 40 || position > length - 10 {
                var bytes = Array(ascii.utf8)
                bytes.replaceSubrange(position...(position + 1), with: Array("é".utf8))
                texts.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        texts += ["Dámske topánky Höhenrausch Storm", "8a2a9c24-db48-4ee2-5588-9b91b5704770", "čokoláda 😀 čokoláda 😀 čokoláda"]
        // Through the cache (made, then found), and made without one as one-off conversions do.
        for round in 0..<3 {
            for text in texts {
                let made = round < 2 ? Self.string(text, &cache) : Array(text.utf8).withUnsafeBytes { String(validatedUTF8: $0) }
                let expected = String(decoding: Array(text.utf8), as: UTF8.self)
                #expect(unsafeBitCast(made, to: (UInt64, UInt64).self).0 == unsafeBitCast(expected, to: (UInt64, UInt64).self).0, "\(text) round \(round)")
                #expect(made == text && made.count == text.count && made.utf16.count == text.utf16.count && made.hashValue == text.hashValue)
            }
        }
    }

    /// Strings with escapes are decoded on the stack and made through the cache: each must come
    /// back as the text that was escaped, the same as the tape's own decoding (``JSONTape/string(_:)``)
    /// gives, for every escape, `\u` escapes of one to four UTF-8 bytes (a surrogate pair for the
    /// last), at the start, in the middle and at the end of short, long and very long text.
    @Test func escapedStringsDecodeThroughTheCache() throws {
        func escaped(_ text: String, unicode: Bool) -> String {
            var json = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case "/": json += "\\/"
                case "\n": json += "\\n"
                case "\t": json += "\\t"
                case "\r": json += "\\r"
                case "\u{08}": json += "\\b"
                case "\u{0C}": json += "\\f"
                default:
                    guard unicode, scalar.value >= 0x80 || scalar == "x" else { json.unicodeScalars.append(scalar); continue }
                    for unit in String(scalar).utf16 {
                        let hex = String(unit, radix: 16)
                        json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                }
            }
            return json
        }
        let pieces = ["\"", "\\", "/", "\n", "\t", "\r", "\u{08}", "\u{0C}", "é", "€", "😀", "\u{2028}", "x"]
        var texts: [String] = []
        for piece in pieces {
            for filler in ["", "ab", "Pánska bunda 3", String(repeating: "Dětské ", count: 5), String(repeating: "k", count: 300)] {
                texts += [piece + filler, filler + piece + filler, filler + piece, piece + piece]
            }
        }
        var parser = JSONParser()
        for unicode in [false, true] {
            let document = "[" + texts.map { "\"" + escaped($0, unicode: unicode) + "\"" }.joined(separator: ",") + "]"
            for round in 0..<2 {
                try Array(document.utf8).withUnsafeBytes { bytes in
                    let tape = try parser.parse(bytes)
                    let value = tape.value(tape.root, strings: &parser.strings)
                    let elements = try #require(value.arrayValue)
                    #expect(elements.count == texts.count)
                    for (index, node) in tape.children(tape.root).enumerated() where index < elements.count {
                        #expect(elements[index] == .string(texts[index]), "\(texts[index]) unicode \(unicode) round \(round)")
                        #expect(tape.string(node) == texts[index])
                        #expect(elements[index].stringValue?.utf8.count == texts[index].utf8.count)
                    }
                }
            }
        }
    }

    /// A cached long string is confirmed by comparing its words with the text's (the hash only
    /// picks the slot, and two texts of one hash seldom meet in a test): texts of 8 to 70 bytes
    /// that differ in a single byte, at every position, must be told apart, and equal ones not.
    @Test func cachedTextsAreConfirmedByEveryByte() {
        for length in 8...70 {
            let base = (0..<length).map { UInt8(truncatingIfNeeded: 97 + $0 * 7 % 26) }
            base.withUnsafeBufferPointer { cached in
                guard let start = cached.baseAddress else { return }
                #expect(base.withUnsafeBytes { StringCache.sameWords(start, $0, length) })
                for position in 0..<length {
                    var changed = base
                    changed[position] ^= 0x20
                    #expect(!changed.withUnsafeBytes { StringCache.sameWords(start, $0, length) }, "length \(length) at \(position)")
                }
            }
        }
    }

    @Test func aCopyDoesNotWriteTheTableItShares() {
        var original = StringCache()
        _ = Self.string("item_name", &original)
        var copy = original
        #expect(Self.string("price", &copy) == "price")
        #expect(Self.string("item_name", &original) == "item_name")
        #expect(Self.string("item_name", &copy) == "item_name")
    }

    @Test func documentsMaterialiseTheSameThroughTheCache() throws {
        var parser = JSONParser()
        let text = #"{"items":[{"item_id":"A","price":"1.0"},{"item_id":"B","item_name":"Košile \"x\"","price":2}],"event":"view_item_list"}"#
        let expected = try JSONValue(parsing: text)
        for _ in 0..<3 {
            let value = try Array(text.utf8).withUnsafeBytes { bytes in
                let tape = try parser.parse(bytes)
                return tape.value(tape.root, strings: &parser.strings)
            }
            #expect(value == expected && value.description == expected.description)
        }
    }
}
