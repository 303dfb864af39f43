/// A compiled template: literal parts pre-built once, directives compiled to their resolvers.
///
/// Resolving yields `nil` for *missing* — the mapping-kit `undefined`: a member whose value is
/// missing is left out of its object, an element missing from an array is dropped.
indirect enum Template: Sendable {
    /// A subtree with no directive anywhere: returned as is, never rebuilt.
    case literal(JSONValue)
    /// An object with at least one directive below it, members in source order.
    case object(Members)
    /// An array with at least one directive below it.
    case array([Template])
    /// An object with one `@` key.
    case directive(DirectiveBox)
    /// An `@expr` or `@path` that is one read (`$type`, `$.user_agent`): resolved by the read
    /// itself, the directive kept for what the read cannot answer (an undefined variable's error).
    case read(Expression.SingleRead, DirectiveBox)

    /// A template that is `directive`.
    static func directive(_ directive: any Directive) -> Template {
        let box = DirectiveBox(directive)
        if let read = directive.read { return .read(read, box) }
        return .directive(box)
    }

    /// A compiled directive behind one reference: taking an existential out of the enum copied
    /// it (its buffer and every reference in it) on every resolve.
    final class DirectiveBox: Sendable {
        let directive: any Directive

        init(_ directive: any Directive) { self.directive = directive }
    }

    /// A member of an object template. A class, read through ``Members`` without reference
    /// counting: copying a struct member out of its array retained its key and its template.
    final class Member: Sendable {
        let key: String
        let value: Template
        /// `key`'s ``JSONObject/Member/keyLength``, worked out once rather than per envelope.
        let keyLength: UInt32
        /// The read of a `value` that is one (``Template/read(_:_:)``): ``Members`` answers it in
        /// line, where a call of ``Template/resolve(_:)`` cost more in its entry and exit than the
        /// read itself (most members of an envelope are reads, many of them null).
        let read: Expression.SingleRead?
        /// `key`'s small-string bits (``ShortText/smallStringBits``), when it is one: each
        /// envelope's key is made from them, where a copy of `key` is a call to retain a string
        /// that needs no retaining.
        private let smallKeyBits: (UInt64, UInt64)?

        init(key: String, value: Template) {
            self.key = key
            self.value = value
            keyLength = JSONObject.Member.storedLength(key.utf8.count)
            if case .read(let read, _) = value { self.read = read } else { read = nil }
            smallKeyBits = ShortText(smallStringOf: key)?.smallStringBits
        }

        /// The member `value` resolves to under this member's key.
        @inline(__always)
        func member(_ value: JSONValue) -> JSONObject.Member {
            JSONObject.Member(key: smallKeyBits.map(ShortText.smallString(bits:)) ?? key, value: value, keyLength: keyLength)
        }
    }

    /// The members of an object template, in source order, read without reference counting (as
    /// ``StepArray`` reads steps): an envelope template resolves a dozen members for every push.
    struct Members: Sendable {
        /// Keeps the members alive for as long as the template.
        private let members: [Member]
        private let unretained: [Unmanaged<Member>]

        init(_ members: [Member]) {
            self.members = members
            unretained = members.map(Unmanaged.passUnretained)
        }

        /// The object these members resolve to for `scope`, missing members left out.
        func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONObject {
            var object = JSONObject(capacity: unretained.count)
            for member in unretained {
                let resolved = member._withUnsafeGuaranteedRef { member in
                    Result { () throws(MappingRuntimeError) -> JSONObject.Member? in
                        // A read that answers is the template's value, null as missing; one that
                        // does not (an unbound variable) is left to the template's directive.
                        if let read = member.read, let value = read.value(bound: scope.inputs) {
                            if value.isNull { return nil }
                            return member.member(value)
                        }
                        return try member.value.resolve(scope).map(member.member)
                    }
                }
                if let resolved = try resolved.get() { object.append(resolved) }
            }
            return object
        }
    }

    /// The template's value for `scope`, or `nil` when it is missing.
    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue? {
        switch self {
        case .literal(let value):
            return value
        case .object(let members):
            return .object(try members.resolve(scope))
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                if let value = try element.resolve(scope) { values.append(value) }
            }
            return .array(values)
        case .directive(let box):
            return try box.directive.resolve(scope)
        case .read(let read, let box):
            guard let value = read.value(bound: scope.inputs) else { return try box.directive.resolve(scope) }
            // A null is missing, as the directive makes it (`.none` spelled out: a `nil` literal
            // next to a value would be JSONValue.null).
            if value.isNull { return .none }
            return value
        }
    }
}

/// What a template is resolved against: the current document (`$` and `@` of expressions and
/// paths: the push, or the item inside `@arrayPath`) and the variables in scope.
struct TemplateScope {
    /// Kept as the inputs every expression of the scope is lent, so evaluating one copies nothing.
    var inputs: EvaluationInputs

