#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the sender gets its time from, so pacing and retry timing can be tested without
/// sleeping: the pacer, the session cap and the retry policy only ever see these numbers.
public protocol DeliveryClock: Sendable {
    /// Seconds on a monotonic scale (the origin is arbitrary).
    func now() -> Double
    /// Seconds since 1970-01-01 UTC, for `Retry-After` HTTP dates.
    func wallTime() -> Double
    /// Waits until `now() >= deadline`, returning early (with `false`) once `stopped()` is true.
    func sleep(until deadline: Double, stopped: () -> Bool) -> Bool
}

/// The real clock: `CLOCK_MONOTONIC` for intervals, `CLOCK_REALTIME` for dates.
public struct SystemDeliveryClock: DeliveryClock {
    /// How often a sleep looks at its stop condition: the bound on how late an interruption is seen.
    static let stopCheckInterval = 0.05

    /// Creates the clock.
    public init() {}

    /// Monotonic seconds.
    public func now() -> Double { Self.read(CLOCK_MONOTONIC) }

    /// Seconds since the epoch.
    public func wallTime() -> Double { Self.read(CLOCK_REALTIME) }

    /// Sleeps in short slices so that a stop request is noticed promptly.
    public func sleep(until deadline: Double, stopped: () -> Bool) -> Bool {
        while true {
            if stopped() { return false }
            let remaining = deadline - now()
            if remaining <= 0 { return true }
            let slice = min(remaining, Self.stopCheckInterval)
            // An interrupted nanosleep just loops: the deadline is recomputed from the clock.
            var request = timespec(tv_sec: Int(slice), tv_nsec: Int((slice - slice.rounded(.down)) * 1e9))
            nanosleep(&request, nil)
        }
    }

    private static func read(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
