/// A strict RFC 8259 JSON parser over UTF-8 bytes that produces a ``JSONTape``.
///
/// One parser serves a whole stream: its node storage is reused from document to document, so
/// parsing allocates nothing per value once it has seen its largest document. Strings are validated
/// (UTF-8, escapes, surrogate pairs) but not decoded; they are unescaped lazily when read.
///
/// Rejected: NaN and Infinity, leading zeros, trailing commas, control characters in strings,
/// invalid or overlong UTF-8, lone surrogates (raw or escaped), anything after the value, and
/// nesting deeper than ``Options/maxDepth``. A leading UTF-8 byte order mark is skipped.
public struct JSONParser: Sendable {
    /// What the parser accepts beyond strict JSON.
    public struct Options: Sendable, Hashable {
        /// Accept `//` and `/* */` comments and trailing commas (JSONC): for mapping files only.
        public var relaxed: Bool
        /// The deepest nesting of arrays and objects accepted; deeper input is an error.
        public var maxDepth: Int

        /// Creates options.
        public init(relaxed: Bool = false, maxDepth: Int = 512) {
            self.relaxed = relaxed
            self.maxDepth = maxDepth
        }

        /// Strict RFC 8259, nesting up to 512.
        public static let strict = Options()
        /// JSONC: comments and trailing commas, nesting up to 512.
        public static let relaxed = Options(relaxed: true)
    }

    /// The options this parser was made with.
    public var options: Options
    /// Reused from document to document unless a tape from the previous parse still holds it.
    private var nodes = GrowableBuffer<JSONTape.Node>(capacity: 256)
    /// Keys and short strings of recent documents, for ``JSONTape/value(_:strings:)``.
    var strings = StringCache()
    private var stack = GrowableBuffer<Int>(capacity: 64)

    /// Creates a parser.
    public init(options: Options = .strict) { self.options = options }

    /// Parses one JSON document that fills `bytes` exactly (white space around it allowed).
    ///
    /// The tape refers to `bytes` without copying them: it is valid only while they are. Documents
    /// are limited to 4 GiB.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONTape {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONError(offset: 0, line: 1, column: 1, reason: "empty document")
        }
        guard bytes.count < Int(UInt32.max) else {
            throw JSONError(offset: 0, line: 1, column: 1, reason: "document larger than 4 GiB")
        }
        if !isKnownUniquelyReferenced(&nodes) { nodes = GrowableBuffer(capacity: 256) }
        nodes.count = 0
        stack.count = 0
        var scanner = Scanner(base: base, count: bytes.count, options: options, nodes: nodes, stack: stack)
        do throws(Scanner.Failure) {
            try scanner.parseDocument()
        } catch {
            throw JSONError(reason: error.reason, at: error.offset, in: bytes)
        }
        return JSONTape(bytes: bytes, storage: nodes)
    }

    /// Parses `bytes` as ``parse(_:)`` does and materialises the document, keys and short strings
    /// through this parser's ``strings`` cache: what a stream's workers do with every record.
    mutating func value(of bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        materialise(try parse(bytes))
    }

    /// The document of `tape`, which this parser made, materialised through the ``strings`` cache.
    mutating func materialise(_ tape: JSONTape) -> JSONValue {
        tape.value(tape.root, strings: &strings)
    }
}

/// The scanning state of one parse, kept in locals the optimiser can hold in registers.
private struct Scanner {
    struct Failure: Error {
        let reason: String
        let offset: Int
    }

    let base: UnsafePointer<UInt8>
    let count: Int
    let relaxed: Bool
    let maxDepth: Int
    /// Never past `count`, which is below 4 GiB: index arithmetic wraps (`&+`) without checks.
    var index = 0
    /// Counts white space, comments and strings that need decoding: a container during whose
    /// parse it did not change is canonical.
    var irregularities: UInt32 = 0
    let nodes: GrowableBuffer<JSONTape.Node>
    let stack: GrowableBuffer<Int>

    init(base: UnsafeRawPointer, count: Int, options: JSONParser.Options, nodes: GrowableBuffer<JSONTape.Node>, stack: GrowableBuffer<Int>) {
        self.base = base.assumingMemoryBound(to: UInt8.self)
        self.count = count
        self.relaxed = options.relaxed
        self.maxDepth = options.maxDepth
        self.nodes = nodes
        self.stack = stack
    }

