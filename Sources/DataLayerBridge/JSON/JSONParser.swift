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

    /// The largest document whose node storage is reserved in full before its parse (20 bytes per
    /// byte of input, most of it never touched): larger ones grow it as they go, checked at every node.
    static var reservedDocumentSize: Int { 1 << 16 }

    /// The options this parser was made with.
    public var options: Options
    /// Reused from document to document unless a tape from the previous parse still holds it.
    private var nodes = GrowableBuffer<JSONTape.Node>(capacity: 256)
    /// Whether this parser has parsed a document before. Only then is room for every node reserved
    /// up front: a parser made for one document (``Bridge``'s, `JSONValue(parsing:)`) would
    /// allocate twenty times the document's size for it, most of it never touched, on every call.
    private var parsedBefore = false
    /// Keys and short strings of recent documents, for ``JSONTape/value(_:strings:)``.
    var strings = StringCache()

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
        let text = Text(base: base, count: bytes.count, relaxed: options.relaxed)
        defer { parsedBefore = true }
        do throws(Failure) {
            if parsedBefore && bytes.count <= JSONParser.reservedDocumentSize {
                // Every node starts at a byte of its own: a document has at most as many nodes as bytes.
                nodes.count = 0
                nodes.reserve(bytes.count)
                nodes.count = try Scanner<ReservedRoom>.parse(text, maxDepth: options.maxDepth, into: nodes)
            } else {
                nodes.count = try Scanner<GrowingRoom>.parse(text, maxDepth: options.maxDepth, into: nodes)
            }
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

/// A rejected document: why, and the byte offset to report.
private struct Failure: Error {
    let reason: String
    let offset: Int
}

/// How a ``Scanner`` makes room for its nodes.
private protocol NodeRoom {
    /// The storage can fill up during the parse: every node checks for room.
    static var grows: Bool { get }
}

/// Room for all nodes was reserved before the parse.
private enum ReservedRoom: NodeRoom {
    static var grows: Bool { false }
}

/// The storage grows during the parse, for documents too large to reserve room for in advance.
private enum GrowingRoom: NodeRoom {
    static var grows: Bool { true }
}

/// The scanning state of one parse. The hot steps are inlined into ``parse(_:maxDepth:into:)``;
/// what is off the hot path (white space, escapes, most non-ASCII text, long numbers, messages)
/// lives in ``Text``, which takes and returns plain values. The state stays in memory, where the
/// out-of-line ``parseNumber()`` needs it: measured with callgrind, that costs fewer instructions
/// than state held in registers and saved around every call.
private struct Scanner<Room: NodeRoom> {
    let text: Text
    let base: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    /// Never past `count`, which is below 4 GiB: index arithmetic wraps (`&+`) without checks.
    var index = 0
    /// Counts white space, comments and strings that need decoding: a container during whose
    /// parse it did not change is canonical.
    var irregularities: UInt32 = 0
    /// Unretained (the caller holds it) so that the state is trivial: no retain and release per
    /// parse, no outlined destroy.
    let storage: Unmanaged<GrowableBuffer<JSONTape.Node>>
    /// `storage`'s memory, read once and again only after it grows.
    var nodes: UnsafeMutablePointer<JSONTape.Node>
    /// Where the next node goes, and the end of the memory.
    var next: UnsafeMutablePointer<JSONTape.Node>
    var limit: UnsafeMutablePointer<JSONTape.Node>
    var nodeCount: Int { next - nodes }
    /// The innermost open container (-1: none), whether it is an object, the values it has so far
    /// and how many containers are open. An open container keeps its parent's index plus one in
    /// `length`, and a parent its count of values in `start` while a child is open: the tape is
    /// the stack.
    var top = -1
    var inObject = false
    var values = 0
    var depth = 0

    private init(text: Text, maxDepth: Int, storage: GrowableBuffer<JSONTape.Node>) {
        self.text = text
        self.base = text.base
        self.count = text.count
        self.maxDepth = maxDepth
        self.storage = Unmanaged.passUnretained(storage)
        self.nodes = storage.base
        self.next = storage.base
        self.limit = storage.base + storage.capacity
    }

    /// Parses the document of `text` into `storage` and returns the number of nodes.
    static func parse(_ text: Text, maxDepth: Int, into storage: GrowableBuffer<JSONTape.Node>) throws(Failure) -> Int {
        try withExtendedLifetime(storage) { () throws(Failure) -> Int in
            var scanner = Scanner(text: text, maxDepth: maxDepth, storage: storage)
            try scanner.parseDocument()
            return scanner.nodeCount
        }
    }

    @inline(__always)
    private mutating func parseDocument() throws(Failure) {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { index = 3 }
        try skipWhitespace()
        if index == count { throw Failure(reason: "empty document", offset: index) }
        // One loop, no recursion: the depth limit, not the thread's stack, bounds nesting.
        parsing: while true {
            guard index < count else { throw Failure(reason: "unexpected end of input, expected a value", offset: index) }
            let byte = base[index]
            // In order of how often compact records have them; white space before a value is
            // rare enough to be looked for only here, among the bytes that start no value.
            if byte == UInt8(ascii: "\"") {
                try parseString()
            } else if byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-") {
                if let end = parseShortNumber(at: index, first: byte) { index = end } else { try parseNumber() }
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                let isObject = byte == UInt8(ascii: "{")
                try open(isObject: isObject)
                try skipWhitespace()
                if index < count, base[index] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    closeContainer()
                } else {
                    if isObject { try parseKey() }
                    continue parsing
                }
            } else {
                switch byte {
                case UInt8(ascii: "t"): try parseLiteral(0x6575_7274, length: 4, kind: .true)  // "true"
                case UInt8(ascii: "f"): try parseLiteral(0x6573_6c61, length: 5, kind: .false)  // "alse"
                case UInt8(ascii: "n"): try parseLiteral(0x6c6c_756e, length: 4, kind: .null)  // "null"
                case 0x20, 0x0A, 0x0D, 0x09:
                    irregularities &+= 1
                    index = try text.skipWhitespace(from: index)
                    continue parsing
                case UInt8(ascii: "/") where text.relaxed:
                    irregularities &+= 1
                    index = try text.skipWhitespace(from: index)
                    continue parsing
                default:
                    throw text.notAValue(at: index, inContainer: depth > 0)
                }
            }
            // A value is complete: close every container that ends here, or start the next value.
            while top >= 0 {
                values &+= 1
                // Compact objects: `,"` starts the next member, found with one load and compare.
                // The position and the count of members read are kept apart from `index` and
                // `values` in this loop, which then needs no store and reload of them per member.
                if inObject {
                    var position = index
                    var members = 0
                    while position &+ 2 <= count,
                          UInt16(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: position, as: UInt16.self)) == 0x222C {
                        position = try parseString(at: position &+ 1)
                        // `:"` and `:` and a digit: a string value or a short number, parsed here
                        // rather than through the dispatch above. At the input's end the pair is
                        // zero, which is neither.
                        let pair = position &+ 2 <= count
                            ? UInt16(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: position, as: UInt16.self)) : 0
                        if pair == 0x223A {
                            position = try parseString(at: position &+ 1)
                        } else if pair & 0xFF == UInt16(UInt8(ascii: ":")), let end = parseShortNumber(at: position &+ 1, first: UInt8(truncatingIfNeeded: pair >> 8)) {
                            position = end
                        } else {
                            index = position
                            values &+= members
                            try parseColon()
                            continue parsing
                        }
                        members &+= 1
                    }
                    index = position
                    values &+= members
                }
                // Compact input has the comma or bracket right here: no white space to look for.
                var next = index < count ? base[index] : 0
                if next != UInt8(ascii: ",") {
                    let close = inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if next != close {
                        try skipWhitespace()
                        guard index < count else { throw text.unexpectedEnd(at: index, close: close) }
                        next = base[index]
                        guard next == UInt8(ascii: ",") || next == close else { throw text.notASeparator(at: index, close: close) }
                    }
                    if next == close {
                        closeContainer()
                        continue
                    }
                }
                let comma = index
                index &+= 1
                try skipWhitespace()
                if index < count, base[index] == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    guard text.relaxed else { throw Failure(reason: "trailing comma", offset: comma) }
                    // Not canonical: its text is not copied as it is (`[1,]` is written `[1]`).
                    irregularities &+= 1
                    closeContainer()
                    continue
                }
                if inObject { try parseKey() }
                continue parsing
            }
            try skipWhitespace()
            if index != count { throw text.trailingText(at: index) }
            return
        }
    }

    /// Appends a scalar or string node. Its `open` and `close` are left as they are: only
    /// containers' are read, and not writing them is a store less per node.
    @inline(__always)
    private mutating func append(_ kind: JSONTape.Kind, start: Int, length: Int, flags: UInt8 = 0) {
        makeRoom()
        next.pointee.kind = kind
        next.pointee.flags = flags
        next.pointee.start = UInt32(truncatingIfNeeded: start)
        next.pointee.length = UInt32(truncatingIfNeeded: length)
        next += 1
    }

    @inline(__always)
    private mutating func makeRoom() {
        if Room.grows, next == limit {
            let (base, capacity) = Scanner.grow(storage, from: nodeCount)
            next = base + nodeCount
            nodes = base
            limit = base + capacity
        }
    }

    @inline(never)
    private static func grow(_ storage: Unmanaged<GrowableBuffer<JSONTape.Node>>, from count: Int) -> (UnsafeMutablePointer<JSONTape.Node>, Int) {
        let storage = storage.takeUnretainedValue()
        storage.count = count
        storage.reserve(1)
        return (storage.base, storage.capacity)
    }

    /// Opens the container whose bracket is at `index`.
    @inline(__always)
    private mutating func open(isObject: Bool) throws(Failure) {
        if depth >= maxDepth { throw text.tooDeep(at: index, maxDepth: maxDepth) }
        if top >= 0 { nodes[top].start = UInt32(truncatingIfNeeded: values) }
        var node = JSONTape.Node(kind: isObject ? .object : .array, start: 0, length: UInt32(truncatingIfNeeded: top &+ 1))
        node.open = UInt32(truncatingIfNeeded: index)
        node.close = irregularities
        top = nodeCount
        makeRoom()
        next.initialize(to: node)
        next += 1
        inObject = isObject
        values = 0
        depth &+= 1
        index &+= 1
    }

    /// Closes the innermost open container at its bracket at `index`; its parent becomes the
    /// innermost one.
    @inline(__always)
    private mutating func closeContainer() {
        let node = nodes + top
        let parent = Int(node.pointee.length) &- 1
        node.pointee.start = UInt32(truncatingIfNeeded: values)
        node.pointee.length = UInt32(truncatingIfNeeded: nodeCount)
        if node.pointee.close == irregularities { node.pointee.flags |= JSONTape.Node.canonical }
        node.pointee.close = UInt32(truncatingIfNeeded: index)
        index &+= 1
        depth &-= 1
        top = parent
        if parent >= 0 {
            values = Int(nodes[parent].start)
            inObject = nodes[parent].kind == .object
        }
    }

    /// Parses a key, any white space after it and its colon.
    @inline(__always)
    private mutating func parseKey() throws(Failure) {
        guard index < count else { throw Failure(reason: "unexpected end of input, expected a key", offset: index) }
        guard base[index] == UInt8(ascii: "\"") else { throw text.notAKey(at: index) }
        try parseString()
        try parseColon()
    }

    /// Parses the colon after a key, and any white space before it.
    @inline(__always)
    private mutating func parseColon() throws(Failure) {
        if index < count, base[index] == UInt8(ascii: ":") {
            index &+= 1
            return
        }
        try skipWhitespace()
        guard index < count, base[index] == UInt8(ascii: ":") else { throw text.notAColon(at: index) }
        index &+= 1
    }

    /// `word` is the literal's last four bytes, little-endian.
    @inline(__always)
    private mutating func parseLiteral(_ word: UInt32, length: Int, kind: JSONTape.Kind) throws(Failure) {
        guard index &+ length <= count,
              UInt32(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index &+ length &- 4, as: UInt32.self)) == word else {
            throw text.notALiteral(at: index, kind: kind)
        }
        append(kind, start: index, length: length)
        index &+= length
    }

    /// Parses the number at `index` (first byte `byte`) if it has the form most numbers have:
    /// a lone 0 or up to fifteen digits, the first not 0 (counts, prices, millisecond timestamps),
    /// then possibly a fraction of up to seven digits, and no exponent; whole words away from the
    /// end of the input. Returns the index after it, or `nil`, having done nothing, for any other
    /// number or anything that is not one: ``parseNumber()`` decides.
    @inline(__always)
    private mutating func parseShortNumber(at index: Int, first byte: UInt8) -> Int? {
        guard byte &- UInt8(ascii: "0") < 10, index &+ 16 <= count else { return nil }
        let raw = UnsafeRawPointer(base)
        var end: Int
        if byte == UInt8(ascii: "0") {
            end = index &+ 1
            // A digit after it: a leading zero, which ``parseNumber()`` reports.
            guard base[end] &- UInt8(ascii: "0") >= 10 else { return nil }
        } else {
            let low = Text.nonDigits(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if low != 0 {
                end = index &+ low.trailingZeroBitCount >> 3
            } else {
                let high = Text.nonDigits(raw.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self))
                guard high != 0 else { return nil }
                end = index &+ 8 &+ high.trailingZeroBitCount >> 3
            }
        }
        if base[end] == UInt8(ascii: ".") {
            guard end &+ 9 <= count else { return nil }
            let fraction = Text.nonDigits(raw.loadUnaligned(fromByteOffset: end &+ 1, as: UInt64.self))
            let digits = fraction.trailingZeroBitCount >> 3
            guard digits != 0, digits != 8 else { return nil }
            end &+= 1 &+ digits
        }
        guard base[end] | 0x20 != UInt8(ascii: "e") else { return nil }
        append(.number, start: index, length: end &- index)
        return end
    }

    /// Parses any number, or fails as RFC 8259 says. Out of line: inlined, its code made every
    /// other kind of value dearer (measured).
    @inline(never)
    private mutating func parseNumber() throws(Failure) {
        let start = index
        index = try text.numberEnd(from: start)
        append(.number, start: start, length: index &- start)
    }

    /// Parses the string whose opening quote is at `index` and records its raw contents.
    @inline(__always)
    private mutating func parseString() throws(Failure) {
        index = try parseString(at: index)
    }

    /// Parses the string whose opening quote is at `quote`, records its raw contents and returns
    /// the index after it.
    ///
    /// Sixteen bytes at a time while whole blocks remain: a string whose special bytes are its
    /// closing quote and two-byte UTF-8 sequences is done here, each block's sequences taken off
    /// its mask one by one rather than the block loaded again after each; anything else goes to
    /// ``finishString(quote:from:)``.
    @inline(__always)
    private mutating func parseString(at quote: Int) throws(Failure) -> Int {
        let start = quote &+ 1
        var block = start
        blocks: while true {
            guard block &+ 16 <= count else { return try finishString(quote: quote, from: block) }
            var special = SpecialBytes.specialBits(UnsafeRawPointer(base), at: block)
            while special != 0 {
                let offset = special.trailingZeroBitCount
                let end = block &+ offset
                let byte = base[end]
                if byte == UInt8(ascii: "\"") {
                    append(.string, start: start, length: end &- start)
                    return end &+ 1
                }
                // A two-byte UTF-8 sequence (most accented letters) is valid whatever its lead. One
                // whose lead is the block's last byte is looked at from the next block, which
                // starts with it; so a continuation byte is always in the block.
                guard byte &- 0xC2 < 0x1E, offset == 15 || base[end &+ 1] & 0xC0 == 0x80 else {
                    return try finishString(quote: quote, from: end)
                }
                if offset == 15 {
                    block = end
                    continue blocks
                }
                // The lead's bit and its continuation's, the next one.
                special &= special &- 1
                special &= special &- 1
            }
            block &+= 16
        }
    }

    /// Parses the rest of the string whose opening quote is at `quote`, from `end` on, as
    /// ``parseString(at:)`` does. Out of line, with the string's flags, which the hot path never sets.
    @inline(never)
    private mutating func finishString(quote: Int, from end: Int) throws(Failure) -> Int {
        let (end, flags) = try text.finishString(quote: quote, from: end)
        if flags != 0 { irregularities &+= 1 }
        append(.string, start: quote &+ 1, length: end &- quote &- 1, flags: flags)
        return end &+ 1
    }

    @inline(__always)
    private mutating func skipWhitespace() throws(Failure) {
        // Most tokens are not preceded by white space: one compare and out.
        if index < count, base[index] > 0x20, base[index] != UInt8(ascii: "/") { return }
        irregularities &+= 1
        index = try text.skipWhitespace(from: index)
    }
}

