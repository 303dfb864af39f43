/// Eight bytes at a time over string contents, for the parser and the writer: what is neither
/// `"`, `\`, a control byte nor part of a multi-byte UTF-8 sequence needs no look of its own.
enum SpecialBytes {
    /// The index of the first byte from `index` on that may be special, or of the first of the
    /// last fewer-than-8 bytes when none of the whole words before them holds one. The bytes
    /// before the returned index are plain ASCII.
    @inline(__always)
    static func skipPlain(_ base: UnsafeRawPointer, from index: Int, count: Int) -> Int {
        var index = index
        while index + 8 <= count {
            let special = mask(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            if special != 0 { return index + special.trailingZeroBitCount >> 3 }
            index += 8
        }
        return index
    }

    /// A mask with the high bit set in each byte that may be `"`, `\`, below 0x20 or above 0x7F.
    /// The lowest set bit is always exact; higher ones may be false alarms, which callers handle
    /// one byte at a time.
    @inline(__always)
    static func mask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = word &- (ones &* 0x20)
        return (hasQuote | hasBackslash | hasControl | word) & highs
    }
}
