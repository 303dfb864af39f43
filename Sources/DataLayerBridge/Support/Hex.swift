/// Hexadecimal digits, both ways: `\u` escapes and UUIDs read them, fingerprints, UUIDs and
/// side files write them.
enum Hex {
    private static let lowercaseDigits = Array("0123456789abcdef".utf8)

    /// The value of one hexadecimal digit (either case), or `nil`.
    @inline(__always)
    static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The value of four hexadecimal digits (either case) as loaded from memory, the first digit
    /// in the lowest byte, or `nil` when any of them is not one. The digits of a `\u` escape are
    /// tested and combined in one word: a byte at a time through ``value(of:)`` cost four
    /// branches and four bounds checks per escape, and text exported with every non-ASCII
    /// letter escaped has an escape every few bytes.
    @inline(__always)
    static func value(ofFour loaded: UInt32) -> UInt16? {
        let word = UInt32(littleEndian: loaded)
        let highBits: UInt32 = 0x8080_8080
        guard word & highBits == 0 else { return nil }
        // Below 0x80, adding 0x80 - bound sets a byte's high bit exactly when it is at least the
        // bound, with no carry into the next byte.
        let digits = (word &+ 0x5050_5050) & ~(word &+ 0x4646_4646) & highBits  // 0x30...0x39
        let folded = word | 0x2020_2020  // A-F to a-f; digits are kept apart above
        let letters = (folded &+ 0x1F1F_1F1F) & ~(folded &+ 0x1919_1919) & highBits  // 0x61...0x66
        guard digits | letters == highBits else { return nil }
        let nibbles = (word & 0x0F0F_0F0F) &+ (letters >> 7) &* 9
        return UInt16(truncatingIfNeeded: (nibbles & 0xF) << 12 | (nibbles >> 8 & 0xF) << 8 | (nibbles >> 16 & 0xF) << 4 | nibbles >> 24)
    }

    /// `bytes` as lowercase hexadecimal, two digits a byte.
    static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(lowercaseDigits[Int(byte >> 4)])
            text.append(lowercaseDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
