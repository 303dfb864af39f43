/// A mistake in a mapping file, found when it is loaded, with where it is and why.
///
/// Positions are 1-based; the column counts characters, as editors show it. `pointer` is the RFC 6901
/// JSON pointer of the offending value inside the file (`/rules/2/emit/price`).
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name as given to the loader (`mappings/site.jsonc`), or `--set` for an assignment.
    public var file: String
    /// The 1-based line; 0 when the mistake has no place in a file (a `--set` argument).
    public var line: Int
    /// The 1-based column, in characters; 0 when `line` is 0.
    public var column: Int
    /// The JSON pointer of the offending value; empty for the whole document or a `--set` argument.
    public var pointer: String
    /// A short human reason.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int, column: Int, pointer: String, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.pointer = pointer
        self.reason = reason
    }

    /// `FILE:LINE:COLUMN: POINTER: reason`; the position is left out when there is none, and the
    /// pointer when it is empty.
    public var description: String {
        var text = file
        if line > 0 { text += ":\(line):\(column)" }
        if !pointer.isEmpty { text += ": \(pointer)" }
        return text + ": " + reason
    }
}

/// Where a compiled template node came from, kept for messages about failures while mapping.
struct MappingLocation: Sendable, Hashable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int
    var pointer: String

    /// `FILE:LINE:COLUMN: POINTER`.
    var description: String { "\(file):\(line):\(column): \(pointer)" }
}

/// A failure while applying a compiled mapping to one push: the push is rejected with this as detail.
struct MappingRuntimeError: Error, Sendable {
    var location: MappingLocation
    var reason: String

    /// `FILE:LINE:COLUMN: POINTER: reason`, so a rejected push points back into the mapping file.
    var detail: String { "\(location): \(reason)" }
}
