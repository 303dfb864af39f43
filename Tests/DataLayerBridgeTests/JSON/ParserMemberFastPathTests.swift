@testable import DataLayerBridge
import Testing

/// After a value in an object, the parser takes `,"` as the start of the next member and `:"` as
/// the start of a string value without going back through its dispatch. A member first in its
/// object is read by the general path: every member, valid or not, must give the same nodes, the
/// same flags and the same error (reason, and position past what precedes it) in both places.
struct ParserMemberFastPathTests {
    /// Members and beginnings of members: strings short, long, accented, escaped and needing
    /// decoding; every kind of value; white space around the colon; truncations; bad bytes.
    static let members: [[UInt8]] = [
        #""a":"b""#, #""":"""#, #""key":"value""#, #""k":"Dětské | Horský obchod""#,
        #""k":"a string value longer than one block of sixteen bytes, and then some more""#,
        #""k":"\u0041\n""#, #""k":"\ud83d\ude00""#, "\"k\":\"\u{2028}\"", #""k":"x\"y""#, #""\u006b":"v""#,
        #""k":"日本語😀""#, #""item_category2":"Dámske""#, #""k":1"#, #""k":-1.5e3"#, #""k":true"#, #""k":null"#,
        #""k":{}"#, #""k":{"a":"b","c":"d"}"#, #""k":[]"#, #""k":["a","b"]"#, #""k" :"v""#, #""k": "v""#,
        #""k":"v" "#, "\"k\"\n:\"v\"",
        #"""#, #""k"#, #""k""#, #""k":"#, #""k":""#, #""k":"unterminated"#, #""k"::"v""#, #""k":"v":"w""#,
        #""k":'v'"#, #""k":"\x""#, #""k":"\ud800""#, #""k":"\u12""#, #""k"}"#,
    ].map { Array($0.utf8) } + [
        Array(#""k":"a"#.utf8) + [0x01, 0x22], [0x22, 0x6B, 0x09, 0x22, 0x3A, 0x22, 0x22],
        Array(#""k":""#.utf8) + [0xFF, 0x22], Array(#""k":""#.utf8) + [0xC3, 0x28, 0x22],
        Array(#""k":""#.utf8) + [0xE2, 0x82, 0x22], Array(#""k":""#.utf8) + [0xC3],
        Array(#""k":""#.utf8) + [0xC0, 0xAF, 0x22], [0x22, 0xC3, 0xA9, 0xC3, 0x22, 0x3A, 0x22, 0x22],
    ]

    /// Each member alone first in an object, then after a member `"x":0` that sends it down the
    /// fast path; in an outer array too, closed and at the end of the input, and followed by another
    /// member.
    static let frames: [(prefix: String, suffix: String)] = [("{", "}"), ("{", ""), ("[{", "}]"), ("{", #","y":"z"}"#)]

    @Test(arguments: members)
    func memberAfterAMemberParsesAsWhenFirst(_ member: [UInt8]) {
        for frame in Self.frames {
            let general = outcome(Array(frame.prefix.utf8) + member + Array(frame.suffix.utf8), skipping: 0)
            let fast = outcome(Array(frame.prefix.utf8) + Array(#""x":0,"#.utf8) + member + Array(frame.suffix.utf8),
                               skipping: 6)
            #expect(fast == general, "\(frame.prefix)\(String(decoding: member, as: UTF8.self))\(frame.suffix)")
        }
    }

    /// In an array, `,"` starts a value, not a member.
    @Test(arguments: [#"["a","b"]"#, #"[1,"a":2]"#, #"[1,"a"}"#, #"[[],"é","\n"]"#, #"["a","#, #"[0,""#])
    func arrayElementAfterACommaIsAValue(_ text: String) {
        // A space after each comma sends every element down the general path (and makes the
        // array's text not canonical: that flag is left out here).
        let spaced = Array(text.utf8).flatMap { $0 == UInt8(ascii: ",") ? [$0, 0x20] : [$0] }
        let compact = outcome(Array(text.utf8), skipping: 0, canonical: false)
        let general = outcome(spaced, skipping: 0, spaces: 1, canonical: false)
        #expect(compact == general, "\(text)")
    }

    /// What a parse gives, with the `skipped` bytes of an inserted `"x":0,` (and its two nodes)
    /// taken out of positions; or with `spaces` bytes inserted after every comma taken out; the
    /// containers' canonical flag left out unless `canonical`.
    private func outcome(_ bytes: [UInt8], skipping skipped: Int, spaces: Int = 0, canonical: Bool = true) -> Outcome {
        var parser = JSONParser()
        return bytes.withUnsafeBytes { buffer in
            do throws(JSONError) {
                let tape = try parser.parse(buffer)
                var nodes: [String] = []
                var node = 0
                while node < tape.nodeCount {
                    defer { node += 1 }
                    let entry = tape.nodes[node]
                    // Containers skip the inserted member's two nodes only if they hold it.
                    if skipped > 0, tape.kind(node) == .object, node + 2 < tape.nodeCount, tape.kind(node + 1) == .string,
                       tape.string(node + 1) == "x", tape.kind(node + 2) == .number {
                        nodes.append("\(entry.kind) \(entry.flags) \(entry.start - 1)")
                        node += 2
                        continue
                    }
                    let shift = Int(entry.start) >= skipped ? skipped : 0
                    switch entry.kind {
                    case .array, .object:
                        let flags = canonical ? entry.flags : entry.flags & ~JSONTape.Node.canonical
                        nodes.append("\(entry.kind) \(flags) \(entry.start)")
                    default:
                        let start = spaces > 0 ? Int(entry.start) - spacesBefore(Int(entry.start), in: bytes, spaces: spaces)
                                               : Int(entry.start) - shift
                        nodes.append("\(entry.kind) \(entry.flags) \(start) \(entry.length) \(tape.value(node))")
                    }
                }
                return Outcome(nodes: nodes, error: nil)
            } catch {
                let offset = spaces > 0 ? error.offset - spacesBefore(error.offset, in: bytes, spaces: spaces)
                                        : error.offset - (error.offset >= skipped ? skipped : 0)
                return Outcome(nodes: [], error: "\(error.reason) at \(offset)")
            }
        }
    }

    /// The number of inserted spaces before `offset`: `spaces` after every comma before it.
    private func spacesBefore(_ offset: Int, in bytes: [UInt8], spaces: Int) -> Int {
        bytes[..<min(offset, bytes.count)].filter { $0 == 0x20 }.count * spaces
    }

    private struct Outcome: Equatable {
        let nodes: [String]
        let error: String?
    }
}
