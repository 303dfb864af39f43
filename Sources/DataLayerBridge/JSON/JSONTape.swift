#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed JSON document: a flat array of nodes in document order that refer to slices of the
/// input bytes. Made by ``JSONParser``.
///
/// A node is addressed by its index; the root is node 0. An array node is followed by its
/// elements, an object node by its members as key, value, key, value…, and every container knows
/// the index just past its last descendant, so a subtree is skipped in one step.
///
/// The tape does not own the bytes it was parsed from: it is valid only while they are.
public struct JSONTape: @unchecked Sendable {
    /// What a node is.
    public enum Kind: UInt8, Sendable, BitwiseCopyable {
        case null, `true`, `false`, number, string, array, object
    }

    struct Node: BitwiseCopyable {
        /// Set on strings that contain escapes or U+2028/U+2029: they cannot be copied verbatim.
        static let needsDecoding: UInt8 = 1
        /// Set on containers whose text has no white space, comment or string that needs decoding:
        /// their compact form is their source text, copied in one go.
        static let canonical: UInt8 = 2

        var kind: Kind
        var flags: UInt8 = 0
        /// Scalars and strings: the byte offset of the text (strings: after the quote).
        /// Containers: the number of elements or members.
        var start: UInt32
        /// Scalars and strings: the length of the text in bytes. Containers: the index of the node
        /// after the last descendant. (While the container is open, its parent's index plus one.)
        var length: UInt32
        /// Containers: the byte offsets of the opening and closing bracket. (While the container is
        /// open, `close` holds the parser's irregularity count at its opening.) Other nodes: not
        /// set by the parser, never read.
        var open: UInt32 = 0
        var close: UInt32 = 0

        init(kind: Kind, start: UInt32, length: UInt32, flags: UInt8 = 0) {
            self.kind = kind
            self.flags = flags
            self.start = start
            self.length = length
        }
    }

    /// The bytes the document was parsed from.
    public let bytes: UnsafeRawBufferPointer
    /// The parser's node storage; the parser starts a new one if this tape still holds it.
    let storage: GrowableBuffer<Node>
    let nodes: UnsafeMutablePointer<Node>

    /// The number of nodes, which is the index just past the last one.
    public let nodeCount: Int

    init(bytes: UnsafeRawBufferPointer, storage: GrowableBuffer<Node>) {
        self.bytes = bytes
        self.storage = storage
        self.nodes = storage.base
        self.nodeCount = storage.count
    }

    /// The index of the root node.
    public var root: Int { 0 }

    /// What node `node` is.
    @inline(__always)
    public func kind(_ node: Int) -> Kind {
        precondition(node >= 0 && node < nodeCount, "node index out of range")
        return nodes[node].kind
    }

    /// The index of the node after `node` and all its descendants: its next sibling, if any.
    /// (Added without an overflow check: a node's index is far below `Int.max`, and every walk of
    /// the tape pays for the check at each step.)
    @inline(__always)
    public func skip(_ node: Int) -> Int {
        let entry = nodes[node]
        return entry.kind.rawValue >= Kind.array.rawValue ? Int(entry.length) : node &+ 1
    }

    /// The number of elements of an array or members of an object.
    @inline(__always)
    public func count(_ node: Int) -> Int {
        let entry = nodes[node]
        return entry.kind.rawValue >= Kind.array.rawValue ? Int(entry.start) : 0
    }

    /// The node indices of an array's elements, or of an object's keys (each value follows its key).
    public func children(_ node: Int) -> Children { Children(tape: self, next: node + 1, end: skip(node)) }

    /// Iterates over the direct children of a container by skipping subtrees.
    public struct Children: Sequence, IteratorProtocol {
        let tape: JSONTape
        var position: Int
        let end: Int
        let isObject: Bool

        init(tape: JSONTape, next: Int, end: Int) {
            self.tape = tape
            self.position = next
            self.end = end
            self.isObject = tape.kind(next - 1) == .object
        }

