#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mapping file compiled once: ordered rules that turn one dataLayer push into envelopes, a
/// skip, or a rejection. Immutable and `Sendable`, so one mapping can serve every worker thread
/// (`convert` still gives each of its threads a copy compiled again from the same text: threads
/// that share one update the same reference counts in turn).
///
/// ```swift
/// let mapping = try Mapping(contentsOfFile: "mappings/site.jsonc", variables: ["site": "shop"])
/// switch mapping.apply(to: push, record: RecordContext(ordinal: 1, text: line)) { … }
/// ```
///
/// Every mistake in the file — unknown directive or function, expression syntax, undefined
/// variable, a required variable without a value — is a ``MappingError`` at load time.
public struct Mapping: Sendable {
    /// The mapping's `name`.
    public let name: String
    /// The mapping's `description`, empty when absent.
    public let description: String
    /// The `source` label: what the mapping reads (`ga4-datalayer`), empty when absent.
    public let sourceLabel: String
    /// The `target` label: what the mapping writes (`luigisbox-events`), empty when absent.
    public let targetLabel: String
    /// The resolved variables, `$config` in expressions: defaults overridden by the values given.
    public let variables: [String: JSONValue]
    /// The file name errors and rejection details name.
    public let fileName: String

    let config: JSONValue
    /// The variables every push starts with: `$config` set, a slot for each other name.
    let prototype: ExpressionVariables
    /// The slots of `prototype`'s names.
    let layout: VariableLayout
    let rules: [MappingRule]
    /// `rules` read without reference counting (``StepArray``'s reason): iterating the array
    /// retained and released every rule whose match a push reads.
    private let unretainedRules: [Unmanaged<MappingRule>]
    let unmatched: UnmatchedPolicy
    let recall: RecallSpec?
    /// What the mapping was compiled from, for ``independentCopy()``; `nil` for a mapping that
    /// another one uses (compiling the outer one again compiles it too).
    var recipe: Recipe?

    /// The text, origin and variable values a mapping was compiled from.
    struct Recipe: Sendable {
        let bytes: [UInt8]
        let origin: MappingOrigin
        let given: [String: JSONValue]
    }

    /// Compiles mapping text (JSONC). `variables` are the values given for the mapping's declared
    /// variables (`--set`); they are checked against the declarations and coerced to declared types.
    /// Mappings its rules `use` are compiled with it: built-in names, or file paths relative to the
    /// directory of `fileName` (the current directory when it has none).
    public init(source: String, fileName: String, variables: [String: JSONValue] = [:]) throws(MappingError) {
        self = try MappingCompiler.compile(Array(source.utf8), origin: .file(fileName), given: variables)
    }

    /// Reads and compiles the mapping file at `path`; errors name `path`, and file paths its rules
    /// `use` are taken relative to its directory.
    public init(contentsOfFile path: String, variables: [String: JSONValue] = [:]) throws(MappingError) {
        let bytes: [UInt8]
        switch readFile(path) {
        case .success(let contents): bytes = contents
        case .failure(let failure): throw MappingError(file: path, line: 0, column: 0, pointer: "", reason: failure.reason)
        }
        self = try MappingCompiler.compile(bytes, origin: .file(path), given: variables)
    }

    init(name: String, description: String, sourceLabel: String, targetLabel: String, variables: [String: JSONValue],
         fileName: String, config: JSONValue, layout: VariableLayout, rules: [MappingRule], unmatched: UnmatchedPolicy, recall: RecallSpec?) {
        self.name = name
        self.description = description
        self.sourceLabel = sourceLabel
        self.targetLabel = targetLabel
        self.variables = variables
        self.fileName = fileName
        self.config = config
        // The host variables come first in every layout the compiler makes: `apply` fills their
        // slots without comparing names.
        precondition(layout.names.starts(with: MappingCompiler.hostSlots), "a mapping's layout starts with the host variables")
        var prototype = ExpressionVariables(layout: layout)
        prototype["config"] = config
        self.prototype = prototype
        self.layout = layout
        self.rules = rules
        unretainedRules = rules.map(Unmanaged.passUnretained)
        self.unmatched = unmatched
        self.recall = recall
    }


    /// The same mapping compiled again from its text: the same behaviour, in objects of its own.
    /// Each converter thread takes one, because a reference count that two cores update in turn
    /// moves its cache line from one to the other on every retain and release: with one shared
    /// mapping, two jobs spent 8 % more CPU time than with a copy each. Compiling text that
    /// compiled before fails only if a file it uses went away meanwhile; the copy is then this
    /// mapping, shared.
    func independentCopy() -> Mapping {
        guard let recipe, let copy = try? MappingCompiler.compile(recipe.bytes, origin: recipe.origin, given: recipe.given) else { return self }
        return copy
    }

    /// The number of rules, for summaries.
    public var ruleCount: Int { rules.count }

    /// Maps one push. The first rule whose `match` is truthy decides; a failure while mapping
    /// (a function given the wrong type, say) rejects the push with reason `mapping-error` and the
    /// mapping file's position in the detail. Never throws, and depends on nothing but its
    /// arguments, so pushes can be mapped in parallel.
    public func apply(to push: JSONValue, record: RecordContext) -> MappingOutcome {
        apply(to: push, recordValue: record.value)
    }

