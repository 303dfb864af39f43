/// mapping-kit's path syntax, translated once at load time into a JMESPath expression.
///
/// `$.a.b[0].c` and `a.b[0].c` both read from the current document (the push, or the item inside
/// `@arrayPath`); `$` alone is the document itself; `$name.a` starts from variable `$name`.
/// A key that is not a plain run of characters is written in brackets: `a["odd.key"]`, `a['k']`.
/// Every key is quoted in the translation, so `a.b-c` means the key `b-c`, as in mapping-kit.
enum PathSyntax {
    /// The JMESPath text for `path`. Errors carry the 1-based column inside `path`.
    static func jmesPath(for path: String) throws(ExpressionError) -> String {
        let scalars = Array(path.unicodeScalars)
        guard !scalars.isEmpty else { throw ExpressionError(.syntax, column: 1, "empty path") }
        var output = ""
        var position = 0
        var expectKey = true
        if scalars[0] == "$" {
            position = 1
            if position < scalars.count, isNameStart(scalars[position]) {
                var name = "$"
                while position < scalars.count, isNameStart(scalars[position]) || ("0"..."9").contains(scalars[position]) {
                    name.unicodeScalars.append(scalars[position])
                    position += 1
                }
                output = name
                expectKey = false
            } else if position < scalars.count, scalars[position] == "." {
                position += 1
                guard position < scalars.count else { throw ExpressionError(.syntax, column: position + 1, "expected a key after '$.'") }
            } else {
                output = "@"
                expectKey = false
            }
        }
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "[" {
                let (segment, next) = try bracket(scalars, from: position)
                output += (output.isEmpty ? "@" : "") + segment
                position = next
                expectKey = false
                continue
            }
            if !expectKey {
                guard scalar == "." else { throw ExpressionError(.syntax, column: position + 1, "expected '.' or '[' but found '\(scalar)'") }
                position += 1
            }
            let start = position
            var key = ""
            while position < scalars.count, scalars[position] != ".", scalars[position] != "[" {
                guard scalars[position] != "]" else { throw ExpressionError(.syntax, column: position + 1, "unexpected ']'") }
                key.unicodeScalars.append(scalars[position])
                position += 1
            }
            guard !key.isEmpty else { throw ExpressionError(.syntax, column: start + 1, "expected a key") }
            if !output.isEmpty { output += "." }
            output += JSONValue.string(key).description
            expectKey = false
        }
        return output
    }

    /// `[12]`, `[-1]`, `["key"]` or `['key']` starting at `start`: the JMESPath segment and the
    /// position after the `]`.
    private static func bracket(_ scalars: [Unicode.Scalar], from start: Int) throws(ExpressionError) -> (String, Int) {
        var position = start + 1
        guard position < scalars.count else { throw ExpressionError(.syntax, column: position + 1, "unterminated '['") }
        let quote = scalars[position]
        if quote == "\"" || quote == "'" {
            position += 1
            var key = ""
            while position < scalars.count, scalars[position] != quote {
                key.unicodeScalars.append(scalars[position])
                position += 1
            }
            guard position < scalars.count else {
                throw ExpressionError(.syntax, column: start + 2, "unterminated quoted key")
            }
            position += 1
            guard position < scalars.count, scalars[position] == "]" else {
                throw ExpressionError(.syntax, column: position + 1, "expected ']' after the quoted key")
            }
            return ("." + JSONValue.string(key).description, position + 1)
        }
        var digits = ""
        if scalars[position] == "-" {
            digits = "-"
            position += 1
        }
        while position < scalars.count, ("0"..."9").contains(scalars[position]) {
            digits.unicodeScalars.append(scalars[position])
            position += 1
        }
        guard digits != "-", !digits.isEmpty else {
            throw ExpressionError(.syntax, column: start + 2, "expected an index or a quoted key inside '[…]'")
        }
        guard digits.count <= 18 else { throw ExpressionError(.syntax, column: start + 2, "index \(digits) is too large") }
        guard position < scalars.count, scalars[position] == "]" else {
            throw ExpressionError(.syntax, column: position + 1, "expected ']'")
        }
        return ("[" + digits + "]", position + 1)
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
