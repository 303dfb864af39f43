/// An RFC 6901 JSON pointer under construction.
struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The pointer text; empty for the whole document.
    private(set) var description: String = ""

    /// The whole document.
    static let root = JSONPointer()

    /// A pointer from its text (already escaped).
    init(_ text: String = "") { description = text }

    /// The pointer to member `key` of the object here.
    func appending(_ key: String) -> JSONPointer {
        var escaped = ""
        for character in key.unicodeScalars {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.unicodeScalars.append(character)
            }
        }
        var pointer = self
        pointer.description += "/" + escaped
        return pointer
    }

    /// The pointer to element `index` of the array here.
    func appending(_ index: Int) -> JSONPointer {
        var pointer = self
        pointer.description += "/\(index)"
        return pointer
    }
}
