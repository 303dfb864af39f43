@testable import DataLayerBridge
import Testing

/// The parser scans strings sixteen bytes at a time and passes two-byte UTF-8 sequences on its
/// own; an escape at the start sends the whole rest of a string to the general, byte-at-a-time
/// path. Both must accept the same contents and reject the same ones with the same reason at the
/// same place, wherever a sequence falls in the blocks.
struct ParserStringFastPathTests {
    /// Contents with two-byte sequences (valid, truncated, overlong, with a bad continuation) at
    /// every offset of the first blocks, runs of accented letters, and other special bytes after them.
    static let contents: [[UInt8]] = {
        let fragments: [[UInt8]] = [
            [0xC3, 0xA9], [0xC5, 0xBE, 0xC3, 0xA1], [0xC3], [0xC3, 0x28], [0xC3, 0xC3, 0xA9], [0xA9],
            [0xC0, 0xAF], [0xC1, 0xBF], [0xDF, 0xBF], [0xC2, 0x80], [0xE2, 0x80, 0xA8], [0xE2, 0x82, 0xAC],
            [0xF0, 0x9F, 0x98, 0x80], [0xC3, 0x01], [0x01], Array(#"\n"#.utf8), Array(#"\""#.utf8), [0xC3, 0x5C],
            // Sequences taken off a block's mask, then a bad or other special byte in the same block.
            [0xC3, 0xA9, 0xC5, 0xBE, 0xC3], [0xC3, 0xA9, 0xC5, 0xBE, 0xA9], [0xC3, 0xA9, 0xE2, 0x80, 0xA8],
            [0xC3, 0xA9, 0x5C, 0x6E], [0xC3, 0xA9, 0x01], [0xC3, 0xA9, 0xC3, 0xA9, 0x22, 0xC3, 0xA9],
        ]
        var contents: [[UInt8]] = []
        for fragment in fragments {
            for offset in 0...34 {
                let before = [UInt8](repeating: UInt8(ascii: "a"), count: offset)
                contents.append(before + fragment)
                contents.append(before + fragment + Array("ab".utf8))
                contents.append(before + fragment + [0xC3, 0xA9] + [UInt8](repeating: UInt8(ascii: "b"), count: 20))
            }
        }
        // Czech and Slovak text, whose letters fall anywhere in the blocks.
        let text = Array("Dámske topánky Höhenrausch Storm • Žilina Textil Lite • oranžová / M • Dětské".utf8)
        for length in 0...text.count { contents.append(Array(text[..<length])) }
        return contents
    }()

    @Test(arguments: contents)
    func fastPathAgreesWithTheGeneralPath(_ content: [UInt8]) {
        let quote = UInt8(ascii: "\"")
        // The document ends right after the string, after a few more bytes, and after more than a
        // block; with the closing quote missing too.
        for (suffix, closed) in [([UInt8](), true), ([0x20], true), ([UInt8](repeating: 0x20, count: 40), true),
                                 ([UInt8](), false), ([UInt8](repeating: 0x20, count: 40), false)] {
            let close: [UInt8] = closed ? [quote] : []
            let fast = outcome([quote] + content + close + suffix, skipping: 0)
            let general = outcome([quote] + Array(#"\n"#.utf8) + content + close + suffix, skipping: 2)
            #expect(fast.error == general.error, "\(content) \(suffix.count) \(closed)")
            #expect(fast.length == general.length, "\(content) \(suffix.count) \(closed)")
            if closed, fast.error == nil {
                #expect(fast.length == content.count)
                #expect(fast.needsDecoding == needsDecoding(content))
            }
        }
    }

    /// A string value after `:"`, where the member fast path parses it.
    @Test(arguments: contents)
    func memberValueAgreesWithTheGeneralPath(_ content: [UInt8]) {
        let prefix = Array(#"{"k":0,"v":""#.utf8)
        let fast = outcome(prefix + content + Array("\"}".utf8), skipping: 0, node: 4, quote: prefix.count - 1)
        let general = outcome(prefix + Array(#"\n"#.utf8) + content + Array("\"}".utf8), skipping: 2, node: 4, quote: prefix.count - 1)
        #expect(fast.error == general.error, "\(content)")
        #expect(fast.length == general.length, "\(content)")
    }

    /// A lead byte ending a block and its continuation starting the next one: accepted as the
    /// letter it is (a scan that resumed at the next block's start would see a lone continuation).
    @Test func sequenceAcrossBlocksIsOneLetter() throws {
        let text = String(repeating: "a", count: 15) + "é" + String(repeating: "b", count: 20)
        #expect(try JSONValue(parsing: "\"\(text)\"") == .string(text))
        let failure = try #require(outcome(Array("\"\(String(repeating: "a", count: 15))".utf8) + [0xC3, 0x28]
                                           + Array(String(repeating: "b", count: 20).utf8) + [0x22], skipping: 0).error)
        #expect(failure == "invalid UTF-8 byte 0xC3 0x28 at 16")
    }

    private func needsDecoding(_ content: [UInt8]) -> Bool {
        content.contains(UInt8(ascii: "\\")) || content.indices.contains { index in
            index + 2 < content.count && content[index] == 0xE2 && content[index + 1] == 0x80 && content[index + 2] & 0xFE == 0xA8
        }
    }

    /// The length and flag of the string node `node`, whose opening quote is at `quote`, or the
    /// error with its offset; the `skipped` bytes of an escape inserted after the quote taken out.
    private func outcome(_ bytes: [UInt8], skipping skipped: Int, node: Int = 0, quote: Int = 0) -> Outcome {
        var parser = JSONParser()
        return bytes.withUnsafeBytes { buffer in
            do throws(JSONError) {
                let tape = try parser.parse(buffer)
                let entry = tape.nodes[node]
                return Outcome(length: Int(entry.length) - skipped,
                               needsDecoding: entry.flags & JSONTape.Node.needsDecoding != 0, error: nil)
            } catch {
                let offset = error.offset > quote ? error.offset - skipped : error.offset
                return Outcome(length: nil, needsDecoding: false, error: "\(error.reason) at \(offset)")
            }
        }
    }

    private struct Outcome {
        let length: Int?
        let needsDecoding: Bool
        let error: String?
    }
}
