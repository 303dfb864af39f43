/// The UTF-8 of a small string, one whose bytes (at most 15) live in the string's own two words,
/// read from those words: what `withContiguousStorageIfAvailable` hands out only after copying
/// them to the stack and calling a closure, a set-up that cost the writer more than most of the
/// keys and values it writes. Only where ``layoutHolds``.
struct SmallUTF8 {
    /// Bytes 0..<8 of the text, in memory order.
    private let low: UInt64
    /// Bytes 8..<16 of the text, in memory order (the last is the discriminator, not text).
    private let high: UInt64
    /// The text's length in bytes, at most 15.
    let count: Int

    /// How many bytes ``store(to:)`` writes, whatever the count.
    static let capacity = 16

    /// Where a ``JSONObject/Member``'s value starts: after its key, a `String`.
    static let memberValueOffset = 16

    /// The bytes of `string` when it is small; `nil` when they live elsewhere.
    @inline(__always)
    init?(_ string: String) {
        let (low, high) = unsafeBitCast(string, to: (UInt64, UInt64).self)
        self.init(low: low, high: high)
    }

    /// The bytes of the string whose two words are at `address` when it is small. The words are
    /// read as plain integers: the string is not copied, so not retained.
    @inline(__always)
    init?(wordsAt address: UnsafeRawPointer) {
        self.init(low: address.loadUnaligned(as: UInt64.self), high: address.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    @inline(__always)
    private init?(low: UInt64, high: UInt64) {
        // The discriminator's top bits: immortal, small, not foreign; the ASCII bit may be either.
        guard high >> 60 & 0xB == 0xA else { return nil }
        self.low = low
        self.high = high
        count = Int(truncatingIfNeeded: high >> 56 & 0xF)
    }

    /// Writes the text's bytes to `destination` and 16 - ``count`` bytes of junk after them, over
    /// which the caller goes on writing; returns where the text ends.
    @inline(__always)
    @discardableResult
    func store(to destination: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        destination.storeBytes(of: low, as: UInt64.self)
        destination.storeBytes(of: high, toByteOffset: 8, as: UInt64.self)
        return destination + count
    }

    /// Writes the text in quotes (``capacity`` + 2 bytes of room), for a text that ``isPlain``;
    /// returns where the closing quote ends.
    @inline(__always)
    func storeQuoted(to destination: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        destination.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        let end = store(to: destination + 1)
        end.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        return end + 1
    }

    /// Whether no byte of the text needs an escape from the writer.
    @inline(__always)
    var isPlain: Bool {
        // The discriminator's ASCII bit: keys and most short values.
        high & 0x4000_0000_0000_0000 != 0 ? isPlainASCII : isPlainUTF8
    }

    /// ``isPlain`` for ASCII text: no `"`, `\` or control byte. Every byte is below 0x80, so the
    /// sums below carry into no other byte and the bytes past the text can be masked off after.
    @inline(__always)
    private var isPlainASCII: Bool {
        func escapes(_ word: UInt64) -> UInt64 {
            // A byte's high bit is set in each sum when it is at least 0x20, not `"`, not `\`.
            let notControl = word &+ 0x6060_6060_6060_6060
            let notQuote = (word ^ 0x2222_2222_2222_2222) &+ 0x7F7F_7F7F_7F7F_7F7F
            let notBackslash = (word ^ 0x5C5C_5C5C_5C5C_5C5C) &+ 0x7F7F_7F7F_7F7F_7F7F
            return ~(notControl & notQuote & notBackslash) & 0x8080_8080_8080_8080
        }
        let bits = UInt64(truncatingIfNeeded: count) &* 8
        if bits <= 64 {
            return escapes(low) & (bits == 64 ? .max : (1 &<< bits) &- 1) == 0
        }
        return escapes(low) == 0 && escapes(high) & ((1 &<< (bits &- 64)) &- 1) == 0
    }

    /// ``isPlain`` for text with multi-byte characters: the writer's own check, run on the words
    /// in registers.
    @inline(__always)
    private var isPlainUTF8: Bool {
        // The bytes past the text (zeros, and the discriminator) become letters, which need no
        // escape: as zeros they would count as control bytes.
        let bits = UInt64(truncatingIfNeeded: count) &* 8
        let keepLow: UInt64 = bits >= 64 ? .max : (1 &<< bits) &- 1
        let keepHigh: UInt64 = bits > 64 ? (1 &<< (bits &- 64)) &- 1 : 0
        let letters: UInt64 = 0x4141_4141_4141_4141
        var words = ((low & keepLow) | (letters & ~keepLow), (high & keepHigh) | (letters & ~keepHigh))
        var scratch: (UInt64, UInt64) = (0, 0)
        return withUnsafeBytes(of: &words) { source in
            withUnsafeMutableBytes(of: &scratch) { destination in
                // Never nil: both are local values.
                guard let from = source.baseAddress, let to = destination.baseAddress else { return false }
                // Most keys and values fit the first word: the second, all letters, is not checked.
                if count <= 8 { return SpecialBytes.copyIfPlain(from, count: 8, to: to) }
                return SpecialBytes.copyIfPlain(from, count: Self.capacity, to: to)
            }
        }
    }

    /// The value of a text of 1 to 15 decimal digits and nothing else (at most 10^15 - 1, so no
    /// overflow); `nil` for any other text.
    @inline(__always)
    var decimalValue: Int64? {
        guard count > 0 else { return nil }
        guard count > 8 else { return Self.digitsValue(low, count: count) }
        guard let first = Self.digitsValue(low, count: 8), let rest = Self.digitsValue(high, count: count &- 8) else { return nil }
        var scale: Int64 = 10
        for _ in 9..<count { scale &*= 10 }
        return first &* scale &+ rest
    }

    /// The value of the first `count` (1 to 8) bytes of `word`, in memory order, when they are all
    /// decimal digits. Worked on the whole word, not digit by digit: a 10-digit timestamp cost
    /// about 190 instructions a digit at a time.
    @inline(__always)
    private static func digitsValue(_ word: UInt64, count: Int) -> Int64? {
        // Shifted up to the top of the word, the digits are preceded by zero bytes, which read as
        // leading zeros; the bytes after the text are shifted out.
        let digits = word &<< UInt64(8 &* (8 &- count))
        let used: UInt64 = .max &<< UInt64(8 &* (8 &- count))
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0 & used
        let threes: UInt64 = 0x3030_3030_3030_3030 & used
        // 0x30...0x39: a high nibble of 3, kept when 6 is added (no byte carries, as all are 0x3X).
        guard digits & highNibbles == threes, (digits &+ 0x0606_0606_0606_0606) & highNibbles == threes else { return nil }
        // Pairs, then quads, then the eight digits combined (the first byte is the most significant).
        var value = ((digits & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) &>> 8
        value = ((value & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        value = ((value & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
        return Int64(truncatingIfNeeded: value)
    }

    /// Whether the layouts read here are the ones in use: small strings as
    /// ``ShortText/smallStringLayoutHolds`` checks them, a member's key at its start and its value
    /// at ``memberValueOffset``, and a string's and a number's words at the start of a
    /// ``JSONValue``. Checked on sample values as arrays hold them; a different layout turns the
    /// reading in place off rather than misreading.
    static let layoutHolds: Bool = {
        guard ShortText.smallStringLayoutHolds, MemoryLayout<JSONObject.Member>.size >= memberValueOffset + 16 else { return false }
        let key = "ab", text = "cdé", number = JSONNumber(uncheckedText: "-1.5e3")
        func words(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> [UInt64] {
            [bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)]
        }
        func words(_ string: String) -> [UInt64] {
            let (low, high) = unsafeBitCast(string, to: (UInt64, UInt64).self)
            return [low, high]
        }
        let members = [JSONObject.Member(key: key, value: .string(text)), JSONObject.Member(key: text, value: .number(number))]
        let stride = MemoryLayout<JSONObject.Member>.stride
        let membersHold = members.withUnsafeBytes { bytes in
            words(bytes, at: 0) == words(key) && words(bytes, at: memberValueOffset) == words(text)
                && words(bytes, at: stride) == words(text) && words(bytes, at: stride + memberValueOffset) == words(number.text)
        }
        let values: [JSONValue] = [.string(text), .number(number)]
        let valuesHold = values.withUnsafeBytes { bytes in
            words(bytes, at: 0) == words(text) && words(bytes, at: MemoryLayout<JSONValue>.stride) == words(number.text)
        }
        return membersHold && valuesHold && SmallUTF8(key)?.count == 2 && SmallUTF8(text)?.count == 4
    }()

    /// The UTF-8 of the natively stored string whose two words are at `address`, read in place:
    /// the bytes live in the string's storage object, which whoever holds the words keeps alive.
    /// `nil` for a string stored any other way. Only where ``nativeLayoutHolds``.
    @inline(__always)
    static func nativeUTF8(wordsAt address: UnsafeRawPointer) -> UnsafeRawBufferPointer? {
        nativeUTF8(countAndFlags: address.loadUnaligned(as: UInt64.self), object: address.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// ``nativeUTF8(wordsAt:)`` of the words themselves: a native string's discriminator is all
    /// clear, its flags say the bytes follow the storage header, and the low 48 bits of its
    /// first word are its count.
    @inline(__always)
    private static func nativeUTF8(countAndFlags: UInt64, object: UInt64) -> UnsafeRawBufferPointer? {
        guard object >> 60 == 0, countAndFlags & 0x1000_0000_0000_0000 != 0,
            let storage = UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: object & 0x0FFF_FFFF_FFFF_FFFF))
        else { return nil }
        return UnsafeRawBufferPointer(start: storage + 32, count: Int(truncatingIfNeeded: countAndFlags & 0xFFFF_FFFF_FFFF))
    }

    /// Whether ``nativeUTF8(wordsAt:)`` finds the bytes the stdlib hands out for natively stored
    /// strings: checked by address and count on samples before anything is read through it, so a
    /// different layout turns the reading off rather than reading elsewhere.
    static let nativeLayoutHolds: Bool = {
        guard MemoryLayout<String>.size == 16 else { return false }
        let samples = [String(repeating: "x", count: 40), "Dětské " + String(repeating: "y", count: 30), String(repeating: "ab", count: 8)]
        return samples.allSatisfy { text in
            let (countAndFlags, object) = unsafeBitCast(text, to: (UInt64, UInt64).self)
            let expected = text.utf8.withContiguousStorageIfAvailable { UnsafeRawBufferPointer($0) }
            guard let expected, let found = nativeUTF8(countAndFlags: countAndFlags, object: object) else { return false }
            return found.baseAddress == expected.baseAddress && found.count == expected.count
        }
    }()
}
