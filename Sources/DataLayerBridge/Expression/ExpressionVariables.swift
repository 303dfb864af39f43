/// The variables an evaluation starts with: the outermost lexical scope, under any `let`.
///
/// Values live in slots of a ``VariableLayout``; an expression bound to the same layout reads
/// them by position, and anything else by name.
public struct ExpressionVariables: Sendable {
    private var layout: VariableLayout
    private var values: [JSONValue?]

    /// Creates a scope from name → value (names without the `$`).
    public init(_ bindings: [String: JSONValue] = [:]) {
        layout = VariableLayout(names: bindings.keys.sorted())
        values = layout.names.map { bindings[$0] }
    }

    /// An empty scope with a slot for every name of `layout`, so that binding them one by one
    /// (a rule's `let`s) never regrows anything.
    init(layout: VariableLayout) {
        self.layout = layout
        values = Array(repeating: nil, count: layout.names.count)
    }

    /// The value bound to `name` (without the `$`); setting `nil` unbinds it.
    public subscript(name: String) -> JSONValue? {
        get { layout.slots[name].flatMap { values[$0] } }
        set {
            if let slot = layout.slots[name] {
                values[slot] = newValue
            } else if newValue != nil {
                layout = layout.appending(name)
                values.append(newValue)
            }
        }
    }

    /// Binds `name`, which the layout is expected to hold in `slot` (a mapping's host variables
    /// and `let`s, placed when it compiled): no name is hashed when it does.
    mutating func set(_ value: JSONValue?, slot: Int, name: String) {
        if slot < values.count, layout.names[slot] == name { values[slot] = value } else { self[name] = value }
    }

    /// Binds the value in `slot` of the layout these variables were made with: what a rule's
    /// `let`s, placed in that layout when the mapping compiled, do without comparing names.
    mutating func set(_ value: JSONValue?, layoutSlot slot: Int) { values[slot] = value }

    /// The value of `name`, which an expression bound to a layout expects in `slot`. Checking the
    /// name (an identity comparison when the layouts agree) keeps a mismatched layout correct.
    func value(slot: Int, name: String) -> JSONValue? {
        if slot < values.count, layout.names[slot] == name { return values[slot] }
        return self[name]
    }

    /// The bound names.
    public var names: Set<String> { Set(layout.names.indices.lazy.filter { values[$0] != nil }.map { layout.names[$0] }) }
}

/// Variable names in slot order, fixed when a mapping is compiled. A class: every evaluation
/// copies its variables, and the layout is then one reference, not an array and a dictionary.
final class VariableLayout: Sendable {
    let names: [String]
    let slots: [String: Int]

    init(names: some Sequence<String>) {
        var ordered: [String] = []
        var slots: [String: Int] = [:]
        for name in names where slots[name] == nil {
            slots[name] = ordered.count
            ordered.append(name)
        }
        self.names = ordered
        self.slots = slots
    }

    /// This layout with `name` added in a new last slot.
    func appending(_ name: String) -> VariableLayout { VariableLayout(names: names + [name]) }
}
