/// Upper- or lower-case mappings of the scalars UTF-8 writes in two bytes (U+0080…U+07FF: Latin,
/// Greek, Cyrillic, Armenian, Hebrew, Arabic, combining marks), for case-mapping strings byte by byte.
///
/// Each mapping is the stdlib's own `uppercased()` / `lowercased()` of the scalar alone, so a
/// string mapped through the table equals the stdlib's result: both map scalar by scalar, without
/// context (`Σ` becomes `σ` even at the end of a word). Scalars whose mapping is not one scalar
/// of the same range (`İ` → `i̇`, `ß` → `SS`, `ı` → `I`) are marked, and a string holding one
/// is left to the stdlib.
///
/// The 64 scalars that share a lead byte are mapped together the first time a string needs one of
/// them: a run meets a few scripts, and mapping all 1,920 scalars up front costs ≈ 1.5 M instructions.
final class TwoByteCaseMapping: @unchecked Sendable {
    static let lower = TwoByteCaseMapping { $0.lowercased() }
    static let upper = TwoByteCaseMapping { $0.uppercased() }

    private let map: @Sendable (String) -> String
    private let lock = ConditionLock()
    /// Written under `lock`; a block is read only once ``table(mapping:)`` has seen it mapped. By
    /// lead byte's low five bits × 64 + continuation byte's low six bits: the mapped scalar's value,
    /// or 0 for a mapping the table cannot hold. Unsafe pointers, so reads cost no exclusivity check.
    private let mapped = UnsafeMutablePointer<UInt16>.allocate(capacity: 32 * 64)
    /// Guarded by `lock`: bit `b` is set once the block of lead byte's low five bits `b` is mapped.
    private let mappedBlocks = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)

    private init(_ map: @escaping @Sendable (String) -> String) {
        self.map = map
        mappedBlocks.initialize(to: 0)
    }

    deinit {
        mapped.deallocate()
        mappedBlocks.deallocate()
    }

    /// The table, with the blocks of the lead bytes in `leads` (bit `b` for a lead byte whose low
    /// five bits are `b`) mapped. What the mutex published is only read after taking it, and a
    /// block never changes once mapped, so the caller reads the table without holding the lock.
    func table(mapping leads: UInt32) -> Table {
        lock.withLock {
            var missing = leads & ~mappedBlocks.pointee
            while missing != 0 {
                let block = missing.trailingZeroBitCount
                for offset in 0..<64 { (mapped + (block << 6 | offset)).initialize(to: mapping(of: UInt32(block << 6 | offset))) }
                missing &= missing - 1
            }
            mappedBlocks.pointee |= leads
        }
        return Table(mapped: mapped)
    }

    /// Mappings of the blocks asked for, to read.
    struct Table {
        fileprivate let mapped: UnsafeMutablePointer<UInt16>

        /// The mapped scalar's value for the scalar that starts with `lead` (one of the lead bytes
        /// asked for) and continues with `continuation`; `nil` when the bytes are not such a scalar
        /// or its mapping is not simple.
        func mapping(_ lead: UInt8, _ continuation: UInt8) -> UInt16? {
            guard lead & 0xE0 == 0xC0, continuation & 0xC0 == 0x80 else { return nil }
            let value = mapped[Int(lead & 0x1F) << 6 | Int(continuation & 0x3F)]
            return value == 0 ? nil : value
        }
    }

    private func mapping(of value: UInt32) -> UInt16 {
        // Values below 0x80 come from overlong lead bytes, which valid UTF-8 never holds.
        guard value >= 0x80, let scalar = Unicode.Scalar(value) else { return 0 }
        // Two UTF-8 bytes that start with a two-byte lead are exactly one scalar of this range
        // (`SS` is two bytes too).
        let result = map(String(scalar)).utf8
        guard result.count == 2, let lead = result.first, lead & 0xE0 == 0xC0, let continuation = result.last else { return 0 }
        return UInt16(lead & 0x1F) << 6 | UInt16(continuation & 0x3F)
    }
}