    init(document: JSONValue, variables: ExpressionVariables, deferred: DeferredVariable? = nil) {
        inputs = EvaluationInputs(root: document, globals: variables, deferred: deferred)
    }

    var document: JSONValue {
        get { inputs.root }
        set { inputs.root = newValue }
    }

    var variables: ExpressionVariables {
        get { inputs.globals }
        _modify { yield &inputs.globals }
    }

    /// `$record` when it is made only if read.
    var deferred: DeferredVariable? { inputs.deferred }
}

/// One directive: a small registered unit that validates its argument at load time and resolves
/// it per push. A directive object is `{"@name": argument}`.
protocol Directive: Sendable {
    /// The key, `@` included: `@path`.
    static var name: String { get }
    /// Checks `argument` (the value of the `@` key) and compiles it; every mistake is a load error.
    static func compile(_ argument: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> Self
    /// The directive's value for `scope`, or `nil` for missing.
    func resolve(_ scope: TemplateScope) throws(MappingRuntimeError) -> JSONValue?
    /// The one read the directive is, when its value is that read's with null as missing.
    var read: Expression.SingleRead? { get }
}

extension Directive {
    var read: Expression.SingleRead? { nil }
}

/// Every directive, by name.
enum DirectiveRegistry {
    static let all: [any Directive.Type] = [
        PathDirective.self, ExprDirective.self, LiteralDirective.self, TemplateStringDirective.self,
        IfDirective.self, CaseDirective.self, ReplaceDirective.self, JSONDirective.self,
        ArrayPathDirective.self, MergeDirective.self, FlattenDirective.self, ExcludeWhenNullDirective.self,
    ]
    static let byName: [String: any Directive.Type] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    static let names: [String] = all.map { $0.name }.sorted()
}

/// Compiles template JSON into ``Template``s, knowing which variables are in scope so that an
/// undefined one is a load error.
struct TemplateCompiler {
    /// Names of the variables in scope, without `$`.
    var variables: Set<String>
    /// The declared mapping variables: `$config.name` must name one of them.
    let configNames: Set<String>
    /// Where the mapping keeps each variable a push can see; expressions read them by slot.
    let layout: VariableLayout
    /// The variables whose value is known before any push (`$config`, a `let` of nothing else):
    /// expressions are compiled with them, and with what they alone decide, folded in.
    var constants: [String: JSONValue]

    /// A template: literals, objects, arrays, and directives inside them.
    func template(_ node: SourceNode) throws(MappingError) -> Template {
        switch node.kind {
        case .object:
            let members = node.members
            if let first = members.first(where: { $0.key.hasPrefix("@") }) {
                return try directive(first, in: members)
            }
            var compiled: [Template.Member] = []
            var allLiteral = true
            for member in members {
                let value = try template(member.value)
                if case .literal = value {} else { allLiteral = false }
                compiled.append(Template.Member(key: member.key, value: value))
            }
            return allLiteral ? .literal(node.value) : .object(Template.Members(compiled))
        case .array:
            let elements = try node.elements.map { (element) throws(MappingError) in try template(element) }
            let allLiteral = elements.allSatisfy { if case .literal = $0 { true } else { false } }
            return allLiteral ? .literal(node.value) : .array(elements)
        default:
            return .literal(node.value)
        }
    }

    private func directive(_ first: SourceNode.Member, in members: [SourceNode.Member]) throws(MappingError) -> Template {
        if let second = members.first(where: { $0.key != first.key || $0.keyNode.index != first.keyNode.index }) {
            if second.key.hasPrefix("@") {
                throw second.keyNode.error("two directives in one object: '\(first.key)' and '\(second.key)' (a directive object has exactly one key)")
            }
            throw second.keyNode.error("'\(second.key)' beside directive '\(first.key)' (a directive object has exactly one key; use {\"@literal\": …} for an output key starting with '@')")
        }
        guard let type = DirectiveRegistry.byName[first.key] else {
            throw first.keyNode.error("unknown directive '\(first.key)'\(Suggestion.phrase(for: first.key, among: DirectiveRegistry.names))")
        }
        return .directive(try type.compile(first.value, self))
    }

    /// A copy with `names` added to the variables in scope.
    func adding(_ names: [String]) -> TemplateCompiler {
        var copy = self
        copy.variables.formUnion(names)
        return copy
    }

    /// A copy with `name` in scope, bound to `value` for every push.
    func adding(_ name: String, constant value: JSONValue) -> TemplateCompiler {
        var copy = adding([name])
        copy.constants[name] = value
        return copy
    }

