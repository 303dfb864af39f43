/// Where the array scan is: which structural token it expects next.
///
/// Resynchronisation never loses an element: garbage where a `,` should be is reported and then
/// read as the start of the next element (so `[{"a":1} {"b":2}]` gives two records and a problem
/// between them); an empty slot (`[1,,2]`), a trailing comma, and a stray `}` are reported and
/// skipped. Content before the array is reported once and skipped up to the first `[` or `{`;
/// content after it is reported once and the rest of the input is skipped.
struct ArrayState {
    enum Phase: Equatable {
        case start
        case skippingPrefix
        /// At the member level of a wrapper object.
        case member(MemberStep)
        case memberName
        /// Inside a wrapper member's value other than the `dataLayer` array.
        case skippingValue
        case elementStart(afterComma: Bool)
        case element
        case afterElement
        case end
        case skippingSuffix
    }

    enum MemberStep: Equatable {
        case name, colon, value, afterValue
    }

    static let dataLayerName = Array("dataLayer".utf8)

    var phase = Phase.start
    var inWrapper = false
    var foundDataLayer = false
    /// Bytes of `dataLayer` matched by the member name so far, or -1 once it cannot match (a
    /// name is compared by its raw bytes: an escaped spelling does not count).
    var nameMatched = 0
    var nameEscaped = false
    var value = ValueScan()
}

/// The structural scan of one JSON value, resumable at any byte: nesting depth and string state.
/// Brackets are counted, not matched by kind: a mismatch is for the parser to report.
struct ValueScan {
    enum Kind {
        case unknown, container, string, scalar
    }

    var kind = Kind.unknown
    var depth = 0
    var inString = false
    var escaped = false

    /// Scans `buffer[from..<to]`, counting LF bytes into `line`; returns the index just past the
    /// value, or `nil` if it goes on past `to`. A scalar (number, literal, or garbage) ends before
    /// white space or a structural byte.
    mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int, line: inout Int) -> Int? {
        var index = from
        if kind == .unknown, index < to {
            switch buffer[index] {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                kind = .container
                depth = 1
            case UInt8(ascii: "\""):
                kind = .string
                inString = true
            default:
                kind = .scalar
            }
            index += 1
        }
        if kind == .scalar {
            while index < to {
                if endsScalar(buffer[index]) { return index }
                index += 1
            }
            return nil
        }
        var lines = line
        defer { line = lines }
        while index < to {
            if inString {
                if escaped {
                    escaped = false
                    if buffer[index] == lineFeed { lines += 1 }
                    index += 1
                    continue
                }
                index = Self.skipPlainStringBytes(buffer, from: index, to: to)
                guard index < to else { return nil }
                let byte = buffer[index]
                index += 1
                if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return index }
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == lineFeed {
                    lines += 1
                }
                continue
            }
            let byte = buffer[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index }
            case lineFeed:
                lines += 1
            default:
                break
            }
        }
        return nil
    }

    /// Skips string content that holds no quote, backslash or LF, eight bytes at a time: strings are most
    /// of a dataLayer dump, and a byte loop over them would make the scan the pipeline's bottleneck.
    /// Returns the index of the first such byte, or a position within the last 8 bytes before `to`.
    @inline(__always)
    private static func skipPlainStringBytes(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard let base = buffer.baseAddress else { return from }
        var index = from
        while index + 8 <= to {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let found = SpecialBytes.zeroBytes(word ^ quotes) | SpecialBytes.zeroBytes(word ^ backslashes) | SpecialBytes.zeroBytes(word ^ lineFeeds)
            if found != 0 { return index + (found.trailingZeroBitCount >> 3) }
            index += 8
        }
        return index
    }

    private static var quotes: UInt64 { 0x2222_2222_2222_2222 }
    private static var backslashes: UInt64 { 0x5C5C_5C5C_5C5C_5C5C }
    private static var lineFeeds: UInt64 { 0x0A0A_0A0A_0A0A_0A0A }

    private func endsScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"),
            UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""):
            true
        default:
            false
        }
    }
}

