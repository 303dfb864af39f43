import DataLayerBridge
import Testing

/// Converters write their envelopes themselves, and the ordered stage applies per-client state to
/// the written lines: remembered values are filled into the envelopes that lack them, and a recall
/// key that cannot be read rejects the push once any client has remembered values. For any jobs and
/// batch sizes, the output and the rejects must be what resolving each outcome with
/// ``MappingState/resolve(_:mapping:)`` in input order and writing it gives.
struct OrderedStateTests {
    static let mapping = """
        {
          "name": "state",
          "rules": [
            { "name": "login", "match": "event == 'login'",
              "remember": { "key": "client_id", "values": { "customer_id": "customer_id" } }, "skip": "remembered" },
            { "name": "view", "match": "event == 'view'",
              "emit": [ { "type": "pv", "client_id": { "@path": "$.client_id" }, "customer_id": { "@path": "$.user" } },
                        { "type": "event", "client_id": { "@path": "$.client_id" }, "n": { "@path": "$.n" } } ] },
            { "name": "bad", "match": "event == 'bad'", "reject": "bad-push" }
          ],
          "recall": { "key": "client_id", "set": { "customer_id": "customer_id" } }
        }
        """

    /// Views of five clients, some with their own customer id, logins along the way, client ids
    /// that are objects (a recall key that cannot be read) before and after the first login.
    static let lines: [String] = {
        var lines = [#"{"event": "view", "client_id": {"id": 1}, "n": 0}"#]
        var state: UInt64 = 7
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % bound
        }
        for n in 0..<400 {
            let client = next(5)
            switch next(20) {
            case 0 where n > 30: lines.append(#"{"event": "login", "client_id": \#(client), "customer_id": "C-\#(n)"}"#)
            case 1: lines.append(#"{"event": "view", "client_id": {"id": \#(client)}, "n": \#(n)}"#)
            case 2: lines.append(#"{"event": "view", "client_id": "\#(client)", "user": "own-\#(n)", "n": \#(n)}"#)
            case 3: lines.append(#"{"event": "bad", "client_id": \#(client)}"#)
            default: lines.append(#"{"event": "view", "client_id": \#(client), "n": 1\#(n).50}"#)
            }
        }
        return lines
    }()

    static func expected(_ mapping: Mapping, lines: [String] = lines) -> (envelopes: [UInt8], rejects: [String]) {
        let converter = RecordConverter(mapping: mapping)
        var parser = JSONParser()
        var state = MappingState()
        var writer = JSONWriter()
        var rejects: [String] = []
        for (index, line) in lines.enumerated() {
            let outcome = Array(line.utf8).withUnsafeBytes { converter.convert($0, ordinal: index + 1, line: index + 1, parser: &parser) }
            switch state.resolve(outcome, mapping: mapping) {
            case .envelopes(let envelopes, _):
                for envelope in envelopes {
                    writer.write(envelope)
                    writer.append(byte: UInt8(ascii: "\n"))
                }
            case .reject(let reason, _): rejects.append("\(index + 1) \(reason)")
            case .skip: break
            }
        }
        return (writer.bytes, rejects)
    }

    static func converted(_ mapping: Mapping, lines: [String] = lines, jobs: Int, batchBytes: Int) throws -> (envelopes: [UInt8], rejects: [String]) {
        var converter = StreamConverter(converter: RecordConverter(mapping: mapping))
        converter.jobs = jobs
        converter.batchBytes = batchBytes
        var envelopes: [UInt8] = []
        var rejectLines: [UInt8] = []
        _ = try converter.run([ConversionInput(name: nil, source: MemorySource(Array(lines.joined(separator: "\n").utf8)))],
                              sinks: ConversionSinks(envelopes: { envelopes += $0 }, rejects: { rejectLines += $0 }))
        let rejects = try rejectLines.split(separator: UInt8(ascii: "\n")).map { line in
            let reject = try JSONValue(parsing: line)
            return "\(reject["record"] ?? .null) \(reject["reason"]?.stringValue ?? "")"
        }
        return (envelopes, rejects)
    }

    @Test func writtenEnvelopesGetTheStateThatResolvingGives() throws {
        let mapping = try Mapping(source: Self.mapping, fileName: "state.jsonc")
        let expected = Self.expected(mapping)
        let text = String(decoding: expected.envelopes, as: UTF8.self)
        // The log exercises every path: filled, kept, and unreadable keys before and after a login.
        #expect(text.contains(#""customer_id":"C-"#) && text.contains(#""customer_id":"own-"#) && text.contains(#""client_id":{"id""#))
        #expect(expected.rejects.contains { $0.hasSuffix("mapping-error") } && expected.rejects.contains { $0.hasSuffix("bad-push") })
        for (jobs, batchBytes) in [(1, 1 << 20), (1, 300), (2, 1 << 20), (2, 500), (3, 1_000), (4, 211)] {
            let converted = try Self.converted(mapping, jobs: jobs, batchBytes: batchBytes)
            let difference = zip(converted.envelopes, expected.envelopes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            let same = converted.envelopes == expected.envelopes
            #expect(same, "jobs \(jobs), batch \(batchBytes): first difference at byte \(difference ?? min(converted.envelopes.count, expected.envelopes.count))")
            #expect(converted.rejects == expected.rejects, "jobs \(jobs), batch \(batchBytes)")
        }
    }

    /// Long stretches of envelopes that no client's state touches, which the ordered stage sends
    /// straight from a batch's buffer, between refilled envelopes and rejected pushes, which it
    /// writes itself: whatever goes which way, the order is that of resolving in input order.
    static let stretches: [String] = {
        var lines: [String] = []
        func untouched(_ count: Int, from start: Int) {
            for n in start..<(start + count) { lines.append(#"{"event": "view", "client_id": \#(10 + n % 5), "n": \#(n)}"#) }
        }
        untouched(1_500, from: 0)
        lines.append(#"{"event": "login", "client_id": 1, "customer_id": "C-1"}"#)
        for n in 0..<40 {
            lines.append(#"{"event": "view", "client_id": \#(n % 2 == 0 ? 1 : 11), "n": \#(n)}"#)
            if n % 9 == 0 { lines.append(#"{"event": "view", "client_id": {"id": 1}, "n": \#(n)}"#) }
        }
        untouched(1_500, from: 2_000)
        lines.append(#"{"event": "view", "client_id": 1, "n": -1}"#)
        untouched(1_500, from: 4_000)
        return lines
    }()

    @Test func longStretchesSentAsTheyAreKeepTheirPlace() throws {
        let mapping = try Mapping(source: Self.mapping, fileName: "state.jsonc")
        let expected = Self.expected(mapping, lines: Self.stretches)
        let text = String(decoding: expected.envelopes, as: UTF8.self)
        // Stretches longer than the ordered stage sends on its own (64 KiB), refilled envelopes and
        // rejected pushes between them.
        #expect(expected.envelopes.count > 4 << 16 && text.contains(#""customer_id":"C-1""#))
        #expect(expected.rejects.contains { $0.hasSuffix("mapping-error") })
        for (jobs, batchBytes) in [(1, 1 << 20), (1, 150_000), (2, 1 << 20), (3, 40_000), (1, 2_000)] {
            let converted = try Self.converted(mapping, lines: Self.stretches, jobs: jobs, batchBytes: batchBytes)
            let difference = zip(converted.envelopes, expected.envelopes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            let same = converted.envelopes == expected.envelopes
            #expect(same,
                    "jobs \(jobs), batch \(batchBytes): first difference at byte \(difference ?? min(converted.envelopes.count, expected.envelopes.count))")
            #expect(converted.rejects == expected.rejects, "jobs \(jobs), batch \(batchBytes)")
        }
    }
}
