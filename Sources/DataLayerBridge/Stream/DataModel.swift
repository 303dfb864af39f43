/// Google Tag Manager's data model, per client: what `convert --data-model` maps instead of each
/// push on its own.
///
/// GTM does not read a push by itself: it merges every push into one "abstract data model" and
/// tags read the model, so a `{"user_id": "42"}` pushed once is there for every later event. The
/// merge follows google/data-layer-helper's table: an object merged onto an object and an array
/// onto an array merge recursively (arrays index by index: `[1, 2, 3]` then `[9]` gives
/// `[9, 2, 3]`); anything else overwrites, so `{"ecommerce": null}` resets `ecommerce`. Keys are
/// taken as written: a dotted key such as `gtm.start` stays one key (GTM would nest it), because
/// mappings address it that way. The model is kept in the normaliser's canonical shape: GA4
/// ecommerce parameters pushed at the top level (`{"event": …, "items": […]}`) merge under
/// `ecommerce`, so `{"ecommerce": null}` clears them as well; a reset `ecommerce` is then absent.
///
/// **Whose model.** An export interleaves many visitors, so there is one model per client: the
/// push's own `client_id`, else `cid`, `user_pseudo_id`, `_ga` (the fields the built-in mappings
/// read; the first that is a non-empty string or a number; a GA cookie `GA1.n.a.b` counts as `a.b`).
/// A push without one merges into the *anonymous* model of its input (a `window.dataLayer` dump
/// is one browser's page, and carries no client ids at all). Client models run on across the
/// inputs of a stream; each input starts a fresh anonymous model. A dump in which only some pushes
/// carry the client id therefore splits between the two models: exporters should stamp every
/// record.
///
/// **Transient keys.** `event`, `event_id`, `timestamp`, `event_timestamp` and every `gtm.*` key
/// describe one push, not the page: GTM keeps the last of each in its model, but rules see only
/// the push's own (absent when it has none). Otherwise a push without `event` would replay the
/// previous event, and one without `event_id` would repeat the previous envelope id.
///
/// **Memory.** Each client's model lives as long as the stream, so at most `maxClients` are kept;
/// past that the least recently pushed-to client's model is dropped (counted in
/// ``evictedClients``), and a later push of that client starts a fresh model. A client's model
/// grows with the distinct keys and longest arrays it was pushed, like the browser's.
///
/// Pushes must be applied in input order: the stream converter does it in one sequential stage,
/// so the output is the same for any number of jobs.
public struct DataModel: Sendable {
    /// The push members that identify its client, in order of preference.
    public static let clientFields = ["client_id", "cid", "user_pseudo_id", "_ga"]

    /// The most client models kept; at least 1.
    public let maxClients: Int
    /// How many client models were dropped to stay within ``maxClients``.
    public private(set) var evictedClients = 0
    /// The number of client models held now (the anonymous model not counted).
    public var clientCount: Int { clients.count }

    private var anonymous = JSONObject()
    private var clients: ClientModels

    /// An empty model for every client. `maxClients` bounds memory (see the type's discussion).
    public init(maxClients: Int = 100_000) {
        self.maxClients = max(1, maxClients)
        clients = ClientModels(capacity: self.maxClients)
    }

    /// Whether `key` describes one push rather than the page: never kept in a model.
    public static func isTransient(_ key: String) -> Bool {
        key == "event" || key == "event_id" || key == "timestamp" || key == "event_timestamp" || key.hasPrefix("gtm.")
    }

    /// Starts the next input: pushes without a client id merge into a fresh anonymous model.
    public mutating func startInput() {
        anonymous = JSONObject()
    }

    /// Merges `push` into its client's model and returns what rules see: the model, with the
    /// push's own transient keys.
    public mutating func apply(_ push: JSONObject) -> JSONObject {
        var view: JSONObject
        if let client = Self.client(of: push) {
            let (slot, evicted) = clients.slot(for: client)
            if evicted { evictedClients += 1 }
            view = clients.merge(push, at: slot)
        } else {
            Self.merge(push, into: &anonymous)
            view = anonymous
        }
        for member in push.uniqueMembers where Self.isTransient(member.key) {
            view.append(key: member.key, value: member.value)
        }
        return view
    }

