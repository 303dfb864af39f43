/// One family of Events API rules (the envelope's identity members, list items, transactions…).
///
/// Each rule looks at a whole envelope and reports what it owns, so the rules stay small, are tested
/// one by one, and never report the same problem twice. Rules are immutable final classes, so
/// that calling one passes a reference, not a copy of its prepared member names.
protocol EventsAPIRule: Sendable {
    /// Reports this rule family's findings for `envelope` into `findings`.
    func check(_ envelope: JSONObject, into findings: inout EventsAPIFindings)
}

extension EventsAPIRule {
    /// This rule's findings alone, for tests.
    func findings(for envelope: JSONObject) -> [EventsAPIFinding] {
        var findings = EventsAPIFindings(for: envelope)
        check(envelope, into: &findings)
        return findings.finish()
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

    /// Whether `value` fits: the whole check for the usual, valid member, with no text made and,
    /// since no payload is bound but an integer's, nothing retained.
    @inline(__always)
    func accepts(_ value: JSONValue) -> Bool {
        switch self {
        case .string: if case .string = value { return true }
        case .object: if case .object = value { return true }
        case .array: if case .array = value { return true }
        case .boolean: if case .bool = value { return true }
        case .number: if case .number = value { return true }
        case .numberOrNull:
            switch value {
            case .number, .null: return true
            default: break
            }
        case .identifier: if case .string(let text) = value { return !text.isEmpty }
        case .identifierOrInteger:
            switch value {
            case .string(let text): return !text.isEmpty
            case .number(let number): return number.isInteger
            default: break
            }
        case .integer: if case .number(let number) = value { return number.isInteger }
        }
        return false
    }

    /// Why `value`, which ``accepts(_:)`` refuses, does not fit.
    func reason(rejecting value: JSONValue) -> String {
        switch (self, value) {
        case (.identifier, .string), (.identifierOrInteger, .string):
            return "must not be empty"
        case (.integer, .number(let number)), (.identifierOrInteger, .number(let number)):
            return "\(expectation), not \(number.text)"
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

/// A member name, prepared for lookup, with the type its value must have: the rows of the rules
/// that check a table of members. The tables are `static`, built at their first use rather than
/// with every validator (their array types are made from mangled names, which costs more than a
/// single push's checks); a struct, not a tuple, keeps that cheaper too.
struct TypedMemberName: Sendable {
    let name: MemberName
    let type: EventsAPIType

    init(_ name: String, _ type: EventsAPIType) {
        self.name = MemberName(name)
        self.type = type
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
    /// Where the envelope's own members are, for the rules that read them.
    let members: EnvelopeMemberIndices
    /// Whether warnings are kept: a caller that only asks for the first error (``RecordConverter``)
    /// does without them, and without spelling out their pointers and reasons, which cost more
    /// than the checks that found them.
    let keepsWarnings: Bool
    /// The envelope's lists, found once for the several rules that look at them.
    private var lists: EventsAPILists?
    /// The envelope's event type (`.some(nil)` when unknown), found once for the several rules
    /// that branch on it.
    private var eventType: EventsAPIEventType??

    /// Findings about `envelope`, none yet; warnings are dropped unless `keepingWarnings`.
    init(for envelope: JSONObject, keepingWarnings: Bool = true) {
        members = EnvelopeMemberIndices(envelope)
        keepsWarnings = keepingWarnings
    }

    /// Calls `body` with each list of `envelope` (the envelope these findings are about) whose
    /// name `isIncluded`, in source order. The lists are moved out of these findings for the calls:
    /// a copy of them cost retains and releases in each of the four rules that look at lists.
    mutating func forEachList(
        of envelope: JSONObject, where isIncluded: (EventsAPIListName) -> Bool = { _ in true },
        _ body: (inout EventsAPIFindings, EventsAPIList) -> Void
    ) {
        let found = lists.take() ?? (eventType(of: envelope) == .event ? EventsAPILists(of: envelope, at: members.lists) : EventsAPILists())
        for index in 0..<found.count where isIncluded(found[index].name) { body(&self, found[index]) }
        lists = consume found
    }

    /// The event type of `envelope`, the envelope these findings are about.
    mutating func eventType(of envelope: JSONObject) -> EventsAPIEventType? {
        if let eventType { return eventType }
        let found = members.type.flatMap { envelope.members[$0].value.stringValue }.flatMap(EventsAPIEventType.init(name:))
        eventType = found
        return found
    }

    /// The findings, moved out: consuming these findings instead copied all of them (a `memcpy`
    /// of the member positions) to read the list from the copy.
    mutating func finish() -> [EventsAPIFinding] {
        let finished = list
        list = []
        return finished
    }

    mutating func error(_ pointer: JSONPointer, _ reason: String) {
        list.append(EventsAPIFinding(severity: .error, pointer: pointer.description, reason: reason))
    }

    /// Reports a warning, when warnings are kept: only then are its pointer and reason made.
    mutating func warning(_ pointer: @autoclosure () -> JSONPointer, _ reason: @autoclosure () -> String) {
        guard keepsWarnings else { return }
        list.append(EventsAPIFinding(severity: .warning, pointer: pointer().description, reason: reason()))
    }

    /// Member `key` of `object` (at `pointer`) when present and of `type`; otherwise reports it (a
    /// missing member as `presence` says) and returns `nil`.
    mutating func member(
        _ key: MemberName, of object: JSONObject, at pointer: JSONPointer, _ type: EventsAPIType, _ presence: Presence
    ) -> JSONValue? {
        member(key, at: object.lastIndex(named: key), of: object, at: pointer, type, presence)
    }

    /// ``member(_:of:at:_:_:)`` of the member at `index`, which the caller found as the last
    /// member named `key` (`nil`: there is none).
    mutating func member(
        _ key: MemberName, at index: Int?, of object: JSONObject, at pointer: JSONPointer, _ type: EventsAPIType, _ presence: Presence
    ) -> JSONValue? {
        guard let index = validate(key, at: index, of: object, at: pointer, type, presence) else { return nil }
        return object.members[index].value
    }

    /// ``member(_:of:at:_:_:)`` for a caller that needs no value back: the member's position. The
    /// value is looked at in place, so a valid member costs no copy of it.
    @discardableResult
    mutating func validate(
        _ key: MemberName, of object: JSONObject, at pointer: JSONPointer, _ type: EventsAPIType, _ presence: Presence
    ) -> Int? {
        validate(key, at: object.lastIndex(named: key), of: object, at: pointer, type, presence)
    }

    /// ``validate(_:of:at:_:_:)`` of the member at `index`, which the caller found as the last
    /// member named `key` (`nil`: there is none).
    @discardableResult
    mutating func validate(
        _ key: MemberName, at index: Int?, of object: JSONObject, at pointer: JSONPointer, _ type: EventsAPIType,
        _ presence: Presence
    ) -> Int? {
        // The member's pointer is spelled out only for a finding: most members are fine.
        guard let index else {
            switch presence {
            case .required: error(pointer.appending(key.string), "required member is missing")
            case .recommended(let reason): warning(pointer.appending(key.string), "missing; \(reason)")
            case .optional: break
            }
            return nil
        }
        guard type.accepts(object.members[index].value) else {
            error(pointer.appending(key.string), type.reason(rejecting: object.members[index].value))
            return nil
        }
        return index
    }

    /// The object member `key`, at `index` of the envelope, that an envelope of `type` requires;
    /// `nil` for envelopes of other types, and (reported) when the member is missing or not an object.
    mutating func payload(_ key: MemberName, at index: Int?, of envelope: JSONObject, for type: EventsAPIEventType) -> JSONObject? {
        guard eventType(of: envelope) == type else { return nil }
        return member(key, at: index, of: envelope, at: .root, .object, .required)?.objectValue
    }

    /// Calls `body` with each element of `array` (at `pointer`) that is an object and its index,
    /// and reports the others, keeping the findings in document order. The element's pointer is
    /// left to `body`, which most elements pass without a finding that needs it (a copy of the
    /// pointer's text is a retain and a release).
    mutating func forEachObject(
        in array: [JSONValue], at pointer: JSONPointer, _ body: (inout EventsAPIFindings, _ index: Int, _ object: JSONObject) -> Void
    ) {
        // Read in place: an element read through the array's subscript was copied, a retain and
        // a release of every item.
        array.withUnsafeBufferPointer { elements in
            for index in elements.indices {
                if case .object(let object) = elements[index] {
                    body(&self, index, object)
                } else {
                    error(pointer.appending(index), "must be an object, not \(elements[index].typeName)")
                }
            }
        }
    }

    /// Like ``member(_:of:at:_:_:)`` for members that must be objects.
    mutating func object(_ key: MemberName, of object: JSONObject, at pointer: JSONPointer, _ presence: Presence) -> JSONObject? {
        member(key, of: object, at: pointer, .object, presence)?.objectValue
    }
}

/// The event types the Events API v1 defines.
enum EventsAPIEventType: String, CaseIterable, Sendable, GuessedName {
    case pageView = "pv"
    case event
    case click
    case transaction

    static func guess(for name: String) -> Self? {
        switch name.utf8.count {
        case 2: .pageView
        case 5: name.utf8.first == UInt8(ascii: "c") ? .click : .event
        case 11: .transaction
        default: nil
        }
    }
}

/// A set of names (event types, list names) recognised by a cheap guess before the general
/// `init(rawValue:)`: `init(rawValue:)` compares `name` with every name in turn, out of line,
/// while the guess picks the one name of `name`'s length, and one comparison (inline when equal)
/// settles the usual, known name.
protocol GuessedName: RawRepresentable<String> {
    /// The one case that `name` can be by its length (and at most a byte of it), or `nil`.
    static func guess(for name: String) -> Self?
}

extension GuessedName {
    /// The case named `name`, as ``init(rawValue:)`` finds it.
    init?(name: String) {
        if let guess = Self.guess(for: name), name == guess.rawValue {
            self = guess
        } else {
            // A wrong guess, or a name of another length that is canonically equivalent to one.
            self.init(rawValue: name)
        }
    }
}
