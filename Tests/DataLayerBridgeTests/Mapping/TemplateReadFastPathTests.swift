@testable import DataLayerBridge
import Testing

/// An `@expr` or `@path` that is one read (a variable, a member of the document, a constant) is
/// resolved by the expression's single read (``Expression/SingleRead``) rather than through its
/// directive: for every read, bound or unbound, null or not, in every kind of document, the
/// template must give what the directive gives, the same error included.
struct TemplateReadFastPathTests {
    static let layout = VariableLayout(names: MappingCompiler.hostSlots + ["type", "unset"])
    /// Where `layout` keeps `$type`: after the host variables.
    static let typeSlot = MappingCompiler.hostSlots.count
    static let location = MappingLocation(file: "reads.jsonc", line: 3, column: 7, pointer: "/emit/x")

    /// Reads of each kind, and expressions just past one read, which must keep the directive.
    static let sources = ["$type", "$unset", "$record", "$config", "$event", "user_agent", "`1`", "`null`", "'text'",
                          "$type.a", "user_agent.a", "@", "$type || user_agent"]

    static let values: [JSONValue] = [nil, false, true, "", "ua", 0, [], [nil], [:], ["a": "x"]]

    /// Scopes with `$type` bound to each value or unbound, `$record` bound, deferred or neither,
    /// and documents that are objects with or without `user_agent`, or not objects at all.
    static var scopes: [TemplateScope] {
        var scopes: [TemplateScope] = []
        for (index, value) in values.enumerated() {
            for record in 0..<3 {
                var variables = ExpressionVariables(layout: layout)
                variables.set(["tracker": "T"], layoutSlot: MappingCompiler.configSlot)
                if index % 3 != 0 { variables.set(value, layoutSlot: typeSlot) }
                if record == 1 { variables.set(["ordinal": 1], layoutSlot: MappingCompiler.recordSlot) }
                let deferred = record == 2 ? DeferredVariable(ordinal: 2, text: "deferred") : nil
                let documents: [JSONValue] = [["user_agent": value], ["other": value, "user_agent": "x", "user_agent ": 1], value]
                for document in documents {
                    variables.set(document, layoutSlot: MappingCompiler.eventSlot)
                    scopes.append(TemplateScope(document: document, variables: variables, deferred: deferred))
                }
            }
        }
        return scopes
    }

    static func outcome(_ resolve: () throws(MappingRuntimeError) -> JSONValue?) -> String {
        do {
            guard let value = try resolve() else { return "missing" }
            return "value \(value)"
        } catch {
            return "error \(error.detail)"
        }
    }

    @Test(arguments: sources)
    func readsResolveAsTheirDirectives(_ source: String) throws {
        #expect(Self.layout.names[Self.typeSlot] == "type")
        let expression = Expression(source: source, tree: try Expression.tree(source), readingGlobalsOf: Self.layout)
        let directives: [any Directive] = [ExprDirective(expression: expression, location: Self.location),
                                           PathDirective(path: expression, location: Self.location)]
        for directive in directives {
            let template = Template.directive(directive)
            // The reads take the fast path (or this compares the directive with itself); the rest do not.
            let isRead = if case .read = template { true } else { false }
            #expect(isRead == (Self.sources.firstIndex(of: source) ?? 0 < 9), "\(source)")
            for scope in Self.scopes {
                #expect(Self.outcome { () throws(MappingRuntimeError) in try template.resolve(scope) }
                        == Self.outcome { () throws(MappingRuntimeError) in try directive.resolve(scope) }, "\(source) in \(scope.document)")
            }
        }
    }

    /// A read that is a member of an object template is answered by the object's members in line
    /// (``Template/Member/read``), not through ``Template/resolve(_:)``: the object must hold what
    /// the directive gives (no member for missing, null included), or fail with its error.
    @Test(arguments: sources)
    func readMembersResolveAsTheirDirectives(_ source: String) throws {
        let expression = Expression(source: source, tree: try Expression.tree(source), readingGlobalsOf: Self.layout)
        let directives: [any Directive] = [ExprDirective(expression: expression, location: Self.location),
                                           PathDirective(path: expression, location: Self.location)]
        for directive in directives {
            let members = [Template.Member(key: "before", value: .literal(1)), Template.Member(key: "x", value: .directive(directive))]
            let template = Template.object(Template.Members(members))
            for scope in Self.scopes {
                let expected = Self.outcome { () throws(MappingRuntimeError) -> JSONValue? in
                    var object = JSONObject([.init(key: "before", value: 1)])
                    if let value = try directive.resolve(scope) { object.append(key: "x", value: value) }
                    return .object(object)
                }
                #expect(Self.outcome { () throws(MappingRuntimeError) in try template.resolve(scope) } == expected,
                        "\(source) in \(scope.document)")
            }
        }
    }

    /// An object template's short keys are made from their small-string bits
    /// (``ShortText/smallString(bits:)``), the others copied: for keys of every length around the
    /// small-string limit, ASCII or not, on members answered by their read and by their directive,
    /// the envelope's keys must be the template's, equal, hashed and written alike.
    @Test func membersCarryTheTemplatesKeys() throws {
        var keys = ["", "é", "Dětské", "key with \"quote\"", "\u{2028}"]
        for length in 1...20 { keys.append(String(repeating: "k", count: length)) }
        keys += keys.map { $0 + "ž" }
        let sources = ["`1`", "`1` || `2`"]
        for source in sources {
            let expression = Expression(source: source, tree: try Expression.tree(source), readingGlobalsOf: Self.layout)
            let members = keys.map { Template.Member(key: $0, value: .directive(ExprDirective(expression: expression, location: Self.location))) }
            let scope = TemplateScope(document: [:], variables: ExpressionVariables(layout: Self.layout))
            let resolved = try #require(try Template.object(Template.Members(members)).resolve(scope)?.objectValue)
            #expect(resolved.members.map(\.key) == keys, "\(source)")
            for (member, key) in zip(resolved.members, keys) {
                #expect(Array(member.key.utf8) == Array(key.utf8) && member.key.hashValue == key.hashValue)
                #expect(member == JSONObject.Member(key: key, value: 1))
            }
            var written = JSONWriter(), expected = JSONWriter()
            written.write(.object(resolved))
            expected.write(.object(JSONObject(keys.map { JSONObject.Member(key: $0, value: 1) })))
            #expect(written.string == expected.string)
        }
    }
}