        public mutating func next() -> Int? {
            guard position < end else { return nil }
            let current = position
            position = tape.skip(isObject ? current + 1 : current)
            return current
        }
    }

    /// The byte offset where the node's text starts in ``bytes`` (the opening quote or bracket).
    public func byteOffset(_ node: Int) -> Int {
        let entry = nodes[node]
        switch entry.kind {
        case .array, .object: return Int(entry.open)
        case .string: return Int(entry.start) - 1
        default: return Int(entry.start)
        }
    }

    /// The 1-based line and column (in characters) where the node's text starts, for messages.
    public func position(_ node: Int) -> (line: Int, column: Int) {
        let error = JSONError(reason: "", at: byteOffset(node), in: bytes)
        return (error.line, error.column)
    }

    /// The raw text of a string (between its quotes, escapes not decoded) or a number or literal.
    @inline(__always)
    public func rawText(_ node: Int) -> UnsafeRawBufferPointer {
        let entry = nodes[node]
        // The parser makes tapes of non-empty bytes only: no empty buffer without a base address
        // to allow for at every string materialised.
        return UnsafeRawBufferPointer(start: bytes.baseAddress.unsafelyUnwrapped + Int(entry.start), count: Int(entry.length))
    }

    /// `true` when the container's source text is already its compact form.
    @inline(__always)
    func isCanonical(_ node: Int) -> Bool { nodes[node].flags & Node.canonical != 0 }

    /// A canonical container's source text, brackets included.
    @inline(__always)
    func canonicalText(_ node: Int) -> UnsafeRawBufferPointer {
        let entry = nodes[node]
        return UnsafeRawBufferPointer(rebasing: bytes[Int(entry.open)...Int(entry.close)])
    }

    /// The raw text of a string node including its quotes: what the writer copies verbatim.
    @inline(__always)
    func rawTextWithQuotes(_ node: Int) -> UnsafeRawBufferPointer {
        let entry = nodes[node]
        return UnsafeRawBufferPointer(rebasing: bytes[Int(entry.start) - 1..<Int(entry.start) + Int(entry.length) + 1])
    }

    /// `true` when the string at `node` holds escapes (or U+2028/U+2029) and so must be decoded.
    @inline(__always)
    public func stringNeedsDecoding(_ node: Int) -> Bool { nodes[node].flags & Node.needsDecoding != 0 }

    /// The decoded string at `node` (a string node), unescaping on demand.
    public func string(_ node: Int) -> String {
        let raw = rawText(node)
        guard stringNeedsDecoding(node) else { return String(validatedUTF8: raw) }
        return String(unsafeUninitializedCapacity: raw.count) { buffer in
            JSONTape.unescape(raw, into: buffer)
        }
    }

    /// `true` when the string at `node` equals `key`, compared without allocating.
    @inline(__always)
    public func stringEquals(_ node: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let raw = rawText(node)
        if !stringNeedsDecoding(node) {
            return raw.count == key.count && (raw.count == 0 || memcmp(raw.baseAddress!, key.baseAddress!, raw.count) == 0)
        }
        return Array(string(node).utf8).withUnsafeBytes { decoded in
            decoded.count == key.count && (key.count == 0 || memcmp(decoded.baseAddress!, key.baseAddress!, key.count) == 0)
        }
    }

    /// The exact number at `node` (a number node).
    public func number(_ node: Int) -> JSONNumber {
        JSONNumber(uncheckedText: String(validatedUTF8: rawText(node)))
    }

