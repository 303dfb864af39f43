#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DataLayerBridge

// stages CORPUS [RUNS]: the throughput of `dlbridge convert`'s per-record work on one thread, stage by
// stage. Stage N does everything stage N−1 does and one step more, so the difference between two stages is
// what that step costs. Every stage reads the file from the start through RecordReader, as convert does.
// A last row runs the real StreamConverter with one job, to show how close stage 6 comes to convert itself.

func fail(_ message: String) -> Never {
    print("stages: \(message)")
    exit(1)
}

/// The machine is shared: wall time says what a user waits, CPU time of this process what the work costs
/// when other processes take turns on the core.
func nanoseconds(_ clock: clockid_t = CLOCK_MONOTONIC) -> UInt64 {
    var time = timespec()
    clock_gettime(clock, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// One FNV-1a step: what every stage's results are folded into, so no stage's work can be optimised away.
func fold(_ checksum: inout UInt64, _ value: Int) {
    checksum = (checksum ^ UInt64(truncatingIfNeeded: value)) &* 0x100_0000_01b3
}

let checksumSeed: UInt64 = 0xcbf2_9ce4_8422_2325

/// Folds a chunk of envelope output: its length and end bytes in timed runs (cheap, the output must still
/// exist); every byte, whatever the chunks, when checking that two pipelines wrote the same output
/// (StreamConverter flushes per window of batches, the passes per MiB).
func digest(_ chunk: UnsafeRawBufferPointer, everyByte: Bool, into checksum: inout UInt64) {
    if everyByte {
        for byte in chunk { fold(&checksum, Int(byte)) }
    } else if let first = chunk.first, let last = chunk.last {
        fold(&checksum, chunk.count << 16 | Int(first) << 8 | Int(last))
    }
}

/// `value` with `decimals` digits after the point.
func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((abs(value) * Double(scale)).rounded())
    let fraction = String(scaled % scale)
    let sign = value < 0 && scaled != 0 ? "-" : ""
    guard decimals > 0 else { return sign + String(scaled) }
    return sign + String(scaled / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
}

func loadAverage() -> String {
    guard let file = fopen("/proc/loadavg", "r") else { return "unknown" }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 128)
    guard fgets(&line, Int32(line.count), file) != nil else { return "unknown" }
    return String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ").prefix(3).joined(separator: " ")
}

/// The cumulative stages.
enum Stage: Int, CaseIterable, Comparable {
    case split = 1, parse, normalize, map, validate, write

    var title: String {
        switch self {
        case .split: "1 read + split (RecordReader)"
        case .parse: "2 + parse/validate to a tape"
        case .normalize: "3 + JSONValue + normalise"
        case .map: "4 + map (ga4-to-luigisbox)"
        case .validate: "5 + Events API validation"
        case .write: "6 + resolve + write NDJSON"
        }
    }

    static func < (left: Stage, right: Stage) -> Bool { left.rawValue < right.rawValue }
}

/// Records, bytes and time of one kind of record, for the split of stage 4 by event.
struct Group {
    var records = 0
    var bytes = 0
    var nanoseconds: UInt64 = 0
}

/// The per-record work of convert up to a stage, mirroring RecordConverter.convert (parse, normalise, map,
/// validate) and StreamConverter's ordered writer (resolve remembered values, write envelopes).
struct Pass {
    let stage: Stage
    let mapping: Mapping
    let normalizer = InputNormalizer()
    let validator: EventsAPIValidator?
    /// Whether the envelope output is digested byte by byte (the check against StreamConverter).
    let digestEveryByte: Bool
    /// Whether each record's kind is named in `group` (the split by event).
    let naming: Bool
    var parser = JSONParser()
    var state = MappingState()
    var output = JSONWriter()
    var envelopes = 0
    var checksum = checksumSeed
    /// The envelope output's digest, kept apart so that it can be compared with StreamConverter's.
    var outputDigest = checksumSeed
    var group = ""

    init(stage: Stage, converter: RecordConverter, digestEveryByte: Bool = false, naming: Bool = false) {
        self.stage = stage
        self.mapping = converter.mapping
        self.validator = converter.validator
        self.digestEveryByte = digestEveryByte
        self.naming = naming
    }

    mutating func process(_ bytes: UnsafeRawBufferPointer, span: RecordSpan) {
        fold(&checksum, bytes.count &+ Int(bytes.first ?? 0))
        guard stage > .split else { return }
        let outcome: MappingOutcome?
        if let problem = span.problem {
            outcome = .reject(reason: problem.code, detail: problem.description)
            if naming { group = "rejected: \(problem.code)" }
        } else {
            outcome = convert(bytes, ordinal: span.ordinal, line: span.line)
        }
        if stage == .write, let outcome { write(outcome) }
    }

    /// RecordConverter.convert, stopping after `stage`; `nil` when the stage ends before there is an outcome.
    private mutating func convert(_ bytes: UnsafeRawBufferPointer, ordinal: Int, line: Int) -> MappingOutcome? {
        let tape: JSONTape
        do throws(JSONError) {
            tape = try parser.parse(bytes)
        } catch {
            if naming { group = "rejected: malformed-json" }
            fold(&checksum, error.offset)
            return .reject(reason: "malformed-json", detail: "line \(line + error.line - 1), column \(error.column): \(error.reason)")
        }
        fold(&checksum, tape.nodeCount)
        guard stage > .parse else { return nil }
        let canonical: JSONValue
        switch normalizer.normalize(tape.value()) {
        case .skip(let reason, let detail):
            if naming { group = "skipped: \(reason)" }
            fold(&checksum, detail.utf8.count)
            return .skip(reason: reason, detail: detail)
        case .reject(let reason, let detail):
            if naming { group = "rejected: \(reason)" }
            fold(&checksum, detail.utf8.count)
            return .reject(reason: reason, detail: detail)
        case .push(let push):
            if naming { group = push["event"]?.stringValue ?? "(no event)" }
            fold(&checksum, push.objectValue?.members.count ?? 0)
            canonical = push
        }
        guard stage > .normalize else { return nil }
        let outcome = mapping.apply(to: canonical, record: RecordContext(ordinal: ordinal, text: String(decoding: bytes, as: UTF8.self)))
        guard case .envelopes(let envelopes, _) = outcome else { return outcome }
        fold(&checksum, envelopes.count)
        guard stage > .map, let validator else { return outcome }
        for envelope in envelopes {
            let findings = validator.findings(for: envelope)
            fold(&checksum, findings.count)
            if let error = findings.first(where: { $0.severity == .error }) {
                fold(&checksum, error.reason.utf8.count)
                return .reject(reason: "invalid-envelope", detail: "\(error.pointer): \(error.reason)")
            }
        }
        return outcome
    }

    /// StreamConverter's ordered writer without its statistics by type and reason (one dictionary update
    /// per record, next to nothing beside the rest).
    private mutating func write(_ outcome: MappingOutcome) {
        guard case .envelopes(let list, _) = state.resolve(outcome, mapping: mapping) else { return }
        for envelope in list {
            output.write(envelope)
            output.append(byte: UInt8(ascii: "\n"))
        }
        envelopes += list.count
        if output.count >= 1 << 20 { flush() }
    }

    mutating func flush() {
        let everyByte = digestEveryByte
        output.withBytes { digest($0, everyByte: everyByte, into: &outputDigest) }
        output.reset()
    }
}

/// What one timed pass over the corpus gave.
struct Measurement {
    /// Wall clock and CPU time of the process, from opening the corpus to the last flush.
    var seconds: (wall: Double, cpu: Double)
    /// Input bytes read.
    var bytes: Int
    /// Everything the pass folded, the output included.
    var checksum: UInt64
    /// The envelope output's digest.
    var output: UInt64
    /// Envelope lines written (0 before stage 6).
    var envelopes: Int
    /// StreamConverter's statistics; `nil` for the passes.
    var stats: ConversionStats?
}

let arguments = CommandLine.arguments
guard arguments.count == 2 || arguments.count == 3, let runs = arguments.count == 3 ? Int(arguments[2]) : 5, runs > 0 else {
    fail("usage: stages CORPUS.ndjson [RUNS]")
}
let corpus = arguments[1]
let converter: RecordConverter
do throws(MappingError) {
    let (name, value) = try Mapping.parseVariableAssignment("tracker_id=1234-5678")
    converter = RecordConverter(mapping: try Mapping.named(BuiltInMappings.defaultName, variables: [name: value]))
} catch { fail("\(error)") }
let defaults = StreamConverter(converter: converter)

/// Opens the corpus, times `body` over a FileDescriptorSource of it, and closes it.
func timed(_ body: (FileDescriptorSource) throws -> (bytes: Int, checksum: UInt64, output: UInt64, envelopes: Int, stats: ConversionStats?)) -> Measurement {
    let start = nanoseconds()
    let cpuStart = nanoseconds(CLOCK_PROCESS_CPUTIME_ID)
    let fd = open(corpus, O_RDONLY)
    guard fd >= 0 else { fail("cannot open \(corpus): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    do {
        let (bytes, checksum, output, envelopes, stats) = try body(FileDescriptorSource(fileDescriptor: fd))
        return Measurement(seconds: (Double(nanoseconds() - start) / 1e9, Double(nanoseconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart) / 1e9), bytes: bytes, checksum: checksum, output: output, envelopes: envelopes, stats: stats)
    } catch { fail("\(error)") }
}

/// One pass of `pass` over the corpus, batch by batch as StreamConverter reads it; with `groups`, each
/// record's time is added to the group the pass names it by.
func measure(_ pass: Pass, groups: inout [String: Group]) -> Measurement {
    timed { source in
        var pass = pass
        var reader = RecordReader(source: source, format: defaults.format, maxRecordBytes: defaults.maxRecordBytes, batchBytes: defaults.batchBytes)
        while let batch = try reader.nextBatch() {
            batch.bytes.withUnsafeBytes { bytes in
                for span in batch.records {
                    let record = UnsafeRawBufferPointer(rebasing: bytes[span.range])
                    guard pass.naming else {
                        pass.process(record, span: span)
                        continue
                    }
                    let start = nanoseconds(CLOCK_THREAD_CPUTIME_ID)
                    pass.process(record, span: span)
                    let elapsed = nanoseconds(CLOCK_THREAD_CPUTIME_ID) - start
                    groups[pass.group, default: Group()].records += 1
                    groups[pass.group, default: Group()].bytes += record.count
                    groups[pass.group, default: Group()].nanoseconds += elapsed
                }
            }
        }
        pass.flush()
        var checksum = pass.checksum
        fold(&checksum, Int(truncatingIfNeeded: pass.outputDigest))
        return (reader.bytesRead, checksum, pass.outputDigest, pass.envelopes, nil)
    }
}

func measure(_ stage: Stage, digestEveryByte: Bool = false) -> Measurement {
    var unused: [String: Group] = [:]
    return measure(Pass(stage: stage, converter: converter, digestEveryByte: digestEveryByte), groups: &unused)
}

/// The real thing: StreamConverter with one job, envelopes digested as the passes digest theirs.
func measureStreamConverter(digestEveryByte: Bool = false) -> Measurement {
    timed { source in
        var checksum = checksumSeed
        let stats = try defaults.run([ConversionInput(name: corpus, source: source)], sinks: ConversionSinks(envelopes: {
            digest($0, everyByte: digestEveryByte, into: &checksum)
        }))
        return (stats.bytes, checksum, checksum, stats.envelopes, stats)
    }
}

let loadBefore = loadAverage()

// The check, which also warms the page cache: stage 6 must write exactly what StreamConverter writes.
let check = measure(.write, digestEveryByte: true)
let reference = measureStreamConverter(digestEveryByte: true)
guard check.output == reference.output, check.envelopes == reference.envelopes, let stats = reference.stats else {
    fail("stage 6 does not reproduce StreamConverter's output (\(check.envelopes) envelopes vs \(reference.envelopes)): the harness no longer mirrors convert")
}
print("corpus \(corpus): \(check.bytes) bytes, \(stats.records) records → \(stats.envelopes) envelopes, "
    + "\(stats.skipped) skipped, \(stats.rejected) rejected; stage 6 output identical to StreamConverter's")

// Rounds in rotating order, so that a burst of load elsewhere does not fall on one stage only.
let rows = Stage.allCases.count + 1
var seconds = [[Double]](repeating: [], count: rows)
var cpuSeconds = [[Double]](repeating: [], count: rows)
var checksums = [UInt64](repeating: 0, count: rows)
for round in 0..<runs {
    for step in 0..<rows {
        let row = (step + round) % rows
        let result = row < Stage.allCases.count ? measure(Stage.allCases[row]) : measureStreamConverter()
        seconds[row].append(result.seconds.wall)
        cpuSeconds[row].append(result.seconds.cpu)
        checksums[row] = result.checksum
    }
}

let megabytes = Double(check.bytes) / 1e6
/// A table of the rows' `times`: MB/s of the median, slowest and fastest run, and what each stage adds.
func printTable(_ times: [[Double]], clock: String) {
    let medians = times.map { $0.sorted()[$0.count / 2] }
    let whole = medians[Stage.allCases.count - 1]
    print("\n\(clock): \(runs) runs per row, one thread; MB/s = input bytes / seconds (median, min, max of the runs)\n")
    print("| stage (cumulative) | median s | MB/s | min MB/s | max MB/s | stage alone s | stage alone MB/s | share of 6 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in 0..<rows {
        let isStage = row < Stage.allCases.count
        let alone = row == 0 ? medians[0] : medians[row] - medians[row - 1]
        let aloneColumns = isStage ? "\(fixed(alone, 3)) | \(alone > 0 ? fixed(megabytes / alone, 0) : "—") | \(fixed(100 * alone / whole, 1)) %" : " | | "
        print("| \(isStage ? Stage.allCases[row].title : "StreamConverter, 1 job (convert --jobs 1)") | \(fixed(medians[row], 3)) | "
            + "\(fixed(megabytes / medians[row], 1)) | \(fixed(megabytes / (times[row].max() ?? 0), 1)) | \(fixed(megabytes / (times[row].min() ?? 0), 1)) | \(aloneColumns) |")
    }
}
printTable(seconds, clock: "wall clock")
printTable(cpuSeconds, clock: "CPU time of the process")
print("\nchecksums: " + checksums.map { String($0, radix: 16) }.joined(separator: " "))

// Stage 4 once more, each record timed on its own and grouped by its event (or why it was skipped).
var groups: [String: Group] = [:]
let split = measure(Pass(stage: .map, converter: converter, naming: true), groups: &groups)
let totalNanoseconds = groups.values.reduce(UInt64(0)) { $0 + $1.nanoseconds }
print("\nstage 4 by record kind (one pass, \(fixed(split.seconds.wall, 3)) s wall; per-record CPU timers cover parse to map, "
    + "\(fixed(Double(totalNanoseconds) / 1e9, 3)) s):\n")
print("| record kind | records | MB | share of bytes | share of time | MB/s |")
print("|---|---:|---:|---:|---:|---:|")
func printRow(_ name: String, _ group: Group) {
    print("| \(name) | \(group.records) | \(fixed(Double(group.bytes) / 1e6, 1)) | \(fixed(100 * Double(group.bytes) / Double(split.bytes), 1)) % | "
        + "\(fixed(100 * Double(group.nanoseconds) / Double(totalNanoseconds), 1)) % | \(fixed(Double(group.bytes) * 1e3 / Double(group.nanoseconds), 1)) |")
}
let largest = groups.sorted { $0.value.bytes > $1.value.bytes }
for (name, group) in largest.prefix(6) { printRow(name, group) }
let rest = largest.dropFirst(6).reduce(Group()) {
    Group(records: $0.records + $1.value.records, bytes: $0.bytes + $1.value.bytes, nanoseconds: $0.nanoseconds + $1.value.nanoseconds)
}
if rest.records > 0 { printRow("\(largest.count - 6) other kinds", rest) }
print("\nload average (1, 5, 15 min): \(loadBefore) at the start, \(loadAverage()) at the end")
