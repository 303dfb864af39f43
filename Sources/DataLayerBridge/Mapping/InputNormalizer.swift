#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the normaliser made of one record.
public enum NormalizedRecord: Sendable, Hashable {
    /// A canonical push (see ``InputNormalizer``), ready for a mapping.
    case push(JSONValue)
    /// A well-formed record that carries nothing to map: a gtag command, an `ecommerce` reset, a GTM
    /// system event. `reason` is one of ``InputNormalizer/Reason``; `detail` says which record it was.
    case skip(reason: String, detail: String)
    /// A record that cannot be read as a push at all. `reason` is one of ``InputNormalizer/Reason``.
    case reject(reason: String, detail: String)
}

/// Turns the shapes found in exported dataLayer logs into one canonical push, so that a mapping
/// file has a single shape to read.
///
/// The canonical push is an object `{"event": name, …other top-level keys, "ecommerce": {…}}`:
/// - `event`, when present, is a string. A push without `event` (or with `event: null` beside real
///   data) is returned without the member: Universal Analytics pushes look like that, and deciding
///   what they mean is the mapping's business, not the normaliser's.
/// - `ecommerce`, when present, is an object holding the GA4 event-level ecommerce parameters
///   (``ecommerceParameters``). Sites that push them at the top level (`{event, items,
///   item_list_name}`) get them moved under `ecommerce`, unless `ecommerce` already has a member of
///   that name — then both stay where they are. A mapping therefore reads `ecommerce.items` only.
///   A non-object `ecommerce` other than a reset marker (`"x"`, `[1]`) is left alone.
/// - Everything else (`client_id`, `page_location`, `gtm.uniqueEventId`, …) stays at the top level.
///
/// The record shapes it understands:
/// - gtag() `Arguments` serialised by `JSON.stringify` as `{"0":"event","1":name,"2":{…}}` (an
///   object with a string `"0"` and no `event`) become `{"event": name, …params}`; the positional
///   name wins over an `event` member among the parameters, the parameters win over what GTM added
///   beside the indices (`gtm.uniqueEventId`), and indices past `"2"` are ignored, as gtag ignores
///   them. Any other command (`js`, `config`, `set`, `consent`, `get`) is skipped.
/// - `{"ecommerce": null}`, `{"ecommerce": []}` and `{"event": null, "ecommerce": null}` reset
///   GTM's merged data model between pushes; they are skipped. Without an event name, a push counts
///   as a reset when its `ecommerce` is `null` or `[]` and no ecommerce parameter at the top level
///   carries data: what an exporter adds to every record (`client_id`, `timestamp`) does not make
///   it an event. With an event name, only `gtm.*` keys and `null`s may accompany it
///   (`{"event": "Function_Reset_Ecomm_Array", "ecommerce": []}`): a named event with anything
///   more (`{"event": "page_view", "ecommerce": null, "page_location": …}`) is a real event.
/// - GTM's own events (`event` starting with `gtm.`: `gtm.js`, `gtm.dom`, `gtm.click`, …) are
///   skipped. `gtm.start` is a timestamp member of the `gtm.js` push, not an event.
/// - Anything that is not a JSON object is rejected.
///
/// Normalising is idempotent: a canonical push normalises to itself.
public struct InputNormalizer: Sendable {
    /// The reasons the normaliser gives for skipping or rejecting a record.
    public enum Reason {
        /// A gtag() command other than `event`: `js`, `config`, `set`, `consent`, `get`.
        public static let gtagCommand = "gtag-command"
        /// A push that only clears GTM's merged `ecommerce` object.
        public static let ecommerceReset = "ecommerce-reset"
        /// An event GTM pushes on its own (`gtm.js`, `gtm.dom`, `gtm.load`, `gtm.click`, …).
        public static let gtmSystemEvent = "gtm-system-event"
        /// The record is a string, number, array, Boolean or null.
        public static let notAnObject = "not-an-object"
        /// A gtag `Arguments` object for `event` without a string name, or with parameters that are
        /// not an object.
        public static let malformedGtagArguments = "malformed-gtag-arguments"
        /// `event` is a number, Boolean, array or object: no event name can be read from it.
        public static let invalidEventName = "invalid-event-name"
    }

    /// GA4 event-level ecommerce parameters, plus the Luigi's Box collector's `filters` and `scopes`:
    /// the members moved from the top level under `ecommerce`.
    public static let ecommerceParameters: [String] = [
        "items", "item_list_id", "item_list_name", "search_term",
        "transaction_id", "value", "currency", "coupon", "shipping", "tax", "affiliation",
        "payment_type", "shipping_tier",
        "creative_name", "creative_slot", "promotion_id", "promotion_name",
        "filters", "scopes",
    ]

    /// Whether the UTF-8 `key` is one of ``ecommerceParameters``.
    static func isEcommerceParameter(_ key: UnsafeRawBufferPointer) -> Bool {
        PushKeyNames.shared.isEcommerceParameter(key)
    }