    /// The value node of the last member named `key` in the object at `object`, or `nil`.
    public func member(_ object: Int, _ key: String) -> Int? {
        guard kind(object) == .object else { return nil }
        var key = key
        return key.withUTF8 { utf8 in
            let key = UnsafeRawBufferPointer(utf8)
            var found: Int?
            // Walked by index rather than through `children`, whose iterator holds (retains) a
            // copy of the tape; a key's node tells its raw length, and only a key with escapes
            // (which decoding shortens) can match at another one, so most keys are passed over
            // without their text being looked at.
            var keyNode = object + 1
            let end = skip(object)
            while keyNode < end {
                let entry = nodes[keyNode]
                if Int(entry.length) == key.count || entry.flags & Node.needsDecoding != 0, stringEquals(keyNode, key) {
                    found = keyNode + 1
                }
                keyNode = skip(keyNode + 1)
            }
            return found
        }
    }

    /// The subtree at `node` as an owned value.
    public func value(_ node: Int = 0) -> JSONValue {
        var strings = StringCache(enabled: false)
        return value(node, strings: &strings)
    }

    /// The subtree at `node` as an owned value, keys and short strings made through `strings`.
    func value(_ node: Int, strings: inout StringCache) -> JSONValue {
        _ = kind(node)  // checks the index; the walk below reads only the nodes it leads to
        strings.prepare()
        var size = 0
        return value(node, strings: &strings, size: &size)
    }

    /// The subtree at `node` as an owned value, its size as ``JSONValue/size(upTo:)`` counts it
    /// added to `size`; objects keep theirs (``JSONObject/knownSize``). Inlined into the loops over
    /// elements and members, so that only containers cost a call. Sizes and node indices are
    /// counted with wrapping arithmetic: bounded by a document of under 4 GiB, they cannot overflow,
    /// and the checks cost an instruction each at every member.
    @inline(__always)
    private func value(_ node: Int, strings: inout StringCache, size: inout Int) -> JSONValue {
        switch nodes[node].kind {
        case .null:
            size &+= 1
            return .null
        case .true:
            size &+= 1
            return .bool(true)
        case .false:
            size &+= 1
            return .bool(false)
        case .number:
            // Through the cache too, which makes short numbers without copying and checking them.
            size &+= 1
            return .number(JSONNumber(uncheckedText: strings.string(rawText(node))))
        case .string:
            let (string, length) = self.string(node, strings: &strings)
            size &+= 1 &+ length
            return .string(string)
        case .array:
            return array(node, strings: &strings, size: &size)
        case .object:
            return object(node, strings: &strings, size: &size)
        }
    }

    /// ``value(_:strings:size:)`` of an array.
    @inline(never)
    private func array(_ node: Int, strings: inout StringCache, size: inout Int) -> JSONValue {
        var elements: [JSONValue] = []
        elements.reserveCapacity(count(node))
        size &+= 1
        // Walked by index rather than through `children`, whose copy of the tape costs a retain
        // and a release per container.
        var element = node &+ 1
        let end = skip(node)
        while element < end {
            elements.append(value(element, strings: &strings, size: &size))
            element = skip(element)
        }
        return .array(elements)
    }

    /// ``value(_:strings:size:)`` of an object.
    @inline(never)
    private func object(_ node: Int, strings: inout StringCache, size: inout Int) -> JSONValue {
        var members: [JSONObject.Member] = []
        members.reserveCapacity(count(node))
        var objectSize = 1
        var key = node &+ 1
        let end = skip(node)
        while key < end {
            let (name, nameLength) = string(key, strings: &strings)
            objectSize &+= nameLength
            members.append(JSONObject.Member(key: name, value: value(key &+ 1, strings: &strings, size: &objectSize),
                                             keyLength: UInt32(truncatingIfNeeded: nameLength)))
            key = skip(key &+ 1)
        }
        var object = JSONObject(members)
        object.knownSize = objectSize
        size &+= objectSize
        return .object(object)
    }

    /// The string at `node` and its UTF-8 length, which for a string without escapes is its raw
    /// length, known without asking the string.
    @inline(__always)
    private func string(_ node: Int, strings: inout StringCache) -> (string: String, length: Int) {
        guard stringNeedsDecoding(node) else { return (strings.string(rawText(node)), Int(nodes[node].length)) }
        return decodedString(node, strings: &strings)
    }

