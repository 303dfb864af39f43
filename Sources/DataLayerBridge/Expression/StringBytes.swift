#if canImport(Glibc)
import Glibc
#endif

/// Where `contains`, `starts_with` and `ends_with` look for their text.
enum SubstringPlace: Sendable {
    case anywhere, start, end
}

/// Allocation-free string primitives for the hot functions (`contains`, `starts_with`,
/// `ends_with`, `lower`, `upper`).
///
/// Searching UTF-8 bytes is searching code points: UTF-8 is self-synchronising, so one valid
/// string's bytes found inside another's always start and end on code point boundaries.
extension String {
    /// Whether this string holds `text` at `place` (an empty text always does), compared byte by
    /// byte.
    func holdsBytes(of text: String, at place: SubstringPlace) -> Bool {
        withBytes { own in text.withBytes { other in Self.bytes(own, hold: other, at: place) } }
    }

    /// Whether `haystack` holds `pattern` at `place` (an empty pattern always does).
    static func bytes(_ haystack: UnsafeBufferPointer<UInt8>, hold pattern: UnsafeBufferPointer<UInt8>, at place: SubstringPlace) -> Bool {
        guard !pattern.isEmpty else { return true }
        guard pattern.count <= haystack.count, let start = haystack.baseAddress, let bytes = pattern.baseAddress else { return false }
        switch place {
        case .anywhere:
            var found = false
            forEachOccurrence(of: pattern, in: haystack, limit: 1) { _ in found = true }
            return found
        case .start:
            return memcmp(start, bytes, pattern.count) == 0
        case .end:
            return memcmp(start + haystack.count - pattern.count, bytes, pattern.count) == 0
        }
    }

