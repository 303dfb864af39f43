@testable import DataLayerBridge
import Testing

/// The parser takes a lone 0 and numbers of up to fifteen integer digits (and seven fraction
/// digits) a word at a time, whole words away from the end of the input; any other number, and
/// every number at the very end of a document, goes through the general path. Both must accept the
/// same numbers with the same text and reject the same ones with the same reason at the same place.
struct ParserNumberFastPathTests {
    static let numbers: [String] = {
        var numbers = [
            "0", "00", "01", "0.", "0.5", "0.12345678", "0e1", "0E+1", "0x", "0,", "0]", "0}", "-", "-0", "-1", "-01",
            "1", "9", "1a", "1.a", "1.5.5", "1-", "2.", "3..", "7E", "1.5e", "1e5", "1E-5", "12345678.5e-3",
            "1234567890123456.5", "123456789012345e5", "123456789012345E+5", "1714521600912", "1714521600912.25",
            "1.0", "0.99", "9.99", "4.5e+", "1_000", "1 2", "NaN", "0.5e", "5.]", "5,5",
        ]
        // Every count of integer digits around the word boundaries, with and without fractions of
        // every length around theirs.
        for integer in 1...18 {
            let digits = String("123456789012345678901234".prefix(integer))
            numbers.append(digits)
            for fraction in 0...9 { numbers.append(digits + "." + String("908070605040302".prefix(fraction))) }
            numbers.append(digits + "e3")
        }
        return numbers
    }()

    @Test(arguments: numbers)
    func fastPathAgreesWithTheGeneralPath(_ number: String) {
        // At the very end of the document: the general path, for every number the fast one takes.
        let general = outcome(number)
        let padding = String(repeating: " ", count: 30)
        let fast = outcome(number + padding)
        #expect(fast.error == general.error, "\(number)")
        #expect(fast.length == general.length, "\(number)")
        guard let length = general.length else { return }
        #expect(length == number.count, "\(number)")
        // As an element and as a member's value, with more after it.
        #expect(outcome("[" + number + padding + "]", node: 1).length == length, "\(number)")
        #expect(outcome("[" + number + ",0" + padding + "]", node: 1).length == length, "\(number)")
        #expect(outcome(#"{"k":"# + number + padding + "}", node: 2).length == length, "\(number)")
        #expect(outcome(#"{"k":"# + number + #","v":1"# + padding + "}", node: 2).length == length, "\(number)")
    }

