/// Writes JSON text into a reusable byte buffer: compact and deterministic, or pretty for people.
///
/// Escapes `"`, `\`, control characters (`\n \t \r \b \f`, the others as `\u00XX`) and U+2028 /
/// U+2029 (so the output is also safe inside JavaScript); every other character is written as UTF-8.
/// Numbers are written exactly as their source text.
public struct JSONWriter: Sendable {
    /// How much white space to write.
    public enum Style: Sendable, Hashable {
        /// No white space at all: one value, one line.
        case compact
        /// Members and elements on their own lines, indented by `indent` spaces, `": "` after keys.
        case pretty(indent: Int)
    }

    /// The style this writer writes in.
    public let style: Style
    private var depth = 0
    /// Shared between copies until one writes (checked once per public call, not per byte).
    private var buffer = GrowableBuffer<UInt8>(capacity: 1024)
    /// Whether strings of up to 15 bytes are read from their own two words, and elements and
    /// members in place (``SmallUTF8/layoutHolds``): read once per writer rather than from the
    /// static at every string, whose every read costs a `swift_once`.
    private let readsInPlace = SmallUTF8.layoutHolds
    /// Whether longer strings of elements and members are read from their storage in place
    /// (``SmallUTF8/nativeLayoutHolds``), without the copy (a retain and a release) and the
    /// closure that reading them as values costs.
    private let readsNativeInPlace = SmallUTF8.layoutHolds && SmallUTF8.nativeLayoutHolds
    /// Whether an array's elements and an object's members are read where the value holds them
    /// (``containersLayoutHold``): read once per writer rather than from the static.
    private let readsContainersInPlace = Self.containersLayoutHold
    /// The short keys last found plain at the first positions of an object.
    private var plainKeys = PlainKeys()

    /// Creates a writer with an empty buffer.
    public init(style: Style = .compact) { self.style = style }

    /// A compact writer whose buffer starts with room for `capacity` bytes, for a caller that knows
    /// about how much it will write: growing by doubling copies everything written so far each time.
    init(capacity: Int) {
        style = .compact
        buffer = GrowableBuffer(capacity: capacity)
    }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { Array(buffer.elements) }

    /// The number of bytes written so far.
    public var count: Int { buffer.count }