/// The input of one parse, and the parts of parsing that are off the hot path.
private struct Text {
    let base: UnsafePointer<UInt8>
    let count: Int
    /// Comments and trailing commas are accepted.
    let relaxed: Bool

    init(base: UnsafeRawPointer, count: Int, relaxed: Bool) {
        self.base = base.assumingMemoryBound(to: UInt8.self)
        self.count = count
        self.relaxed = relaxed
    }

    @inline(__always)
    private func isDigit(_ position: Int) -> Bool { position < count && base[position] &- 0x30 < 10 }

    /// The index of the first byte from `index` on that is not a digit, eight at a time while whole words remain.
    @inline(__always)
    private func digitsEnd(from index: Int) -> Int {
        var index = index
        let raw = UnsafeRawPointer(base)
        while index &+ 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let nonDigits = Text.nonDigits(word)
            if nonDigits != 0 {
                return index &+ nonDigits.trailingZeroBitCount >> 3
            }
            index &+= 8
        }
        while isDigit(index) { index &+= 1 }
        return index
    }

    /// Non-zero in each byte of `word` (as loaded from memory) that is not a digit: its high nibble
    /// is not 3, or adding 6 carries it out of 3. A carry out of one byte can spoil only the bytes
    /// above it, so the lowest flagged byte is exact.
    @inline(__always)
    static func nonDigits(_ word: UInt64) -> UInt64 {
        let word = UInt64(littleEndian: word)
        let highs: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let threes: UInt64 = 0x3030_3030_3030_3030
        return ((word & highs) ^ threes) | (((word &+ 0x0606_0606_0606_0606) & highs) ^ threes)
    }

    /// Validates the number at `start` and returns the index after it.
    @inline(__always)
    func numberEnd(from start: Int) throws(Failure) -> Int {
        var index = start
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
            index = digitsEnd(from: index)
        }
        if index < count, base[index] == UInt8(ascii: ".") {
            index &+= 1
            guard isDigit(index) else { throw Failure(reason: "invalid number: expected a digit after '.'", offset: index) }
            index &+= 1
            index = digitsEnd(from: index)
        }
        if index < count, base[index] | 0x20 == UInt8(ascii: "e") {
            index &+= 1
            if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index &+= 1 }
            guard isDigit(index) else { throw Failure(reason: "invalid number: expected a digit in the exponent", offset: index) }
            index &+= 1
            index = digitsEnd(from: index)
        }
        return index
    }

    /// The index of the first byte from `index` on that is not white space (or a comment).
    @inline(never)
    func skipWhitespace(from index: Int) throws(Failure) -> Int {
        var index = index
        while index < count {
            switch base[index] {
            case 0x20, 0x0A, 0x0D, 0x09:
                index &+= 1
            case UInt8(ascii: "/") where relaxed:
                index = try skipComment(at: index)
            default:
                return index
            }
        }
        return index
    }

    private func skipComment(at start: Int) throws(Failure) -> Int {
        guard start &+ 1 < count else { throw Failure(reason: "unexpected '/'", offset: start) }
        var index = start &+ 2
        switch base[start &+ 1] {
        case UInt8(ascii: "/"):
            while index < count, base[index] != 0x0A { index &+= 1 }
            return index
        case UInt8(ascii: "*"):
            while true {
                guard index &+ 1 < count else { throw Failure(reason: "unterminated comment", offset: start) }
                if base[index] == UInt8(ascii: "*"), base[index &+ 1] == UInt8(ascii: "/") { return index &+ 2 }
                index &+= 1
            }
        default:
            throw Failure(reason: "unexpected '/'", offset: start)
        }
    }

    /// Validates the rest of the string whose opening quote is at `quote`, from `index` on (the
    /// bytes before are valid and need no decoding), and returns the index of its closing quote
    /// and its flags.
    @inline(never)
    func finishString(quote: Int, from index: Int) throws(Failure) -> (end: Int, flags: UInt8) {
        var index = index
        var flags: UInt8 = 0
        let raw = UnsafeRawPointer(base)
        while true {
            index = SpecialBytes.skipPlain(raw, from: index, count: count)
            guard index < count else { throw Failure(reason: "unterminated string", offset: quote) }
            let byte = base[index]
            switch byte {
            case UInt8(ascii: "\""):
                return (index, flags)
            case UInt8(ascii: "\\"):
                flags |= JSONTape.Node.needsDecoding
                index = try escapeEnd(at: index)
            case 0..<0x20:
                throw failure(at: index) { "unescaped control character 0x\(hex(byte)) in string" }
            case 0xC2...0xDF where index &+ 1 < count && base[index &+ 1] & 0xC0 == 0x80:
                // Two bytes, the form of most accented letters: valid whatever the lead.
                index &+= 2
            case 0x80...:
                if byte == 0xE2, index &+ 2 < count, base[index &+ 1] == 0x80, base[index &+ 2] & 0xFE == 0xA8 {
                    flags |= JSONTape.Node.needsDecoding
                }
                index = try utf8SequenceEnd(at: index)
            default:
                index &+= 1
            }
        }
    }

    /// Validates the escape at `start` and returns the index after it. Inlined with the digits'
    /// check into the string loop: text exported with every non-ASCII letter escaped has an
    /// escape every few bytes.
    @inline(__always)
    private func escapeEnd(at start: Int) throws(Failure) -> Int {
        guard start &+ 1 < count else { throw Failure(reason: "unterminated string", offset: start) }
        switch base[start &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return start &+ 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: start &+ 2, escapeStart: start)
            let index = start &+ 6
            if unit & 0xFC00 == 0xD800 {
                guard index &+ 1 < count, base[index] == UInt8(ascii: "\\"), base[index &+ 1] == UInt8(ascii: "u") else {
                    throw failure(at: start) { "lone surrogate \\u\(hex16(unit)) in string" }
                }
                let low = try hex4(at: index &+ 2, escapeStart: index)
                guard low & 0xFC00 == 0xDC00 else {
                    throw failure(at: start) { "lone surrogate \\u\(hex16(unit)) in string" }
                }
                return index &+ 6
            } else if unit & 0xFC00 == 0xDC00 {
                throw failure(at: start) { "lone surrogate \\u\(hex16(unit)) in string" }
            }
            return index
        default:
            throw failure(at: start) { "invalid escape '\\\(describeByte(base[start &+ 1]))' in string" }
        }
    }

    @inline(__always)
    private func hex4(at position: Int, escapeStart: Int) throws(Failure) -> UInt16 {
        guard position &+ 4 <= count else { throw Failure(reason: "unterminated \\u escape", offset: escapeStart) }
        guard let value = Hex.value(ofFour: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: position, as: UInt32.self)) else {
            throw Failure(reason: "invalid \\u escape: expected 4 hex digits", offset: escapeStart)
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence at `index` (Unicode Table 3-7: no overlong forms,
    /// no surrogates, nothing above U+10FFFF) and returns the index after it.
    private func utf8SequenceEnd(at index: Int) throws(Failure) -> Int {
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
        return index &+ length
    }

    // Failures the scanner meets, each built out of line: interpolations inlined at every throw
    // would make the hot path too large for the optimiser to keep in one piece.

    @inline(never)
    func notAValue(at index: Int, inContainer: Bool) -> Failure {
        switch base[index] {
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            return Failure(reason: "NaN and Infinity are not JSON numbers", offset: index)
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            return Failure(reason: inContainer ? "expected a value, found \(describe(index))" : "unexpected \(describe(index))", offset: index)
        default:
            return Failure(reason: "expected a value, found \(describe(index))", offset: index)
        }
    }

    @inline(never)
    func notALiteral(at index: Int, kind: JSONTape.Kind) -> Failure {
        let word = kind == .true ? "true" : kind == .false ? "false" : "null"
        return Failure(reason: "invalid literal, expected '\(word)'", offset: index)
    }

    @inline(never)
    func notAKey(at index: Int) -> Failure {
        Failure(reason: "expected a string key, found \(describe(index))", offset: index)
    }

    @inline(never)
    func notAColon(at index: Int) -> Failure {
        Failure(reason: index < count ? "expected ':' after key, found \(describe(index))" : "unexpected end of input, expected ':'", offset: index)
    }

    @inline(never)
    func notASeparator(at index: Int, close: UInt8) -> Failure {
        Failure(reason: "expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describe(index))", offset: index)
    }

    @inline(never)
    func unexpectedEnd(at index: Int, close: UInt8) -> Failure {
        Failure(reason: "unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(close)))'", offset: index)
    }

    @inline(never)
    func trailingText(at index: Int) -> Failure {
        Failure(reason: "unexpected \(describe(index)) after the value", offset: index)
    }

    @inline(never)
    func tooDeep(at index: Int, maxDepth: Int) -> Failure {
        Failure(reason: "nesting deeper than \(maxDepth)", offset: index)
    }

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
