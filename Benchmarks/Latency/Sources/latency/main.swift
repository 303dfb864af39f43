#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DataLayerBridge

// latency CORPUS: median and p99 of Bridge.convert for one select_item and one 24-item view_item_list
// push of the bench corpus, each call timed on its own, one-off and through a reused BridgeWorkspace;
// then 8 tasks × 10,000 corpus pushes through one shared bridge (half of the tasks with a workspace
// each), compared with the sequential results.
// latency CORPUS --shared-vs-copies: two tasks converting the corpus through one shared bridge against
// a copy each (run it on two cores).

func fail(_ message: String) -> Never {
    print("latency: \(message)")
    exit(1)
}

func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func readLines(_ path: String) -> [[UInt8]] {
    guard let file = fopen(path, "r") else { fail("cannot open \(path)") }
    defer { fclose(file) }
    var lines: [[UInt8]] = []
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    while true {
        let count = getline(&line, &capacity, file)
        if count <= 0 { break }
        lines.append(Array(UnsafeRawBufferPointer(start: line, count: count - 1)))
    }
    free(line)
    return lines
}

guard (2...3).contains(CommandLine.arguments.count), CommandLine.arguments.count == 2 || CommandLine.arguments[2] == "--shared-vs-copies" else {
    fail("usage: latency CORPUS.ndjson [--shared-vs-copies]")
}
let lines = readLines(CommandLine.arguments[1])
let bridge: Bridge
do throws(MappingError) {
    bridge = try Bridge(variables: ["tracker_id": "1234-5678"])
} catch { fail("\(error)") }

/// The first corpus push of `event` (with `items` items when given) that converts to envelopes.
func sample(_ event: String, items: Int? = nil) -> [UInt8] {
    for line in lines {
        guard let push = try? JSONValue(parsing: line), push["event"]?.stringValue == event else { continue }
        if let items, push["ecommerce"]?["items"]?.arrayValue?.count != items { continue }
        if case .envelopes = bridge.convert(line) { return line }
    }
    fail("no \(event) push\(items.map { " with \($0) items" } ?? "") that converts in the corpus")
}

func measure(_ name: String, _ push: [UInt8], iterations: Int) {
    var envelopeBytes = 0
    var workspace = BridgeWorkspace()
    for index in 0..<iterations / 10 {
        envelopeBytes = bridge.convert(push, ordinal: index + 1).envelopes.reduce(0) { $0 + $1.bytes.count }
        guard bridge.convert(push, ordinal: index + 1, workspace: &workspace) == bridge.convert(push, ordinal: index + 1) else {
            fail("\(name): a workspace gave a different result")
        }
    }
    var convertTimes = [UInt64](repeating: 0, count: iterations)
    var withBytesTimes = [UInt64](repeating: 0, count: iterations)
    var workspaceTimes = [UInt64](repeating: 0, count: iterations)
    for index in 0..<iterations {
        let start = nanoseconds()
        let result = bridge.convert(push, ordinal: index + 1)
        let converted = nanoseconds()
        envelopeBytes = result.envelopes.reduce(0) { $0 + $1.bytes.count }
        let written = nanoseconds()
        _ = bridge.convert(push, ordinal: index + 1, workspace: &workspace)
        let reused = nanoseconds()
        convertTimes[index] = converted - start
        withBytesTimes[index] = written - start
        workspaceTimes[index] = reused - written
    }
    func quantile(_ times: [UInt64], _ q: Double) -> String {
        let sorted = times.sorted()
        let hundredths = Int((Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 10).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
    print("\(name) (\(push.count) B in, \(envelopeBytes) B out), \(iterations) calls:")
    print("  convert              median \(quantile(convertTimes, 0.5)) µs  p99 \(quantile(convertTimes, 0.99)) µs")
    print("  convert + bytes      median \(quantile(withBytesTimes, 0.5)) µs  p99 \(quantile(withBytesTimes, 0.99)) µs")
    print("  convert, workspace   median \(quantile(workspaceTimes, 0.5)) µs  p99 \(quantile(workspaceTimes, 0.99)) µs")
}

/// Throughput of two tasks, on the two cores: through one shared bridge, and through a copy each
/// (`Bridge.independentCopy()`), alternated, medians of 5 rounds.
func sharedAgainstCopies() async {
    let load = Array(lines.prefix(30_000))
    func twoTasks(_ bridges: [Bridge]) async -> UInt64 {
        let start = nanoseconds()
        await withTaskGroup(of: Int.self) { group in
            for bridge in bridges {
                group.addTask { load.reduce(0) { count, push in count + bridge.convert(push).envelopes.count } }
            }
            for await _ in group {}
        }
        return nanoseconds() - start
    }
    var shared: [UInt64] = [], copies: [UInt64] = []
    for _ in 0..<5 {
        shared.append(await twoTasks([bridge, bridge]))
        copies.append(await twoTasks([bridge.independentCopy(), bridge.independentCopy()]))
    }
    func median(_ times: [UInt64]) -> String { "\(times.sorted()[times.count / 2] / 1_000_000) ms" }
    print("2 tasks × \(load.count) pushes: one shared bridge \(median(shared)), a copy each \(median(copies)) (medians of 5)")
}

if CommandLine.arguments.count == 3 {
    await sharedAgainstCopies()
    exit(0)
}

measure("select_item", sample("select_item"), iterations: 100_000)
measure("view_item_list, 24 items", sample("view_item_list", items: 24), iterations: 30_000)

// The full-size concurrency check (the unit test runs a smaller one in debug).
let pushes = Array(lines.prefix(10_000))
let sequential = pushes.enumerated().map { bridge.convert($0.element, ordinal: $0.offset + 1) }
let identical = await withTaskGroup(of: Bool.self) { group in
    for task in 0..<8 {
        group.addTask {
            var results = [ConversionResult?](repeating: nil, count: pushes.count)
            var workspace = BridgeWorkspace()
            for step in pushes.indices {
                let index = (step + task * pushes.count / 8) % pushes.count
                results[index] = task.isMultiple(of: 2)
                    ? bridge.convert(pushes[index], ordinal: index + 1)
                    : bridge.convert(pushes[index], ordinal: index + 1, workspace: &workspace)
            }
            return results.compactMap { $0 } == sequential
        }
    }
    var all = true
    for await same in group { all = all && same }
    return all
}
print("8 tasks × \(pushes.count) pushes through one bridge (4 with a workspace each): \(identical ? "identical to" : "DIFFERENT from") the sequential results")
if !identical { exit(1) }
