#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Recently made strings, so that materialising a stream's documents validates and builds each
/// repeated string once rather than at every occurrence (list names, product names and page URLs
/// repeat from item to item and push to push). Strings of up to 15 bytes (most keys, numbers,
/// currencies, ids) are not looked up: they are made from the words of their text as the stdlib
/// lays out a small string, which costs less than a lookup. Longer ones, up to 256 bytes, are
/// found by a hash of three of their words in a table of 2,048 sets of two entries, the more recently used
/// first; browsers' user agents run to 140 bytes. Two entries a set keep a product name that shares
/// its set with a page URL, where one entry (direct mapping) lost one of them at every push; event
/// ids (UUIDs, unique) are not cached at all, so that they push nothing out (c5k 0.55 % fewer
/// instructions than one entry a set). Every cached string stays allocated: peak RSS of `convert`
/// with two converters went from 22.2–22.9 to 23.6–23.8 MiB (budget 25 MiB; a direct-mapped
/// table of 8,192 entries once took it to 26.2).
///
/// A value type: a worker keeps one beside its parser and passes it to
/// ``JSONTape/value(_:strings:)``. The table is written only while uniquely referenced (a copy
/// that shares it makes its own first), so copies on other threads never write the same table.
struct StringCache: @unchecked Sendable {
    /// 2,048 sets of two entries, the more recently used first.
    private static let setBits = 11
    private static let entryCount = 2 << setBits

    private struct Entry {
        /// ``longString(_:)``'s tag of `string`: its hash with its exact length in the low bits,
        /// never 0 (no cached string is shorter than 16 bytes), so an empty entry matches nothing.
        var tag: UInt64 = 0
        var string = ""
    }

    /// Longer strings are rarer and cost an allocation each to make; longer still, they seldom repeat.
    private static let longLimit = 256

    private final class Table {
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: StringCache.entryCount)

        init() {
            entries.initialize(repeating: Entry(), count: StringCache.entryCount)
        }

