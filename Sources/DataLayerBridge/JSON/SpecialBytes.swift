#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Many bytes at a time over string contents, for the parser and the writer: what is neither
/// `"`, `\`, a control byte nor part of a multi-byte UTF-8 sequence needs no look of its own.
enum SpecialBytes {
    /// The index of the first byte from `index` on that may be special (`"`, `\`, a control byte
    /// or a non-ASCII one), or `count`: the bytes before it are plain ASCII. Sixteen bytes at a
    /// time; the last fewer than 16 of the buffer one by one, which spares every call the
    /// constants of a word-sized tail loop.
    @inline(__always)
    static func skipPlain(_ base: UnsafeRawPointer, from index: Int, count: Int) -> Int {
        var index = index
        while index &+ 16 <= count {
            let offset = firstSpecial(base, at: index)
            index &+= offset
            if offset < 16 { return index }
        }
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index &+= 1
        }
        return index
    }

    /// The offset of the first byte of the 16 at `index` that may be special, or 16 if none is.
    @inline(__always)
    static func firstSpecial(_ base: UnsafeRawPointer, at index: Int) -> Int {
        (specialBits(base, at: index) | 0x1_0000).trailingZeroBitCount
    }

    /// Bit i set when byte i of the 16 at `index` may be special, every other bit clear. On x86-64
    /// with SSE2 compares and one `pmovmskb`: about half the instructions of ``mask(_:)`` and the
    /// two words it leaves to test one by one (Swift's own SIMD comparisons compile to a loop
    /// over the lanes).
    @inline(__always)
    static func specialBits(_ base: UnsafeRawPointer, at index: Int) -> UInt32 {
        #if arch(x86_64)
        let bytes = base.loadUnaligned(fromByteOffset: index, as: __m128i.self)
        let quotes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x22))
        let backslashes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x5C))
        // Signed: the non-ASCII bytes are negative, below 0x20 with the control bytes.
        let others = _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20))
        return UInt32(truncatingIfNeeded: _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quotes, backslashes), others)))
        #else
        return portableSpecialBits(base, at: index)
        #endif
    }

    /// ``specialBits(_:at:)`` from ``mask(_:)``, for other machines (and tested against it).
    @inline(__always)
    static func portableSpecialBits(_ base: UnsafeRawPointer, at index: Int) -> UInt32 {
        let bytes = base.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
        // Lane i is byte i; as words, byte i is bit 8i only on a little-endian machine.
        let words = unsafeBitCast(mask(bytes), to: SIMD2<UInt64>.self)
        return UInt32(gatherHighBits(UInt64(littleEndian: words[0]))) | UInt32(gatherHighBits(UInt64(littleEndian: words[1]))) << 8
    }

    /// The high bits of the eight bytes of `word` (bit 8i + 7 → bit i), every other bit clear in
    /// `word`: the multiplier moves each to its place in the top byte, and no two products share a bit.
    @inline(__always)
    private static func gatherHighBits(_ word: UInt64) -> UInt64 {
        ((word >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    /// The high bit of each zero byte of `word` is set. Bits above the first zero byte may be set
    /// spuriously, never bits below it, so the lowest set bit marks the first zero byte exactly:
    /// `zeroBytes(word ^ 0x5C5C…)` finds the first backslash of eight bytes.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// The high bit set in each byte that is `"`, `\`, below 0x20 or above 0x7F, exactly: lanes do
    /// not borrow from their neighbours. (Lane-wise wrapping arithmetic and bit operations compile
    /// to SSE2; comparisons would not.)
    @inline(__always)
    static func mask(_ bytes: SIMD16<UInt8>) -> SIMD16<UInt8> {
        let quotes = bytes ^ SIMD16(repeating: 0x22)
        let backslashes = bytes ^ SIMD16(repeating: 0x5C)
        let ones = SIMD16<UInt8>(repeating: 1)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = bytes &- SIMD16(repeating: 0x20)
        return (hasQuote | hasBackslash | hasControl | bytes) & SIMD16(repeating: 0x80)
    }

    /// Copies the `count` bytes at `source` to `destination` when none of them may need a JSON
    /// escape from the writer (`"`, `\`, a control byte, or 0xE2, which starts U+2028 and
    /// U+2029) and returns `true`; returns `false` at the first word that may hold one, having
    /// written some bytes to `destination` (room for `count` of them). Unlike ``skipPlain(_:from:count:)``, other
    /// non-ASCII bytes pass, so accented text is checked and copied to its end. Sixteen bytes at a
    /// time from 16 bytes on, the last 1 to 15 as a block overlapping the one before (long URLs,
    /// user agents and product names took about 25 instructions a word, a block takes about as
    /// many); shorter strings a word at a time.
    @inline(__always)
    static func copyIfPlain(_ source: UnsafeRawPointer, count: Int, to destination: UnsafeMutableRawPointer) -> Bool {
        if count >= 16 {
            var index = 0
            while index &+ 16 <= count {
                let block = source.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if !isPlainForWriter(block) { return false }
                destination.storeBytes(of: block, toByteOffset: index, as: SIMD16<UInt8>.self)
                index &+= 16
            }
            guard index < count else { return true }
            let block = source.loadUnaligned(fromByteOffset: count &- 16, as: SIMD16<UInt8>.self)
            if !isPlainForWriter(block) { return false }
            destination.storeBytes(of: block, toByteOffset: count &- 16, as: SIMD16<UInt8>.self)
            return true
        }
        var index = 0
        while index &+ 8 <= count {
            let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if writerMask(word) != 0 { return false }
            destination.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        guard index < count else { return true }
        // The last 1 to 7 bytes: an overlapping word when the string has one, else the bytes
        // themselves, checked with letters for padding (a zero byte would count as control).
        if count >= 8 {
            let word = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            if writerMask(word) != 0 { return false }
            destination.storeBytes(of: word, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            let low = source.loadUnaligned(as: UInt32.self)
            let high = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            if writerMask(UInt64(low) | UInt64(high) << 32) != 0 { return false }
            destination.storeBytes(of: low, as: UInt32.self)
            destination.storeBytes(of: high, toByteOffset: count - 4, as: UInt32.self)
        } else {
            let bytes = source.assumingMemoryBound(to: UInt8.self)
            let word = 0x4141_4141_4100_0000 | UInt64(bytes[0]) | UInt64(bytes[count / 2]) << 8 | UInt64(bytes[count - 1]) << 16
            if writerMask(word) != 0 { return false }
            destination.copyMemory(from: source, byteCount: count)
        }
        return true
    }

    /// Whether no byte of `bytes` is `"`, `\`, below 0x20 or 0xE2: ``writerMask(_:)-(UInt64)``
    /// lane by lane, as ``mask(_:)`` is for the parser's bytes. (The lanes are tested as two words:
    /// `!=` on the vector is a loop over its lanes.)
    @inline(__always)
    private static func isPlainForWriter(_ bytes: SIMD16<UInt8>) -> Bool {
        let ones = SIMD16<UInt8>(repeating: 1)
        let quotes = bytes ^ SIMD16(repeating: 0x22)
        let backslashes = bytes ^ SIMD16(repeating: 0x5C)
        let leads = bytes ^ SIMD16(repeating: 0xE2)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasLead = (leads &- ones) & ~leads
        let hasControl = (bytes &- SIMD16(repeating: 0x20)) & ~bytes
        let words = unsafeBitCast((hasQuote | hasBackslash | hasLead | hasControl) & SIMD16(repeating: 0x80), to: SIMD2<UInt64>.self)
        return words[0] | words[1] == 0
    }

    /// Non-zero when a byte of `word` is `"`, `\`, below 0x20 or 0xE2 (exactly: the tests for a
    /// zero byte and for a byte below n have no false negatives).
    @inline(__always)
    private static func writerMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let leads = word ^ (ones &* 0xE2)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasLead = (leads &- ones) & ~leads
        let hasControl = (word &- (ones &* 0x20)) & ~word
        return (hasQuote | hasBackslash | hasLead | hasControl) & highs
    }
}
