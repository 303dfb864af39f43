/// Turns mapping-file text into a ``Mapping``: parses it once as JSONC into a tape (so every value
/// knows its line and column), checks the structure, and compiles every expression and template.
enum MappingCompiler {
    static let topLevelKeys = ["$schema", "name", "description", "source", "target", "variables", "rules", "unmatched", "recall"]
    static let ruleKeys = ["name", "match", "skipIf", "let", "remember", "emit", "skip", "reject", "use"]
    /// The keys that say what a matched rule does; a rule has exactly one.
    static let actionKeys = ["emit", "skip", "reject", "use"]
    static let variableKeys = ["required", "default", "description", "type"]
    /// Variables the host binds; `let` may not shadow them.
    static let hostVariables = ["config", "event", "record", "output", "index", "item"]

    /// Compiles a mapping of `origin`. `given` are the variable values set for it; `inherited`
    /// says they were set for a mapping that uses this one, so those it does not declare are not
    /// its business. `loader` compiles what `use` names (a fresh one for an outermost mapping).
    static func compile(_ bytes: [UInt8], origin: MappingOrigin, given: [String: JSONValue], inherited: Bool = false,
                        loader: DelegateLoader? = nil) throws(MappingError) -> Mapping {
        let fileName: String
        switch origin {
        case .file(let path): fileName = path
        case .builtIn(let name): fileName = "\(name) (built-in)"
        }
        let outermost = loader == nil
        let loader = loader ?? DelegateLoader(root: origin)
        let result: Result<Mapping, MappingError> = bytes.withUnsafeBytes { buffer in
            var parser = JSONParser(options: .relaxed)
            do throws(JSONError) {
                let tape = try parser.parse(buffer)
                let root = SourceNode(root: tape, file: fileName)
                do throws(MappingError) {
                    return .success(try compile(root, origin: origin, given: given, inherited: inherited, loader: loader))
                } catch {
                    return .failure(error)
                }
            } catch {
                return .failure(MappingError(file: fileName, line: error.line, column: error.column, pointer: "", reason: error.reason))
            }
        }
        var mapping = try result.get()
        if outermost { mapping.recipe = Mapping.Recipe(bytes: bytes, origin: origin, given: given) }
        return mapping
    }

    /// What compiling the rules of one mapping needs besides its text: where it came from (to find
    /// what `use` names) and the variable values to pass on.
    struct Context {
        let origin: MappingOrigin
        let given: [String: JSONValue]
        let loader: DelegateLoader
    }

    private static func compile(_ root: SourceNode, origin: MappingOrigin, given: [String: JSONValue], inherited: Bool,
                                loader: DelegateLoader) throws(MappingError) -> Mapping {
        let members = try root.checkedMembers(topLevelKeys, in: "a mapping")
        guard let nameNode = members["name"] else { throw root.error("a mapping needs a 'name'") }
        let name = try nameNode.requireString("name")
        let declared = Set(members["variables"]?.members.map(\.key) ?? [])
        let given = inherited ? given.filter { declared.contains($0.key) } : given
        let context = Context(origin: origin, given: given, loader: loader)
        let (config, configNames) = try variables(members["variables"], root: root, given: given)
        guard let rulesNode = members["rules"] else { throw root.error("a mapping needs 'rules': an array of rules") }
        guard rulesNode.kind == .array else { throw rulesNode.error("rules must be an array, not \(rulesNode.typeDescription)") }
        let base = TemplateCompiler(variables: ["config", "event", "record"], configNames: Set(configNames), layout: layout(rulesNode),
                                    constants: ["config": .object(config)])
        var rules: [MappingRule] = []
        var ruleNames: Set<String> = []
        for ruleNode in rulesNode.elements {
            let rule = try self.rule(ruleNode, base, context)
            guard ruleNames.insert(rule.name).inserted else {
                throw (ruleNode.member("name") ?? ruleNode).error("a rule named '\(rule.name)' comes earlier; rule names must be unique")
            }
            rules.append(rule)
        }
        let remembered = Set(rules.flatMap(\.rememberedNames))
        return Mapping(
            name: name,
            description: try members["description"]?.requireString("description") ?? "",
            sourceLabel: try members["source"]?.requireString("source") ?? "",
            targetLabel: try members["target"]?.requireString("target") ?? "",
            variables: Dictionary(uniqueKeysWithValues: config.map { ($0.key, $0.value) }),
            fileName: root.file,
            config: .object(config),
            layout: base.layout,
            rules: rules,
            unmatched: try unmatched(members["unmatched"]),
            recall: try members["recall"].map { (node) throws(MappingError) in try recall(node, base, remembered: remembered) }
        )
    }

