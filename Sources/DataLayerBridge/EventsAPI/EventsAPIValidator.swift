/// Checks one Luigi's Box Events API envelope against the Events API documents (v1 reference and
/// the Events API guide), reporting every problem as an ``EventsAPIFinding``.
///
/// Value type, no state: one validator can check any number of envelopes from any thread. The checks
/// are small rule families run in a fixed order, so findings come out deterministically.
public struct EventsAPIValidator: Sendable {
    /// The rule families, in reporting order: the envelope's own members first, then the payload
    /// of the envelope's event type. Stored and called by their own types: a list of `any EventsAPIRule` cost a
    /// box copy and a dynamic call per rule and envelope, more than a valid envelope's checks.
    /// Held in one immutable object: kept in the validator itself, each rule was copied (a
    /// `memcpy` of its prepared names) before it was called, eight times per envelope. The rules
    /// are final classes for the same reason: a struct rule held here was still copied out of the
    /// object for each call, a class rule is called through its reference.
    private final class Rules: Sendable {
        let envelopeMembers = EnvelopeMembersRule()
        let localTimestamp = LocalTimestampRule()
        let optionalMembers = OptionalMembersRule()
        let pageView = PageViewRule()
        let lists = ListsRule()
        let listItems = ListItemsRule()
        let searchQuery = SearchQueryRule()
        let productListingScopes = ProductListingScopesRule()
        let recommendationFilters = RecommendationFiltersRule()
        let clickAction = ClickActionRule()
        let transactionItems = TransactionItemsRule()
    }

    private let rules = Rules()

    /// Creates a validator.
    public init() {}

    /// Findings for one envelope on its own; empty when the envelope is valid.
    public func findings(for envelope: JSONValue) -> [EventsAPIFinding] {
        findings(for: envelope, keepingWarnings: true)
    }

    /// The first error of ``findings(for:)``, found without making any warning: what deciding
    /// whether to send an envelope needs.
    func firstError(for envelope: JSONValue) -> EventsAPIFinding? {
        findings(for: envelope, keepingWarnings: false).first
    }

    private func findings(for envelope: JSONValue, keepingWarnings: Bool) -> [EventsAPIFinding] {
        guard case .object(let object) = envelope else {
            return [EventsAPIFinding(severity: .error, pointer: "", reason: "an envelope must be an object, not \(envelope.typeName)")]
        }
        var findings = EventsAPIFindings(for: object, keepingWarnings: keepingWarnings)
        rules.envelopeMembers.check(object, into: &findings)
        rules.localTimestamp.check(object, into: &findings)
        rules.optionalMembers.check(object, into: &findings)
        // Each payload rule reports about one event type and returns at once for the others: it
        // is called for its own type only, as asking seven rules of every envelope for nothing
        // cost more than the checks of a page view.
        switch findings.eventType(of: object) {
        case .pageView:
            rules.pageView.check(object, into: &findings)
        case .event:
            rules.lists.check(object, into: &findings)
            rules.listItems.check(object, into: &findings)
            rules.searchQuery.check(object, into: &findings)
            rules.productListingScopes.check(object, into: &findings)
            rules.recommendationFilters.check(object, into: &findings)
        case .click:
            rules.clickAction.check(object, into: &findings)
        case .transaction:
            rules.transactionItems.check(object, into: &findings)
        case nil:
            break
        }
        return findings.finish()
    }
}

/// Checks a stream of envelopes: each one on its own, plus what only the stream shows, that every
/// `id` is unique ("Globally unique identifier for this event", v1 "Common parameters").
///
/// Ids compare as JSON values: `"42"` and `42` differ, `42` and `42.0` are the same id. The
/// validator remembers every id it has seen, so memory grows with the stream.
public struct EventsAPIStreamValidator: Sendable {
    /// The per-envelope checks.
    public let validator: EventsAPIValidator
    private var seenIDs: Set<JSONValue> = []

    /// Creates a stream validator that has seen no envelope yet.
    public init(validator: EventsAPIValidator = .init()) {
        self.validator = validator
    }

    /// Findings for the next envelope of the stream: its own, then a repeated `id`.
    public mutating func findings(for envelope: JSONValue) -> [EventsAPIFinding] {
        var findings = validator.findings(for: envelope)
        if let id = envelope["id"], Self.canIdentify(id), !seenIDs.insert(id).inserted {
            findings.append(
                EventsAPIFinding(severity: .error, pointer: "/id", reason: "duplicate id \(id): already used earlier in the stream"))
        }
        return findings
    }

    /// Only ids that identify something take part: a missing, empty or mistyped id is reported by
    /// the envelope checks, not as a duplicate of the previous bad one.
    private static func canIdentify(_ id: JSONValue) -> Bool {
        switch id {
        case .string(let text): return !text.isEmpty
        case .number: return true
        default: return false
        }
    }
}