    /// After a member, `:` and a digit send the number to the member fast path: it must give what
    /// the general path gives for the object's first member, the same text or the same error at
    /// the same place past what precedes it.
    @Test(arguments: numbers)
    func memberValueAgreesWithTheGeneralPath(_ number: String) {
        let padding = String(repeating: " ", count: 30)
        let first = outcome(#"{"v":"# + number + padding + "}", node: 2)
        let afterMember = outcome(#"{"k":0,"v":"# + number + padding + "}", node: 4, skipping: 6)
        #expect(afterMember.error == first.error, "\(number)")
        #expect(afterMember.length == first.length, "\(number)")
        #expect(outcome(#"{"k":0,"v":"# + number + #","w":"x"}"#, node: 4, skipping: 6).length
                    == outcome(#"{"v":"# + number + #","w":"x"}"#, node: 2).length, "\(number)")
    }

    /// Timestamps and zeros in a record parse to their exact text.
    @Test func recordNumbersKeepTheirText() throws {
        let record = Array(#"{"gtm.start":1714521600912,"index":0,"price":0.99,"total":123456789012345,"tail":"x"}"#.utf8)
        var parser = JSONParser()
        try record.withUnsafeBytes { buffer in
            let tape = try parser.parse(buffer)
            for (key, text) in [("gtm.start", "1714521600912"), ("index", "0"), ("price", "0.99"), ("total", "123456789012345")] {
                let node = try #require(tape.member(tape.root, key))
                #expect(tape.kind(node) == .number)
                #expect(String(decoding: tape.rawText(node), as: UTF8.self) == text)
            }
        }
    }

    /// The length of number node `node`, or the error with its offset less `skipped`.
    private func outcome(_ text: String, node: Int = 0, skipping skipped: Int = 0) -> Outcome {
        var parser = JSONParser()
        return Array(text.utf8).withUnsafeBytes { buffer in
            do throws(JSONError) {
                let tape = try parser.parse(buffer)
                guard tape.kind(node) == .number else { return Outcome(length: nil, error: "not a number") }
                return Outcome(length: tape.rawText(node).count, error: nil)
            } catch {
                return Outcome(length: nil, error: "\(error.reason) at \(error.offset - skipped)")
            }
        }
    }

    private struct Outcome {
        let length: Int?
        let error: String?
    }
}

/// Documents up to ``JSONParser/reservedDocumentSize`` bytes have room for a node per byte
/// reserved before their parse, once the parser has parsed a document; larger ones, and a
/// parser's first document, grow their storage as they go.
struct ParserNodeRoomTests {
    /// A parser past its first document, so that the next ones of up to the reserved size get
    /// their room reserved.
    private func reusedParser(_ options: JSONParser.Options = .strict) throws -> JSONParser {
        var parser = JSONParser(options: options)
        _ = try Array("0".utf8).withUnsafeBytes { buffer in try parser.parse(buffer) }
        return parser
    }

    /// As many nodes as bytes, the most a document can have (brackets and a one-digit number, cut
    /// short), and a valid document of as many bytes: at the reserved size, just above it and far
    /// above it.
    @Test(arguments: [JSONParser.reservedDocumentSize, JSONParser.reservedDocumentSize + 1, 3 * JSONParser.reservedDocumentSize])
    func documentsWithANodePerByte(size: Int) throws {
        var parser = try reusedParser(.init(maxDepth: size))
        let opening = Array(repeating: UInt8(ascii: "["), count: size - 1)
        try (opening + [UInt8(ascii: "1")]).withUnsafeBytes { buffer in
            #expect(throws: JSONError.self) { try parser.parse(buffer) }
        }
        // A valid document of nearly the size: arrays each holding an array and a number.
        let depth = (size - 1) / 4
        let nested = Array(repeating: UInt8(ascii: "["), count: depth) + [UInt8(ascii: "0")]
            + Array(Array(repeating: Array(",0]".utf8), count: depth).joined())
        let tape = try nested.withUnsafeBytes { buffer in try parser.parse(buffer) }
        #expect(tape.nodeCount == 2 * depth + 1)
        for node in 0..<depth {
            #expect(tape.kind(node) == .array)
            #expect(tape.count(node) == 2)
            #expect(tape.skip(node) == 2 * depth + 1 - node)
            #expect(tape.byteOffset(node) == node)
            #expect(tape.isCanonical(node))
        }
        #expect(tape.kind(depth) == .number)
        #expect(tape.byteOffset(2 * depth) == nested.count - 2)
    }

    /// The same documents, one with room reserved and one growing, make the same tape; so does a
    /// fresh parser's first document, which grows.
    @Test func reservedAndGrowingTapesAgree() throws {
        let record = #"{"a":[1,"x",{"b":null},true,false,0.5],"c":{},"d":[ ],"e":"\n"}"#
        let small = Array("[\(record)]".utf8)
        let large = Array("[\(Array(repeating: record, count: JSONParser.reservedDocumentSize / record.utf8.count + 1).joined(separator: ","))]".utf8)
        var fresh = JSONParser()
        let firstNodes = try small.withUnsafeBytes { buffer in try nodes(fresh.parse(buffer)) }
        var parser = try reusedParser()
        let smallNodes = try small.withUnsafeBytes { buffer in try nodes(parser.parse(buffer)) }
        #expect(firstNodes == smallNodes)
        let largeNodes = try large.withUnsafeBytes { buffer in try nodes(parser.parse(buffer)) }
        #expect(large.count > JSONParser.reservedDocumentSize)
        #expect(largeNodes.count == 1 + (smallNodes.count - 1) * (large.count - 1) / (small.count - 1))
        // Each copy of the record: the same nodes, at its offset in bytes and in nodes.
        let recordNodes = smallNodes.count - 1
        for copy in 0..<(largeNodes.count - 1) / recordNodes {
            for index in 0..<recordNodes {
                let expected = smallNodes[1 + index]
                let actual = largeNodes[1 + copy * recordNodes + index]
                let shift = copy * (record.utf8.count + 1)
                #expect(actual.kind == expected.kind && actual.flags == expected.flags
                        && actual.offset == expected.offset + shift && actual.size == expected.size)
                #expect(actual.skip == expected.skip + copy * recordNodes)
            }
        }
    }

    private struct NodeSummary: Equatable {
        let kind: JSONTape.Kind
        let flags: UInt8
        let offset: Int
        let size: Int
        let skip: Int
    }

    private func nodes(_ tape: JSONTape) -> [NodeSummary] {
        (0..<tape.nodeCount).map { node in
            let kind = tape.kind(node)
            let size = kind == .array || kind == .object ? tape.count(node) : tape.rawText(node).count
            return NodeSummary(kind: kind, flags: tape.nodes[node].flags, offset: tape.byteOffset(node), size: size, skip: tape.skip(node))
        }
    }
}