    private static func isEcommerceParameter(_ key: String) -> Bool {
        key.withBytes { isEcommerceParameter(UnsafeRawBufferPointer($0)) }
    }

    /// Creates a normaliser.
    public init() {}

    /// Normalises one record of an exported log.
    public func normalize(_ record: JSONValue) -> NormalizedRecord {
        guard case .object(var push) = record else {
            return .reject(reason: Reason.notAnObject, detail: "the record is \(Self.describe(record)), not an object")
        }
        if case .string(let command) = push["0"], push["event"] == nil {
            switch Self.gtagEvent(push, command: command) {
            case .success(let event): push = event
            case .failure(let outcome): return outcome.record
            }
        }
        if let event = push["event"], !event.isNull, event.stringValue == nil {
            return .reject(reason: Reason.invalidEventName, detail: "event is \(Self.describe(event)), not a string")
        }
        if let skip = Self.skip(ObjectPush(object: push)) { return skip }
        if push["event"]?.isNull == true { push["event"] = nil }
        return .push(.object(Self.hoistingEcommerceParameters(push)))
    }

    /// What GTM merges into its data model for `record` (see ``DataModel``): the object as pushed,
    /// a gtag `event` command as the push it stands for; `nil` for anything else (not an object,
    /// another gtag command, a malformed one).
    func message(_ record: JSONValue) -> JSONObject? {
        guard case .object(let push) = record else { return nil }
        guard case .string(let command) = push["0"], push["event"] == nil else { return push }
        return try? Self.gtagEvent(push, command: command).get()
    }

    /// A skip or reject decided while reading gtag `Arguments`.
    private struct Outcome: Error {
        let record: NormalizedRecord
    }

    /// The push a gtag `Arguments` object stands for, or why there is none.
    private static func gtagEvent(_ arguments: JSONObject, command: String) -> Result<JSONObject, Outcome> {
        guard command == "event" else {
            return .failure(Outcome(record: .skip(reason: Reason.gtagCommand, detail: "gtag('\(command)', …)")))
        }
        guard case .string(let name) = arguments["1"] else {
            let found = arguments["1"].map(describe) ?? "missing"
            return .failure(Outcome(record: .reject(
                reason: Reason.malformedGtagArguments, detail: "gtag('event', …) event name is \(found)")))
        }
        var push = JSONObject()
        push.append(key: "event", value: .string(name))
        switch arguments["2"] {
        case nil, .null?:
            break
        case .object(let parameters)?:
            for member in parameters where member.key != "event" {
                push.append(key: member.key, value: member.value)
            }
        case let other?:
            return .failure(Outcome(record: .reject(
                reason: Reason.malformedGtagArguments,
                detail: "gtag('event', '\(name)', …) parameters are \(describe(other)), not an object")))
        }
        for member in arguments where !isIndex(member.key) && push[member.key] == nil {
            push.append(key: member.key, value: member.value)
        }
        return .success(push)
    }

    /// What normalising a record comes to, as far as its tape tells before anything is materialised.
    enum TapeVerdict: Equatable {
        /// A skip: a GTM system event or an `ecommerce` reset, which are most of a log's records.
        case decided(NormalizedRecord)
        /// A push that ``normalize(_:)`` would return as it is: its materialised value is the
        /// canonical push.
        case canonical
        /// Only ``normalize(_:)`` of the materialised value can tell: not an object, gtag
        /// `Arguments`, an event name that is not a string or is null, ecommerce parameters to move.
        case undecided
    }

    /// The verdict on the record parsed into `tape`; whatever it decides is what ``normalize(_:)``
    /// of the materialised record would decide.
    func verdict(_ tape: JSONTape) -> TapeVerdict {
        guard tape.kind(tape.root) == .object else { return .undecided }
        let push = TapePush(tape: tape, object: tape.root)
        let event = push.event
        switch event {
        case nil:
            if let zero = push.zeroNode, tape.kind(zero) == .string { return .undecided }
        case .string?, .null?:
            break
        case .emptyArray?, .other?:
            return .undecided
        }
        if let skip = Self.skip(push) { return .decided(skip) }
        guard event != .null else { return .undecided }
        // As hoistingEcommerceParameters returns a push unchanged.
        guard let ecommerce = push.ecommerceNode else { return push.hasEcommerceParameter ? .undecided : .canonical }
        switch push.ecommerce {
        case .null?, .emptyArray?: return .undecided
        default: return tape.kind(ecommerce) == .object && push.hasEcommerceParameter ? .undecided : .canonical
        }
    }

