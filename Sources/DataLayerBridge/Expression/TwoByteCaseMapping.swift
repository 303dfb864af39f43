/// Upper- or lower-case mappings of the scalars UTF-8 writes in two bytes (U+0080…U+07FF: Latin,
/// Greek, Cyrillic, Hebrew, Arabic, combining marks), for case-mapping strings byte by byte.
///
/// Built once from the stdlib's own `uppercased()` / `lowercased()` of each scalar, so a string
/// mapped through the table equals the stdlib's result: both map scalar by scalar, without
/// context (`Σ` becomes `σ` even at the end of a word). Scalars whose mapping is not one scalar
/// of the same range (`İ` → `i̇`, `ß` → `SS`, `ı` → `I`) are marked, and a string holding one
/// is left to the stdlib.
struct TwoByteCaseMapping: Sendable {
    /// By scalar value − 0x80: the mapped scalar's value, or 0 for a mapping the table cannot hold.
    private let mapped: [UInt16]

    static let lower = TwoByteCaseMapping { $0.lowercased() }
    static let upper = TwoByteCaseMapping { $0.uppercased() }

    private init(_ map: (String) -> String) {
        mapped = (UInt32(0x80)...0x7FF).map { value in
            guard let scalar = Unicode.Scalar(value) else { return 0 }
            let result = map(String(scalar)).unicodeScalars
            guard result.count == 1, let only = result.first, (0x80...0x7FF).contains(only.value) else { return 0 }
            return UInt16(only.value)
        }
    }

    /// The mapped scalar's value for the scalar that starts with `lead` and continues with
    /// `continuation`; `nil` when the bytes are not such a scalar or its mapping is not simple.
    func mapping(_ lead: UInt8, _ continuation: UInt8) -> UInt16? {
        guard lead & 0xE0 == 0xC0, continuation & 0xC0 == 0x80 else { return nil }
        let index = (Int(lead & 0x1F) << 6 | Int(continuation & 0x3F)) - 0x80
        guard index >= 0, index < mapped.count, mapped[index] != 0 else { return nil }
        return mapped[index]
    }
}
