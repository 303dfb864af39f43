/// Which input ordinals are finished (sent, or rejected with a record), stored as a low-water
/// mark plus the finished ordinals above it.
///
/// Envelopes of different clients finish out of order, so "how far we got" is not one number:
/// everything up to `lowWater` is finished, and above it only the ordinals in `above`. The set
/// stays small because the sender holds only a bounded number of envelopes unfinished at once.
public struct CompletedOrdinals: Sendable, Hashable {
    /// Every ordinal `1...lowWater` is finished.
    public private(set) var lowWater = 0
    /// Finished ordinals above `lowWater`.
    public private(set) var above: Set<Int> = []

    /// Creates an empty record, or one resumed from a compacted state.
    public init(lowWater: Int = 0, above: Set<Int> = []) {
        self.lowWater = max(0, lowWater)
        for ordinal in above { insert(ordinal) }
    }

    /// Whether `ordinal` is finished.
    public func contains(_ ordinal: Int) -> Bool { ordinal <= lowWater || above.contains(ordinal) }

    /// Marks `ordinal` finished, advancing the low-water mark over any run it completes.
    public mutating func insert(_ ordinal: Int) {
        guard ordinal > lowWater else { return }
        above.insert(ordinal)
        while above.remove(lowWater + 1) != nil { lowWater += 1 }
    }

    /// How many ordinals are finished.
    public var count: Int { lowWater + above.count }
}