    /// Calls `body` with the bytes written so far, without copying them.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(buffer.elements))
    }

    /// The bytes written so far, as a `String`.
    public var string: String { String(decoding: buffer.elements, as: UTF8.self) }

    /// Empties the buffer and keeps its capacity, so one writer serves a whole stream.
    public mutating func reset() {
        makeUnique()
        buffer.count = 0
    }

    /// Appends one raw byte, such as the newline between NDJSON records.
    public mutating func append(byte: UInt8) {
        makeUnique()
        buffer.append(byte)
    }

    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
    }

    /// Writes `value`.
    public mutating func write(_ value: JSONValue) {
        makeUnique()
        emit(value)
    }

    /// Writes `value`, a container's elements or members walked in place, through their buffers
    /// (see ``emit(valueAt:payload:)``).
    private mutating func emit(_ value: JSONValue) {
        switch value {
        case .array(let elements): emit(elements: elements.span)
        case .object(let object): emit(members: object.members.span)
        default: emit(scalar: value)
        }
    }

    /// Writes an array of `elements`, out of line: with ``emit(members:)``, the one recursive step.
    @inline(never)
    private mutating func emit(elements: Span<JSONValue>) {
        emitOpen(UInt8(ascii: "["))
        elements.withUnsafeBufferPointer { elements in
            guard let base = elements.baseAddress else { return }
            for position in elements.indices {
                emitSeparator(first: position == 0)
                emit(valueAt: base + position, payload: UnsafeRawPointer(base + position))
            }
        }
        emitClose(UInt8(ascii: "]"), empty: elements.isEmpty)
    }

    /// Writes an object of `members`, out of line.
    @inline(never)
    private mutating func emit(members: Span<JSONObject.Member>) {
        emitOpen(UInt8(ascii: "{"))
        let compactInPlace = readsInPlace && style == .compact
        members.withUnsafeBufferPointer { members in
            guard let base = members.baseAddress else { return }
            for position in members.indices {
                let member = UnsafeRawPointer(base + position)
                let value = member + SmallUTF8.memberValueOffset
                if compactInPlace, let key = SmallUTF8(wordsAt: member), plainKeys.isPlain(key, wordsAt: member, position: position) {
                    if emitMember(key: key, shortValueAt: value, first: position == 0) { continue }
                } else {
                    emitSeparator(first: position == 0)
                    if readsInPlace, let key = SmallUTF8(wordsAt: member), key.isPlain {
                        emitQuoted(key)
                        emitColon()
                    } else {
                        emit(key: base[position].key)
                    }
                }
                emit(valueAt: value.assumingMemoryBound(to: JSONValue.self), payload: value)
            }
        }
        emitClose(UInt8(ascii: "}"), empty: members.isEmpty)
    }

    /// Writes a member's separator, its short plain `key` and the colon, in compact style, and
    /// its value at `payload` too when that is a short plain string or a short number (most
    /// members of an envelope): one reservation and one update of the count for the four parts,
    /// rather than one each, and the key checked once whatever the value. Returns whether the
    /// value was written; when not, the caller writes it.
    @inline(__always)
    private mutating func emitMember(key: SmallUTF8, shortValueAt payload: UnsafeRawPointer, first: Bool) -> Bool {
        buffer.reserve(2 * SmallUTF8.capacity + 6)
        var out = UnsafeMutableRawPointer(buffer.base + buffer.count)
        if !first {
            out.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
            out += 1
        }
        out = key.storeQuoted(to: out)
        out.storeBytes(of: UInt8(ascii: ":"), as: UInt8.self)
        out += 1
        var wroteValue = false
        switch payload.assumingMemoryBound(to: JSONValue.self).pointee {
        case .string:
            if let small = SmallUTF8(wordsAt: payload), small.isPlain {
                out = small.storeQuoted(to: out)
                wroteValue = true
            }
        case .number:
            if let small = SmallUTF8(wordsAt: payload) {
                out = small.store(to: out)
                wroteValue = true
            }
        default:
            break
        }
        buffer.count = out - UnsafeMutableRawPointer(buffer.base)
        return wroteValue
    }

    /// Writes the element or member value at `value`, whose payload's words are at `payload`.
    ///
    /// Strings and numbers of up to 15 bytes are written from those words, read as plain
    /// integers, and longer natively stored strings from the storage the words point to: a
    /// `String` or `JSONValue` read out of an array's memory is copied (a retain and a release) to
    /// outlive the writes that follow, which might reach that memory for all the compiler knows.
    /// Other strings and numbers, and containers, are read as values.
    @inline(__always)
    private mutating func emit(valueAt value: UnsafePointer<JSONValue>, payload: UnsafeRawPointer) {
        switch value.pointee {
        case .string:
            if readsInPlace, let small = SmallUTF8(wordsAt: payload), small.isPlain {
                emitQuoted(small)
            } else if readsNativeInPlace, let utf8 = SmallUTF8.nativeUTF8(wordsAt: payload) {
                writeEscaped(utf8)
            } else if case .string(let string) = value.pointee {
                emit(largeString: string)
            }
        case .number:
            if readsInPlace, let small = SmallUTF8(wordsAt: payload) {
                emitRaw(small)
            } else if case .number(let number) = value.pointee {
                emit(number: number)
            }
        case .array:
            // The array where the value holds it, borrowed through a span: `value.pointee` copied
            // it (a retain and a release per container) to outlive the writes that follow.
            if readsContainersInPlace {
                value.withMemoryRebound(to: [JSONValue].self, capacity: 1) { emit(elements: $0.pointee.span) }
            } else {
                emit(value.pointee)
            }
        case .object:
            // An object's members array is its first stored property.
            if readsContainersInPlace {
                value.withMemoryRebound(to: [JSONObject.Member].self, capacity: 1) { emit(members: $0.pointee.span) }
            } else {
                emit(value.pointee)
            }
        case .null, .bool:
            emit(scalar: value.pointee)
        }
    }

    /// Writes a value that is not a container, read as a value.
    @inline(__always)
    private mutating func emit(scalar value: JSONValue) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .number(let number): emit(number: number)
        case .string(let string): emit(string: string)
        case .array, .object: break
        }
    }

    /// ``write(string:)`` once the buffer is known unique.
    @inline(__always)
    private mutating func emit(string: String) {
        if readsInPlace, let small = SmallUTF8(string), small.isPlain {
            emitQuoted(small)
        } else {
            emit(largeString: string)
        }
    }

    /// ``emit(string:)`` of a string not written from its words: longer, or one that needs an
    /// escape. A `String`'s own bytes, with no check or conversion per value; read in place,
    /// without `withUTF8`'s mutable copy, which cost a retain and a release per string.
    @inline(never)
    private mutating func emit(largeString string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ writeEscaped(UnsafeRawBufferPointer($0)) }) == nil {
            var copy = string
            copy.withUTF8 { writeEscaped(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Writes a small string that needs no escape, quoted.
    @inline(__always)
    private mutating func emitQuoted(_ small: SmallUTF8) {
        buffer.reserve(SmallUTF8.capacity + 2)
        let end = small.storeQuoted(to: UnsafeMutableRawPointer(buffer.base + buffer.count))
        buffer.count = end - UnsafeMutableRawPointer(buffer.base)
    }

    /// Writes a small string as it is: a number's text, which never needs an escape.
    @inline(__always)
    private mutating func emitRaw(_ small: SmallUTF8) {
        buffer.reserve(SmallUTF8.capacity)
        let end = small.store(to: UnsafeMutableRawPointer(buffer.base + buffer.count))
        buffer.count = end - UnsafeMutableRawPointer(buffer.base)
    }

    /// Writes a number's exact text.
    public mutating func write(number: JSONNumber) {
        makeUnique()
        emit(number: number)
    }

    @inline(__always)
    private mutating func emit(number: JSONNumber) {
        if readsInPlace, let small = SmallUTF8(number.text) {
            emitRaw(small)
            return
        }
        var text = number.text
        text.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `string` as a quoted, escaped JSON string.
    public mutating func write(string: some StringProtocol) {
        makeUnique()
        emit(string: string as? String ?? String(string))
    }

    /// Writes a member key and the separator after it.
    public mutating func writeKey(_ key: some StringProtocol) {
        makeUnique()
        emit(key: key as? String ?? String(key))
    }

    @inline(__always)
    private mutating func emit(key: String) {
        emit(string: key)
        emitColon()
    }

    @inline(__always)
    private mutating func emitColon() {
        buffer.append(UInt8(ascii: ":"))
        if case .pretty = style { buffer.append(UInt8(ascii: " ")) }
    }

    /// Opens an array or object; pair with ``separate(first:)`` and ``endContainer(_:empty:)``.
    public mutating func beginContainer(_ bracket: UInt8) {
        makeUnique()
        emitOpen(bracket)
    }

    /// Writes what goes before an element or member: a comma unless `first`, and in pretty style a
    /// newline and indentation.
    public mutating func separate(first: Bool) {
        makeUnique()
        emitSeparator(first: first)
    }

    /// Closes the container opened by ``beginContainer(_:)``.
    public mutating func endContainer(_ bracket: UInt8, empty: Bool) {
        makeUnique()
        emitClose(bracket, empty: empty)
    }

    // The container steps once the buffer is known unique, for write(_:), which checks that once
    // per value rather than once per element, member and number.

    @inline(__always)
    private mutating func emitOpen(_ bracket: UInt8) {
        buffer.append(bracket)
        depth += 1
    }

    @inline(__always)
    private mutating func emitSeparator(first: Bool) {
        if !first { buffer.append(UInt8(ascii: ",")) }
        newlineAndIndent()
    }

    @inline(__always)
    private mutating func emitClose(_ bracket: UInt8, empty: Bool) {
        depth -= 1
        if !empty { newlineAndIndent() }
        buffer.append(bracket)
    }

    /// Appends raw bytes that are already valid JSON text (a value copied verbatim from the input).
    public mutating func writeRaw(_ raw: UnsafeRawBufferPointer) {
        makeUnique()
        appendRaw(raw)
    }

    @inline(__always)
    mutating func appendRaw(_ raw: UnsafeRawBufferPointer) { buffer.append(raw) }

    @inline(__always)
    mutating func appendByte(_ byte: UInt8) { buffer.append(byte) }

    /// Appends the UTF-8 of already-valid, already-escaped JSON text.
    @inline(__always)
    mutating func appendASCII(_ text: StaticString) {
        buffer.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Nothing in compact style, decided inline: a call per element and member to find that out
    /// cost more than writing most of them.
    @inline(__always)
    private mutating func newlineAndIndent() {
        if case .pretty(let indent) = style { writeNewline(indent: indent) }
    }

    private mutating func writeNewline(indent: Int) {
        buffer.append(UInt8(ascii: "\n"))
        for _ in 0..<(indent * depth) { buffer.append(UInt8(ascii: " ")) }
    }

    /// Writes `"…"` around `utf8`, which must be valid UTF-8, escaping what JSON requires.
    /// Inlined for the plain string, which is one check-and-copy; the rest go out of line.
    @inline(__always)
    mutating func writeEscaped(_ utf8: UnsafeRawBufferPointer) {
        let count = utf8.count
        guard let base = utf8.baseAddress else {
            appendASCII("\"\"")
            return
        }
        // Most strings (keys, ids, URLs, accented titles) need no escape: checked and copied
        // between the quotes a word at a time, instead of stopping at every non-ASCII byte.
        buffer.reserve(count + 2)
        let out = buffer.base + buffer.count
        if SpecialBytes.copyIfPlain(base, count: count, to: out + 1) {
            out.initialize(to: UInt8(ascii: "\""))
            (out + count + 1).initialize(to: UInt8(ascii: "\""))
            buffer.count += count + 2
            return
        }
        writeEscaping(base, count: count)
    }

    /// ``writeEscaped(_:)`` for a string that may need an escape, out of line: few do. Runs that
    /// need no escape are copied in one go.
    @inline(never)
    private mutating func writeEscaping(_ base: UnsafeRawPointer, count: Int) {
        let utf8 = UnsafeRawBufferPointer(start: base, count: count)
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while true {
            index = SpecialBytes.skipPlain(base, from: index, count: count)
            guard index < count else { break }
            let byte = utf8[index]
            let escape: StaticString?
            var width = 1
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x09: escape = "\\t"
            case 0x0D: escape = "\\r"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0xE2 where index + 2 < count && utf8[index + 1] == 0x80 && utf8[index + 2] & 0xFE == 0xA8:
                escape = utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                width = 3
            case 0..<0x20: escape = nil
            default:
                index += 1
                continue
            }
            if index > runStart { appendRaw(UnsafeRawBufferPointer(rebasing: utf8[runStart..<index])) }
            if let escape {
                appendASCII(escape)
            } else {
                appendASCII("\\u00")
                buffer.append(Self.hexDigits[Int(byte >> 4)])
                buffer.append(Self.hexDigits[Int(byte & 0xF)])
            }
            index += width
            runStart = index
        }
        if count > runStart { appendRaw(UnsafeRawBufferPointer(rebasing: utf8[runStart..<count])) }
        buffer.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether a ``JSONValue`` holds an array's bytes, and an object's members array's bytes, at
    /// its start, as ``emit(valueAt:payload:)`` reads them: checked on sample values, so that a
    /// different layout turns the reading in place off rather than misreading.
    static let containersLayoutHold: Bool = {
        let elements: [JSONValue] = [.null, true]
        let members = [JSONObject.Member(key: "a", value: .null)]
        func starts(_ value: JSONValue, with payload: some Any) -> Bool {
            withUnsafeBytes(of: value) { value in
                withUnsafeBytes(of: payload) { payload in
                    payload.count <= value.count && payload.elementsEqual(value.prefix(payload.count))
                }
            }
        }
        // Memory may be rebound only to a type whose stride divides the value's.
        let stride = MemoryLayout<JSONValue>.stride
        return stride.isMultiple(of: MemoryLayout<[JSONValue]>.stride) && stride.isMultiple(of: MemoryLayout<[JSONObject.Member]>.stride)
            && starts(.array(elements), with: elements) && starts(.object(JSONObject(members)), with: members)
    }()
}

/// The words of the short keys last found plain at each of the first ``positions`` positions of
/// an object. The objects of an array (a list's items), and the envelopes of a stream, mostly
/// have the same keys in the same order: two words compared cost less than the key's bytes
/// checked again. Equal words are the same short string.
private struct PlainKeys {
    static let positions = 8
    /// Two words per position; all zero at first, which is no short string's words.
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// Whether `key`, the short key whose words are at `member`, needs no escape, as
    /// ``SmallUTF8/isPlain`` says; remembered for `position` when it does.
    @inline(__always)
    mutating func isPlain(_ key: SmallUTF8, wordsAt member: UnsafeRawPointer, position: Int) -> Bool {
        guard position < Self.positions else { return key.isPlain }
        let low = member.loadUnaligned(as: UInt64.self)
        let high = member.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        return withUnsafeMutableBytes(of: &words) { words in
            let offset = position &* 16
            if words.load(fromByteOffset: offset, as: UInt64.self) == low,
                words.load(fromByteOffset: offset &+ 8, as: UInt64.self) == high
            {
                return true
            }
            guard key.isPlain else { return false }
            words.storeBytes(of: low, toByteOffset: offset, as: UInt64.self)
            words.storeBytes(of: high, toByteOffset: offset &+ 8, as: UInt64.self)
            return true
        }
    }
}
