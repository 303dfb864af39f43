/// Recently made short strings, so that materialising a stream's documents validates and builds
/// each repeated key or short value once rather than at every occurrence (a GA4 push repeats
/// `item_id`, `item_name`, `price`, its currency… for every item). Direct-mapped, 1,024 entries
/// of up to 16 bytes.
///
/// A value type: a worker keeps one beside its parser and passes it to
/// ``JSONTape/value(_:strings:)``. The table is written only while uniquely referenced (a copy
/// that shares it makes its own first), so copies on other threads never write the same table.
struct StringCache: @unchecked Sendable {
    private static let slotBits = 10

    private struct Entry {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var length = -1
        var string = ""
    }

    private final class Table {
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: 1 << StringCache.slotBits)

        init() { entries.initialize(repeating: Entry(), count: 1 << StringCache.slotBits) }

        deinit {
            entries.deinitialize(count: 1 << StringCache.slotBits)
            entries.deallocate()
        }
    }

    private let enabled: Bool
    /// Allocated on first use (40 KiB), so a cache that is never used costs nothing.
    private var table: Table?

    /// A cache, or with `enabled` false a pass-through: one-off conversions gain nothing from a
    /// table they would fill once.
    init(enabled: Bool = true) { self.enabled = enabled }

    /// The string of `utf8` (valid UTF-8 without escapes), from the cache when it was made recently.
    mutating func string(_ utf8: UnsafeRawBufferPointer) -> String {
        let length = utf8.count
        guard enabled, length <= 16, let base = utf8.baseAddress else { return String(decoding: utf8, as: UTF8.self) }
        // The bytes as two zero-padded words: the comparison and the hash in a few instructions.
        var words: (low: UInt64, high: UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: length) }
        let hash = (words.low &* 0x9E37_79B9_7F4A_7C15) ^ (words.high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
        let slot = Int(truncatingIfNeeded: hash >> (64 - Self.slotBits))
        if !isKnownUniquelyReferenced(&table) { table = Table() }
        let entry = table.unsafelyUnwrapped.entries + slot
        if entry.pointee.length == length, entry.pointee.low == words.low, entry.pointee.high == words.high {
            return entry.pointee.string
        }
        let string = String(decoding: utf8, as: UTF8.self)
        entry.pointee = Entry(low: words.low, high: words.high, length: length, string: string)
        return string
    }
}
