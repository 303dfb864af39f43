@testable import DataLayerBridge
import Testing

/// `uuid5()`'s namespace reading, byte by byte, against a model that reads the text as groups.
struct UUIDTextTests {
    /// The 16 bytes of `8-4-4-4-12` hexadecimal groups (either case), or `nil`.
    static func model(_ text: String) -> [UInt8]? {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.utf8.count) == [8, 4, 4, 4, 12] else { return nil }
        let digits = Array(groups.joined().utf8)
        guard digits.allSatisfy({ Hex.value(of: $0) != nil }) else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { (Hex.value(of: digits[$0]) ?? 0) << 4 | (Hex.value(of: digits[$0 + 1]) ?? 0) }
    }

    @Test func namespacesReadAsTheGroupModelReadsThem() {
        let valid = "6ba7b811-9DAD-11d1-80b4-00c04fd430c8"
        var texts = [valid, valid.uppercased(), "", "d", String(valid.dropLast()), valid + "0", "6ba7b8119dad11d180b400c04fd430c8----"]
        for position in 0..<36 {
            for replacement: Character in ["g", "-", "F", "é"] {
                var characters = Array(valid)
                characters[position] = replacement
                texts.append(String(characters))
            }
        }
        for text in texts {
            #expect(UUIDText.parse(text) == Self.model(text), "\(text)")
            #expect(UUIDText.namespace(text) == Self.model(text), "\(text)")
        }
        #expect(UUIDText.namespace("X500") == Self.model("6ba7b814-9dad-11d1-80b4-00c04fd430c8"))
        #expect(UUIDText.namespace("Dns") == Self.model("6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
    }
}