    /// ``string(_:strings:)`` of a string with escapes: decoded on the stack, then made through the
    /// cache like any other (product names with `\"` repeat as much as those without), not by the
    /// stdlib's initialiser that would check the decoded bytes again.
    @inline(never)
    private func decodedString(_ node: Int, strings: inout StringCache) -> (string: String, length: Int) {
        let raw = rawText(node)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) { buffer in
            let length = JSONTape.unescape(raw, into: buffer)
            return (strings.string(UnsafeRawBufferPointer(start: buffer.baseAddress, count: length)), length)
        }
    }

    /// Decodes JSON string contents (already validated by the parser) into `buffer`, returning the
    /// number of bytes written. Decoding never lengthens the text, so `raw.count` bytes suffice.
    static func unescape(_ raw: UnsafeRawBufferPointer, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let source = raw.baseAddress, let target = buffer.baseAddress else { return 0 }
        precondition(buffer.count >= raw.count, "a decoding buffer shorter than the text")
        var input = 0
        var output = 0
        func put(_ byte: UInt8) {
            buffer[output] = byte
            output += 1
        }
        while input < raw.count {
            // The text up to the next backslash, copied a word at a time, each word stored whole
            // before its backslash is known: the output never runs ahead of the input, so the
            // store stays inside the buffer. Text exported with every non-ASCII letter escaped has
            // an escape every few bytes, where a `memchr` call per run cost more than the run.
            if input &+ 8 <= raw.count {
                let word = source.loadUnaligned(fromByteOffset: input, as: UInt64.self)
                UnsafeMutableRawPointer(target + output).storeBytes(of: word, as: UInt64.self)
                let backslashes = SpecialBytes.zeroBytes(UInt64(littleEndian: word) ^ 0x5C5C_5C5C_5C5C_5C5C)
                guard backslashes != 0 else {
                    input &+= 8
                    output &+= 8
                    continue
                }
                let run = backslashes.trailingZeroBitCount &>> 3
                input &+= run
                output &+= run
            } else {
                let byte = raw[input]
                guard byte == UInt8(ascii: "\\") else {
                    put(byte)
                    input &+= 1
                    continue
                }
            }
            let escape = raw[input + 1]
            input += 2
            switch escape {
            case UInt8(ascii: "b"): put(0x08)
            case UInt8(ascii: "f"): put(0x0C)
            case UInt8(ascii: "n"): put(0x0A)
            case UInt8(ascii: "r"): put(0x0D)
            case UInt8(ascii: "t"): put(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(hex4(raw, input))
                input += 4
                if scalar & 0xFC00 == 0xD800 {
                    let low = UInt32(hex4(raw, input + 2))
                    input += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                // UTF-8 written out by hand: `UTF8.encode` returns a collection to iterate.
                switch scalar {
                case ..<0x80:
                    put(UInt8(truncatingIfNeeded: scalar))
                case ..<0x800:
                    put(UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6))
                    put(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
                case ..<0x10000:
                    put(UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12))
                    put(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
                    put(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
                default:
                    put(UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18))
                    put(UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F))
                    put(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
                    put(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
                }
            default: put(escape)
            }
        }
        return output
    }

    private static func hex4(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt16 {
        Hex.value(ofFour: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))!
    }
}

extension JSONWriter {
    /// Writes the subtree at `node` of `tape` without materialising it: numbers and strings with
    /// nothing to decode are copied straight from the input.
    public mutating func write(_ tape: JSONTape, node: Int = 0) {
        makeUnique()
        emit(tape, node: node)
    }

    private mutating func emit(_ tape: JSONTape, node: Int) {
        if style == .compact, tape.isCanonical(node) {
            appendRaw(tape.canonicalText(node))
            return
        }
        switch tape.kind(node) {
        case .null: appendASCII("null")
        case .true: appendASCII("true")
        case .false: appendASCII("false")
        case .number: appendRaw(tape.rawText(node))
        case .string: emitString(tape, node: node)
        case .array:
            beginContainer(UInt8(ascii: "["))
            var first = true
            for child in tape.children(node) {
                separate(first: first)
                first = false
                emit(tape, node: child)
            }
            endContainer(UInt8(ascii: "]"), empty: first)
        case .object:
            beginContainer(UInt8(ascii: "{"))
            var first = true
            for key in tape.children(node) {
                separate(first: first)
                first = false
                emitString(tape, node: key)
                appendByte(UInt8(ascii: ":"))
                if case .pretty = style { appendByte(UInt8(ascii: " ")) }
                emit(tape, node: key + 1)
            }
            endContainer(UInt8(ascii: "}"), empty: first)
        }
    }

    /// Writes the string at `node`, copying its bytes when they need no re-escaping.
    @inline(__always)
    private mutating func emitString(_ tape: JSONTape, node: Int) {
        if tape.stringNeedsDecoding(node) {
            write(string: tape.string(node))
        } else {
            appendRaw(tape.rawTextWithQuotes(node))
        }
    }
}

extension String {
    /// The string of `utf8`, which the parser has validated. Up to 15 ASCII bytes (a small string)
    /// are copied in place and checked only for being ASCII, where `String(decoding:as:)` would
    /// validate them and then copy them: numbers and most keys are that short. Longer text is
    /// only scanned for whether it is ASCII (``init(validatedUTF8:isASCII:)``).
    @inline(__always)
    init(validatedUTF8 utf8: UnsafeRawBufferPointer) {
        guard utf8.count <= 15, let source = utf8.baseAddress else {
            var bits: UInt8 = 0
            for byte in utf8 { bits |= byte }
            self.init(validatedUTF8: utf8, isASCII: bits < 0x80)
            return
        }
        self.init(unsafeUninitializedCapacity: utf8.count) { buffer in
            // Overlapping word copies inside both ends: no call to memmove for a few bytes.
            let target = UnsafeMutableRawPointer(buffer.baseAddress.unsafelyUnwrapped)
            let count = utf8.count
            if count >= 8 {
                target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                target.storeBytes(of: source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self), toByteOffset: count &- 8, as: UInt64.self)
            } else if count >= 4 {
                target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
                target.storeBytes(of: source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self), toByteOffset: count &- 4, as: UInt32.self)
            } else {
                for offset in 0..<count { target.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self) }
            }
            return count
        }
    }
}

