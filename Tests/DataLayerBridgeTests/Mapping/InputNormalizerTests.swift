@testable import DataLayerBridge
import Foundation
import Testing

/// One rule of ``InputNormalizer`` per test, over the record shapes of the real dumps in
/// `../shared/reference/examples/` (copied here where the dump is JavaScript, read directly where it
/// is JSON).
struct InputNormalizerTests {
    let normalizer = InputNormalizer()

    /// The record normalised; what the tape's verdict decides (as `convert` does, before
    /// materialising) must be the same: the skip itself, or the record as its own canonical push.
    func normalize(_ text: String) throws -> NormalizedRecord {
        let record = try JSONValue(parsing: text)
        let normalized = normalizer.normalize(record)
        switch try verdictOnTape(text) {
        case .decided(let decided): #expect(decided == normalized, "\(text)")
        case .canonical: #expect(normalized == .push(record), "\(text)")
        case .undecided: break
        }
        return normalized
    }

    func verdictOnTape(_ text: String) throws -> InputNormalizer.TapeVerdict {
        var parser = JSONParser()
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { buffer throws(JSONError) in normalizer.verdict(try parser.parse(buffer)) }
    }

    func decidedOnTape(_ text: String) throws -> NormalizedRecord? {
        guard case .decided(let record) = try verdictOnTape(text) else { return nil }
        return record
    }

    func push(_ text: String) throws -> NormalizedRecord {
        .push(try JSONValue(parsing: text))
    }

    // MARK: Records that are not objects

