/// What one client's pushes remember between calls: the values rules `remember` (a customer id from
/// a login push), set on that client's later envelopes by the mapping's `recall`, and how many
/// pushes the session has converted (the ordinal `$record.ordinal` sees).
///
/// State is inherently sequential, so it is a value the caller owns and passes `inout` to
/// ``Bridge/convert(_:session:)``: keep one per visitor, per connection or per stream,
/// and the shared ``Bridge`` stays immutable and lock-free.
public struct BridgeSession: Sendable {
    var state = MappingState()
    /// How many pushes this session has converted.
    public private(set) var pushCount = 0

    /// An empty session: nothing remembered, no push converted yet.
    public init() {}

    /// Counts a push and returns its 1-based ordinal.
    mutating func nextOrdinal() -> Int {
        pushCount += 1
        return pushCount
    }
}
