/// Upper- or lower-case mappings of the scalars UTF-8 writes in two bytes (U+0080…U+07FF: Latin,
/// Greek, Cyrillic, Armenian, Hebrew, Arabic, combining marks), for case-mapping strings byte by byte.
///
/// Each mapping is the stdlib's own `uppercased()` / `lowercased()` of the scalar alone, so a
/// string mapped through the table equals the stdlib's result: both map scalar by scalar, without
/// context (`Σ` becomes `σ` even at the end of a word). Scalars whose mapping is not one scalar
/// of the same range (`İ` → `i̇`, `ß` → `SS`, `ı` → `I`) are marked, and a string holding one
/// is left to the stdlib.
///
/// All 1,920 scalars are mapped when the table is first used (≈ 1.5 M instructions, once per
/// process, and only if a string needs it): a table filled block by block on demand would take a
/// lock on every call, and the library takes none on its hot path.
final class TwoByteCaseMapping: @unchecked Sendable {
    static let lower = TwoByteCaseMapping { $0.lowercased() }
    static let upper = TwoByteCaseMapping { $0.uppercased() }

    /// By lead byte's low five bits × 64 + continuation byte's low six bits: the mapped scalar's
    /// value, or 0 for a mapping the table cannot hold. Written once in `init`, only read after;
    /// an unsafe pointer, so reads cost no exclusivity check.
    private let mapped = UnsafeMutablePointer<UInt16>.allocate(capacity: 32 * 64)

    private init(_ map: (String) -> String) {
        for value in 0..<32 * 64 { (mapped + value).initialize(to: Self.mapping(of: UInt32(value), map)) }
    }

    deinit {
        mapped.deallocate()
    }

    /// The mappings, to read.
    var table: Table { Table(mapped: mapped) }

    /// The mappings of two-byte scalars.
    struct Table {
        fileprivate let mapped: UnsafeMutablePointer<UInt16>

        /// The mapped scalar's value for the scalar that starts with `lead` and continues with
        /// `continuation`; `nil` when the bytes are not such a scalar or its mapping is not simple.
        func mapping(_ lead: UInt8, _ continuation: UInt8) -> UInt16? {
            guard lead & 0xE0 == 0xC0, continuation & 0xC0 == 0x80 else { return nil }
            let value = mapped[Int(lead & 0x1F) << 6 | Int(continuation & 0x3F)]
            return value == 0 ? nil : value
        }
    }

    private static func mapping(of value: UInt32, _ map: (String) -> String) -> UInt16 {
        // Values below 0x80 come from overlong lead bytes, which valid UTF-8 never holds.
        guard value >= 0x80, let scalar = Unicode.Scalar(value) else { return 0 }
        // Two UTF-8 bytes that start with a two-byte lead are exactly one scalar of this range
        // (`SS` is two bytes too).
        let result = map(String(scalar)).utf8
        guard result.count == 2, let lead = result.first, lead & 0xE0 == 0xC0, let continuation = result.last else { return 0 }
        return UInt16(lead & 0x1F) << 6 | UInt16(continuation & 0x3F)
    }
}
