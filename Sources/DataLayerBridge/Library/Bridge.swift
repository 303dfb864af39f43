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
/// parser, or borrows a worker's ``BridgeWorkspace``. Per-client state lives in a ``BridgeSession``
/// that the caller owns. A worker that converts many pushes on a core of its own runs faster with a
/// copy (``independentCopy()``) and a workspace.
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

    /// Converts one push, the JSON text of one `dataLayer.push` argument (UTF-8; surrounding
    /// white space is allowed). `ordinal` is the push's `$record.ordinal`, from which mappings
    /// derive deterministic event ids when the push has none.
    ///
    /// No per-client state is applied: a rule's `remember` is dropped and nothing is recalled.
    /// Use ``convert(_:session:)`` where that matters. A worker converting many pushes converts them
    /// faster through a ``BridgeWorkspace`` of its own (``convert(_:ordinal:workspace:)-(UnsafeRawBufferPointer,_,_)``).
    public func convert(_ push: UnsafeRawBufferPointer, ordinal: Int = 1) -> ConversionResult {
        var workspace = BridgeWorkspace.oneOff()
        return convert(push, ordinal: ordinal, workspace: &workspace)
    }

    /// Converts one push given as bytes; see ``convert(_:ordinal:)-(UnsafeRawBufferPointer,_)``.
    public func convert(_ push: [UInt8], ordinal: Int = 1) -> ConversionResult {
        push.withUnsafeBytes { convert($0, ordinal: ordinal) }
    }

    /// Converts one push given as text; see ``convert(_:ordinal:)-(UnsafeRawBufferPointer,_)``.
    public func convert(_ push: String, ordinal: Int = 1) -> ConversionResult {
        push.withBytes { convert(UnsafeRawBufferPointer($0), ordinal: ordinal) }
    }

    /// Converts one push as ``convert(_:ordinal:)-(UnsafeRawBufferPointer,_)`` does, parsing it with
    /// the buffers and string cache of `workspace`, which the next call reuses. The result is the
    /// same; only the work differs.
    public func convert(_ push: UnsafeRawBufferPointer, ordinal: Int = 1, workspace: inout BridgeWorkspace) -> ConversionResult {
        ConversionResult(converter.convert(push, ordinal: ordinal, line: 1, parser: &workspace.parser))
    }

    /// Converts one push given as bytes through `workspace`; see
    /// ``convert(_:ordinal:workspace:)-(UnsafeRawBufferPointer,_,_)``.
    public func convert(_ push: [UInt8], ordinal: Int = 1, workspace: inout BridgeWorkspace) -> ConversionResult {
        push.withUnsafeBytes { convert($0, ordinal: ordinal, workspace: &workspace) }
    }

    /// Converts one push given as text through `workspace`; see
    /// ``convert(_:ordinal:workspace:)-(UnsafeRawBufferPointer,_,_)``.
    public func convert(_ push: String, ordinal: Int = 1, workspace: inout BridgeWorkspace) -> ConversionResult {
        push.withBytes { convert(UnsafeRawBufferPointer($0), ordinal: ordinal, workspace: &workspace) }
    }

    /// Converts the next push of a client: numbers it after the session's earlier pushes, stores
    /// what its rule remembers, and sets remembered values (the customer id) on its envelopes.
    /// Calls for one session must come in the client's push order.
    public func convert(_ push: [UInt8], session: inout BridgeSession) -> ConversionResult {
        var workspace = BridgeWorkspace.oneOff()
        return convert(push, session: &session, workspace: &workspace)
    }

    /// Converts the next push of a client given as text; see ``convert(_:session:)``.
    public func convert(_ push: String, session: inout BridgeSession) -> ConversionResult {
        convert(Array(push.utf8), session: &session)
    }

    /// Converts the next push of a client as ``convert(_:session:)`` does, parsing it with the
    /// buffers and string cache of `workspace`. Sessions are per client and workspaces per worker:
    /// one worker serving many clients passes its one workspace with each client's session.
    public func convert(_ push: [UInt8], session: inout BridgeSession, workspace: inout BridgeWorkspace) -> ConversionResult {
        let ordinal = session.nextOrdinal()
        let outcome = push.withUnsafeBytes { converter.convert($0, ordinal: ordinal, line: 1, parser: &workspace.parser) }
        return ConversionResult(session.state.resolve(outcome, mapping: mapping))
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
