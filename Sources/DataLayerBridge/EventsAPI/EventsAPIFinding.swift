/// One problem the Events API validator found in an envelope.
///
/// Errors are what the Events API documents as wrong (the event would be rejected or dropped);
/// warnings are what it documents as strongly recommended or deprecated, so an envelope with only
/// warnings is still deliverable.
public struct EventsAPIFinding: Sendable, Hashable, CustomStringConvertible {
    /// How bad a finding is.
    public enum Severity: String, Sendable {
        /// The envelope breaks a documented requirement.
        case error
        /// The envelope works but misses a documented recommendation.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// An RFC 6901 JSON pointer into the envelope (`/lists/Search Results/items/0/position`, `~`
    /// and `/` in keys escaped as `~0` and `~1`); the empty string is the whole envelope.
    public var pointer: String
    /// A short human reason, such as `must be an integer, not string`.
    public var reason: String

    /// Creates a finding.
    public init(severity: Severity, pointer: String, reason: String) {
        self.severity = severity
        self.pointer = pointer
        self.reason = reason
    }

    /// The finding for a record that is not JSON at all: an error on the whole record carrying the
    /// parser's position (relative to the record) and reason.
    public init(invalidJSON error: JSONError) {
        self.init(severity: .error, pointer: "", reason: "invalid JSON: \(error)")
    }

    /// `POINTER: reason`, or `warning: POINTER: reason`: one line. The whole envelope shows as
    /// `(root)` rather than as its empty pointer, so the pointer field is never blank, and control
    /// characters in the pointer (from keys) show as `\u` escapes so they cannot break the line.
    public var description: String {
        var location = ""
        for scalar in pointer.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                location += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                location.unicodeScalars.append(scalar)
            }
        }
        if location.isEmpty { location = "(root)" }
        switch severity {
        case .error: return "\(location): \(reason)"
        case .warning: return "warning: \(location): \(reason)"
        }
    }
}
