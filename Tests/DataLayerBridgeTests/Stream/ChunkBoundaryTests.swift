import DataLayerBridge
import Testing

/// The same bytes, split into reads of many different sizes, must give the same records as the
/// records the generator put in; the splits include 1-byte reads and sizes that cut multibyte
/// characters and CRLF pairs.
struct ChunkBoundaryTests {
    static let maxRecordBytes = 160

    static func splitPatterns(_ rng: inout SplitMix64) -> [[Int]] {
        var patterns: [[Int]] = [[], [1], [2], [3], [1, 2, 3, 5, 8, 13]]
        for limit in [4, 40, 3000] {
            patterns.append((0..<Int.random(in: 1...9, using: &rng)).map { _ in Int.random(in: 1...limit, using: &rng) })
        }
        return patterns
    }

    /// Text pieces chosen to sit across read boundaries: multibyte UTF-8, escapes, and bytes the
    /// array scan treats as structure when they are outside strings.
    static let stringPieces = ["a", "Ž", "ů", "🐴", "€", "\\\"", "\\\\", "]", "[", ",", "{", "}", ":", " ", "\\n", "\\u00e9", "x y"]

    static func randomString(_ rng: inout SplitMix64) -> String {
        "\"" + (0..<Int.random(in: 0...8, using: &rng)).map { _ in stringPieces.randomElement(using: &rng)! }.joined() + "\""
    }

    static func randomBlanks(_ rng: inout SplitMix64, newlines: Bool) -> String {
        let blanks = newlines ? [" ", "\t", "\n", "\r\n", "  "] : [" ", "\t"]
        return (0..<Int.random(in: 0...2, using: &rng)).map { _ in blanks.randomElement(using: &rng)! }.joined()
    }

