/// The embedding API: a compiled mapping plus the Events API validator, converting pushes into
/// envelopes one at a time or as a stream.
///
/// ```swift
/// let bridge = try Bridge(builtIn: "ga4-to-luigisbox", variables: ["tracker_id": "1234-5678"])
/// switch bridge.convert(#"{"event": "select_item", "ecommerce": {…}}"#) {
/// case .envelopes(let envelopes): send(envelopes.map(\.bytes))
/// case .skipped(let reason, _): count(reason)
/// case .rejected(let reason, let detail): log(reason, detail)
/// }
/// ```
///
/// A `Bridge` is immutable and `Sendable`: build it once at start-up and call it from any number of
/// tasks at once. Converting takes no lock and touches no global state; each call brings its own
/// parser. Per-client state lives in a ``BridgeSession`` that the caller owns. A worker that converts
/// many pushes on a core of its own runs faster with a copy (``independentCopy()``).
public struct Bridge: Sendable {
    /// Parses, normalises, maps and validates single records.
    public let converter: RecordConverter
    private let validator = EventsAPIValidator()

    /// The compiled mapping.
    public var mapping: Mapping { converter.mapping }

    /// A bridge for a compiled mapping.
    public init(mapping: Mapping) {
        converter = RecordConverter(mapping: mapping)
    }

    private init(converter: RecordConverter) {
        self.converter = converter
    }

    /// A bridge over a copy of this bridge's mapping, compiled again from the same text and
    /// variables (a few milliseconds for the default mapping): it converts every push exactly as
    /// this one does, with objects of its own.
    ///
    /// One bridge shared by tasks that run on several cores is correct, but every core then updates
    /// the same reference counts (of the mapping's rules and compiled expressions), and each update
    /// moves a cache line from core to core. Give each long-lived worker (one per core, or one per
    /// connection that converts many pushes) a copy: two tasks converting 30,000 pushes each on two
    /// cores took about 10 % less time with a copy each than through one bridge (BENCHMARKS.md,
    /// "Per-push latency").
    public func independentCopy() -> Bridge {
        Bridge(converter: converter.independentCopy())
    }

    /// A bridge for the built-in mapping `name` (see ``BuiltInMappings/names``), with values for its
    /// variables. Throws when there is no such mapping or a variable is missing or mistyped.
    public init(builtIn name: String = BuiltInMappings.defaultName, variables: [String: JSONValue] = [:]) throws(MappingError) {
        guard let mapping = try Mapping.builtIn(named: name, variables: variables) else {
            throw MappingError(file: name, line: 0, column: 0, pointer: "",
                               reason: "no built-in mapping of that name (built-in: \(BuiltInMappings.names.joined(separator: ", ")))")
        }
        self.init(mapping: mapping)
    }

    /// A bridge for the mapping file at `path` (JSONC), with values for its variables.
    public init(contentsOfFile path: String, variables: [String: JSONValue] = [:]) throws(MappingError) {
        self.init(mapping: try Mapping(contentsOfFile: path, variables: variables))
    }

    /// A bridge for mapping text (JSONC); `fileName` is what errors and rejection details call it.
    public init(mappingSource source: String, fileName: String = "mapping.jsonc", variables: [String: JSONValue] = [:]) throws(MappingError) {
        self.init(mapping: try Mapping(source: source, fileName: fileName, variables: variables))
    }

    /// A parser for one push: no string cache, which one document would only fill.
    private static func oneOffParser() -> JSONParser {
        var parser = JSONParser()
        parser.strings = StringCache(enabled: false)
        return parser
    }

    /// Converts one push, the JSON text of one `dataLayer.push` argument (UTF-8; surrounding
    /// white space is allowed). `ordinal` is the push's `$record.ordinal`, from which mappings
    /// derive deterministic event ids when the push has none.
    ///
    /// No per-client state is applied: a rule's `remember` is dropped and nothing is recalled.
    /// Use ``convert(_:session:)`` where that matters.
    public func convert(_ push: UnsafeRawBufferPointer, ordinal: Int = 1) -> ConversionResult {
        var parser = Self.oneOffParser()
        return ConversionResult(converter.convert(push, ordinal: ordinal, line: 1, parser: &parser))
    }

    /// Converts one push given as bytes; see ``convert(_:ordinal:)-(UnsafeRawBufferPointer,_)``.
    public func convert(_ push: [UInt8], ordinal: Int = 1) -> ConversionResult {
        push.withUnsafeBytes { convert($0, ordinal: ordinal) }
    }

    /// Converts one push given as text; see ``convert(_:ordinal:)-(UnsafeRawBufferPointer,_)``.
    public func convert(_ push: String, ordinal: Int = 1) -> ConversionResult {
        push.withBytes { convert(UnsafeRawBufferPointer($0), ordinal: ordinal) }
    }

    /// Converts the next push of a client: numbers it after the session's earlier pushes, stores
    /// what its rule remembers, and sets remembered values (the customer id) on its envelopes.
    /// Calls for one session must come in the client's push order.
    public func convert(_ push: [UInt8], session: inout BridgeSession) -> ConversionResult {
        let ordinal = session.nextOrdinal()
        var parser = Self.oneOffParser()
        let outcome = push.withUnsafeBytes { converter.convert($0, ordinal: ordinal, line: 1, parser: &parser) }
        return ConversionResult(session.state.resolve(outcome, mapping: mapping))
    }

    /// Converts the next push of a client given as text; see ``convert(_:session:)``.
    public func convert(_ push: String, session: inout BridgeSession) -> ConversionResult {
        convert(Array(push.utf8), session: &session)
    }

    /// Checks an envelope against the Luigi's Box Events API documents: every error and warning,
    /// empty when the envelope is valid. Envelopes converted by an Events API mapping are already
    /// checked; this is for envelopes from elsewhere.
    public func validate(_ envelope: JSONValue) -> [EventsAPIFinding] {
        validator.findings(for: envelope)
    }

    /// Checks an envelope given as JSON text; text that is not JSON is one error finding.
    public func validate(json: String) -> [EventsAPIFinding] {
        do throws(JSONError) {
            return validate(try JSONValue(parsing: json))
        } catch {
            return [EventsAPIFinding(invalidJSON: error)]
        }
    }
}
