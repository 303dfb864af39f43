/// Where two JSON values differ, member by member and element by element.
public struct JSONDifference: Sendable, Hashable, CustomStringConvertible {
    /// The RFC 6901 pointer of the differing value (`""` for the whole value).
    public var pointer: String
    /// The expected value there, or `nil` when it should be absent.
    public var expected: JSONValue?
    /// The actual value there, or `nil` when it is absent.
    public var actual: JSONValue?

    /// `/pointer: expected X, got Y` (or `missing` / `unexpected`).
    public var description: String {
        let place = pointer.isEmpty ? "(root)" : pointer
        switch (expected, actual) {
        case (let expected?, let actual?): return "\(place): expected \(expected), got \(actual)"
        case (let expected?, nil): return "\(place): missing, expected \(expected)"
        case (nil, let actual?): return "\(place): unexpected \(actual)"
        case (nil, nil): return "\(place): no difference"
        }
    }

    /// The differences between `expected` and `actual`, in document order; empty when they are
    /// equal as JSON (numbers by exact value, objects as maps).
    public static func between(_ expected: JSONValue, _ actual: JSONValue) -> [JSONDifference] {
        var differences: [JSONDifference] = []
        collect(expected, actual, at: JSONPointer.root, into: &differences)
        return differences
    }

    /// An optional element: `nil` literals would otherwise become JSON `null`.
    static func element(_ values: [JSONValue], _ index: Int) -> JSONValue? {
        index < values.count ? .some(values[index]) : .none
    }

    private static func collect(_ expected: JSONValue, _ actual: JSONValue, at pointer: JSONPointer, into differences: inout [JSONDifference]) {
        switch (expected, actual) {
        case (.object(let left), .object(let right)):
            for member in left.uniqueMembers {
                let here = pointer.appending(member.key)
                if let value = right[member.key] {
                    collect(member.value, value, at: here, into: &differences)
                } else {
                    differences.append(JSONDifference(pointer: here.description, expected: member.value, actual: nil))
                }
            }
            for member in right.uniqueMembers where left[member.key] == nil {
                differences.append(JSONDifference(pointer: pointer.appending(member.key).description, expected: nil, actual: member.value))
            }
        case (.array(let left), .array(let right)):
            for index in 0..<max(left.count, right.count) {
                let here = pointer.appending(index)
                switch (element(left, index), element(right, index)) {
                case (let l?, let r?): collect(l, r, at: here, into: &differences)
                case (let l, let r): differences.append(JSONDifference(pointer: here.description, expected: l, actual: r))
                }
            }
        default:
            if expected != actual {
                differences.append(JSONDifference(pointer: pointer.description, expected: expected, actual: actual))
            }
        }
    }
}
