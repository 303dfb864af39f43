/// A sliding-window rate limit: at most `events` sends in any `window` seconds.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// The Events API limit per `client_id`: 30 events per 15 seconds.
    public static let eventsAPI = RateLimit(events: 30, window: 15)

    /// How many sends the window admits; at least 1.
    public let events: Int
    /// The window length in seconds; positive.
    public let window: Double

    /// Creates a limit; `events` below 1 counts as 1.
    public init(events: Int, window: Double) {
        self.events = max(1, events)
        self.window = window
    }

    /// Parses `EVENTS/DURATION`, such as `30/15s` or `5/500ms` (see ``DeliveryDuration``);
    /// `nil` when malformed or not positive.
    public init?(parsing text: String) {
        guard let (events, seconds) = DeliveryDuration.parseRatio(text) else { return nil }
        self.init(events: events, window: seconds)
    }

    /// `30/15s`.
    public var description: String { "\(events)/\(DeliveryDuration.format(window))" }
}

/// The Events API session cap: at most `events` per session, where a session ends after `idle`
/// seconds without a send for the client.
public struct SessionLimit: Sendable, Hashable, CustomStringConvertible {
    /// The documented cap: 400 events per session, 30 minutes of inactivity ending a session.
    public static let eventsAPI = SessionLimit(events: 400, idle: 1800)

    /// How many events one session admits; at least 1.
    public let events: Int
    /// Seconds without a send after which the next send starts a new session.
    public let idle: Double

    /// Creates a limit; `events` below 1 counts as 1.
    public init(events: Int, idle: Double) {
        self.events = max(1, events)
        self.idle = idle
    }

    /// Parses `EVENTS/IDLE`, such as `400/30m`; `nil` when malformed or not positive.
    public init?(parsing text: String) {
        guard let (events, seconds) = DeliveryDuration.parseRatio(text) else { return nil }
        self.init(events: events, idle: seconds)
    }

    /// `400/30m`.
    public var description: String { "\(events)/\(DeliveryDuration.format(idle))" }
}

/// Durations as the `send` options write them: a decimal number with a unit `ms`, `s`, `m` or `h`
/// (a bare number is seconds).
public enum DeliveryDuration {
    /// Seconds in `text`, such as `1.5s`, `250ms` or `30m`; `nil` unless a positive finite number.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let (number, scale) = units.first { text.hasSuffix($0.0) }.map { (String(text.dropLast($0.0.count)), $0.1) } ?? (text, 1)
        guard number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(number),
              value > 0, value.isFinite else { return nil }
        return value * scale
    }

    /// `N/DURATION` as a whole positive count and seconds.
    static func parseRatio(_ text: String) -> (Int, Double)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0]), count > 0, let seconds = seconds(String(parts[1])) else { return nil }
        return (count, seconds)
    }

    /// The shortest of `90m`, `15s`, `1.5s`, `250ms` that states `seconds` exactly enough.
    static func format(_ seconds: Double) -> String {
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