    /// Maps one push read from the record `text` (valid UTF-8, as the parser checked): `$record`
    /// is made only if an expression reads it, since most never do.
    ///
    /// `text` is read only during the call (the deferred `$record` lives no longer than the
    /// evaluation), so it is borrowed rather than copied for every push.
    func apply(to push: JSONValue, ordinal: Int, text: UnsafeRawBufferPointer) -> MappingOutcome {
        apply(to: push, recordValue: nil, deferred: DeferredVariable(ordinal: ordinal, text: text))
    }

    /// Maps one push whose `$record` is already a value (a mapping used by another's rule).
    func apply(to push: JSONValue, recordValue: JSONValue?, deferred: DeferredVariable? = nil) -> MappingOutcome {
        // Slots made afresh and filled inside `scope`: a copy's first write (or a second owner of the
        // slots, such as a local the scope was made from) copies every slot through the value witness.
        // The host slots are where the layout has them (checked when the mapping was made), so
        // they are filled by position: by name, each cost a comparison of the names.
        var scope = TemplateScope(document: push, variables: ExpressionVariables(layout: layout), deferred: deferred)
        scope.variables.set(config, layoutSlot: MappingCompiler.configSlot)
        scope.variables.set(push, layoutSlot: MappingCompiler.eventSlot)
        scope.variables.set(recordValue, layoutSlot: MappingCompiler.recordSlot)
        do throws(MappingRuntimeError) {
            for rule in unretainedRules {
                let outcome = try rule._withUnsafeGuaranteedRef { rule in
                    Result { () throws(MappingRuntimeError) in try rule.matches(scope) ? try rule.apply(&scope) : nil }
                }.get()
                if let outcome { return outcome }
            }
        } catch {
            return .reject(reason: "mapping-error", detail: error.detail)
        }
        switch unmatched {
        case .skip(let reason): return .skip(reason: reason, detail: "no rule matched")
        case .reject: return .reject(reason: "unmatched", detail: "no rule matched")
        }
    }

    /// Parses a `--set KEY=VALUE` argument: VALUE is taken as JSON when it parses as JSON
    /// (`42`, `true`, `["a"]`, `"quoted"`), else as the raw string. A variable declared
    /// `"type": "string"` gets the text back when the mapping is compiled (`--set code=007`
    /// and `--set code=42` both give strings), so declared types win.
    public static func parseVariableAssignment(_ text: String) throws(MappingError) -> (String, JSONValue) {
        guard let equals = text.firstIndex(of: "=") else {
            throw MappingError(file: "--set", line: 0, column: 0, pointer: "", reason: "expected KEY=VALUE, got '\(text)'")
        }
        let key = String(text[..<equals])
        guard MappingCompiler.isIdentifier(key) else {
            throw MappingError(file: "--set", line: 0, column: 0, pointer: "", reason: "'\(key)' is not a variable name (letters, digits and '_', not starting with a digit)")
        }
        let raw = String(text[text.index(after: equals)...])
        let value = (try? JSONValue(parsing: raw)) ?? .string(raw)
        return (key, value)
    }
}

/// The record a push came from, visible to expressions as `$record` =
/// `{"ordinal": N, "text": "…"}`: what deterministic ids are derived from.
public struct RecordContext: Sendable, Hashable {
    /// The 1-based position of the record in its input.
    public var ordinal: Int
    /// The record's raw text.
    public var text: String

    /// Creates a record context.
    public init(ordinal: Int, text: String) {
        self.ordinal = ordinal
        self.text = text
    }

    var value: JSONValue { ["ordinal": .number(JSONNumber(ordinal)), "text": .string(text)] }
}

/// Values a rule remembered about one client (`customer_id` from a login push), keyed by the
/// client key; ``MappingState`` stores them and sets them on that client's later envelopes.
public struct Remembered: Sendable, Hashable {
    /// The client key (a `client_id`).
    public var key: String
    /// Name → value, as the rule's `remember.values` declare.
    public var values: [String: JSONValue]

    /// Creates remembered values.
    public init(key: String, values: [String: JSONValue]) {
        self.key = key
        self.values = values
    }
}

/// What a mapping made of one push.
public enum MappingOutcome: Sendable, Hashable {
    /// One or more envelopes (JSON objects), in emit order, and values to remember.
    case envelopes([JSONValue], remember: Remembered?)
    /// Nothing to send: `reason` is a short stable word for statistics, `detail` names the rule.
    /// A rule that remembers and emits nothing carries what it remembered.
    case skip(reason: String, detail: String, remember: Remembered? = nil)
    /// The push cannot be mapped: no rule matched (`unmatched`) or mapping failed (`mapping-error`).
    case reject(reason: String, detail: String)
}

/// Reads a whole file into memory, or says why not.
func readFile(_ path: String) -> Result<[UInt8], MappingReadFailure> {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return .failure(MappingReadFailure(reason: "cannot open: " + String(cString: strerror(errno)))) }
    defer { close(fd) }
    var source = FileDescriptorSource(fileDescriptor: fd)
    do {
        return .success(try source.readAll())
    } catch {
        let code = (error as? StreamError)?.code ?? EIO
        return .failure(MappingReadFailure(reason: "cannot read: " + String(cString: strerror(code))))
    }
}

/// Why a file could not be read.
struct MappingReadFailure: Error {
    let reason: String
}
