#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One value of a mapping file while it is being compiled: its tape node, its JSON pointer, and
/// enough of the file to turn any complaint about it into a ``MappingError`` with line and column.
///
/// Only lives during compilation: the tape refers to the file's bytes, which are gone afterwards.
struct SourceNode {
    let tape: JSONTape
    let file: String
    let index: Int
    let pointer: JSONPointer
    /// Where the file's lines start: compiling positions hundreds of nodes, and counting lines
    /// from the top for each took a fifth of a mapping's compile time.
    let lines: LineStarts

    /// The root of the document `tape` parsed from `file`.
    init(root tape: JSONTape, file: String) {
        self.init(tape: tape, file: file, index: tape.root, pointer: .root, lines: LineStarts(tape.bytes))
    }

    private init(tape: JSONTape, file: String, index: Int, pointer: JSONPointer, lines: LineStarts) {
        self.tape = tape
        self.file = file
        self.index = index
        self.pointer = pointer
        self.lines = lines
    }

    private func node(_ index: Int, at pointer: JSONPointer) -> SourceNode {
        SourceNode(tape: tape, file: file, index: index, pointer: pointer, lines: lines)
    }

    var kind: JSONTape.Kind { tape.kind(index) }

    /// How messages name the node's type: `an object`, `a string`, `null`…
    var typeDescription: String {
        switch kind {
        case .null: return "null"
        case .true, .false: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The decoded string, or `nil` when the node is not a string.
    var string: String? { kind == .string ? tape.string(index) : nil }

    /// The subtree as an owned value.
    var value: JSONValue { tape.value(index) }

    /// Where the node's text starts (its opening quote or bracket).
    var location: MappingLocation {
        let position = lines.position(of: tape.byteOffset(index), in: tape.bytes)
        return MappingLocation(file: file, line: position.line, column: position.column, pointer: pointer.description)
    }

    /// An error about this node, positioned at its first character.
    func error(_ reason: String) -> MappingError {
        error(reason, columnOffset: 0)
    }

    /// An error positioned `columnOffset` characters after the node's first character: used to point
    /// inside a string (an expression's syntax error).
    func error(_ reason: String, columnOffset: Int) -> MappingError {
        let position = lines.position(of: tape.byteOffset(index), in: tape.bytes)
        return MappingError(file: file, line: position.line, column: position.column + columnOffset, pointer: pointer.description, reason: reason)
    }

    /// The members of an object in source order, each with the position of its key for messages
    /// about the key itself; empty for anything else.
    var members: [Member] {
        guard kind == .object else { return [] }
        return tape.children(index).map { keyIndex in
            let key = tape.string(keyIndex)
            let value = node(keyIndex + 1, at: pointer.appending(key))
            return Member(key: key, keyNode: node(keyIndex, at: value.pointer), value: value)
        }
    }

    /// The elements of an array; empty for anything else.
    var elements: [SourceNode] {
        guard kind == .array else { return [] }
        return tape.children(index).enumerated().map { offset, child in
            node(child, at: pointer.appending(offset))
        }
    }

    /// The value of member `key` (the last one when a key repeats), or `nil`.
    func member(_ key: String) -> SourceNode? {
        tape.member(index, key).map { node($0, at: pointer.appending(key)) }
    }

    /// One `"key": value` pair of an object.
    struct Member {
        let key: String
        /// The key's string node: errors about the key point at it.
        let keyNode: SourceNode
        let value: SourceNode
    }
}

extension SourceNode {
    /// The members of an object whose keys must come from `allowed`, each key at most once: an
    /// unknown or repeated key is an error naming it (with a suggestion when one is close).
    func checkedMembers(_ allowed: [String], in what: String) throws(MappingError) -> [String: SourceNode] {
        guard kind == .object else { throw error("\(what) must be an object, not \(typeDescription)") }
        var result: [String: SourceNode] = [:]
        for member in members {
            guard allowed.contains(member.key) else {
                throw member.keyNode.error("unknown key '\(member.key)' in \(what)\(Suggestion.phrase(for: member.key, among: allowed))")
            }
            guard result[member.key] == nil else { throw member.keyNode.error("key '\(member.key)' appears twice in \(what)") }
            result[member.key] = member.value
        }
        return result
    }

    /// The string value of this node, or an error naming what was expected.
    func requireString(_ what: String) throws(MappingError) -> String {
        guard let string else { throw error("\(what) must be a string, not \(typeDescription)") }
        return string
    }

    /// The boolean value of this node, or an error naming what was expected.
    func requireBool(_ what: String) throws(MappingError) -> Bool {
        switch kind {
        case .true: return true
        case .false: return false
        default: throw error("\(what) must be true or false, not \(typeDescription)")
        }
    }
}

/// "Did you mean" hints for misspelt keys, directives and names.
enum Suggestion {
    /// `" (did you mean 'x'?)"` when a candidate is within a small edit distance, else the list of
    /// candidates when it is short and `listing` allows, else nothing.
    static func phrase(for word: String, among candidates: [String], listing: Bool = true) -> String {
        let scored = candidates.map { (candidate: $0, distance: distance(word.lowercased(), $0.lowercased())) }
        if let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= max(1, word.count / 3) {
            return " (did you mean '\(best.candidate)'?)"
        }
        guard listing, candidates.count <= 12 else { return "" }
        return " (expected one of: " + candidates.joined(separator: ", ") + ")"
    }

    /// Edit distance over characters, a swap of neighbours counting as one edit (`vaule` → `value`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}

/// The byte offsets where the lines of a document start, for 1-based line and column numbers
/// (columns in characters, as ``JSONError`` counts them) found by a binary search and a count
/// within one line.
struct LineStarts {
    private let offsets: [Int]

    init(_ bytes: UnsafeRawBufferPointer) {
        var offsets = [0]
        // `memchr` finds each line feed a word or more at a time: looking at every byte of the
        // built-in mapping's files took 1 % of the instructions of `convert` on empty input.
        if let base = bytes.baseAddress {
            var offset = 0
            while let hit = memchr(base + offset, Int32(UInt8(ascii: "\n")), bytes.count - offset) {
                offset = base.distance(to: UnsafeRawPointer(hit)) + 1
                offsets.append(offset)
            }
        }
        self.offsets = offsets
    }

    /// The line and column of the byte at `offset` of `bytes`, the document this was made from.
    func position(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var low = 0
        var high = offsets.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if offsets[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        // Within its line the column is what a parse error there reports.
        let line = UnsafeRawBufferPointer(rebasing: bytes[offsets[low]...])
        return (low + 1, JSONError(reason: "", at: offset - offsets[low], in: line).column)
    }
}
