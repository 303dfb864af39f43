@testable import DataLayerBridge
import Testing

/// The string functions work on UTF-8 bytes where they can and fall back to Unicode scalar
/// processing where they cannot; each fast path must give exactly what the general path gives.
struct StringFastPathTests {
    /// Inputs the byte paths find hard: non-ASCII letters of two and three UTF-8 bytes, combining
    /// marks, mappings that change length (`İ`, `ß`, `ŉ`), final sigma, white space outside ASCII,
    /// separators at the ends and repeated, the empty string.
    static let tricky = [
        "", " ", "a", "Dětské", "DĚTSKÉ", "category_kids", "Outdoor > Kids > Shoes", " > a >> b > ", ">", ">>",
        "İstanbul", "straße", "STRASSE", "ŉ", "ΟΔΟΣ", "ὈΔΥΣΣΕΎΣ", "Σ", "ǅ", "ı", "e\u{301}", "E\u{301}\u{302}",
        "\u{A0}a\u{A0}", "\u{3000}x\u{3000}", "\u{85}y\u{85}", " \t\n\u{B}\u{C}\r", "\u{1C}z\u{1F}", "Ab\u{2028}",
        "日本語", "x😀y", "K\u{212A}", "ÿ", "µ", "Ǆǅǆ", "ﬁ", "ΐ", "Ꭰ", "GA1.2.1722335976.1710361409", "..a..",
        "😀 a 😀", " \u{2003}日\u{2029}", "\u{1680}é", "Spací pytle ",
    ]

    /// Every string of up to `length` elements of `alphabet`.
    static func strings(of alphabet: [String], upTo length: Int) -> [String] {
        var all = [""]
        var last = [""]
        for _ in 0..<length {
            last = last.flatMap { prefix in alphabet.map { prefix + $0 } }
            all += last
        }
        return all
    }

    @Test func caseMappingEqualsTheStdlibs() {
        var inputs = Self.tricky + Self.strings(of: ["a", "Z", "é", "Σ", "ß", "İ", " "], upTo: 3)
        // Every scalar of two UTF-8 bytes, between ASCII letters.
        inputs += (UInt32(0x80)...0x7FF).compactMap(Unicode.Scalar.init).map { "Ab\($0)yZ" }
        for input in inputs {
            #expect((input.caseMapped(upper: false) ?? input.lowercased()) == input.lowercased(), "lower(\(input))")
            #expect((input.caseMapped(upper: true) ?? input.uppercased()) == input.uppercased(), "upper(\(input))")
            // Byte for byte, not only canonically equivalent.
            #expect(Array((input.caseMapped(upper: false) ?? input.lowercased()).utf8) == Array(input.lowercased().utf8))
        }
    }

    @Test func caseMappingTakesTheByteRouteForTwoByteLetters() {
        #expect("Dětské".caseMapped(upper: false) == "dětské")
        #expect("Dětské".caseMapped(upper: true) == "DĚTSKÉ")
        #expect("ΟΔΟΣ".caseMapped(upper: false) == "οδοσ")
        // Mappings that are not one scalar of two bytes, and three-byte scalars, go to the stdlib.
        #expect("İ".caseMapped(upper: false) == nil)
        #expect("ß".caseMapped(upper: true) == nil)
        #expect("ı".caseMapped(upper: true) == nil)
        #expect("日本".caseMapped(upper: false) == nil)
    }