    mutating func parseDocument() throws(Failure) {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
        try skipWhitespace()
        if index == count { throw Failure(reason: "empty document", offset: index) }
        // The innermost open container (-1: none) and whether it is an object, kept in locals
        // rather than read back through the stacks after every value.
        var top = -1
        var inObject = false
        // One loop, no recursion: the depth limit, not the thread's stack, bounds nesting.
        parsing: while true {
            guard index < count else { throw Failure(reason: "unexpected end of input, expected a value", offset: index) }
            let byte = base[index]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                let isObject = byte == UInt8(ascii: "{")
                if stack.count >= maxDepth { throw failure(at: index) { "nesting deeper than \(maxDepth)" } }
                top = nodes.count
                inObject = isObject
                stack.append(top)
                var node = JSONTape.Node(kind: isObject ? .object : .array, start: 0, length: 0)
                node.open = UInt32(truncatingIfNeeded: index)
                node.close = irregularities
                nodes.append(node)
                index &+= 1
                try skipWhitespace()
                if index < count, base[index] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index &+= 1
                    (top, inObject) = closeContainer()
                } else {
                    if isObject { try parseKey() }
                    continue parsing
                }
            } else {
                try parseScalar(byte)
            }
            // A value is complete: close every container that ends here, or start the next value.
            while top >= 0 {
                nodes.base[top].start &+= 1
                let isObject = inObject
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                // Compact input has the comma or bracket right here: no white space to look for.
                var next = index < count ? base[index] : 0
                if next != UInt8(ascii: ",") && next != close {
                    try skipWhitespace()
                    guard index < count else {
                        throw failure(at: index) { "unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(close)))'" }
                    }
                    next = base[index]
                }
                if next == UInt8(ascii: ",") {
                    let comma = index
                    index &+= 1
                    if isObject, index < count, base[index] == UInt8(ascii: "\"") {
                        try parseKey()
                        continue parsing
                    }
                    try skipWhitespace()
                    if index < count, base[index] == close {
                        guard relaxed else { throw Failure(reason: "trailing comma", offset: comma) }
                        index &+= 1
                        (top, inObject) = closeContainer()
                        continue
                    }
                    if isObject { try parseKey() }
                    continue parsing
                }
                guard next == close else {
                    throw failure(at: index) { "expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describe(index))" }
                }
                index &+= 1
                (top, inObject) = closeContainer()
            }
            try skipWhitespace()
            if index != count { throw failure(at: index) { "unexpected \(describe(index)) after the value" } }
            return
        }
    }

    /// Parses the string, number or literal at `index`, whose first byte is `byte`.
    @inline(__always)
    private mutating func parseScalar(_ byte: UInt8) throws(Failure) {
        switch byte {
        case UInt8(ascii: "\""): try parseString(kind: .string)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        case UInt8(ascii: "t"): try parseLiteral("true", kind: .true)
        case UInt8(ascii: "f"): try parseLiteral("false", kind: .false)
        case UInt8(ascii: "n"): try parseLiteral("null", kind: .null)
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw Failure(reason: "NaN and Infinity are not JSON numbers", offset: index)
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            throw failure(at: index) { stack.count == 0 ? "unexpected \(describe(index))" : "expected a value, found \(describe(index))" }
        default:
            throw failure(at: index) { "expected a value, found \(describe(index))" }
        }
    }

    @inline(__always)
    private mutating func parseKey() throws(Failure) {
        guard index < count else { throw Failure(reason: "unexpected end of input, expected a key", offset: index) }
        guard base[index] == UInt8(ascii: "\"") else {
            throw failure(at: index) { "expected a string key, found \(describe(index))" }
        }
        try parseString(kind: .string)
        if index >= count || base[index] != UInt8(ascii: ":") { try skipWhitespace() }
        guard index < count, base[index] == UInt8(ascii: ":") else {
            throw failure(at: index) { index < count ? "expected ':' after key, found \(describe(index))" : "unexpected end of input, expected ':'" }
        }
        index &+= 1
        try skipWhitespace()
    }

    /// Closes the innermost open container and returns the one that is innermost now (-1: none)
    /// and whether it is an object.
    @inline(__always)
    private mutating func closeContainer() -> (top: Int, isObject: Bool) {
        stack.count -= 1
        let node = nodes.base + stack.base[stack.count]
        node.pointee.length = UInt32(truncatingIfNeeded: nodes.count)
        if node.pointee.close == irregularities { node.pointee.flags |= JSONTape.Node.canonical }
        node.pointee.close = UInt32(truncatingIfNeeded: index &- 1)
        guard stack.count > 0 else { return (-1, false) }
        let top = stack.base[stack.count &- 1]
        return (top, nodes.base[top].kind == .object)
    }

    @inline(__always)
    private mutating func parseLiteral(_ word: StaticString, kind: JSONTape.Kind) throws(Failure) {
        let length = word.utf8CodeUnitCount
        let pointer = word.utf8Start
        var offset = 0
        while offset < length {
            guard index &+ offset < count, base[index &+ offset] == pointer[offset] else {
                throw failure(at: index) { "invalid literal, expected '\(word)'" }
            }
            offset &+= 1
        }
        nodes.append(JSONTape.Node(kind: kind, start: UInt32(truncatingIfNeeded: index), length: UInt32(length)))
        index &+= length
    }

    @inline(__always)
    private func isDigit(_ position: Int) -> Bool { position < count && base[position] &- 0x30 < 10 }

    /// Steps over the digits at `index`, eight at a time while whole words remain.
    @inline(__always)
    private mutating func skipDigits() {
        let raw = UnsafeRawPointer(base)
        while index &+ 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            // Non-zero in each byte that is not a digit: its high nibble is not 3, or adding 6
            // carries it out of 3. A carry out of one byte can spoil only the bytes above it,
            // so the lowest flagged byte is exact.
            let highs: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
            let threes: UInt64 = 0x3030_3030_3030_3030
            let nonDigits = ((word & highs) ^ threes) | (((word &+ 0x0606_0606_0606_0606) & highs) ^ threes)
            if nonDigits != 0 {
                index &+= nonDigits.trailingZeroBitCount >> 3
                return
            }
            index &+= 8
        }
        while isDigit(index) { index &+= 1 }
    }

    @inline(__always)
    private mutating func parseNumber() throws(Failure) {
        let start = index
        if base[index] == UInt8(ascii: "-") {
            index &+= 1
            if index < count, base[index] == UInt8(ascii: "I") {
                throw Failure(reason: "NaN and Infinity are not JSON numbers", offset: start)
            }
        }
        guard isDigit(index) else { throw Failure(reason: "invalid number: expected a digit", offset: index) }
        if base[index] == UInt8(ascii: "0") {
            index &+= 1
            if isDigit(index) { throw Failure(reason: "invalid number: leading zero", offset: start) }
        } else {
            index &+= 1
            skipDigits()
        }
        if index < count, base[index] == UInt8(ascii: ".") {
            index &+= 1
            guard isDigit(index) else { throw Failure(reason: "invalid number: expected a digit after '.'", offset: index) }
            index &+= 1
            skipDigits()
        }
        if index < count, base[index] | 0x20 == UInt8(ascii: "e") {
            index &+= 1
            if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index &+= 1 }
            guard isDigit(index) else { throw Failure(reason: "invalid number: expected a digit in the exponent", offset: index) }
            index &+= 1
            skipDigits()
        }
        nodes.append(JSONTape.Node(kind: .number, start: UInt32(truncatingIfNeeded: start), length: UInt32(truncatingIfNeeded: index &- start)))
    }

    /// Validates a string starting at the opening quote and records its raw contents.
    ///
    /// Sixteen bytes at a time: a block with no quote, backslash, control byte or non-ASCII byte is
    /// skipped whole; otherwise the first flagged byte is handled on its own.
    @inline(__always)
    private mutating func parseString(kind: JSONTape.Kind) throws(Failure) {
        let quote = index
        index &+= 1
        let start = index
        var flags: UInt8 = 0
        let raw = UnsafeRawPointer(base)
        while true {
            index = SpecialBytes.skipPlain(raw, from: index, count: count)
            guard index < count else { throw Failure(reason: "unterminated string", offset: quote) }
            let byte = base[index]
            switch byte {
            case UInt8(ascii: "\""):
                nodes.append(JSONTape.Node(kind: kind, start: UInt32(truncatingIfNeeded: start),
                                           length: UInt32(truncatingIfNeeded: index &- start), flags: flags))
                index &+= 1
                return
            case UInt8(ascii: "\\"):
                if flags & JSONTape.Node.needsDecoding == 0 { irregularities &+= 1 }
                flags |= JSONTape.Node.needsDecoding
                try parseEscape()
            case 0..<0x20:
                throw failure(at: index) { "unescaped control character 0x\(hex(byte)) in string" }
            case 0x80...:
                if byte == 0xE2, index &+ 2 < count, base[index &+ 1] == 0x80, base[index &+ 2] & 0xFE == 0xA8 {
                    if flags & JSONTape.Node.needsDecoding == 0 { irregularities &+= 1 }
                    flags |= JSONTape.Node.needsDecoding
                }
                try validateUTF8Sequence()
            default:
                index &+= 1
            }
        }
    }

    @inline(__always)
    private mutating func parseEscape() throws(Failure) {
        let start = index
        guard index &+ 1 < count else { throw Failure(reason: "unterminated string", offset: index) }
        switch base[index &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index &+= 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: index &+ 2, escapeStart: start)
            index &+= 6
            if unit & 0xFC00 == 0xD800 {
                guard index &+ 1 < count, base[index] == UInt8(ascii: "\\"), base[index &+ 1] == UInt8(ascii: "u") else {
                    throw failure(at: start) { "lone surrogate \\u\(hex16(unit)) in string" }
                }
                let low = try hex4(at: index &+ 2, escapeStart: index)
                guard low & 0xFC00 == 0xDC00 else {
                    throw failure(at: start) { "lone surrogate \\u\(hex16(unit)) in string" }
                }
                index &+= 6
            } else if unit & 0xFC00 == 0xDC00 {
                throw failure(at: start) { "lone surrogate \\u\(hex16(unit)) in string" }
            }
        default:
            throw failure(at: start) { "invalid escape '\\\(describeByte(base[index &+ 1]))' in string" }
        }
    }

    @inline(__always)
    private func hex4(at position: Int, escapeStart: Int) throws(Failure) -> UInt16 {
        guard position + 4 <= count else { throw Failure(reason: "unterminated \\u escape", offset: escapeStart) }
        var value: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = Hex.value(of: base[position + offset]) else {
                throw Failure(reason: "invalid \\u escape: expected 4 hex digits", offset: escapeStart)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence at `index` (Unicode Table 3-7: no overlong forms,
    /// no surrogates, nothing above U+10FFFF) and steps over it.
    @inline(__always)
    private mutating func validateUTF8Sequence() throws(Failure) {
        let lead = base[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default:
            throw failure(at: index) { "invalid UTF-8 byte 0x\(hex(lead))" }
        }
        for offset in 1..<length {
            guard index &+ offset < count else {
                throw failure(at: index) { "truncated UTF-8 sequence 0x\(hex(lead))" }
            }
            let byte = base[index &+ offset]
            let (min, max) = offset == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= min, byte <= max else {
                throw failure(at: index) { "invalid UTF-8 byte 0x\(hex(lead)) 0x\(hex(byte))" }
            }
        }
        index &+= length
    }

    @inline(__always)
    private mutating func skipWhitespace() throws(Failure) {
        // Most tokens are not preceded by white space: one compare and out.
        if index < count, base[index] > 0x20, base[index] != UInt8(ascii: "/") { return }
        irregularities &+= 1
        while index < count {
            switch base[index] {
            case 0x20, 0x0A, 0x0D, 0x09:
                index &+= 1
            case UInt8(ascii: "/") where relaxed:
                try skipComment()
            default:
                return
            }
        }
    }

    private mutating func skipComment() throws(Failure) {
        let start = index
        guard index &+ 1 < count else { throw Failure(reason: "unexpected '/'", offset: index) }
        switch base[index &+ 1] {
        case UInt8(ascii: "/"):
            index &+= 2
            while index < count, base[index] != 0x0A { index &+= 1 }
        case UInt8(ascii: "*"):
            index &+= 2
            while true {
                guard index &+ 1 < count else { throw Failure(reason: "unterminated comment", offset: start) }
                if base[index] == UInt8(ascii: "*"), base[index &+ 1] == UInt8(ascii: "/") {
                    index &+= 2
                    return
                }
                index &+= 1
            }
        default:
            throw Failure(reason: "unexpected '/'", offset: index)
        }
    }

    /// A failure whose message is built out of line: interpolations inlined at every throw would
    /// make the hot functions too large for the optimiser to inline them into one another.
    @inline(never)
    private func failure(at offset: Int, _ reason: () -> String) -> Failure {
        Failure(reason: reason(), offset: offset)
    }

    /// A short description of the byte at `position` for error messages.
    private func describe(_ position: Int) -> String {
        guard position < count else { return "end of input" }
        let byte = base[position]
        if byte >= 0x80 { return "byte 0x\(hex(byte))" }
        return "'\(describeByte(byte))'"
    }

    private func describeByte(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? String(Character(Unicode.Scalar(byte))) : "\\x\(hex(byte))"
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    private func hex16(_ unit: UInt16) -> String { hex(UInt8(unit >> 8)) + hex(UInt8(unit & 0xFF)) }
}