        deinit {
            entries.deinitialize(count: StringCache.entryCount)
            entries.deallocate()
        }
    }

    private let enabled: Bool
    /// ``ShortText/maxLength`` where strings of up to 15 bytes are made from their words
    /// (``ShortText/smallString``), with a table or without, and 0 where they cannot be: one
    /// comparison with a string's length decides both. Read once per cache rather than from the
    /// static at every string, whose every read would cost a `swift_once`.
    private let smallStringLimit = ShortText.smallStringLimit
    /// Allocated on first use (96 KiB: 4,096 entries of 24 bytes), so a cache that is never used costs nothing.
    private var table: Table?

    /// A cache, or with `enabled` false a pass-through for long strings (short ones are still made
    /// from their words): one-off conversions gain nothing from a table they would fill once.
    init(enabled: Bool = true) { self.enabled = enabled }

    /// Makes the table this cache's own, allocating it on first use: once per document, rather than
    /// at every ``string(_:)``, which writes to it without asking.
    mutating func prepare() {
        if enabled, !isKnownUniquelyReferenced(&table) { table = Table() }
    }

    /// The string of `utf8` (valid UTF-8 without escapes), from the cache when it was made recently.
    /// The table must have been prepared (``prepare()``) since this cache was last copied; without a
    /// table the string is made afresh. Up to 15 bytes, the string is made from the words of its
    /// text (no allocation, no lookup, no retain), inlined into the caller; the rest costs a call.
    @inline(__always)
    mutating func string(_ utf8: UnsafeRawBufferPointer) -> String {
        if utf8.count < smallStringLimit { return ShortText(unchecked: utf8).smallString }
        return otherString(utf8)
    }

    /// Whether the `length` (at least 8) bytes at `cached` are those of `utf8`, compared a word at
    /// a time as they were hashed, the last word overlapping: for the few words of a name, fewer
    /// instructions than a call to `memcmp`.
    @inline(__always)
    static func sameWords(_ cached: UnsafePointer<UInt8>, _ utf8: UnsafeRawBufferPointer, _ length: Int) -> Bool {
        let cached = UnsafeRawPointer(cached)
        var offset = 0
        while offset &+ 8 < length {
            guard cached.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == utf8.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
            offset &+= 8
        }
        return cached.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self) == utf8.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self)
    }

    /// Whether `entry` holds the string of `utf8`, whose tag is `tag`. The tag holds the exact
    /// length, so equal tags say the cached string is as long as `utf8` without asking the string.
    @inline(__always)
    private static func holds(_ entry: UnsafeMutablePointer<Entry>, _ tag: UInt64, _ utf8: UnsafeRawBufferPointer) -> Bool {
        entry.pointee.tag == tag
            && entry.pointee.string.utf8.withContiguousStorageIfAvailable({ sameWords($0.baseAddress.unsafelyUnwrapped, utf8, utf8.count) }) == true
    }

    /// Whether `utf8` looks like a UUID (36 bytes, dashes after the 8th, 12th, 16th and 20th hex
    /// digits), as event ids are: unique, so not worth a cache entry.
    @inline(__always)
    static func isUUIDShaped(_ utf8: UnsafeRawBufferPointer) -> Bool {
        let dash = UInt8(ascii: "-")
        return utf8.count == 36 && utf8[8] == dash && utf8[13] == dash && utf8[18] == dash && utf8[23] == dash
    }

    /// ``string(_:)`` of a longer string, or of any without a table.
    @inline(never)
    private func otherString(_ utf8: UnsafeRawBufferPointer) -> String {
        guard table != nil, utf8.count >= ShortText.maxLength, utf8.count <= Self.longLimit, utf8.baseAddress != nil else {
            return String(validatedUTF8: utf8)
        }
        return longString(utf8)
    }

    /// The string of `utf8` (16 to 256 bytes), from the cache when it was made recently: found by a
    /// hash of its first, middle and last words and confirmed by comparing every word. Inlined into
    /// ``otherString(_:)``: one call per string rather than two.
    @inline(__always)
    private func longString(_ utf8: UnsafeRawBufferPointer) -> String {
        // Random ids (a UUID per event) never come again: neither looked up nor kept, where they
        // would push out names that do come again.
        if Self.isUUIDShaped(utf8) { return Self.fresh(utf8) }
        let length = utf8.count
        // Three words, not all of them: a 140-byte user agent costs what a product name does, and
        // the texts cached (URLs, names, ids) differ within their first, middle or last 8 bytes;
        // c5k's hits and misses came out the same as with every word hashed.
        var hash = UInt64(length) &* 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ utf8.loadUnaligned(as: UInt64.self)) &* 0xC2B2_AE3D_27D4_EB4F
        hash = (hash ^ utf8.loadUnaligned(fromByteOffset: (length &>> 1) &- 4, as: UInt64.self)) &* 0xC2B2_AE3D_27D4_EB4F
        hash = (hash ^ utf8.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        // The low bits give way to the exact length (at most 256, nine bits); the top bits pick the set.
        let tag = hash & ~0x1FF | UInt64(truncatingIfNeeded: length)
        let set = table.unsafelyUnwrapped.entries + 2 &* Int(truncatingIfNeeded: hash >> (64 - Self.setBits))
        if Self.holds(set, tag, utf8) { return set.pointee.string }
        let second = set + 1
        if Self.holds(second, tag, utf8) {
            // Moved to the front without a retain: the next lookup of it stops at the first entry.
            let found = second.move()
            second.moveInitialize(from: set, count: 1)
            set.initialize(to: found)
            return found.string
        }
        let string = Self.fresh(utf8)
        second.pointee = set.move()
        set.initialize(to: Entry(tag: tag, string: string))
        return string
    }

    /// The string of `utf8` (at least 8 bytes), made afresh; whether it is ASCII, which the string
    /// must be told, worked out a word at a time.
    @inline(__always)
    private static func fresh(_ utf8: UnsafeRawBufferPointer) -> String {
        let length = utf8.count
        var bits: UInt64 = 0
        var offset = 0
        while offset &+ 8 < length {
            bits |= utf8.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset &+= 8
        }
        bits |= utf8.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self)
        return String(validatedUTF8: utf8, isASCII: bits & 0x8080_8080_8080_8080 == 0)
    }
}

/// A text of up to 16 UTF-8 bytes as two little-endian words (the bytes in order, zeros after
/// them) and its length, which tell every such text apart: compared and hashed in a few
/// instructions. Read with overlapping loads inside the text (never past its end), not copied byte
/// by byte.
struct ShortText: Equatable {
    /// The longest text a ``ShortText`` holds.
    static let maxLength = 16
    /// No text: the length of none is -1.
    static let none = ShortText(low: 0, high: 0, length: -1)

    let low: UInt64
    let high: UInt64
    let length: Int

    private init(low: UInt64, high: UInt64, length: Int) {
        self.low = low
        self.high = high
        self.length = length
    }

    /// The text of `utf8`, or `nil` when it is longer than ``maxLength``.
    @inline(__always)
    init?(_ utf8: UnsafeRawBufferPointer) {
        guard utf8.count <= Self.maxLength else { return nil }
        self.init(unchecked: utf8)
    }

