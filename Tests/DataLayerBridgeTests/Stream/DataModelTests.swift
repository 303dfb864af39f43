import DataLayerBridge
import Foundation
import Testing

/// One case of `Tests/Fixtures/data-model/merge.json`: pushes applied in order to a fresh
/// ``DataModel``, and the whole view rules see after each (`{"input": "next"}` starts the next
/// input instead, its view written `null`).
struct MergeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let maxClients: Int?
    let pushes: [JSONValue]
    let views: [JSONValue]
    let evicted: Int?

    var testDescription: String { name }

    static func all() throws -> [MergeCase] {
        let url = TestPaths.fixtures("data-model").appendingPathComponent("merge.json")
        return try #require(try JSONValue(parsing: Data(contentsOf: url)).arrayValue).map { entry in
            MergeCase(name: try #require(entry["name"]?.stringValue),
                      maxClients: entry["maxClients"]?.numberValue?.int64Value.map(Int.init),
                      pushes: try #require(entry["pushes"]?.arrayValue), views: try #require(entry["views"]?.arrayValue),
                      evicted: entry["evicted"]?.numberValue?.int64Value.map(Int.init))
        }
    }
}

@Suite("GTM data model (--data-model)")
struct DataModelTests {
    static let cases = (try? MergeCase.all()) ?? []

    @Test("the merge cases are found")
    func casesFound() {
        #expect(Self.cases.count >= 12)
    }

    @Test(arguments: cases)
    func merge(_ testCase: MergeCase) throws {
        var model = testCase.maxClients.map { DataModel(maxClients: $0) } ?? DataModel()
        var views: [JSONValue] = []
        for push in testCase.pushes {
            if push == ["input": "next"] {
                model.startInput()
                views.append(.null)
            } else {
                views.append(.object(model.apply(try #require(push.objectValue))))
            }
        }
        #expect(views == testCase.views)
        if let evicted = testCase.evicted { #expect(model.evictedClients == evicted) }
    }

    static func convert(_ input: [UInt8], jobs: Int, batchBytes: Int, dataModel: DataModel?) throws -> [UInt8] {
        let mapping = try #require(try Mapping.builtIn(named: BuiltInMappings.defaultName, variables: ["tracker_id": "1234-5678"]))
        var converter = StreamConverter(converter: RecordConverter(mapping: mapping))
        converter.jobs = jobs
        converter.batchBytes = batchBytes
        converter.dataModel = dataModel
        var output: [UInt8] = []
        _ = try converter.run([ConversionInput(name: nil, source: MemorySource(input))], sinks: ConversionSinks(envelopes: { output += $0 }))
        return output
    }

    /// Eight interleaved clients: state pushes (`user_id`, page fields), events with and without
    /// their own items, resets, gtag `Arguments` and GTM system events, in a seeded random order.
    static func multiClientLog(records: Int) -> [UInt8] {
        var random = SplitMix64(seed: 42)
        var lines: [String] = []
        for ordinal in 1...records {
            let client = "\(1000 + Int(random.next() % 8)).1700000000"
            let item = "SKU-\(random.next() % 50)"
            switch random.next() % 7 {
            case 0: lines.append(#"{"client_id":"\#(client)","user_id":"u\#(random.next() % 5)","page_location":"https://shop.example/\#(ordinal)"}"#)
            case 1: lines.append(#"{"event":"page_view","event_id":"e\#(ordinal)","client_id":"\#(client)"}"#)
            case 2: lines.append(#"{"event":"view_item","event_id":"e\#(ordinal)","client_id":"\#(client)","ecommerce":{"items":[{"item_id":"\#(item)","item_name":"Item \#(ordinal)"}]}}"#)
            case 3: lines.append(#"{"client_id":"\#(client)","ecommerce":null}"#)
            case 4: lines.append(#"{"0":"event","1":"add_to_cart","2":{"event_id":"e\#(ordinal)","client_id":"\#(client)","items":[{"item_id":"\#(item)"}]}}"#)
            case 5: lines.append(#"{"event":"select_item","event_id":"e\#(ordinal)","client_id":"\#(client)"}"#)
            default: lines.append(#"{"event":"gtm.dom","gtm.uniqueEventId":\#(ordinal)}"#)
            }
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    @Test("the same output for any number of jobs and any batch size, and the model does change it")
    func jobsAndBatchesDoNotMatter() throws {
        let log = Self.multiClientLog(records: 3000)
        let reference = try Self.convert(log, jobs: 1, batchBytes: 1 << 20, dataModel: DataModel())
        #expect(!reference.isEmpty)
        for (jobs, batchBytes) in [(4, 1 << 20), (1, 2048), (4, 2048), (3, 777)] {
            #expect(try Self.convert(log, jobs: jobs, batchBytes: batchBytes, dataModel: DataModel()) == reference, "jobs \(jobs), batch \(batchBytes)")
        }
        #expect(try Self.convert(log, jobs: 1, batchBytes: 1 << 20, dataModel: nil) != reference)
    }

    @Test("with few client slots, evicted clients start afresh, the same for any jobs")
    func boundedClients() throws {
        let log = Self.multiClientLog(records: 2000)
        let unbounded = try Self.convert(log, jobs: 2, batchBytes: 1500, dataModel: DataModel())
        let bounded = try Self.convert(log, jobs: 1, batchBytes: 1 << 20, dataModel: DataModel(maxClients: 3))
        #expect(try Self.convert(log, jobs: 4, batchBytes: 1500, dataModel: DataModel(maxClients: 3)) == bounded)
        #expect(bounded != unbounded)
    }

    static let stream = "Tests/Fixtures/data-model/stream"

    @Test("convert --data-model: a value pushed once reaches the client's later envelopes; resets; gtag; UA")
    func convertCommand() throws {
        let run = try CommandRunner.run(["convert", "--set", "tracker_id=1234-5678", "--data-model", "--quiet", Self.stream + ".input.ndjson"])
        #expect(run.status == 0)
        let expected = try String(contentsOfFile: TestPaths.packageRoot.path + "/" + Self.stream + ".expected.ndjson", encoding: .utf8)
            .split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(try run.lines.map { try JSONValue(parsing: $0) } == expected)
    }

    @Test("convert --data-model: byte-identical for --jobs 1 and --jobs 4 on the bench generator's multi-client log")
    func convertCommandJobs() throws {
        let corpus = try ConvertCommandTests.generatedCorpus(lines: 5000)
        let base = ["convert", "--set", "tracker_id=1234-5678", "--data-model", "--quiet"]
        let one = try CommandRunner.run(base + ["--jobs", "1"], stdin: corpus)
        let four = try CommandRunner.run(base + ["--jobs", "4"], stdin: corpus)
        #expect(one.status == 0)
        #expect(!one.outputBytes.isEmpty)
        #expect(one.outputBytes == four.outputBytes)
    }

    @Test("--data-model-clients needs --data-model and a positive number")
    func usage() throws {
        let alone = try CommandRunner.run(["convert", "--set", "tracker_id=1", "--data-model-clients", "5"], stdin: Data())
        #expect(alone.status == 2)
        #expect(alone.error.hasPrefix("dlbridge convert: --data-model-clients needs --data-model\n"))
        let zero = try CommandRunner.run(["convert", "--set", "tracker_id=1", "--data-model", "--data-model-clients", "0"], stdin: Data())
        #expect(zero.status == 2)
        #expect(zero.error.hasPrefix("dlbridge convert: --data-model-clients needs a positive whole number, not '0'\n"))
    }
}
