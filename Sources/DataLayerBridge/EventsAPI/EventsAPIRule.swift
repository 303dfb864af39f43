/// One family of Events API rules (the envelope's identity members, list items, transactions…).
///
/// Each rule looks at a whole envelope and reports what it owns, so the rules stay small, are tested
/// one by one, and never report the same problem twice.
protocol EventsAPIRule: Sendable {
    /// Reports this rule family's findings for `envelope` into `findings`.
    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings)
}

extension EventsAPIRule {
    /// This rule's findings alone, for tests.
    func findings(for envelope: JSONObject) -> [EventsAPIFinding] {
        var findings = EventsAPIFindings()
        check(envelope, into: &findings)
        return findings.list
    }
}

/// What a member must hold, with the reason given when it does not.
enum EventsAPIType: Sendable {
    case string
    /// A non-empty string: object identities and ids, where `""` identifies nothing.
    case identifier
    /// A non-empty string or an integer: `client_id` and `customer_id` ("String or Integer").
    case identifierOrInteger
    case object
    case array
    case boolean
    /// A number with an integral exact value (`3`, `3.0`, `3e0`).
    case integer
    case number
    /// A number, or `null`: list item `price`, `null` in the Events API guide's own examples.
    case numberOrNull

    /// `nil` when `value` fits, else why not.
    func mismatch(_ value: JSONValue) -> String? {
        switch (self, value) {
        case (.string, .string), (.object, .object), (.array, .array), (.boolean, .bool),
            (.number, .number), (.numberOrNull, .number), (.numberOrNull, .null):
            return nil
        case (.identifier, .string(let text)), (.identifierOrInteger, .string(let text)):
            return text.isEmpty ? "must not be empty" : nil
        case (.integer, .number(let number)), (.identifierOrInteger, .number(let number)):
            return number.isInteger ? nil : "\(expectation), not \(number.text)"
        default:
            return "\(expectation), not \(value.typeName)"
        }
    }

    private var expectation: String {
        switch self {
        case .string: return "must be a string"
        case .identifier: return "must be a non-empty string"
        case .identifierOrInteger: return "must be a non-empty string or an integer"
        case .object: return "must be an object"
        case .array: return "must be an array"
        case .boolean: return "must be a boolean"
        case .integer: return "must be an integer"
        case .number: return "must be a number"
        case .numberOrNull: return "must be a number or null"
        }
    }
}

/// What a missing member means.
enum Presence: Sendable {
    /// An error: the documents mark the member required.
    case required
    /// A warning with this reason: the documents recommend the member (or disagree about it).
    case recommended(String)
    /// Nothing.
    case optional
}

/// The findings of one envelope, collected in the order the rules report them.
struct EventsAPIFindings: Sendable {
    private(set) var list: [EventsAPIFinding] = []
    /// The envelope's lists, found once for the several rules that look at them.
    private var lists: [EventsAPIList]?
    /// The envelope's event type (`.some(nil)` when unknown), found once for the several rules
    /// that branch on it.
    private var eventType: EventsAPIEventType??

    /// The lists of `envelope`, the envelope these findings are about.
    mutating func lists(of envelope: JSONObject) -> [EventsAPIList] {
        if let lists { return lists }
        let found = eventType(of: envelope) == .event ? EventsAPIList.lists(of: envelope) : []
        lists = found
        return found
    }

    /// The event type of `envelope`, the envelope these findings are about.
    mutating func eventType(of envelope: JSONObject) -> EventsAPIEventType? {
        if let eventType { return eventType }
        let found = EventsAPIEventType(of: envelope)
        eventType = found
        return found
    }

    mutating func error(_ pointer: JSONPointer, _ reason: String) {
        list.append(EventsAPIFinding(severity: .error, pointer: pointer.description, reason: reason))
    }

    mutating func warning(_ pointer: JSONPointer, _ reason: String) {
        list.append(EventsAPIFinding(severity: .warning, pointer: pointer.description, reason: reason))
    }

    /// Member `key` of `object` (at `pointer`) when present and of `type`; otherwise reports it (a
    /// missing member as `presence` says) and returns `nil`.
    mutating func member(
        _ key: String, of object: JSONObject, at pointer: JSONPointer, _ type: EventsAPIType, _ presence: Presence
    ) -> JSONValue? {
        // The member's pointer is spelled out only for a finding: most members are fine.
        guard let value = object[key] else {
            switch presence {
            case .required: error(pointer.appending(key), "required member is missing")
            case .recommended(let reason): warning(pointer.appending(key), "missing; \(reason)")
            case .optional: break
            }
            return nil
        }
        if let mismatch = type.mismatch(value) {
            error(pointer.appending(key), mismatch)
            return nil
        }
        return value
    }

    /// The object member `key` that an envelope of `type` requires; `nil` for envelopes of other
    /// types, and (reported) when the member is missing or not an object.
    mutating func payload(_ key: String, of envelope: JSONObject, for type: EventsAPIEventType) -> JSONObject? {
        guard eventType(of: envelope) == type else { return nil }
        return object(key, of: envelope, at: .root, .required)
    }

    /// Calls `body` with each element of `array` (at `pointer`) that is an object, its index and
    /// its pointer, and reports the others, keeping the findings in document order.
    mutating func forEachObject(
        in array: [JSONValue], at pointer: JSONPointer,
        _ body: (inout EventsAPIFindings, _ index: Int, _ object: JSONObject, _ pointer: JSONPointer) -> Void
    ) {
        for (index, element) in array.enumerated() {
            if let object = element.objectValue {
                body(&self, index, object, pointer.appending(index))
            } else {
                error(pointer.appending(index), "must be an object, not \(element.typeName)")
            }
        }
    }

    /// Like ``member(_:of:at:_:_:)`` for members that must be objects.
    mutating func object(_ key: String, of object: JSONObject, at pointer: JSONPointer, _ presence: Presence) -> JSONObject? {
        member(key, of: object, at: pointer, .object, presence)?.objectValue
    }
}

/// The event types the Events API v1 defines.
enum EventsAPIEventType: String, CaseIterable, Sendable {
    case pageView = "pv"
    case event
    case click
    case transaction

    /// The type of `envelope`, when its `type` member names a known one.
    init?(of envelope: JSONObject) {
        guard let name = envelope["type"]?.stringValue else { return nil }
        self.init(rawValue: name)
    }
}