extension String {
    /// The string of `utf8`, which the parser has validated, `isASCII` saying whether every byte
    /// is below 0x80: made without validating the bytes again, as `String(decoding:as:)` would
    /// (the string cache's misses, mostly product names seen for the first time, cost a third less).
    @inline(__always)
    init(validatedUTF8 utf8: UnsafeRawBufferPointer, isASCII: Bool) {
        if #available(macOS 26.0, iOS 26.0, watchOS 26.0, tvOS 26.0, visionOS 26.0, *) {
            self.init(copying: UTF8Span(unchecked: utf8.assumingMemoryBound(to: UInt8.self).span, isKnownASCII: isASCII))
        } else {
            self.init(decoding: utf8, as: UTF8.self)
        }
    }
}

extension JSONValue {
    /// Parses one JSON document.
    public init(parsing bytes: some Collection<UInt8>, options: JSONParser.Options = .strict) throws(JSONError) {
        var parser = JSONParser(options: options)
        let contiguous = Array(bytes)
        let result: Result<JSONValue, JSONError> = contiguous.withUnsafeBytes { buffer in
            do throws(JSONError) {
                return .success(try parser.parse(buffer).value())
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// Parses one JSON document from text.
    public init(parsing text: String, options: JSONParser.Options = .strict) throws(JSONError) {
        try self.init(parsing: text.utf8, options: options)
    }
}