    /// `body` applied to the UTF-8 string `bytes` with its A–Z lower-cased, in a temporary buffer
    /// (on the stack unless long): for ASCII texts, as good as the lower-case form (`lowercased()`),
    /// which need not be made. Every scalar is lower-cased on its own, and every non-ASCII one to
    /// non-ASCII scalars but U+0130 (`İ` → `i̇`) and U+212A (the Kelvin sign → `k`): without those,
    /// the ASCII characters of the lower-case form are those of `bytes`, lower-cased, with
    /// non-ASCII bytes between them where `bytes` has them, so an ASCII text is found in the one
    /// exactly where it is found in the other. `nil` when `bytes` holds U+0130 or U+212A.
    @inline(__always)
    static func withASCIILowerCased<Result>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered -> Result? in
            for position in bytes.indices {
                let byte = bytes[position]
                if byte >= 0x80 {
                    // U+0130 is C4 B0, U+212A is E2 84 AA; the bytes are valid UTF-8.
                    if byte == 0xC4 && bytes[position + 1] == 0xB0 { return nil }
                    if byte == 0xE2 && bytes[position + 1] == 0x84 && bytes[position + 2] == 0xAA { return nil }
                }
                lowered.initializeElement(at: position, to: byte &- 0x41 < 26 ? byte | 0x20 : byte)
            }
            return body(UnsafeBufferPointer(lowered))
        }
    }

    /// Calls `body` with this string's UTF-8 bytes as one contiguous buffer: iterating `utf8`
    /// costs several times more per byte.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        // Borrowed in place when it can be (every native string): `withUTF8` needs a variable.
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var string = self
        return string.withUTF8(body)
    }

    /// Calls `visit` with the offset of each occurrence of `pattern` (not empty) in `haystack`,
    /// left to right and not overlapping, at most `limit` times.
    private static func forEachOccurrence(of pattern: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>,
                                          limit: Int, _ visit: (Int) -> Void) {
        guard !pattern.isEmpty, pattern.count <= haystack.count, let h = haystack.baseAddress, let p = pattern.baseAddress else { return }
        // memchr finds each candidate first byte; memcmp checks the rest (Glibc hides memmem).
        let lastStart = haystack.count - pattern.count
        var start = 0
        var found = 0
        while found < limit, start <= lastStart {
            guard let hit = memchr(h + start, Int32(p.pointee), lastStart - start + 1) else { break }
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(h)
            if pattern.count == 1 || memcmp(h + offset, p, pattern.count) == 0 {
                visit(offset)
                found += 1
                start = offset + pattern.count
            } else {
                start = offset + 1
            }
        }
    }

    /// The pieces between the first `limit` occurrences of `separator` (not empty), as `split()`
    /// gives them. Occurrences are counted first, so the array is allocated once at its size.
    func pieces(separatedBy separator: String, limit: Int) -> [JSONValue] {
        withBytes { bytes in
            separator.withBytes { pattern in
                var count = 0
                Self.forEachOccurrence(of: pattern, in: bytes, limit: limit) { _ in count += 1 }
                // No separator: the one piece is the string itself, not a copy decoded again.
                if count == 0 { return [.string(self)] }
                var pieces: [JSONValue] = []
                pieces.reserveCapacity(count + 1)
                var start = 0
                Self.forEachOccurrence(of: pattern, in: bytes, limit: limit) { offset in
                    pieces.append(.string(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)))
                    start = offset + pattern.count
                }
                pieces.append(.string(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)))
                return pieces
            }
        }
    }

    /// The string with its first `limit` occurrences of `old` (not empty) replaced by `new`, or
    /// `nil` when the result would be longer than `maxBytes`. Written once, at its final length.
    func replacing(_ old: String, with new: String, limit: Int, maxBytes: Int) -> String? {
        withBytes { bytes in
            old.withBytes { pattern in
                new.withBytes { replacement -> String? in
                    var count = 0
                    Self.forEachOccurrence(of: pattern, in: bytes, limit: limit) { _ in count += 1 }
                    let length = bytes.count + count * (replacement.count - pattern.count)
                    guard length <= maxBytes else { return nil }
                    guard count > 0 else { return self }
                    return String(unsafeUninitializedCapacity: length) { buffer in
                        var end = 0
                        var start = 0
                        Self.forEachOccurrence(of: pattern, in: bytes, limit: limit) { offset in
                            end = buffer.copy(UnsafeBufferPointer(rebasing: bytes[start..<offset]), at: end)
                            end = buffer.copy(replacement, at: end)
                            start = offset + pattern.count
                        }
                        return buffer.copy(UnsafeBufferPointer(rebasing: bytes[start...]), at: end)
                    }
                }
            }
        }
    }

    /// `parts` (strings; anything else is skipped) joined by `separator`, or `nil` when the
    /// result would be longer than `maxBytes`. Written once, at its final length, on the stack and
    /// then copied into the string: strings joined are valid UTF-8, and the stdlib's
    /// `String(unsafeUninitializedCapacity:)` validated them again, at up to 16 instructions a byte
    /// for accented text (the default mapping joins the whole record text into an id's name).
    static func joining(_ parts: [JSONValue], separator: String, maxBytes: Int) -> String? {
        var length = 0
        var count = 0
        for case .string(let part) in parts {
            length += part.utf8.count
            count += 1
        }
        guard count > 0 else { return "" }
        length += (count - 1) * separator.utf8.count
        guard length <= maxBytes else { return nil }
        // One part is the result as it is (a category path of one level), without copying it.
        if count == 1, parts.count == 1, case .string(let only) = parts[0] { return only }
        return separator.withBytes { glue in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
                var end = 0
                var first = true
                for case .string(let part) in parts {
                    if !first { end = buffer.copy(glue, at: end) }
                    first = false
                    end = part.withBytes { buffer.copy($0, at: end) }
                }
                return String(validatedUTF8: UnsafeRawBufferPointer(start: buffer.baseAddress, count: end))
            }
        }
    }

    /// The string without the characters of `set` (Unicode white space when it is empty) at its
    /// start and/or end, worked out on bytes; `nil` when that needs Unicode: `set` holds a
    /// non-ASCII character, or white space is stripped and a non-ASCII white space character
    /// (U+00A0, U+3000, …) is at an end.
    func asciiTrimmed(stripping set: String, leading: Bool, trailing: Bool) -> String? {
        guard let strip = set.isEmpty ? ASCIISet.whiteSpace : ASCIISet(set) else { return nil }
        return withBytes { bytes -> String? in
            var start = 0
            var end = bytes.count
            if leading { while start < end, strip.contains(bytes[start]) { start += 1 } }
            if trailing { while end > start, strip.contains(bytes[end - 1]) { end -= 1 } }
            // An ASCII set never holds a non-ASCII character; white space may. A letter such as
            // the "é" that ends "Dětské" stops the trim as any ASCII letter does.
            if set.isEmpty, start < end {
                if leading, bytes[start] >= 0x80, Self.scalar(in: bytes, from: start).properties.isWhitespace { return nil }
                if trailing, bytes[end - 1] >= 0x80 {
                    var lead = end - 1
                    while bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
                    if Self.scalar(in: bytes, from: lead).properties.isWhitespace { return nil }
                }
            }
            if start == 0 && end == bytes.count { return self }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    /// The scalar whose UTF-8 encoding starts at `offset` of `bytes`, which are valid UTF-8,
    /// decoded by the standard library's decoder.
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, from offset: Int) -> Unicode.Scalar {
        var decoder = UTF8()
        var rest = bytes[offset...].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&rest) else { return "\u{FFFD}" }
        return scalar
    }

    /// How many Unicode scalars the string holds (`unicodeScalars.count`): its bytes that do not
    /// continue a scalar.
    var scalarCount: Int {
        withBytes { bytes in bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
    }

    /// The string upper- or lower-cased as `uppercased()` / `lowercased()` give it, when every
    /// character is ASCII or two UTF-8 bytes (Latin, Greek, Cyrillic, …) with a simple mapping;
    /// `nil` otherwise (the caller then applies the stdlib's). Returns `self`, without copying,
    /// when the string is ASCII and no letter needs mapping.
    func caseMapped(upper: Bool) -> String? {
        let (first, last): (UInt8, UInt8) = upper ? (0x61, 0x7A) : (0x41, 0x5A)
        return withBytes { bytes -> String? in
            var needsMapping = false
            var hasTwoByteScalars = false
            for byte in bytes {
                if byte >= 0xE0 { return nil }
                if byte >= 0xC0 { hasTwoByteScalars = true } else if byte >= first && byte <= last { needsMapping = true }
            }
            if !hasTwoByteScalars {
                guard needsMapping else { return self }
                return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                    for position in bytes.indices {
                        let byte = bytes[position]
                        buffer[position] = byte >= first && byte <= last ? byte ^ 0x20 : byte
                    }
                    return bytes.count
                }
            }
            let table = (upper ? TwoByteCaseMapping.upper : TwoByteCaseMapping.lower).table
            var simple = true
            let mapped = String(unsafeUninitializedCapacity: bytes.count) { buffer in
                var position = 0
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte < 0x80 {
                        buffer[position] = byte >= first && byte <= last ? byte ^ 0x20 : byte
                        position += 1
                        continue
                    }
                    guard position + 1 < bytes.count, let scalar = table.mapping(byte, bytes[position + 1]) else {
                        simple = false
                        return 0
                    }
                    buffer[position] = UInt8(0xC0 | scalar >> 6)
                    buffer[position + 1] = UInt8(0x80 | scalar & 0x3F)
                    position += 2
                }
                return bytes.count
            }
            return simple ? mapped : nil
        }
    }
}