    // MARK: Variables

    /// The declared variable types.
    enum VariableType: String, CaseIterable {
        case string, number, boolean, object, array, any

        func accepts(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.any, _), (.string, .string), (.number, .number), (.boolean, .bool), (.object, .object), (.array, .array): return true
            default: return false
            }
        }

        /// A given value in this type: declared strings take the text of what `--set` parsed as JSON.
        func coerce(_ value: JSONValue) -> JSONValue {
            guard self == .string else { return value }
            switch value {
            case .string: return value
            case .number(let number): return .string(number.text)
            case .bool(let bool): return .string(bool ? "true" : "false")
            case .null: return .string("null")
            case .array, .object: return .string(value.description)
            }
        }

        var noun: String { self == .array || self == .object || self == .any ? "an \(rawValue)" : "a \(rawValue)" }
    }

    /// `$config`: each declared variable's given value, else its default, else null; in declaration order.
    private static func variables(_ node: SourceNode?, root: SourceNode, given: [String: JSONValue]) throws(MappingError) -> (JSONObject, [String]) {
        var config = JSONObject()
        var names: [String] = []
        let declarations = node?.members ?? []
        if let node, node.kind != .object { throw node.error("variables must be an object, not \(node.typeDescription)") }
        // A misspelt --set is the likelier mistake than whatever it leaves unset: report it first.
        let declared = declarations.map(\.key)
        for key in given.keys.sorted() where !declared.contains(key) {
            let reason = "--set \(key): the mapping declares no variable '\(key)'" + (declared.isEmpty ? "" : Suggestion.phrase(for: key, among: declared))
            throw (node ?? root).error(reason)
        }
        for declaration in declarations {
            let name = declaration.key
            guard isIdentifier(name) else { throw declaration.keyNode.error("'\(name)' is not a variable name (letters, digits and '_', not starting with a digit)") }
            guard !names.contains(name) else { throw declaration.keyNode.error("variable '\(name)' is declared twice") }
            let fields = try declaration.value.checkedMembers(variableKeys, in: "a variable declaration")
            let required = try fields["required"]?.requireBool("required") ?? false
            var type = VariableType.any
            if let typeNode = fields["type"] {
                let text = try typeNode.requireString("type")
                guard let declared = VariableType(rawValue: text) else {
                    throw typeNode.error("unknown type '\(text)'\(Suggestion.phrase(for: text, among: VariableType.allCases.map(\.rawValue)))")
                }
                type = declared
            }
            _ = try fields["description"]?.requireString("description")
            var value = JSONValue.null
            if let defaultNode = fields["default"] {
                if required { throw defaultNode.error("a required variable has no default: drop 'default' or 'required'") }
                value = defaultNode.value
                guard type.accepts(value) else { throw defaultNode.error("default of '\(name)' must be \(type.noun), not \(defaultNode.typeDescription)") }
            }
            if let givenValue = given[name] {
                value = type.coerce(givenValue)
                guard type.accepts(value) else {
                    throw declaration.keyNode.error("--set \(name): '\(name)' is declared \(type.noun), got \(givenValue.typeName) \(givenValue)")
                }
            } else if required {
                throw declaration.keyNode.error("required variable '\(name)' has no value: set it with --set \(name)=VALUE")
            }
            config.append(key: name, value: value)
            names.append(name)
        }
        return (config, names)
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    // MARK: Rules

    /// A slot for every variable a push can see: the host variables and every rule's `let`
    /// names (rules reuse the slots of names they share).
    private static func layout(_ rulesNode: SourceNode) -> VariableLayout {
        let lets = rulesNode.elements.flatMap { rule in rule.kind == .object ? rule.member("let")?.members.map(\.key) ?? [] : [] }
        return VariableLayout(names: hostSlots + lets)
    }

    /// The host variables in their slots, first in every mapping's layout.
    static let hostSlots = ["config", "event", "record", "output", "item", "index"]

    static let configSlot = hostSlots.firstIndex(of: "config")!
    static let eventSlot = hostSlots.firstIndex(of: "event")!
    static let recordSlot = hostSlots.firstIndex(of: "record")!
    static let outputSlot = hostSlots.firstIndex(of: "output")!
    static let itemSlot = hostSlots.firstIndex(of: "item")!
    static let indexSlot = hostSlots.firstIndex(of: "index")!

    private static func rule(_ node: SourceNode, _ base: TemplateCompiler, _ context: Context) throws(MappingError) -> MappingRule {
        let members = try node.checkedMembers(ruleKeys, in: "a rule")
        guard let nameNode = members["name"] else { throw node.error("a rule needs a 'name'") }
        let name = try nameNode.requireString("a rule's name")
        guard let matchNode = members["match"] else { throw node.error("rule '\(name)' needs 'match': an expression") }
        let match = try base.expression(matchNode, "match")
        var compiler = base
        var bindings: [MappingRule.Binding] = []
        if let letNode = members["let"] {
            guard letNode.kind == .object else { throw letNode.error("let must be an object of name → expression, not \(letNode.typeDescription)") }
            for member in letNode.members {
                guard isIdentifier(member.key) else { throw member.keyNode.error("'\(member.key)' is not a variable name (letters, digits and '_', not starting with a digit)") }
                guard !hostVariables.contains(member.key) else { throw member.keyNode.error("let cannot redefine the host variable '$\(member.key)'") }
                guard !bindings.contains(where: { $0.name == member.key }) else { throw member.keyNode.error("'\(member.key)' is bound twice in let") }
                let expression = try compiler.expression(member.value, "a let value")
                // The layout was made from these same `let` keys, so every one has a slot.
                guard let slot = compiler.layout.slots[member.key] else { throw member.keyNode.error("'\(member.key)' has no variable slot") }
                bindings.append(MappingRule.Binding(name: member.key, slot: slot, expression: expression, location: member.value.location))
                if case .literal(let value) = expression.root {
                    compiler = compiler.adding(member.key, constant: value)
                } else {
                    compiler = compiler.adding([member.key])
                }
            }
        }
        var skipIf: MappingRule.SkipCondition?
        if let skipNode = members["skipIf"] {
            let fields = try skipNode.checkedMembers(["when", "reason"], in: "skipIf")
            guard let when = fields["when"], let reason = fields["reason"] else { throw skipNode.error("skipIf needs 'when' (an expression) and 'reason'") }
            skipIf = MappingRule.SkipCondition(when: try compiler.expression(when, "skipIf/when"), reason: try nonEmpty(reason, "skipIf/reason"), location: when.location)
        }
        let remember = try members["remember"].map { (node) throws(MappingError) in try self.remember(node, compiler) }
        let actions = actionKeys.compactMap { key in members[key].map { (key, $0) } }
        guard let (actionKey, actionNode) = actions.first else {
            throw node.error("rule '\(name)' needs 'emit' (a template or an array of templates), 'skip' or 'reject' (a reason), or 'use' (a mapping)")
        }
        if actions.count > 1 {
            throw actions[1].1.error("a rule emits, skips, rejects or uses a mapping: '\(actionKey)' and '\(actions[1].0)' exclude each other")
        }
        let action: MappingRule.Action
        switch actionKey {
        case "emit": action = .emit(try emits(actionNode, compiler.adding(["output"])))
        case "skip": action = .skip(try nonEmpty(actionNode, "skip"))
        case "use":
            if remember != nil { throw actionNode.error("a rule that uses a mapping remembers nothing itself (the used mapping's rules do): drop 'remember' or 'use'") }
            let target = try nonEmpty(actionNode, "use")
            action = .use(Delegation(mapping: try context.loader.mapping(target, from: context.origin, at: actionNode, given: context.given)))
        default:
            if remember != nil { throw actionNode.error("a rejecting rule remembers nothing: drop 'remember' or 'reject'") }
            action = .reject(try nonEmpty(actionNode, "reject"))
        }
        return MappingRule(name: name, match: match, matchLocation: matchNode.location, bindings: bindings, skipIf: skipIf, remember: remember, action: action)
    }

    private static func emits(_ node: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> [MappingRule.Emit] {
        let templates = node.kind == .array ? node.elements : [node]
        guard !templates.isEmpty else { throw node.error("emit needs at least one template (use 'skip' to emit nothing)") }
        var emits: [MappingRule.Emit] = []
        for template in templates {
            let compiled = try compiler.template(template)
            if case .literal(let value) = compiled, value.objectValue == nil {
                throw template.error("an emitted envelope must be an object, not \(template.typeDescription)")
            }
            emits.append(MappingRule.Emit(template: compiled, location: template.location))
        }
        return emits
    }

    private static func remember(_ node: SourceNode, _ compiler: TemplateCompiler) throws(MappingError) -> RememberSpec {
        let fields = try node.checkedMembers(["key", "values"], in: "remember")
        guard let key = fields["key"], let valuesNode = fields["values"] else {
            throw node.error("remember needs 'key' (an expression giving the client key) and 'values' (name → expression)")
        }
        guard valuesNode.kind == .object, !valuesNode.members.isEmpty else {
            throw valuesNode.error("remember/values must be a non-empty object of name → expression")
        }
        var values: [(name: String, expression: Expression)] = []
        for member in valuesNode.members {
            values.append((member.key, try compiler.expression(member.value, "a remembered value")))
        }
        return RememberSpec(key: try compiler.expression(key, "remember/key"), values: values, location: node.location)
    }

    private static func recall(_ node: SourceNode, _ base: TemplateCompiler, remembered: Set<String>) throws(MappingError) -> RecallSpec {
        let fields = try node.checkedMembers(["key", "set"], in: "recall")
        guard let key = fields["key"], let setNode = fields["set"] else {
            throw node.error("recall needs 'key' (an expression over the envelope giving the client key) and 'set' (envelope field → remembered name)")
        }
        guard setNode.kind == .object, !setNode.members.isEmpty else {
            throw setNode.error("recall/set must be a non-empty object of envelope field → remembered name")
        }
        var set: [(field: String, name: String)] = []
        for member in setNode.members {
            let name = try member.value.requireString("a remembered name")
            guard remembered.contains(name) else {
                throw member.value.error("no rule remembers '\(name)'" + (remembered.isEmpty ? "" : Suggestion.phrase(for: name, among: remembered.sorted())))
            }
            set.append((member.key, name))
        }
        let compiler = TemplateCompiler(variables: ["config"], configNames: base.configNames, layout: base.layout, constants: base.constants)
        return RecallSpec(key: try compiler.expression(key, "recall/key"), fields: set, location: key.location)
    }

    private static func unmatched(_ node: SourceNode?) throws(MappingError) -> UnmatchedPolicy {
        guard let node else { return .reject }
        if node.string == "reject" { return .reject }
        guard node.kind == .object else { throw node.error("unmatched must be \"reject\" or {\"skip\": \"reason\"}") }
        let fields = try node.checkedMembers(["skip"], in: "unmatched")
        guard let skip = fields["skip"] else { throw node.error("unmatched must be \"reject\" or {\"skip\": \"reason\"}") }
        return .skip(try nonEmpty(skip, "unmatched/skip"))
    }

    private static func nonEmpty(_ node: SourceNode, _ what: String) throws(MappingError) -> String {
        let text = try node.requireString(what)
        guard !text.isEmpty else { throw node.error("\(what) must not be empty") }
        return text
    }
}