    /// A GTM system event (`event` starting with `gtm.`) or a push that only resets `ecommerce`
    /// (`null` or `[]`) with nothing else that carries data; `nil` for a push with data.
    private static func skip(_ push: some PushMembers) -> NormalizedRecord? {
        if let name = push.gtmSystemEventName {
            return .skip(reason: Reason.gtmSystemEvent, detail: quoted(event: name))
        }
        guard let ecommerce = push.ecommerce, ecommerce.isResetMarker else { return nil }
        let carriesData = push.event == .string ? push.carriesNonGTMMember : push.carriesEcommerceParameter
        // Literals, not interpolated: a literal string is made once, at compile time.
        return carriesData ? nil : .skip(reason: Reason.ecommerceReset, detail: ecommerce == .null ? "ecommerce: null" : "ecommerce: []")
    }

    /// `event "name"`, written in one go: interpolating it appended three times, and GTM's events
    /// are most of a log's records.
    static func quoted(event name: String) -> String {
        // Found by the words of its small string: any other name is written below.
        for known in frequentGTMEventDetails where known.name.decides(name) == true { return known.detail }
        return writtenQuoted(event: name)
    }

    /// ``quoted(event:)`` of GTM's own page events, which are most of a log's records (a third of
    /// them each in the bench corpus), and of its most frequent others: made once, not at every
    /// skip. Empty where small strings are not laid out as ``SmallASCIILiteral`` expects.
    private static let frequentGTMEventDetails: [(name: SmallASCIILiteral, detail: String)] =
        ["gtm.js", "gtm.dom", "gtm.load", "gtm.click", "gtm.scrollDepth"].compactMap { name in
            SmallASCIILiteral(name).map { ($0, writtenQuoted(event: name)) }
        }

    /// ``quoted(event:)``, written.
    private static func writtenQuoted(event name: String) -> String {
        let prefix: StaticString = "event \""
        return name.withBytes { bytes in
            String(unsafeUninitializedCapacity: prefix.utf8CodeUnitCount + bytes.count + 1) { buffer in
                let base = buffer.baseAddress.unsafelyUnwrapped
                base.update(from: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
                if let name = bytes.baseAddress { (base + prefix.utf8CodeUnitCount).update(from: name, count: bytes.count) }
                base[prefix.utf8CodeUnitCount + bytes.count] = UInt8(ascii: "\"")
                return prefix.utf8CodeUnitCount + bytes.count + 1
            }
        }
    }

    /// `name.hasPrefix("gtm.")`, which compares characters (`gtm.` followed by a combining mark is
    /// no prefix), decided on the first five bytes when they are ASCII: then each is a character of
    /// its own.
    static func isGTMEventName(_ name: String) -> Bool {
        name.withBytes { isGTMEventName(utf8: UnsafeRawBufferPointer($0)) } ?? name.hasPrefix("gtm.")
    }

    /// ``isGTMEventName(_:)`` of the name whose UTF-8 is `utf8`, when its first five bytes decide
    /// it; `nil` when one of them is not ASCII.
    static func isGTMEventName(utf8: UnsafeRawBufferPointer) -> Bool? {
        for index in 0..<min(utf8.count, 5) where utf8[index] >= 0x80 { return nil }
        return startsWithGTM(utf8)
    }

    /// The push with top-level ecommerce parameters moved under `ecommerce` (created at the end when
    /// absent), and a reset-marker `ecommerce` beside real data dropped or replaced.
    static func hoistingEcommerceParameters(_ push: JSONObject) -> JSONObject {
        var ecommerce = JSONObject()
        switch push["ecommerce"] {
        case .object(let existing)?: ecommerce = existing
        case let marker? where !MemberShape(marker).isResetMarker: return push
        default: break
        }
        // The usual GA4 push keeps its parameters inside `ecommerce` already: then it is returned
        // as it is, not rebuilt (a copy of every member, freed again after mapping).
        let existing = push["ecommerce"]
        if existing == nil || existing?.objectValue != nil, !push.members.contains(where: { isEcommerceParameter($0.key) }) {
            return push
        }
        // One pass over the members: a parameter `ecommerce` lacks moves there at its first
        // appearance with its last value (as lookup reads it) and leaves the top level with all its
        // duplicates; every other member stays in order. Removing each moved key from a copy of
        // the push instead scanned and shifted its members once per key, and copied them first.
        let original = ecommerce
        var result = JSONObject(capacity: push.count)
        for member in push.members {
            guard isEcommerceParameter(member.key), original[member.key] == nil else {
                result.append(member)
                continue
            }
            if ecommerce[member.key] == nil, let last = push[member.key] { ecommerce.append(key: member.key, value: last) }
        }
        result["ecommerce"] = ecommerce.isEmpty && push["ecommerce"]?.objectValue == nil ? nil : .object(ecommerce)
        return result
    }

    /// `"0"`, `"1"`, `"2"`, …: the keys `JSON.stringify` gives the positions of an `Arguments` object.
    private static func isIndex(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        default: return "a \(value.typeName)"
        }
    }
}