extension UnsafeMutableBufferPointer<UInt8> {
    /// Copies `bytes` to `offset`, which leaves room for them; returns the offset after them.
    func copy(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        if let target = baseAddress, let source = bytes.baseAddress, !bytes.isEmpty {
            (target + offset).initialize(from: source, count: bytes.count)
        }
        return offset + bytes.count
    }
}

/// A set of ASCII bytes as a bit mask, for stripping without decoding scalars.
struct ASCIISet {
    private var bits: (low: UInt64, high: UInt64) = (0, 0)

    /// The bytes of `string`; `nil` when it holds a non-ASCII character.
    init?(_ string: String) {
        for byte in string.utf8 {
            guard byte < 0x80 else { return nil }
            insert(byte)
        }
    }

    /// The ASCII characters with the Unicode White_Space property, taken from the stdlib's own
    /// scalar properties so that the two trims cannot disagree.
    static let whiteSpace: ASCIISet = {
        var set = ASCIISet()
        for byte in UInt8(0)..<0x80 where Unicode.Scalar(byte).properties.isWhitespace { set.insert(byte) }
        return set
    }()

    private init() {}

    private mutating func insert(_ byte: UInt8) {
        if byte < 64 { bits.low |= 1 << byte } else { bits.high |= 1 << (byte - 64) }
    }

    func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? bits.low >> byte & 1 != 0 : byte < 128 && bits.high >> (byte - 64) & 1 != 0
    }
}

/// A literal text of at most 15 ASCII bytes, compared with a string by the two words of their
/// small-string form (``ShortText/smallStringBits``) instead of by `==`, an out-of-line call of
/// ≈ 120 instructions whenever the texts differ. Only a small ASCII string is decided by its words:
/// two such strings are equal exactly when their bytes are (canonical equivalence leaves ASCII
/// alone), but a longer or non-ASCII string can still equal the literal (`"\u{212A}"`, the Kelvin
/// sign, is `"K"`), so anything else is left to `==`.
struct SmallASCIILiteral {
    let low: UInt64
    let high: UInt64

    /// The literal `text`, or `nil` when it is too long, not ASCII, or small strings are not laid
    /// out as ``ShortText/smallStringLayoutHolds`` checks.
    init?(_ text: String) {
        guard let short = ShortText(smallStringOf: text), short.isASCII else { return nil }
        (low, high) = short.smallStringBits
    }

    /// `string` itself when it is a small ASCII string, taken from its words (no bytes copied, as
    /// for a member name made per lookup); `nil` for any other string, or where small strings are
    /// not laid out as ``ShortText/smallStringLayoutHolds`` checks.
    init?(wordsOf string: String) {
        guard let words = Self.words(of: string), ShortText.smallStringLayoutHolds else { return nil }
        (low, high) = words
    }

    /// The words of `string` when it is a small ASCII string, which ``matches(_:)`` decides; `nil`
    /// for any other string. Valid only once an initialiser has succeeded (the layout holds).
    @inline(__always)
    static func words(of string: String) -> (low: UInt64, high: UInt64)? {
        let (low, high) = unsafeBitCast(string, to: (UInt64, UInt64).self)
        // The top nibble of a small ASCII string: immortal, small, ASCII.
        return high >> 60 == 0xE ? (low, high) : nil
    }

    /// Whether `string` is this literal when its words decide it (it is a small ASCII string, or
    /// it has this literal's words); `nil` when only `==` can (a longer or non-ASCII string).
    @inline(__always)
    func decides(_ string: String) -> Bool? {
        let (low, high) = unsafeBitCast(string, to: (UInt64, UInt64).self)
        if low == self.low && high == self.high { return true }
        return high >> 60 == 0xE ? false : nil
    }

    /// Whether a small ASCII string with these ``words(of:)`` is this literal.
    @inline(__always)
    func matches(_ words: (low: UInt64, high: UInt64)) -> Bool {
        low == words.low && high == words.high
    }
}
