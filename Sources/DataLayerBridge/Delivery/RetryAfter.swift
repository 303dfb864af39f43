/// Reads an HTTP `Retry-After` value (RFC 9110 §10.2.3): delta-seconds, or an HTTP-date in any of
/// the three formats recipients must accept — IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
public enum RetryAfter {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The seconds to wait from wall-clock time `now` (seconds since 1970): never negative (a
    /// date in the past means now), `nil` when the value is neither form.
    public static func seconds(from value: String, now: Double) -> Double? {
        let text = value.trimmingASCIIWhitespace()
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Double(text)
        }
        guard let date = epochSeconds(ofHTTPDate: text) else { return nil }
        return max(0, date - now)
    }

    /// The HTTP-date `text` as seconds since 1970, or `nil`.
    public static func epochSeconds(ofHTTPDate text: String) -> Double? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map { $0.lowercased() }
        guard tokens.count >= 5 else { return nil }
        var month: Int?
        var numbers: [Int] = []
        var clock: [Int]?
        for token in tokens.dropFirst() {
            if let index = months.firstIndex(of: token) {
                month = index + 1
            } else if token.contains(":") {
                let parts = token.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3 else { return nil }
                clock = parts
            } else if let number = Int(token) {
                numbers.append(number)
            } else if token != "gmt" {
                return nil
            }
        }
        // Day then year in IMF-fixdate and RFC 850; asctime has the same order after the time.
        guard let month, let clock, numbers.count == 2 else { return nil }
        let day = numbers[0]
        var year = numbers[1]
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        guard (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        return Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[start...end])
    }
}
