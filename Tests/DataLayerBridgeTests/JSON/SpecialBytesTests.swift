@testable import DataLayerBridge
import Testing

/// The parser's block scan finds its special bytes (`"`, `\`, control and non-ASCII bytes) with
/// machine compares on x86-64 and with word arithmetic elsewhere: both must flag exactly the bytes
/// a byte-by-byte look flags, wherever they fall in a block.
struct SpecialBytesTests {
    /// Bit i set when byte i of `block` is special, one byte at a time.
    private func expectedBits(_ block: [UInt8]) -> UInt32 {
        block.indices.reduce(0) { bits, index in
            let byte = block[index]
            let special = byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            return special ? bits | 1 << index : bits
        }
    }

    private func bits(_ block: [UInt8]) -> (machine: UInt32, portable: UInt32) {
        block.withUnsafeBytes { ($0.baseAddress.map { SpecialBytes.specialBits($0, at: 0) } ?? 0,
                                 $0.baseAddress.map { SpecialBytes.portableSpecialBits($0, at: 0) } ?? 0) }
    }

    /// Every byte value at every place in a block of letters, and next to a special byte.
    @Test func everyByteAtEveryPlace() {
        for byte in UInt8.min...UInt8.max {
            for place in 0..<16 {
                for background: UInt8 in [UInt8(ascii: "a"), 0x7F, 0x20, 0x21, 0x5B, 0x5D] {
                    var block = [UInt8](repeating: background, count: 16)
                    block[place] = byte
                    if place > 0 { block[place - 1] = 0xC3 }
                    let (machine, portable) = bits(block)
                    #expect(machine == expectedBits(block), "\(block)")
                    #expect(portable == expectedBits(block), "\(block)")
                }
            }
        }
    }

    /// Blocks of random bytes drawn mostly from around the special ones.
    @Test func randomBlocks() {
        var generator = SplitMix64(seed: 0x5EC1A1)
        let near: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0xA0, 0xC3, 0xE2, 0xFF]
        for _ in 0..<20_000 {
            let block = (0..<16).map { _ in
                Bool.random(using: &generator) ? near.randomElement(using: &generator)! : UInt8.random(in: 0x20...0x7E, using: &generator)
            }
            let (machine, portable) = bits(block)
            #expect(machine == expectedBits(block), "\(block)")
            #expect(portable == expectedBits(block), "\(block)")
        }
    }

    /// ``SpecialBytes/skipPlain(_:from:count:)`` stops at the first special byte or at the end,
    /// in the blocks and in the bytes after the last whole one.
    @Test func skipPlainStopsAtTheFirstSpecialByte() {
        for count in 0...40 {
            for place in 0...count {
                for special: UInt8 in [0x22, 0x5C, 0x0A, 0xC3] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: count)
                    if place < count { bytes[place] = special }
                    for start in 0...min(place, 3) {
                        let found = bytes.withUnsafeBytes { buffer in
                            buffer.baseAddress.map { SpecialBytes.skipPlain($0, from: start, count: count) } ?? 0
                        }
                        #expect(found == place, "\(count) \(place) \(special) \(start)")
                    }
                }
            }
        }
    }
}