    @Test func caseMappingFromManyThreadsAtOnceEqualsTheStdlibs() async {
        // Blocks of the table are mapped on first use; threads asking for the same blocks at once
        // must all read finished mappings.
        let inputs = (UInt32(0x100)...0x7FF).compactMap(Unicode.Scalar.init).map { "x\($0)Y" }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for part in 0..<8 {
                group.addTask {
                    stride(from: part, to: inputs.count, by: 8).filter { index in
                        let input = inputs[index]
                        return (input.caseMapped(upper: true) ?? input.uppercased()) != input.uppercased()
                    }.count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func substringTestsCompareBytes() {
        let inputs = Self.tricky + ["GA1.", "GA1", "1722335976.1710361409", "409", "e", "\u{301}", "Σ", "😀y", "autocomplete", "top-autocomplete-box"]
        for subject in inputs {
            let bytes = Array(subject.utf8)
            for part in inputs {
                let pattern = Array(part.utf8)
                let anywhere = pattern.count <= bytes.count && (0...(bytes.count - pattern.count)).contains { Array(bytes[$0..<$0 + pattern.count]) == pattern }
                #expect(subject.holdsBytes(of: part, at: .anywhere) == anywhere, "contains(\(subject), \(part))")
                #expect(subject.holdsBytes(of: part, at: .start) == subject.utf8.starts(with: part.utf8), "starts_with(\(subject), \(part))")
                #expect(subject.holdsBytes(of: part, at: .end) == subject.utf8.reversed().starts(with: part.utf8.reversed()), "ends_with(\(subject), \(part))")
            }
        }
    }

    @Test func scalarCountIsTheStdlibs() {
        for input in Self.tricky + Self.strings(of: ["a", "é", "日", "😀", "\u{301}"], upTo: 3) {
            #expect(input.scalarCount == input.unicodeScalars.count, "\(input)")
        }
    }

    @Test func trimmingEqualsTheScalarPath() {
        let inputs = Self.tricky + Self.strings(of: [" ", "\t", "a", "\u{A0}", "é", "\u{3000}", "\u{85}", "x"], upTo: 3)
        for input in inputs {
            for set in ["", " ", "ax", " \t", "é", " \u{A0}", "\u{3000}"] {
                for (leading, trailing) in [(true, true), (true, false), (false, true)] {
                    let general = ExpressionFunctions.trimmed(input, stripping: set, leading: leading, trailing: trailing)
                    let fast = input.asciiTrimmed(stripping: set, leading: leading, trailing: trailing)
                    #expect((fast ?? general) == general, "trim(\(input.debugDescription), \(set.debugDescription), \(leading), \(trailing))")
                }
            }
        }
        #expect(" a ".asciiTrimmed(stripping: "", leading: true, trailing: true) == "a")
        #expect("\u{A0}a".asciiTrimmed(stripping: "", leading: true, trailing: true) == nil)
        #expect("\u{A0}a ".asciiTrimmed(stripping: "", leading: false, trailing: true) == "\u{A0}a")
        #expect("ab".asciiTrimmed(stripping: "é", leading: true, trailing: true) == nil)
        // A non-ASCII letter at an end ends the trim on bytes; only non-ASCII white space needs scalars.
        #expect(" Dětské ".asciiTrimmed(stripping: "", leading: true, trailing: true) == "Dětské")
        #expect("é\u{A0}".asciiTrimmed(stripping: "", leading: true, trailing: true) == nil)
        #expect("\u{2003}é".asciiTrimmed(stripping: "", leading: false, trailing: true) == "\u{2003}é")
    }

    @Test func asciiSlugEqualsTheFoldingSlug() {
        let inputs = Self.strings(of: ["a", "B", "_", "-", " ", "0", "."], upTo: 4)
            + ["category_kids", "Outdoor > Kids > Shoes", "__a__b__", "-_-a-_-", "A_-_B", "x__", "___", "Top 10 (New!)"]
        for input in inputs {
            #expect(ExpressionFunctions.asciiSlug(input) == ExpressionFunctions.foldedSlug(input), "slug(\(input))")
        }
        for input in Self.tricky where input.utf8.contains(where: { $0 >= 0x80 }) {
            #expect(ExpressionFunctions.asciiSlug(input) == nil)
            #expect(ExpressionFunctions.slug(input) == ExpressionFunctions.foldedSlug(input))
        }
    }

    /// `split()` as a model: scan the scalars left to right for non-overlapping occurrences.
    static func modelSplit(_ subject: String, _ separator: String, limit: Int) -> [String] {
        let scalars = Array(subject.unicodeScalars)
        let needle = Array(separator.unicodeScalars)
        var pieces: [String] = []
        var piece = String.UnicodeScalarView()
        var position = 0
        while position < scalars.count {
            if pieces.count < limit, position + needle.count <= scalars.count, Array(scalars[position..<(position + needle.count)]) == needle {
                pieces.append(String(piece))
                piece = String.UnicodeScalarView()
                position += needle.count
            } else {
                piece.append(scalars[position])
                position += 1
            }
        }
        return pieces + [String(piece)]
    }

    static let separators = [".", "..", ">", " > ", "é", "a.", "😀"]

    @Test func splittingEqualsTheScalarModel() {
        let inputs = Self.tricky + Self.strings(of: ["a", ".", "é", ">", " "], upTo: 4)
        for input in inputs {
            for separator in Self.separators {
                for limit in [0, 1, 2, Int.max] {
                    let pieces = input.pieces(separatedBy: separator, limit: limit).map { $0.stringValue ?? "-" }
                    #expect(pieces == Self.modelSplit(input, separator, limit: limit), "split(\(input), \(separator), \(limit))")
                }
            }
        }
    }

    @Test func replacingEqualsTheScalarModel() {
        let inputs = Self.tricky + Self.strings(of: ["a", ".", "é", ">", " "], upTo: 4)
        for input in inputs {
            for old in Self.separators {
                for new in ["", "|", "ř", "<<>>"] {
                    for limit in [0, 1, Int.max] {
                        let expected = Self.modelSplit(input, old, limit: limit).joined(separator: new)
                        #expect(input.replacing(old, with: new, limit: limit, maxBytes: .max) == expected, "replace(\(input), \(old), \(new), \(limit))")
                    }
                }
            }
        }
    }

    @Test func joiningEqualsTheStdlibs() throws {
        let long = String(repeating: "abcdefgh", count: 40)
        let lists: [[String]] = [[], [""], ["", ""], ["a"], ["a", "b"], ["", "a", ""], ["Dětské", "日本", "😀"], Self.tricky,
                                 [long, long], [long, "Dětské"], ["1234-5678", "17", long + "é"]]
        for parts in lists {
            for separator in ["", " | ", ".", "ř"] {
                let joined = try #require(String.joining(parts.map(JSONValue.string), separator: separator, maxBytes: .max))
                let expected = parts.joined(separator: separator)
                #expect(joined == expected && joined.count == expected.count && joined.hashValue == expected.hashValue)
                // Made without validation: the same flags (ASCII or not, the length) as a validated string.
                let validated = String(decoding: Array(expected.utf8), as: UTF8.self)
                #expect(unsafeBitCast(joined, to: (UInt64, UInt64).self).0 == unsafeBitCast(validated, to: (UInt64, UInt64).self).0, "\(parts) \(separator)")
            }
        }
    }

    @Test func byteBuiltResultsStopAtTheLimitExactly() {
        #expect(String.joining(["ab", "cd"], separator: ",", maxBytes: 5) == "ab,cd")
        #expect(String.joining(["ab", "cd"], separator: ",", maxBytes: 4) == nil)
        #expect("a.b".replacing(".", with: "--", limit: .max, maxBytes: 4) == "a--b")
        #expect("a.b".replacing(".", with: "--", limit: .max, maxBytes: 3) == nil)
        // Too long only once replaced: the limit counts replacements actually made.
        #expect("a.b.".replacing(".", with: "---", limit: 1, maxBytes: 6) == "a---b.")
    }

    @Test(arguments: [
        ("join(pad_left('', `4194302`), ['a', 'b'])", false),
        ("join(pad_left('', `4194303`), ['a', 'b'])", true),
        ("replace(pad_left('', `4194303`), ' ', 'ab', `1`)", false),
        ("replace(pad_left('', `4194303`), ' ', 'ab', `2`)", true),
    ])
    func functionsRefuseResultsBeyondTheLimit(source: String, refused: Bool) throws {
        let error = try ExpressionTests.evaluationError(source)
        #expect(error?.kind == (refused ? .limitExceeded : nil))
        if refused { #expect(error?.reason.contains("result is longer than 4194304 bytes") == true) }
    }
}