    static func randomValue(_ rng: inout SplitMix64, depth: Int, newlines: Bool) -> String {
        let gap = { (rng: inout SplitMix64) in randomBlanks(&rng, newlines: newlines) }
        switch Int.random(in: 0..<(depth < 3 ? 7 : 4), using: &rng) {
        case 0: return ["0", "-12.5e3", "6667519810961010000", "29.90"].randomElement(using: &rng)!
        case 1: return ["true", "false", "null"].randomElement(using: &rng)!
        case 2, 3: return randomString(&rng)
        case 4: return "[" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                gap(&rng) + randomValue(&rng, depth: depth + 1, newlines: newlines) + gap(&rng)
            }.joined(separator: ",") + "]"
        default: return "{" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                gap(&rng) + randomString(&rng) + gap(&rng) + ":" + gap(&rng)
                    + randomValue(&rng, depth: depth + 1, newlines: newlines) + gap(&rng)
            }.joined(separator: ",") + "}"
        }
    }

    static func lineCount(_ text: String) -> Int { text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

    /// NDJSON (objects, so that `auto` must find NDJSON too) with blank and white-space-only lines, LF and CRLF, padding around records, an
    /// optional byte order mark and an optional final line without newline.
    static func ndjsonCase(seed: UInt64) -> (input: [UInt8], expected: [ReadRecord]) {
        var rng = SplitMix64(seed: seed)
        var text = Bool.random(using: &rng) ? "\u{FEFF}" : ""
        var expected: [ReadRecord] = []
        var line = 1
        for index in 0..<Int.random(in: 0...40, using: &rng) {
            let ending = index > 0 && Bool.random(using: &rng) ? "\r\n" : "\n"
            if Int.random(in: 0..<5, using: &rng) == 0 {
                text += randomBlanks(&rng, newlines: false) + ending
            } else {
                let record = "{\"v\":" + randomValue(&rng, depth: 1, newlines: false) + "}"
                let trailing = randomBlanks(&rng, newlines: false)
                text += randomBlanks(&rng, newlines: false) + record + trailing + ending
                let size = record.utf8.count + trailing.utf8.count
                expected.append(ReadRecord(
                    ordinal: expected.count + 1, line: line, text: size > maxRecordBytes ? "" : record,
                    problem: size > maxRecordBytes ? .tooLarge(byteCount: size) : nil))
            }
            line += 1
        }
        if text.hasSuffix("}\n") && Bool.random(using: &rng) { text.removeLast() }
        return (Array(text.utf8), expected)
    }

    /// A dataLayer array, bare or in a wrapper object among other members, with white space and
    /// newlines everywhere white space may go.
    static func arrayCase(seed: UInt64) -> (input: [UInt8], expected: [ReadRecord]) {
        var rng = SplitMix64(seed: seed)
        let wrapped = Bool.random(using: &rng)
        var text = (Bool.random(using: &rng) ? "\u{FEFF}" : "") + randomBlanks(&rng, newlines: true)
        if wrapped {
            text += "{" + randomBlanks(&rng, newlines: true) + #""meta":"# + randomValue(&rng, depth: 0, newlines: true)
                + #", "dataLayer" :"#
        }
        text += "[" + randomBlanks(&rng, newlines: true)
        var expected: [ReadRecord] = []
        for index in 0..<Int.random(in: 0...25, using: &rng) {
            if index > 0 { text += "," + randomBlanks(&rng, newlines: true) }
            let element = randomValue(&rng, depth: 0, newlines: true)
            let size = element.utf8.count
            expected.append(ReadRecord(
                ordinal: index + 1, line: lineCount(text) + 1, text: size > maxRecordBytes ? "" : element,
                problem: size > maxRecordBytes ? .tooLarge(byteCount: size) : nil))
            text += element + randomBlanks(&rng, newlines: true)
        }
        text += "]"
        if wrapped { text += #", "tail": "]}""# + randomBlanks(&rng, newlines: true) + "}" }
        text += randomBlanks(&rng, newlines: true)
        return (Array(text.utf8), expected)
    }

    static func readAllWays(_ input: [UInt8], format: InputFormat, seed: UInt64) throws -> [[ReadRecord]] {
        var rng = SplitMix64(seed: seed ^ 0xA5A5)
        return try splitPatterns(&rng).map { pattern in
            try readRecords(
                MemorySource(input, chunkSizes: pattern), format: format, maxRecordBytes: maxRecordBytes,
                chunkSize: [1024, 4096].randomElement(using: &rng)!, batchBytes: [1, 100, 2000, 1 << 20].randomElement(using: &rng)!)
        }
    }

    @Test(arguments: 0..<60)
    func ndjsonRecordsDoNotDependOnReadBoundaries(seed: UInt64) throws {
        let (input, expected) = Self.ndjsonCase(seed: seed)
        for read in try Self.readAllWays(input, format: .ndjson, seed: seed) {
            #expect(read == expected)
        }
        #expect(try readRecords(MemorySource(input), maxRecordBytes: Self.maxRecordBytes) == expected)
    }

    @Test(arguments: 0..<60)
    func arrayElementsDoNotDependOnReadBoundaries(seed: UInt64) throws {
        let (input, expected) = Self.arrayCase(seed: seed)
        for read in try Self.readAllWays(input, format: .array, seed: seed) {
            #expect(read == expected)
        }
    }

    /// Structural garbage: whatever the reader makes of it, it must finish, and make the same of it
    /// however the input is split.
    @Test(arguments: 0..<60)
    func garbageIsFramedTheSameWhateverTheBoundaries(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let alphabet = ["[", "]", "{", "}", "\"", "\\", ",", ":", " ", "\n", "\r\n", "a", "1", "Ž", "\"dataLayer\""]
        let text = (0..<Int.random(in: 0...300, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
        let input = Array(((Bool.random(using: &rng) ? "[" : "{\"dataLayer\":[") + text).utf8)
        let reads = try Self.readAllWays(input, format: .array, seed: seed)
        for read in reads.dropFirst() {
            #expect(read == reads[0])
        }
    }
}
