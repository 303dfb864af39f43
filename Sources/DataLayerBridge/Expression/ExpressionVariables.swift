/// The variables an evaluation starts with: the outermost lexical scope, under any `let`.
///
/// Values live in slots of a ``VariableLayout``; an expression bound to the same layout reads
/// them by position, and anything else by name.
public struct ExpressionVariables: @unchecked Sendable {
    private var layout: VariableLayout
    /// Unchecked because `ManagedBuffer` cannot be `Sendable`: the slots are only ever changed
    /// through variables that hold their sole reference (``makeUnique()``), so what threads
    /// share is never written.
    private var slots: SlotStorage

    /// Creates a scope from name → value (names without the `$`).
    public init(_ bindings: [String: JSONValue] = [:]) {
        layout = VariableLayout(names: bindings.keys.sorted())
        slots = SlotStorage.make(count: layout.names.count)
        for (slot, name) in layout.names.enumerated() { slots[slot] = bindings[name] }
    }

    /// An empty scope with a slot for every name of `layout`, so that binding them one by one
    /// (a rule's `let`s) never regrows anything.
    init(layout: VariableLayout) {
        self.layout = layout
        slots = SlotStorage.make(count: layout.names.count)
    }

    /// The value bound to `name` (without the `$`); setting `nil` unbinds it.
    public subscript(name: String) -> JSONValue? {
        get { layout.slots[name].flatMap { slots[$0] } }
        set {
            if let slot = layout.slots[name] {
                makeUnique()
                slots[slot] = newValue
            } else if newValue != nil {
                layout = layout.appending(name)
                slots = slots.copy(count: layout.names.count)
                slots[layout.names.count - 1] = newValue
            }
        }
    }

    /// Binds `name`, which the layout is expected to hold in `slot` (a mapping's host variables
    /// and `let`s, placed when it compiled): no name is hashed when it does.
    mutating func set(_ value: JSONValue?, slot: Int, name: String) {
        guard slot < slots.count, layout.names[slot] == name else {
            self[name] = value
            return
        }
        makeUnique()
        slots[slot] = value
    }

    /// Binds the value in `slot` of the layout these variables were made with: what a rule's
    /// `let`s, placed in that layout when the mapping compiled, do without comparing names.
    mutating func set(_ value: consuming JSONValue?, layoutSlot slot: Int) {
        // The one path that trusts its slot: checked, as an `Array`'s index was, so that a slot
        // from another layout stops the program instead of writing past the buffer.
        precondition(slot >= 0 && slot < slots.count, "variable slot out of range")
        makeUnique()
        slots[slot] = value
    }

    /// The value of `name`, which an expression bound to a layout expects in `slot`. Checking the
    /// name (an identity comparison when the layouts agree) keeps a mismatched layout correct.
    func value(slot: Int, name: String) -> JSONValue? {
        if slot < slots.count, layout.names[slot] == name { return slots[slot] }
        return self[name]
    }

    /// ``ExpressionArithmetic/smallInteger(of:)`` of the value of `name` in `slot`, read where it
    /// lies; `nil` when the value is anything else or the slot is not `name`'s (``value(slot:name:)``).
    func smallInteger(slot: Int, name: String) -> Int64? {
        guard slot < slots.count, layout.names[slot] == name else { return nil }
        return slots.withUnsafeMutablePointerToElements { ExpressionArithmetic.smallInteger(of: $0[slot]) }
    }

    /// `body` applied to the value of `name` in `slot`, read where it lies (not copied, retained and
    /// released, to be looked at); `nil` when the slot is not `name`'s or holds no value, which
    /// ``value(slot:name:)`` reads.
    @inline(__always)
    func withValue<Result>(slot: Int, name: String, _ body: (JSONValue) -> Result) -> Result? {
        guard slot < slots.count, layout.names[slot] == name else { return nil }
        return slots.withUnsafeMutablePointerToElements { slots in
            guard case .some(let value) = slots[slot] else { return nil }
            return body(value)
        }
    }

    /// The bound names.
    public var names: Set<String> { Set(layout.names.indices.lazy.filter { slots[$0] != nil }.map { layout.names[$0] }) }

    /// Copy on write: these variables are a value, their slots a shared buffer until one changes.
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&slots) { slots = slots.copy(count: slots.count) }
    }
}

/// The slots of ``ExpressionVariables``: a buffer that frees its values one by one with their own
/// type's code. An `Array` of optional values was freed through the generic witness of `Optional`,
/// about 50 instructions a slot, and a push has a slot for every `let` of its mapping.
final class SlotStorage: ManagedBuffer<Int, JSONValue?> {
    /// `count` empty slots.
    static func make(count: Int) -> SlotStorage {
        let storage = unsafeDowncast(create(minimumCapacity: count) { _ in count }, to: SlotStorage.self)
        storage.withUnsafeMutablePointerToElements { $0.initialize(repeating: nil, count: count) }
        return storage
    }

    /// The number of slots, read through a pointer: reading `header` (a class's `var`) is checked
    /// for exclusive access at run time, which cost more than the read.
    var count: Int { withUnsafeMutablePointerToHeader { $0.pointee } }

    /// The value in `slot`, unchecked: ``ExpressionVariables`` reads and writes only slots its
    /// layout has, which has as many as this buffer.
    subscript(slot: Int) -> JSONValue? {
        @inline(__always) get { withUnsafeMutablePointerToElements { $0[slot] } }
        @inline(__always) set { withUnsafeMutablePointerToElements { $0[slot] = newValue } }
    }

    /// A copy with `count` slots (at least as many as this one), the new ones empty.
    func copy(count newCount: Int) -> SlotStorage {
        let copy = SlotStorage.make(count: newCount)
        withUnsafeMutablePointerToElements { source in
            copy.withUnsafeMutablePointerToElements { target in
                for slot in 0..<count { target[slot] = source[slot] }
            }
        }
        return copy
    }

    deinit {
        // Each value moved out and dropped: freed by `JSONValue?`'s own code, not a generic witness.
        withUnsafeMutablePointers { count, slots in
            for slot in 0..<count.pointee { _ = (slots + slot).move() }
        }
    }
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