    /// The text of `utf8`, at most ``maxLength`` bytes.
    @inline(__always)
    init(unchecked utf8: UnsafeRawBufferPointer) {
        length = utf8.count
        switch length {
        case 8...16:
            // Bytes 8..<length, from the last 8 bytes shifted down past those already in `low`.
            let tail = utf8.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            low = utf8.loadUnaligned(as: UInt64.self)
            high = length == 8 ? 0 : tail >> UInt64(8 * (16 - length))
        case 4..<8:
            // Bytes 4..<length, from the last 4 bytes shifted down past those already in `head`.
            let head = UInt64(utf8.loadUnaligned(as: UInt32.self))
            let tail = UInt64(utf8.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self))
            low = head | (tail >> UInt64(8 * (8 - length))) << 32
            high = 0
        case 1..<4:
            // The first, middle and last byte, which overlap below 3 bytes: no loop.
            let middle = length &>> 1
            low = UInt64(utf8.load(as: UInt8.self))
                | UInt64(utf8.load(fromByteOffset: middle, as: UInt8.self)) &<< UInt64(8 &* middle)
                | UInt64(utf8.load(fromByteOffset: length &- 1, as: UInt8.self)) &<< UInt64(8 &* (length &- 1))
            high = 0
        default:
            low = 0
            high = 0
        }
    }

    /// ``maxLength`` where strings of up to 15 bytes can be made from their words
    /// (``smallString``), 0 where they cannot: a bound a text's length is compared with, which
    /// a caller reads once and keeps, as reading this static costs a `swift_once` each time.
    static let smallStringLimit = smallStringLayoutHolds ? maxLength : 0

    /// The text of `string` when it fits a small string (at most 15 bytes) and
    /// ``smallStringLayoutHolds``, for ``smallString`` to make it again without a call; `nil` otherwise.
    init?(smallStringOf string: String) {
        guard string.utf8.count < Self.maxLength, Self.smallStringLayoutHolds else { return nil }
        var string = string
        self = string.withUTF8 { ShortText(unchecked: UnsafeRawBufferPointer($0)) }
    }

    /// Whether every byte of the text is ASCII.
    var isASCII: Bool { (low | high) & 0x8080_8080_8080_8080 == 0 }

    /// The bits of the small string of this text (at most 15 bytes), as Swift lays one out on
    /// 64-bit platforms: the bytes in order, then in the last byte a discriminator (immortal, small,
    /// and ASCII when it is) and the count.
    var smallStringBits: (UInt64, UInt64) {
        let discriminator: UInt64 = isASCII ? 0xE0 : 0xA0
        return (low, high | (discriminator | UInt64(truncatingIfNeeded: length)) << 56)
    }

    /// The string of this text, which must be valid UTF-8 of at most 15 bytes, made from its words:
    /// what the stdlib would make after copying and validating the bytes again. Only where
    /// ``smallStringLayoutHolds``.
    @inline(__always)
    var smallString: String { Self.smallString(bits: smallStringBits) }

    /// The small string whose bits are `bits`, some text's ``smallStringBits`` (kept by a caller that
    /// makes the same string many times). Only where ``smallStringLayoutHolds``.
    @inline(__always)
    static func smallString(bits: (UInt64, UInt64)) -> String {
        // Moved out of the bits rather than bit-cast, which would copy the string and so retain it
        // (a call into the runtime, for a small string that nothing owns).
        var bits = bits
        return withUnsafeMutablePointer(to: &bits) { pointer in
            UnsafeMutableRawPointer(pointer).bindMemory(to: String.self, capacity: 1).move()
        }
    }

    /// Whether ``smallStringBits`` are the bits of the strings the stdlib makes, checked on texts
    /// of every length up to 15, ASCII and not (reading a real string's bits is safe; making one
    /// from bits is done only when they agree, so a different layout turns the shortcut off rather
    /// than making bad strings).
    static let smallStringLayoutHolds: Bool = {
        guard MemoryLayout<String>.size == 16 else { return false }
        let samples = (0..<ShortText.maxLength).flatMap { length in
            [Array("abcdefghijklmnop".utf8.prefix(length)), length < 2 ? [] : Array("é".utf8) + Array("0123456789abcd".utf8.prefix(length - 2))]
        }
        return samples.allSatisfy { bytes in
            let made = unsafeBitCast(String(decoding: bytes, as: UTF8.self), to: (UInt64, UInt64).self)
            let ours = bytes.withUnsafeBytes { ShortText(unchecked: $0).smallStringBits }
            return made == ours
        }
    }()

    /// A hash whose top bits pick a table slot.
    @inline(__always)
    var hash: UInt64 { (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: length) }
}
