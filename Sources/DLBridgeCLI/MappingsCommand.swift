import DataLayerBridge

/// `dlbridge mappings`: the built-in mappings and what they do.
enum MappingsCommand {
    static let command = Command(
        name: "mappings",
        summary: "List the built-in mappings with their descriptions.",
        synopsis: "mappings",
        details: "Built-in mappings are compiled into the tool: 'convert --mapping NAME' works from an installed binary.",
        options: [],
        positionals: 0...0,
        run: { _ in
            let entries = BuiltInMappings.descriptions
            let width = entries.map(\.name.count).max() ?? 0
            for entry in entries {
                let marker = entry.name == BuiltInMappings.defaultName ? " (default)" : ""
                Console.output(entry.name + String(repeating: " ", count: width - entry.name.count + 2) + entry.description + marker + "\n")
            }
            return 0
        }
    )
}
