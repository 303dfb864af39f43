/// An RFC 6901 JSON pointer under construction.
///
/// Validators build a pointer for every element they visit but read one only when they report
/// something, so the last array index is kept aside and only spelled out when the text is needed.
struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The escaped text of every step but a pending last index.
    private var prefix: String = ""
    /// The last step, when it is an array index not yet written into `prefix`.
    private var pendingIndex: Int?

    /// The whole document.
    static let root = JSONPointer()

    /// A pointer from its text (already escaped).
    init(_ text: String = "") { prefix = text }

    /// The pointer text; empty for the whole document.
    var description: String {
        guard let pendingIndex else { return prefix }
        return prefix + "/" + String(pendingIndex)
    }

    /// The pointer to member `key` of the object here.
    func appending(_ key: String) -> JSONPointer {
        var text = description
        text += "/"
        if key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) {
            for character in key.unicodeScalars {
                switch character {
                case "~": text += "~0"
                case "/": text += "~1"
                default: text.unicodeScalars.append(character)
                }
            }
        } else {
            text += key
        }
        return JSONPointer(text)
    }

    /// The pointer to element `index` of the array here.
    func appending(_ index: Int) -> JSONPointer {
        // The index stays pending (spelled out only if a finding needs the text): one per array
        // element, and most elements have no finding.
        var pointer = pendingIndex == nil ? self : JSONPointer(description)
        pointer.pendingIndex = index
        return pointer
    }

    static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool { lhs.description == rhs.description }

    func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