    /// A JMESPath expression given as the string at `node`.
    func expression(_ node: SourceNode, _ what: String) throws(MappingError) -> Expression {
        let source = try node.requireString(what)
        return try compile(source, label: "expression", at: node, startingAt: 0)
    }

    /// A mapping-kit path (`$.a.b[0]`, `a.b`, `$item.price`) given as the string at `node`.
    func path(_ node: SourceNode, _ what: String) throws(MappingError) -> Expression {
        let source = try node.requireString(what)
        return try path(source, at: node, startingAt: 0)
    }

    /// A mapping-kit path found `offset` characters into the string at `node` (a `{{…}}` placeholder).
    func path(_ source: String, at node: SourceNode, startingAt offset: Int) throws(MappingError) -> Expression {
        let translated: String
        do {
            translated = try PathSyntax.jmesPath(for: source)
        } catch {
            throw positioned(error, label: "path", at: node, startingAt: offset)
        }
        return try compile(translated, label: "path", at: node, startingAt: offset, original: source)
    }

    /// Compiles `source` (found `offset` characters into the string at `node`) and checks its
    /// variables. `original` is the text the user wrote, when `source` was translated from it.
    private func compile(_ source: String, label: String, at node: SourceNode, startingAt offset: Int, original: String? = nil) throws(MappingError) -> Expression {
        let tree: ExpressionNode
        do {
            tree = try Expression.tree(source)
        } catch {
            // A translated path that fails to compile is a path the translator let through: point
            // at its start rather than at a column of text the user never wrote.
            var error = error
            if original != nil { error.column = 1 }
            throw positioned(error, label: label, at: node, startingAt: offset, source: source)
        }
        var uses: [(name: String, column: Int, member: String?)] = []
        tree.collectVariableUses(into: &uses)
        for use in uses {
            if !variables.contains(use.name) {
                let scope = variables.sorted().map { "$" + $0 }.joined(separator: ", ")
                let reason = "undefined variable '$\(use.name)' (in scope here: \(scope))"
                throw positioned(ExpressionError(.undefinedVariable, column: originalColumn(use.column, original), reason), label: label, at: node, startingAt: offset)
            }
            if use.name == "config", let member = use.member, !configNames.contains(member) {
                let reason = "'$config.\(member)' is not a declared variable\(Suggestion.phrase(for: member, among: configNames.sorted()))"
                throw positioned(ExpressionError(.undefinedVariable, column: originalColumn(use.column, original), reason), label: label, at: node, startingAt: offset)
            }
        }
        return Expression(source: source, tree: tree.foldingConstants(constants), readingGlobalsOf: layout)
    }

    /// Variable columns in a translated path: the translation keeps `$name` at the start, so
    /// column 1 is right; anything else points at the path's start.
    private func originalColumn(_ column: Int, _ original: String?) -> Int {
        original == nil ? column : 1
    }

    /// A load error for an expression error, at the exact column in the file when the string has
    /// no escapes (so file columns and expression columns agree), else at the string with the
    /// column inside the expression named in the reason.
    func positioned(_ error: ExpressionError, label: String, at node: SourceNode, startingAt offset: Int, source: String? = nil) -> MappingError {
        let column = error.column ?? 1
        var reason = error.kind == .syntax ? "syntax error: \(error.reason)" : error.reason
        if error.kind == .unknownFunction, let source, let name = Self.identifier(in: source, atColumn: column) {
            reason += Suggestion.phrase(for: name, among: ExpressionFunctions.registry.keys.sorted(), listing: false)
        }
        if node.tape.stringNeedsDecoding(node.index) {
            return node.error("\(label) (column \(offset + column)): \(reason)")
        }
        return node.error("\(label): \(reason)", columnOffset: offset + column)
    }

    private static func identifier(in source: String, atColumn column: Int) -> String? {
        let scalars = Array(source.unicodeScalars)
        guard column >= 1, column <= scalars.count else { return nil }
        var name = ""
        for scalar in scalars[(column - 1)...] {
            guard scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) else { break }
            name.unicodeScalars.append(scalar)
        }
        return name.isEmpty ? nil : name
    }
}

extension ExpressionNode {
    /// Every use of a free variable (`let`-bound ones are already positions), with its column
    /// and, for `$v.name`, the member it reads (to check `$config.name` against the declared
    /// variables), appended to `uses` in the order they are written: one array for a tree, where
    /// one for each node and its children's appended to it cost 1.4 M instructions per `convert`.
    func collectVariableUses(into uses: inout [(name: String, column: Int, member: String?)]) {
        switch self {
        case .variable(let name, let column):
            uses.append((name, column, nil))
        case .subexpression(.variable(let name, let column), .field(let member)):
            uses.append((name, column, member))
        default:
            forEachChild { $0.collectVariableUses(into: &uses) }
        }
    }
}
