/// (4) The expression parser and evaluator on random expressions: the text up to the first newline
/// is the expression, the rest (relaxed JSON, else `null`) the document. Parsing and evaluating may
/// fail with an error value; they must not crash, and the result must be a value the writer can
/// round-trip.
enum ExpressionTarget {
    static func run(_ data: UnsafeRawBufferPointer) {
        let newline = data.firstIndex(of: 0x0A) ?? data.count
        let source = String(decoding: UnsafeRawBufferPointer(rebasing: data[..<newline]), as: UTF8.self)
        let rest = UnsafeRawBufferPointer(rebasing: data[min(newline + 1, data.count)...])
        let document = (try? JSONValue(parsing: rest, options: .relaxed)) ?? .null
        guard let expression = try? Expression(source) else { return }
        let variables = ExpressionVariables(["event": document, "config": ["tracker_id": "1234-5678"]])
        guard let result = try? expression.evaluate(document, variables: variables) else { return }
        var writer = JSONWriter()
        writer.write(result)
        guard let reparsed = try? JSONValue(parsing: writer.bytes, options: .strict), reparsed == result else {
            fuzzFailure("expression result does not round-trip: \(result)")
        }
    }
}
