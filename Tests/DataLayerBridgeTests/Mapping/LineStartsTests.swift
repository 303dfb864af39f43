@testable import DataLayerBridge
import Testing

/// ``LineStarts`` finds line feeds with `memchr`; every offset of a document must get the line and
/// column that counting from the top (``JSONError``) gives, however its lines are laid out.
struct LineStartsTests {
    @Test(arguments: [
        "", "\n", "\n\n\n", "{}", "{\"a\": 1}\n", "\n{\"a\": 1}", "a\nb\n\nc", "é\nñ€\n😀x\n",
        String(repeating: "x", count: 70) + "\n" + String(repeating: "é", count: 40) + "\n\n" + String(repeating: "\n", count: 17) + "end",
    ])
    func everyOffsetGetsTheLineAndColumnCountedFromTheTop(_ text: String) {
        let label = text.debugDescription
        var bytesOfText = text
        bytesOfText.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let lines = LineStarts(bytes)
            for offset in 0...bytes.count {
                let counted = JSONError(reason: "", at: offset, in: bytes)
                let found = lines.position(of: offset, in: bytes)
                #expect(found.line == counted.line && found.column == counted.column, "offset \(offset) of \(label)")
            }
        }
    }
}