    @Test(arguments: [#""hello""#, "[1, 2]", #"["event", "purchase", {}]"#, "42", "null", "true"])
    func nonObjectRecordsAreRejected(_ text: String) throws {
        guard case .reject(let reason, let detail) = try normalize(text) else {
            Issue.record("\(text) was not rejected")
            return
        }
        #expect(reason == "not-an-object")
        #expect(detail.hasSuffix("not an object"))
    }

    // MARK: gtag() Arguments

    @Test func gtagEventArgumentsBecomeACanonicalPush() throws {
        // Example 01 (Shopify thank-you page), abridged: params go to the top level, then GA4
        // ecommerce params move under `ecommerce`, string numbers untouched.
        let record = #"""
            {"0":"event","1":"purchase","2":{"currency":"JPY","page_location":"https://shop.lucille.co.jp/checkouts/cn/zzzz/thank_you",
            "client_id":"1679088078.1677654582","send_to":["G-ZZZ"],"transaction_id":"5340655878402","tax":"80","shipping":"0",
            "value":"9080","items":[{"item_id":"001","item_name":"itemA","quantity":"1","price":"880"}]}}
            """#
        let expected = #"""
            {"event":"purchase","page_location":"https://shop.lucille.co.jp/checkouts/cn/zzzz/thank_you",
            "client_id":"1679088078.1677654582","send_to":["G-ZZZ"],
            "ecommerce":{"currency":"JPY","transaction_id":"5340655878402","tax":"80","shipping":"0","value":"9080",
            "items":[{"item_id":"001","item_name":"itemA","quantity":"1","price":"880"}]}}
            """#
        #expect(try normalize(record) == push(expected))
    }

    @Test func gtagEventWithoutParametersIsAPushWithOnlyItsName() throws {
        #expect(try normalize(#"{"0":"event","1":"page_view"}"#) == push(#"{"event":"page_view"}"#))
        #expect(try normalize(#"{"0":"event","1":"page_view","2":null}"#) == push(#"{"event":"page_view"}"#))
    }

    @Test(arguments: [
        #"{"0":"js","1":"2022-09-13T16:11:32.798Z","gtm.uniqueEventId":1}"#,
        #"{"0":"config","1":"G-EX5GWEMS48","2":{}}"#,
        #"{"0":"config","1":"UA-50023582-1","2":{"user_id":""}}"#,
        #"{"0":"set","1":"url_passthrough","2":false}"#,
        #"{"0":"consent","1":"default","2":{"ad_storage":"denied","analytics_storage":"denied","wait_for_update":0}}"#,
        #"{"0":"consent","1":"update","2":{"analytics_storage":"granted","ad_storage":"granted"}}"#,
        #"{"0":"get","1":"G-XXXX","2":"client_id"}"#,
    ])
    func gtagCommandsAreSkipped(_ text: String) throws {
        let command = try JSONValue(parsing: text)["0"]?.stringValue ?? ""
        #expect(try normalize(text) == .skip(reason: "gtag-command", detail: "gtag('\(command)', …)"))
    }

    @Test func gtmAdditionsBesideTheIndicesAreKeptButParametersWin() throws {
        let record = #"{"0":"event","1":"view_item","2":{"gtm.uniqueEventId":9,"event_id":"e1"},"gtm.uniqueEventId":7,"gtm.priorityId":2}"#
        let expected = #"{"event":"view_item","gtm.uniqueEventId":9,"event_id":"e1","gtm.priorityId":2}"#
        #expect(try normalize(record) == push(expected))
    }

    @Test func thePositionalEventNameWinsOverAnEventParameter() throws {
        let record = #"{"0":"event","1":"add_to_cart","2":{"event":"addToCart","value":5}}"#
        #expect(try normalize(record) == push(#"{"event":"add_to_cart","ecommerce":{"value":5}}"#))
    }

    @Test func gtagArgumentsPastTheParametersAreIgnored() throws {
        // ghuihui/testpage viewItemA.js carries a bogus fourth argument.
        let record = #"{"0":"event","1":"view_item","2":{"items":[{"item_id":"1111"}]},"3":{"items":[]}}"#
        #expect(try normalize(record) == push(#"{"event":"view_item","ecommerce":{"items":[{"item_id":"1111"}]}}"#))
    }

    @Test(arguments: [
        (#"{"0":"event"}"#, "gtag('event', …) event name is missing"),
        (#"{"0":"event","1":42}"#, "gtag('event', …) event name is a number"),
        (#"{"0":"event","1":"purchase","2":"oops"}"#,
         "gtag('event', 'purchase', …) parameters are a string, not an object"),
        (#"{"0":"event","1":"purchase","2":[{"items":[]}]}"#,
         "gtag('event', 'purchase', …) parameters are an array, not an object"),
    ])
    func malformedGtagEventsAreRejected(_ text: String, detail: String) throws {
        #expect(try normalize(text) == .reject(reason: "malformed-gtag-arguments", detail: detail))
    }

    @Test(arguments: [
        #"{"0":{"event":"x"},"PageType":"Productpage"}"#,
        #"{"0":"event","1":"purchase","event":"checkout"}"#,
    ])
    func objectsThatAreNotArgumentsStayOrdinaryPushes(_ text: String) throws {
        // A non-string "0", or an `event` member beside it, is not what JSON.stringify(arguments) writes.
        #expect(try normalize(text) == push(text))
    }

    // MARK: GTM system events

    @Test(arguments: [
        #"{"gtm.start":1688528935565,"event":"gtm.js","gtm.uniqueEventId":1}"#,
        #"{"event":"gtm.dom","gtm.uniqueEventId":24}"#,
        #"{"event":"gtm.load","gtm.uniqueEventId":106}"#,
        #"{"event":"gtm.click","gtm.element":null,"gtm.elementUrl":"https://eshop.cz/kosik"}"#,
        #"{"event":"gtm.historyChange-v2","gtm.historyChangeSource":"pushState","gtm.newUrl":"https://eshop.cz/?page=2"}"#,
        #"{"event":"gtm.init_consent","gtm.uniqueEventId":0}"#,
        #"{"0":"event","1":"gtm.linkClick"}"#,
    ])
    func gtmSystemEventsAreSkipped(_ text: String) throws {
        guard case .skip(let reason, let detail) = try normalize(text) else {
            Issue.record("\(text) was not skipped")
            return
        }
        #expect(reason == "gtm-system-event")
        #expect(detail.hasPrefix("event \"gtm."))
        // gtag Arguments need the full normaliser; plain pushes are decided without materialising.
        #expect(try (decidedOnTape(text) != nil) == !text.hasPrefix(#"{"0""#))
    }

    @Test(arguments: [
        #"{"gtm.start":1688528935565}"#,
        #"{"event":"view_item","gtm.start":1688528935565,"ecommerce":{"items":[{"item_id":"1"}]}}"#,
        #"{"event":"gtm_custom_click"}"#,
    ])
    func gtmKeysAndLookalikeNamesAreNotSystemEvents(_ text: String) throws {
        #expect(try normalize(text) == push(text))
    }

    // MARK: ecommerce resets

    @Test(arguments: [
        (#"{"ecommerce":null}"#, "ecommerce: null"),
        (#"{"ecommerce":[]}"#, "ecommerce: []"),
        (#"{"event":null,"ecommerce":null}"#, "ecommerce: null"),
        (#"{"event":null,"eventLabel":null,"ecommerce":null}"#, "ecommerce: null"),
        (#"{"event":"Function_Reset_Ecomm_Array","ecommerce":[],"gtm.uniqueEventId":55}"#, "ecommerce: []"),
        // What a capture tool adds to every record does not turn a reset into an event.
        (#"{"ecommerce":null,"client_id":"1203456789.1718000000","timestamp":1718000001900}"#, "ecommerce: null"),
        (#"{"event":null,"ecommerce":[],"_ga":"GA1.1.987.654","items":null}"#, "ecommerce: []"),
    ])
    func ecommerceResetsAreSkipped(_ text: String, detail: String) throws {
        #expect(try normalize(text) == .skip(reason: "ecommerce-reset", detail: detail))
        #expect(try decidedOnTape(text) != nil)
    }

    @Test(arguments: [
        #"{"event":"view_item_list","ecommerce":null,"items":[{"item_id":"7"}]}"#,
        #"{"event":42,"ecommerce":null}"#,
        #"{"0":"event","1":"purchase","ecommerce":null}"#,
        #"[{"event":"gtm.js"}]"#,
        #"{"event":"page_view","ecommerce":[1]}"#,
    ])
    func pushesWithDataAndOddShapesAreLeftToTheFullNormaliser(_ text: String) throws {
        #expect(try decidedOnTape(text) == nil)
    }

    @Test(arguments: [
        (#"{"eve\u006et":"gtm.js"}"#, "gtm-system-event"),
        (#"{"ecommerce":null,"it\u0065ms":null,"v\u0061lue":0}"#, nil),
        (#"{"ecommerce":null,"event":"gtm.js","event":"purchase","items":[]}"#, nil),
        (#"{"event":"purchase","ecommerce":null,"gtm.uniqueEventId":3,"g\u0074m.x":1}"#, "ecommerce-reset"),
    ] as [(String, String?)])
    func escapedAndRepeatedKeysAreDecidedAlike(_ text: String, skippedAs reason: String?) throws {
        let normalized = try normalize(text)
        guard let reason else {
            #expect(try decidedOnTape(text) == nil)
            guard case .push = normalized else {
                Issue.record("\(text) was not a push: \(normalized)")
                return
            }
            return
        }
        guard case .skip(reason, _)? = try decidedOnTape(text) else {
            Issue.record("\(text) was not skipped as \(reason) on the tape")
            return
        }
    }

    @Test func aNullEcommerceBesideRealDataIsReplacedNotSkipped() throws {
        let record = #"{"event":"view_item_list","ecommerce":null,"items":[{"item_id":"7"}],"client_id":"1.2"}"#
        let expected = #"{"event":"view_item_list","ecommerce":{"items":[{"item_id":"7"}]},"client_id":"1.2"}"#
        #expect(try normalize(record) == push(expected))
        #expect(try normalize(#"{"event":"page_view","ecommerce":[],"page_location":"https://eshop.sk/"}"#)
            == push(#"{"event":"page_view","page_location":"https://eshop.sk/"}"#))
    }

    @Test func aNamedEventWithMoreThanGtmKeysIsNotAReset() throws {
        let record = #"{"event":"Function_Reset_Ecomm_Array","ecommerce":[],"client_id":"1.2","timestamp":1718000001900}"#
        #expect(try normalize(record)
            == push(#"{"event":"Function_Reset_Ecomm_Array","client_id":"1.2","timestamp":1718000001900}"#))
    }

    // MARK: event names

    @Test func aNullEventBesideRealDataLeavesAPushWithoutEvent() throws {
        let record = #"{"event":null,"ecommerce":{"purchase":{"actionField":{"id":"WW1234"}}}}"#
        #expect(try normalize(record) == push(#"{"ecommerce":{"purchase":{"actionField":{"id":"WW1234"}}}}"#))
    }

    @Test(arguments: [
        // Example 02: a UA `detail` push and a state push, both without `event`.
        #"{"ecommerce":{"currencyCode":"USD","detail":{"actionField":{"list":"Apparel Gallery"},"products":[{"name":"itemA","id":"1111","price":"2000"}]}}}"#,
        #"{"PageType":"Productpage","ProductID":"1111"}"#,
        // Example 05: Exponea and remarketing pushes.
        #"{"namespace":"exponea","event_name":"view_item_list"}"#,
        #"{"ecomm_pagetype":"category","ecomm_prodid":["0000338393","0000351944"]}"#,
        // Example 09: a UA purchase without `event`.
        #"{"ecommerce":{"purchase":{"actionField":{"id":"WW1234","revenue":"1200.00"},"products":[{"id":"12345","quantity":2}]}}}"#,
    ])
    func pushesWithoutEventArePassedThrough(_ text: String) throws {
        #expect(try normalize(text) == push(text))
    }

    @Test(arguments: [
        (#"{"event":42}"#, "event is a number, not a string"),
        (#"{"event":true,"ecommerce":{}}"#, "event is a boolean, not a string"),
        (#"{"event":["purchase"]}"#, "event is an array, not a string"),
        (#"{"event":{"name":"purchase"}}"#, "event is an object, not a string"),
        // Rejected before the reset is looked at, on the tape as in the full normaliser.
        (#"{"event":[],"ecommerce":null}"#, "event is an array, not a string"),
    ])
    func nonStringEventNamesAreRejected(_ text: String, detail: String) throws {
        #expect(try normalize(text) == .reject(reason: "invalid-event-name", detail: detail))
    }

    // MARK: GA4 parameters at the top level

    @Test func topLevelEcommerceParametersMoveUnderEcommerce() throws {
        // Example 05 (Slovak furniture shop): items and list at the top level, numeric list id.
        let record = #"""
            {"event":"view_item_list","item_list_id":245796,"item_list_name":"Jednolôžkové postele",
            "items":[{"item_id":"0000338393"},{"item_id":"0000351944"}],"gtm.uniqueEventId":7}
            """#
        let expected = #"""
            {"event":"view_item_list","gtm.uniqueEventId":7,"ecommerce":{"item_list_id":245796,
            "item_list_name":"Jednolôžkové postele","items":[{"item_id":"0000338393"},{"item_id":"0000351944"}]}}
            """#
        #expect(try normalize(record) == push(expected))
    }

    @Test func everyEcommerceParameterIsMoved() throws {
        var top = JSONObject([JSONObject.Member(key: "event", value: "x")])
        var ecommerce = JSONObject()
        for (offset, key) in InputNormalizer.ecommerceParameters.enumerated() {
            top.append(key: key, value: .number(JSONNumber(offset)))
            ecommerce.append(key: key, value: .number(JSONNumber(offset)))
        }
        let expected: JSONValue = ["event": "x", "ecommerce": .object(ecommerce)]
        #expect(normalizer.normalize(.object(top)) == .push(expected))
    }

    /// Moving parameters in one pass over the members must give, member for member in order
    /// (duplicates included, compared as written, not as maps), what the rule says in its plainest
    /// form: for each distinct key in order of first appearance, a parameter `ecommerce` lacks is
    /// set there to its last value and removed from the top level with all its duplicates.
    @Test func movingParametersInOnePassKeepsOrderAndDuplicatesAsTheRuleSays() {
        func reference(_ push: JSONObject) -> JSONObject {
            var ecommerce = push["ecommerce"]?.objectValue ?? JSONObject()
            var result = push
            for key in push.keys where InputNormalizer.ecommerceParameters.contains(key) && ecommerce[key] == nil {
                ecommerce[key] = push[key]
                result[key] = nil
            }
            result["ecommerce"] = ecommerce.isEmpty && push["ecommerce"]?.objectValue == nil ? nil : .object(ecommerce)
            return result
        }
        let members: [(String, JSONValue)] = [
            ("event", "view_item_list"), ("items", [["item_id": "A"]]), ("item_list_name", "Dětské"),
            ("items", [["item_id": "B"]]), ("client_id", "9.9"), ("value", 3), ("gtm.uniqueEventId", 7), ("item_list_name", "Last"),
        ]
        let ecommerces: [JSONValue?] = [nil, .null, [], [:], ["items": [1]], ["value": 1, "currency": "EUR"], ["affiliation": "x"]]
        var checked = 0
        for mask in 1..<(1 << members.count) {
            for (index, ecommerce) in ecommerces.enumerated() {
                var push = JSONObject()
                for (bit, member) in members.enumerated() where mask & (1 << bit) != 0 { push.append(key: member.0, value: member.1) }
                // `ecommerce` at the start, in the middle or at the end.
                if let ecommerce {
                    var withEcommerce = JSONObject()
                    let position = (mask + index) % (push.count + 1)
                    for (offset, member) in push.members.enumerated() {
                        if offset == position { withEcommerce.append(key: "ecommerce", value: ecommerce) }
                        withEcommerce.append(member)
                    }
                    if position == push.count { withEcommerce.append(key: "ecommerce", value: ecommerce) }
                    push = withEcommerce
                }
                guard ecommerce == nil || ecommerce?.objectValue != nil || MemberShape(ecommerce ?? .null).isResetMarker else { continue }
                let hoisted = InputNormalizer.hoistingEcommerceParameters(push)
                #expect(JSONValue.object(hoisted).description == JSONValue.object(reference(push)).description, "\(JSONValue.object(push))")
                checked += 1
            }
        }
        #expect(checked > 1_000)
    }

    @Test func ecommerceKeepsItsOwnMembersAndTheTopLevelCopiesStay() throws {
        let record = #"""
            {"event":"view_search_results","search_term":"stôl","items":[{"item_id":"A"}],
            "ecommerce":{"search_term":"stoly","filters":{"sort by":"price:asc"}},"client_id":"9.9"}
            """#
        let expected = #"""
            {"event":"view_search_results","search_term":"stôl","client_id":"9.9",
            "ecommerce":{"search_term":"stoly","filters":{"sort by":"price:asc"},"items":[{"item_id":"A"}]}}
            """#
        #expect(try normalize(record) == push(expected))
    }

    @Test(arguments: [
        #"{"event":"purchase","ecommerce":"broken","items":[{"item_id":"A"}]}"#,
        #"{"event":"purchase","ecommerce":[{"item_id":"A"}],"value":3}"#,
    ])
    func aNonObjectEcommerceWithDataIsLeftAlone(_ text: String) throws {
        #expect(try normalize(text) == push(text))
    }

    @Test func theGtagFormAndTheDataLayerFormOfAPushAgree() throws {
        // Example 05 pushes the same list both ways.
        let dataLayer = #"{"event":"view_item_list","item_list_id":245796,"item_list_name":"Jednolôžkové postele","items":[{"item_id":"0000338393"}]}"#
        let gtag = #"{"0":"event","1":"view_item_list","2":{"item_list_id":245796,"item_list_name":"Jednolôžkové postele","items":[{"item_id":"0000338393"}]}}"#
        #expect(try normalize(dataLayer) == normalize(gtag))
    }

    // MARK: Whole dumps and idempotence

    static let dumpOutcomes: [(file: String, outcomes: [String])] = [
        ("03_gtm_system_events_export.json", [
            "gtm-system-event", "gtm-system-event", "gtm-system-event", "push", "gtm-system-event",
            "gtm-system-event", "push", "push", "ecommerce-reset", "push", "gtm-system-event", "gtm-system-event",
        ]),
        ("04_gtag_consent_config_dump.json", [
            "gtag-command", "gtag-command", "gtag-command", "gtag-command", "gtm-system-event", "gtm-system-event",
            "gtag-command", "push", "push", "gtag-command", "gtag-command", "gtag-command", "gtag-command",
            "gtag-command", "gtag-command", "gtag-command", "gtag-command", "gtag-command",
        ]),
    ]

    @Test(arguments: dumpOutcomes)
    func realDumpsNormaliseRecordByRecord(_ file: String, outcomes: [String]) throws {
        let url = TestPaths.shared.appendingPathComponent("reference/examples").appendingPathComponent(file)
        let dump = try JSONValue(parsing: try Data(contentsOf: url))
        let records = try #require(dump.arrayValue)
        let found = records.map { record -> String in
            switch normalizer.normalize(record) {
            case .push: return "push"
            case .skip(let reason, _), .reject(let reason, _): return reason
            }
        }
        #expect(found == outcomes)
    }

    @Test(arguments: [
        (#"{"event":"view_item_list","client_id":"1.2","ecommerce":{"item_list_name":"Shoes","items":[{"item_id":"7"}]}}"#, true),
        (#"{"event":"page_view","page_location":"https://eshop.cz/"}"#, true),
        (#"{"PageType":"Productpage","ecommerce":{"detail":{"products":[]}}}"#, true),
        (#"{"event":"purchase","ecommerce":"x","value":3}"#, true),
        (#"{"event":"view_item","ecommerce":{},"items":[{"item_id":"7"}]}"#, false),
        (#"{"event":"view_item","it\u0065ms":[{"item_id":"7"}]}"#, false),
        (#"{"event":null,"page_location":"https://eshop.cz/"}"#, false),
        (#"{"event":"purchase","ecommerce":null,"items":[{"item_id":"7"}]}"#, false),
        (#"{"0":"event","1":"purchase","2":{}}"#, false),
    ] as [(String, Bool)])
    func theUsualPushIsCanonicalOnItsTape(_ text: String, canonical: Bool) throws {
        // What convert materialises without normalising again; the helper checks the result.
        #expect(try (verdictOnTape(text) == .canonical) == canonical)
        guard case .push = try normalize(text) else {
            Issue.record("\(text) did not normalise to a push")
            return
        }
    }

    @Test func aCanonicalPushNormalisesToItself() throws {
        let records = [
            #"{"0":"event","1":"purchase","2":{"client_id":"1.2","transaction_id":5340655878402,"items":[{"item_id":"001"}]}}"#,
            #"{"event":"view_search_results","search_term":"stôl","ecommerce":{"search_term":"stoly"}}"#,
            #"{"event":null,"ecommerce":null,"items":[]}"#,
            #"{"event":"view_item","ecommerce":{}}"#,
            #"{"PageType":"Productpage"}"#,
        ]
        for text in records {
            guard case .push(let once) = try normalize(text) else {
                Issue.record("\(text) did not normalise to a push")
                continue
            }
            #expect(normalizer.normalize(once) == .push(once))
        }
    }

    // MARK: The default mapping's fixtures

    static let fixtureDirectory = TestPaths.fixtures("ga4-to-luigisbox")

    static func fixtureCases() throws -> [String] {
        try TestPaths.files(in: fixtureDirectory, suffix: ".input.ndjson").map {
            String($0.lastPathComponent.dropLast(".input.ndjson".count))
        }
    }

    static func ndjson(_ url: URL) throws -> [JSONValue] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    /// What a fixture's `expected-skips` file says the normaliser does with each record it names:
    /// the mapping's own reasons (`missing-client-id`, …) are left to the mapping's tests.
    static func normalizerVerdicts(_ name: String) throws -> [Int: NormalizedRecord] {
        let url = fixtureDirectory.appendingPathComponent("\(name).expected-skips.ndjson")
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        let reasons: Set<String> = [
            InputNormalizer.Reason.gtagCommand, InputNormalizer.Reason.ecommerceReset,
            InputNormalizer.Reason.gtmSystemEvent, InputNormalizer.Reason.notAnObject,
            InputNormalizer.Reason.malformedGtagArguments, InputNormalizer.Reason.invalidEventName,
        ]
        var verdicts: [Int: NormalizedRecord] = [:]
        for line in try ndjson(url) {
            let record = try #require(line["record"]?.numberValue?.int64Value)
            if let reason = line["skip"]?.stringValue, reasons.contains(reason) {
                verdicts[Int(record)] = .skip(reason: reason, detail: "")
            } else if let reason = line["reject"]?.stringValue, reasons.contains(reason) {
                verdicts[Int(record)] = .reject(reason: reason, detail: "")
            }
        }
        return verdicts
    }

    @Test func everyFixtureCaseHasExpectationsAndVariables() throws {
        let cases = try Self.fixtureCases()
        #expect(cases.count >= 30)
        for name in cases {
            for suffix in [".expected.ndjson", ".vars.json"] {
                let path = Self.fixtureDirectory.appendingPathComponent(name + suffix).path
                #expect(FileManager.default.fileExists(atPath: path), "\(name)\(suffix) is missing")
            }
        }
    }

    @Test(arguments: try fixtureCases())
    func fixtureInputsNormaliseAsTheirExpectedSkipsSay(_ name: String) throws {
        let records = try Self.ndjson(Self.fixtureDirectory.appendingPathComponent("\(name).input.ndjson"))
        let verdicts = try Self.normalizerVerdicts(name)
        for (offset, record) in records.enumerated() {
            let found: NormalizedRecord
            switch normalizer.normalize(record) {
            case .push: found = .push(.null)
            case .skip(let reason, _): found = .skip(reason: reason, detail: "")
            case .reject(let reason, _): found = .reject(reason: reason, detail: "")
            }
            #expect(found == verdicts[offset + 1] ?? .push(.null), "\(name) record \(offset + 1)")
        }
    }

    @Test func theMixedExampleExportHasThreeBadLinesAndEveryKindOfSkip() throws {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Examples/mixed-export.ndjson"), encoding: .utf8)
        var unparsable: [Int] = []
        var rejected: [Int] = []
        var skipReasons: Set<String> = []
        var pushes = 0
        for (offset, line) in text.split(separator: "\n").enumerated() {
            guard let record = try? JSONValue(parsing: String(line)) else {
                unparsable.append(offset + 1)
                continue
            }
            switch normalizer.normalize(record) {
            case .push: pushes += 1
            case .skip(let reason, _): skipReasons.insert(reason)
            case .reject: rejected.append(offset + 1)
            }
        }
        #expect(unparsable == [67, 69])
        #expect(rejected == [68])
        #expect(skipReasons == ["gtag-command", "gtm-system-event", "ecommerce-reset"])
        #expect(pushes > 40)
    }
}
