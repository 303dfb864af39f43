#if canImport(Glibc)
import Glibc
#endif

/// Allocation-free string primitives for the hot functions (`contains`, `starts_with`,
/// `ends_with`, `lower`, `upper`).
///
/// Searching UTF-8 bytes is searching code points: UTF-8 is self-synchronising, so one valid
/// string's bytes found inside another's always start and end on code point boundaries.
extension String {
    /// Whether `needle` occurs in this string (an empty needle always does).
    func containsBytes(of needle: String) -> Bool {
        var found = false
        if !needle.isEmpty { forEachOccurrence(of: needle, limit: 1) { _ in found = true } }
        return needle.isEmpty || found
    }

    /// The UTF-8 offsets where occurrences of `needle` (not empty) start, left to right and not
    /// overlapping, at most `limit` of them.
    func byteOffsets(of needle: String, limit: Int) -> [Int] {
        var offsets: [Int] = []
        forEachOccurrence(of: needle, limit: limit) { offsets.append($0) }
        return offsets
    }

    /// Calls `visit` with the UTF-8 offset of each occurrence of `needle` (not empty), left to
    /// right and not overlapping, at most `limit` times.
    private func forEachOccurrence(of needle: String, limit: Int, _ visit: (Int) -> Void) {
        var subject = self
        var needle = needle
        subject.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard !pattern.isEmpty, pattern.count <= haystack.count, let h = haystack.baseAddress, let p = pattern.baseAddress else { return }
                // memchr finds each candidate first byte; memcmp checks the rest (Glibc hides memmem).
                let lastStart = haystack.count - pattern.count
                var start = 0
                var found = 0
                while found < limit, start <= lastStart {
                    guard let hit = memchr(h + start, Int32(p.pointee), lastStart - start + 1) else { break }
                    let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(h)
                    if memcmp(h + offset, p, pattern.count) == 0 {
                        visit(offset)
                        found += 1
                        start = offset + pattern.count
                    } else {
                        start = offset + 1
                    }
                }
            }
        }
    }

    /// The text between `offsets` (where `separatorLength`-byte separators start), as strings.
    func pieces(between offsets: [Int], separatorLength: Int) -> [String] {
        var subject = self
        return subject.withUTF8 { bytes in
            var pieces: [String] = []
            pieces.reserveCapacity(offsets.count + 1)
            var start = 0
            for offset in offsets + [bytes.count] {
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
                start = offset + separatorLength
            }
            return pieces
        }
    }

    /// Whether this string ends with `suffix`, compared byte by byte.
    func endsWithBytes(of suffix: String) -> Bool {
        let own = utf8, other = suffix.utf8
        guard other.count <= own.count else { return false }
        return own[own.index(own.endIndex, offsetBy: -other.count)...].elementsEqual(other)
    }

    /// The string with its ASCII letters upper- or lower-cased, or `nil` when it holds a
    /// non-ASCII byte (the caller then applies full Unicode case mapping). Returns `self`, without
    /// copying, when no letter needs mapping.
    func asciiCaseMapped(upper: Bool) -> String? {
        let (first, last): (UInt8, UInt8) = upper ? (0x61, 0x7A) : (0x41, 0x5A)
        // Read as one contiguous buffer: iterating `utf8` costs several times more per byte.
        var source = self
        return source.withUTF8 { bytes -> String? in
            var needsMapping = false
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte >= first && byte <= last { needsMapping = true }
            }
            guard needsMapping else { return self }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for position in bytes.indices {
                    let byte = bytes[position]
                    buffer[position] = byte >= first && byte <= last ? byte ^ 0x20 : byte
                }
                return bytes.count
            }
        }
    }
}
