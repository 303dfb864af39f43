/// Why a JSON text was rejected, and where.
///
/// `offset` is a 0-based byte offset; `line` and `column` are 1-based, the column counted in
/// characters (Unicode scalars), as editors show it.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset of the offending byte.
    public var offset: Int
    /// The 1-based line of the offending byte.
    public var line: Int
    /// The 1-based column of the offending byte, in characters.
    public var column: Int
    /// A short human reason, such as `unterminated string` or `trailing comma`.
    public var reason: String

    /// Creates an error with an explicit position.
    public init(offset: Int, line: Int, column: Int, reason: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// Creates an error at `offset` in `bytes`, working out line and column. Only called on the
    /// error path, so valid input never pays for position tracking.
    init(reason: String, at offset: Int, in bytes: UnsafeRawBufferPointer) {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        self.init(offset: offset, line: line, column: column, reason: reason)
    }

    /// `LINE:COLUMN: reason`.
    public var description: String { "\(line):\(column): \(reason)" }
}
