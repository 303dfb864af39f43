#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixture pairs for mapping files: `<case>.input.ndjson` (pushes) with `<case>.expected.ndjson`
/// (the envelopes, one per line, in output order), optionally `<case>.vars.json` (mapping
/// variables, an object) and `<case>.expected-skips.ndjson` (`{"record": N, "skip": "reason"}` or
/// `{"record": N, "reject": "reason"}` for every record that produces no envelope; without the
/// file, every record must convert). Envelopes compare as JSON values: member order and number
/// spelling do not matter.
public struct FixturePairs: Sendable {
    /// The outcome of one case.
    public struct Result: Sendable, Hashable {
        /// The case name (the file names' common prefix).
        public var name: String
        /// What differs, one human line each; empty when the case passes.
        public var failures: [String]
        /// `true` when nothing differs.
        public var passed: Bool { failures.isEmpty }
    }

    /// The folder holding the pairs.
    public let directory: String

    /// Pairs in `directory`.
    public init(directory: String) { self.directory = directory }

    /// The case names, sorted: every `<case>.input.ndjson` in the folder.
    public func caseNames() throws(MappingError) -> [String] {
        guard let handle = opendir(directory) else {
            throw MappingError(file: directory, line: 0, column: 0, pointer: "", reason: "cannot open fixture folder: \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".input.ndjson") { names.append(String(name.dropLast(".input.ndjson".count))) }
        }
        return names.sorted()
    }

    /// Runs case `name` through the mapping that `load` compiles with the case's variables.
    public func run(_ name: String, mapping load: (_ variables: [String: JSONValue]) throws(MappingError) -> Mapping) -> Result {
        var failures: [String] = []
        func fail(_ message: String) -> Result { Result(name: name, failures: [message]) }
        let base = directory + "/" + name
        var variables: [String: JSONValue] = [:]
        if let text = Self.read(base + ".vars.json") {
            guard let object = (try? JSONValue(parsing: text, options: .relaxed))?.objectValue else {
                return fail("\(name).vars.json: not a JSON object")
            }
            for member in object.uniqueMembers { variables[member.key] = member.value }
        }
        let mapping: Mapping
        do throws(MappingError) {
            mapping = try load(variables)
        } catch {
            return fail("mapping: \(error)")
        }
        guard let input = Self.read(base + ".input.ndjson") else { return fail("cannot read \(name).input.ndjson") }
        guard let expectedEnvelopes = Self.lines(base + ".expected.ndjson", failures: &failures) else { return fail("cannot read \(name).expected.ndjson") }
        let expectedSkips = Self.lines(base + ".expected-skips.ndjson", failures: &failures) ?? []

        var envelopes: [JSONValue] = []
        var skips: [JSONValue] = []
        var converter = StreamConverter(converter: RecordConverter(mapping: mapping))
        converter.format = .ndjson
        let collectEnvelopes: (UnsafeRawBufferPointer) -> Void = { bytes in
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                if let value = try? JSONValue(parsing: line) { envelopes.append(value) }
            }
        }
        func collectSide(_ kind: String) -> (UnsafeRawBufferPointer) -> Void {
            return { bytes in
                guard let line = try? JSONValue(parsing: bytes), let record = line["record"], let reason = line["reason"] else { return }
                var entry = JSONObject()
                entry["record"] = record
                entry[kind] = reason
                skips.append(.object(entry))
            }
        }
        let sinks = ConversionSinks(envelopes: collectEnvelopes, rejects: collectSide("reject"), skipped: collectSide("skip"))
        do throws(StreamError) {
            _ = try converter.run([ConversionInput(name: nil, source: MemorySource(Array(input.utf8)))], sinks: sinks)
        } catch {
            return fail("reading \(name).input.ndjson: \(error)")
        }
        skips.sort { ($0["record"]?.numberValue?.int64Value ?? 0) < ($1["record"]?.numberValue?.int64Value ?? 0) }

        for index in 0..<max(expectedEnvelopes.count, envelopes.count) {
            switch (JSONDifference.element(expectedEnvelopes, index), JSONDifference.element(envelopes, index)) {
            case (let expected?, let actual?):
                failures += JSONDifference.between(expected, actual).map { "envelope \(index + 1): \($0)" }
            case (let expected?, nil):
                failures.append("envelope \(index + 1): missing, expected \(expected)")
            case (nil, let actual?):
                failures.append("envelope \(index + 1): unexpected \(actual)")
            case (nil, nil):
                break
            }
        }
        let expectedSet = expectedSkips.map(\.description)
        let actualSet = skips.map(\.description)
        for entry in expectedSet where !actualSet.contains(entry) { failures.append("expected \(entry), did not happen") }
        for entry in actualSet where !expectedSet.contains(entry) { failures.append("unexpected \(entry)") }
        return Result(name: name, failures: failures)
    }

    /// The non-blank lines of an NDJSON file as values, or `nil` when the file does not exist.
    private static func lines(_ path: String, failures: inout [String]) -> [JSONValue]? {
        guard let text = read(path) else { return nil }
        var values: [JSONValue] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            do throws(JSONError) {
                values.append(try JSONValue(parsing: String(line)))
            } catch {
                failures.append("\(path):\(number + 1):\(error.column): \(error.reason)")
            }
        }
        return values
    }

    private static func read(_ path: String) -> String? {
        guard case .success(let bytes) = readFile(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
