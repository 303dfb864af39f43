/// The mappings shipped inside the library (`mappings/*.jsonc`), usable by name.
public enum BuiltInMappings {
    /// The mapping `convert` uses when none is named.
    public static let defaultName = "ga4-to-luigisbox"

    /// The names of the built-in mappings, sorted.
    public static var names: [String] { sources.map(\.name).sorted() }

    /// The source text of the built-in mapping `name`, or `nil`.
    public static func source(named name: String) -> String? {
        sources.first { $0.name == name }?.source
    }

    /// The `description` of each built-in mapping, read without compiling it (so required
    /// variables need no values), by name.
    public static var descriptions: [(name: String, description: String)] {
        sources.sorted { $0.name < $1.name }.map { entry in
            let value = try? JSONValue(parsing: entry.source, options: .relaxed)
            return (entry.name, value?["description"]?.stringValue ?? "")
        }
    }
}

extension Mapping {
    /// Compiles the built-in mapping `name` with `variables`; `nil` when there is no such mapping.
    /// The built-in mappings it `use`s are compiled from the embedded text too, so nothing is read
    /// from disk.
    public static func builtIn(named name: String, variables: [String: JSONValue] = [:]) throws(MappingError) -> Mapping? {
        guard let source = BuiltInMappings.source(named: name) else { return nil }
        return try MappingCompiler.compile(Array(source.utf8), origin: .builtIn(name), given: variables)
    }
}

extension Mapping {
    /// A built-in mapping by name, or else a mapping file by path — what `--mapping` accepts.
    public static func named(_ nameOrPath: String, variables: [String: JSONValue] = [:]) throws(MappingError) -> Mapping {
        if let mapping = try builtIn(named: nameOrPath, variables: variables) { return mapping }
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".jsonc") || nameOrPath.hasSuffix(".json")
        guard looksLikePath else {
            let known = BuiltInMappings.names.joined(separator: ", ")
            throw MappingError(file: nameOrPath, line: 0, column: 0, pointer: "",
                               reason: "no built-in mapping of that name (built-in: \(known.isEmpty ? "none" : known)); a mapping file needs a path")
        }
        return try Mapping(contentsOfFile: nameOrPath, variables: variables)
    }
}