    /// The client key of a push (a non-empty string, or a number by its exact text), or `nil` when
    /// it names none.
    static func client(of push: JSONObject) -> String? {
        for field in clientFields {
            switch push[field] {
            case .string(let text)? where !text.isEmpty:
                let parts = text.split(separator: ".", omittingEmptySubsequences: false)
                return parts.count == 4 && parts[0] == "GA1" ? parts[2] + "." + parts[3] : text
            case .number(let number)?:
                return number.text
            default:
                continue
            }
        }
        return nil
    }

    /// Merges the non-transient members of `push` into `model`, as GTM does, keeping the model in
    /// the shape mappings read: the push's top-level GA4 ecommerce parameters merge under
    /// `ecommerce`, as ``InputNormalizer`` moves them, and a reset `ecommerce` (`null`, `[]`)
    /// removes the model's `ecommerce` before the parameters beside it merge.
    static func merge(_ push: JSONObject, into model: inout JSONObject) {
        if let ecommerce = push["ecommerce"], ecommerce.isNull || ecommerce == [] { model["ecommerce"] = nil }
        for member in InputNormalizer.hoistingEcommerceParameters(push).uniqueMembers where !isTransient(member.key) {
            model[member.key] = merged(model[member.key], member.value)
        }
    }

    /// google/data-layer-helper's merge: objects onto objects and arrays onto arrays recursively,
    /// anything else overwrites. Recursion is bounded by the parser's nesting limit.
    static func merged(_ existing: JSONValue?, _ new: JSONValue) -> JSONValue {
        switch (existing, new) {
        case (.object(var object)?, .object(let added)):
            for member in added.uniqueMembers { object[member.key] = merged(object[member.key], member.value) }
            return .object(object)
        case (.array(var elements)?, .array(let added)):
            for (index, element) in added.enumerated() {
                if index < elements.count {
                    elements[index] = merged(elements[index], element)
                } else {
                    elements.append(element)
                }
            }
            return .array(elements)
        default:
            return new
        }
    }
}

/// The client models, least recently used first out: a doubly linked list threaded through an
/// array, so finding, refreshing and evicting are O(1).
private struct ClientModels: Sendable {
    private struct Slot: Sendable {
        var key: String
        var model: JSONObject
        var newer: Int
        var older: Int
    }

    private let capacity: Int
    private var slots: [Slot] = []
    private var index: [String: Int] = [:]
    /// The most and least recently used slots; -1 when empty.
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { index.count }

    /// The slot of `key`, now the most recently used; a new client takes the least recently used
    /// slot when all are taken (`evicted` is then `true`).
    mutating func slot(for key: String) -> (slot: Int, evicted: Bool) {
        if let slot = index[key] {
            unlink(slot)
            link(slot)
            return (slot, false)
        }
        var evicted = false
        let slot: Int
        if slots.count < capacity {
            slots.append(Slot(key: key, model: JSONObject(), newer: -1, older: -1))
            slot = slots.count - 1
        } else {
            slot = oldest
            unlink(slot)
            index[slots[slot].key] = nil
            slots[slot].key = key
            slots[slot].model = JSONObject()
            evicted = true
        }
        index[key] = slot
        link(slot)
        return (slot, evicted)
    }

    /// Merges `push` into the model in `slot` and returns the model.
    mutating func merge(_ push: JSONObject, at slot: Int) -> JSONObject {
        DataModel.merge(push, into: &slots[slot].model)
        return slots[slot].model
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (slots[slot].newer, slots[slot].older)
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = -1
        slots[slot].older = -1
    }

    private mutating func link(_ slot: Int) {
        slots[slot].older = newest
        if newest >= 0 { slots[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