extension RecordReader {
    /// Scans `buffer[position..<filled]` for array elements, stopping early when the batch is full.
    mutating func scanArray(_ buffer: UnsafeBufferPointer<UInt8>) {
        while position < filled, !batchReady {
            switch arrayState.phase {
            case .element:
                let start = position
                let end = arrayState.value.scan(buffer, from: position, to: filled, line: &line)
                position = end ?? filled
                absorb(UnsafeBufferPointer(rebasing: buffer[start..<position]), slack: 0)
                if end != nil {
                    finishRecord()
                    arrayState.phase = .afterElement
                }
            case .skippingValue:
                if let end = arrayState.value.scan(buffer, from: position, to: filled, line: &line) {
                    position = end
                    arrayState.phase = .member(.afterValue)
                } else {
                    position = filled
                }
            case .memberName:
                scanMemberName(buffer)
            case .skippingPrefix:
                while position < filled {
                    let byte = buffer[position]
                    if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                        arrayState.phase = .start
                        break
                    }
                    if byte == lineFeed { line += 1 }
                    position += 1
                }
            case .skippingSuffix:
                position = filled
            case .start, .member, .elementStart, .afterElement, .end:
                let byte = buffer[position]
                if byte == lineFeed {
                    line += 1
                    position += 1
                } else if isBlank(byte) {
                    position += 1
                } else {
                    structural(byte)
                }
            }
        }
    }

    /// Handles a non-blank byte between values: at most one byte is consumed, and a byte left
    /// unconsumed always moves the scan to a phase that consumes it.
    private mutating func structural(_ byte: UInt8) {
        switch arrayState.phase {
        case .start:
            switch byte {
            case UInt8(ascii: "["):
                position += 1
                arrayState.phase = .elementStart(afterComma: false)
            case UInt8(ascii: "{"):
                position += 1
                arrayState.inWrapper = true
                arrayState.phase = .member(.name)
            default:
                emitMalformed("unexpected content before the array")
                arrayState.phase = .skippingPrefix
            }
        case .member(let step):
            member(step, byte)
        case .elementStart(let afterComma):
            switch byte {
            case UInt8(ascii: "]"):
                position += 1
                if afterComma { emitMalformed("trailing comma before ]") }
                closeArray()
            case UInt8(ascii: ","):
                position += 1
                emitMalformed("missing element before ,")
                arrayState.phase = .elementStart(afterComma: true)
            case UInt8(ascii: "}"):
                position += 1
                emitMalformed("unexpected } in the array")
            default:
                beginRecord()
                arrayState.value = ValueScan()
                arrayState.phase = .element
            }
        case .afterElement:
            switch byte {
            case UInt8(ascii: ","):
                position += 1
                arrayState.phase = .elementStart(afterComma: true)
            case UInt8(ascii: "]"):
                position += 1
                closeArray()
            case UInt8(ascii: "}"):
                position += 1
                emitMalformed("unexpected } in the array")
            default:
                emitMalformed("missing , between elements")
                arrayState.phase = .elementStart(afterComma: false)
            }
        case .end:
            emitMalformed(arrayState.inWrapper ? "unexpected content after the wrapper object" : "unexpected content after the array")
            arrayState.phase = .skippingSuffix
        case .skippingPrefix, .memberName, .skippingValue, .element, .skippingSuffix:
            break
        }
    }

    /// The wrapper object's member level: only the first `dataLayer` member whose value is an
    /// array is streamed; other members are skipped without being checked.
    private mutating func member(_ step: ArrayState.MemberStep, _ byte: UInt8) {
        switch (step, byte) {
        case (.name, UInt8(ascii: "\"")):
            position += 1
            arrayState.nameMatched = 0
            arrayState.nameEscaped = false
            arrayState.phase = .memberName
        case (_, UInt8(ascii: "}")):
            position += 1
            if !arrayState.foundDataLayer { emitMalformed("no dataLayer array in the wrapper object") }
            arrayState.phase = .end
        case (.name, UInt8(ascii: ",")), (.afterValue, UInt8(ascii: ",")), (.value, UInt8(ascii: ",")):
            position += 1
            arrayState.phase = .member(.name)
        case (.colon, UInt8(ascii: ":")):
            position += 1
            arrayState.phase = .member(.value)
        case (.colon, _):
            arrayState.phase = .member(.value)
        case (.afterValue, _):
            arrayState.phase = .member(.name)
        case (.value, UInt8(ascii: "[")) where arrayState.nameMatched == ArrayState.dataLayerName.count:
            if arrayState.foundDataLayer {
                emitMalformed("repeated dataLayer member skipped")
                skipValue()
            } else {
                position += 1
                arrayState.foundDataLayer = true
                arrayState.phase = .elementStart(afterComma: false)
            }
        case (.name, _), (.value, _):
            skipValue()
        }
    }

    private mutating func skipValue() {
        arrayState.value = ValueScan()
        arrayState.phase = .skippingValue
    }

    private mutating func closeArray() {
        arrayState.phase = arrayState.inWrapper ? .member(.afterValue) : .end
    }

    private mutating func scanMemberName(_ buffer: UnsafeBufferPointer<UInt8>) {
        while position < filled {
            let byte = buffer[position]
            position += 1
            if byte == lineFeed { line += 1 }
            if arrayState.nameEscaped {
                arrayState.nameEscaped = false
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                arrayState.phase = .member(.colon)
                return
            case UInt8(ascii: "\\"):
                arrayState.nameEscaped = true
                arrayState.nameMatched = -1
            default:
                let matched = arrayState.nameMatched
                let matches = matched >= 0 && matched < ArrayState.dataLayerName.count
                    && ArrayState.dataLayerName[matched] == byte
                arrayState.nameMatched = matches ? matched + 1 : -1
            }
        }
    }

    /// Reports what the end of the input leaves open: a cut-off element keeps its partial bytes.
    mutating func finishArray() {
        switch arrayState.phase {
        case .start, .skippingPrefix, .end, .skippingSuffix:
            break
        case .element where arrayState.value.kind == .scalar:
            finishRecord()
            emitMalformed("input ends before the closing ] of the array")
        case .element:
            finishRecord(problem: .malformed(reason: "input ends inside an element"))
        case .elementStart, .afterElement:
            emitMalformed("input ends before the closing ] of the array")
        case .member, .memberName, .skippingValue:
            emitMalformed(arrayState.foundDataLayer
                ? "input ends before the closing } of the wrapper object"
                : "no dataLayer array in the wrapper object")
        }
    }
}
