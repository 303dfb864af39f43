@testable import DataLayerBridge
import Testing

private typealias S = EventsAPISamples
private let missing = "required member is missing"

/// Each rule family on its own, on small envelopes with one thing changed.
struct EventsAPIRuleTests {
    struct EnvelopeMembers {
        let rule = EnvelopeMembersRule()

        @Test func acceptsStringAndHugeIntegerClientIDs() {
            #expect(S.findings(rule, S.pageView) == [])
            #expect(S.findings(rule, S.setting(S.pageView, "client_id", S.number("6667519810961010000"))) == [])
        }

        @Test func reportsEveryMissingRequiredMemberInOrder() {
            #expect(S.findings(rule, [:]) == [
                S.error("/type", missing), S.error("/id", missing), S.error("/tracker_id", missing), S.error("/client_id", missing),
            ])
        }

        @Test func eventTypeNamesAreCaseSensitive() {
            #expect(S.findings(rule, S.setting(S.pageView, "type", "PV")) == [
                S.error("/type", #"unknown event type "PV" (expected pv, event, click or transaction)"#),
            ])
        }

        @Test func integerIDIsAWarningFractionalIDAnError() {
            #expect(S.findings(rule, S.setting(S.pageView, "id", 6667520098487994000)) == [
                S.warning("/id", "should be a string (Events API v1), not a number"),
            ])
            #expect(S.findings(rule, S.setting(S.pageView, "id", S.number("1.5"))) == [
                S.error("/id", "must be a non-empty string, not number"),
            ])
        }

        @Test func clientIDFractionIsCaughtBeyondDoublePrecision() {
            // As a Double this is 6667519810961010688, an integer; the exact value is not.
            #expect(S.findings(rule, S.setting(S.pageView, "client_id", S.number("6667519810961010000.5"))) == [
                S.error("/client_id", "must be a non-empty string or an integer, not 6667519810961010000.5"),
            ])
        }

        @Test func customerIDIsOptionalButTyped() {
            #expect(S.findings(rule, S.setting(S.pageView, "customer_id", 4739473924329473000)) == [])
            #expect(S.findings(rule, S.setting(S.pageView, "customer_id", "")) == [S.error("/customer_id", "must not be empty")])
        }
    }

    struct LocalTimestamp {
        let rule = LocalTimestampRule()

        func findings(_ timestamp: JSONValue) -> [EventsAPIFinding] {
            S.findings(rule, S.setting(S.pageView, "local_timestamp", timestamp))
        }

        @Test func secondsUpToTheThresholdPass() {
            #expect(S.findings(rule, S.pageView) == [])
            #expect(findings(1_626_386_701) == [])
            #expect(findings(99_999_999_999) == [])
            #expect(findings(S.number("1.626386701e9")) == [])
        }

        @Test func millisecondsAreAnError() {
            let expected = [S.error("/local_timestamp", "looks like milliseconds; must be UNIX seconds")]
            #expect(findings(100_000_000_000) == expected)
            #expect(findings(1_626_386_701_000) == expected)
            #expect(findings(S.number("1e11")) == expected)
            #expect(findings(S.number("123456789012345678901234567890")) == expected)
        }

        @Test func fractionsStringsAndNonPositiveValuesAreErrors() {
            #expect(findings(S.number("1626386701.0000000000000000001")) == [
                S.error("/local_timestamp", "must be an integer, not 1626386701.0000000000000000001"),
            ])
            #expect(findings("1626386701") == [S.error("/local_timestamp", "must be an integer, not string")])
            let notPositive = [S.error("/local_timestamp", "must be a positive UNIX timestamp in seconds")]
            #expect(findings(-5) == notPositive)
            #expect(findings(0) == notPositive)
            #expect(findings(S.number("-1e30")) == notPositive)
        }
    }

    struct OptionalMembers {
        let rule = OptionalMembersRule()

        @Test func platformIsAStringOrANameVersionPair() {
            #expect(S.findings(rule, S.setting(S.pageView, "platform", "iOS")) == [])
            #expect(S.findings(rule, S.setting(S.pageView, "platform", ["Android", "14"])) == [])
            let expected = [S.error("/platform", "must be a string or a [platform, version] array of two strings")]
            #expect(S.findings(rule, S.setting(S.pageView, "platform", ["iOS", 17])) == expected)
            #expect(S.findings(rule, S.setting(S.pageView, "platform", ["iOS", "17", "x"])) == expected)
            #expect(S.findings(rule, S.setting(S.pageView, "platform", nil)) == [])
        }

        @Test(arguments: [
            ("user_agent", JSONValue.number(JSONNumber(5)), "must be a string, not number"),
            ("referer", nil, "must be a string, not null"),
            ("context", "Berlin", "must be an object, not string"),
            ("ab_test_variant", ["Original"], "must be a string, not array"),
            ("consent_granted", 1, "must be a boolean, not number"),
            ("recommendation_id", true, "must be a string, not boolean"),
            ("app_version", [:], "must be a string, not object"),
        ] as [(String, JSONValue, String)])
        func mistypedMemberIsAnError(_ key: String, _ value: JSONValue, _ reason: String) {
            #expect(S.findings(rule, S.setting(S.pageView, key, value)) == [S.error("/\(key)", reason)])
        }
    }

    struct PageView {
        let rule = PageViewRule()

        @Test func pageViewNeedsAnIdentityInURL() {
            #expect(S.findings(rule, S.pageView) == [])
            #expect(S.findings(rule, S.setting(S.pageView, "url", nil)) == [S.error("/url", missing)])
            #expect(S.findings(rule, S.setting(S.pageView, "url", "")) == [S.error("/url", "must not be empty")])
            #expect(S.findings(rule, S.setting(S.pageView, "title", 3)) == [S.error("/title", "must be a string, not number")])
        }

        @Test func otherEventTypesNeedNoURL() {
            #expect(S.findings(rule, S.click(action: [:])) == [])
        }
    }

    struct Lists {
        let rule = ListsRule()

        @Test func acceptsTheFourNamesTogether() {
            let item = S.item("1", position: 1)
            let envelope = S.setting(S.search, "lists", [
                "Search Results": ["items": [item]], "Autocomplete": ["items": [item]],
                "Product Listing": ["items": [item]], "Recommendation": ["items": [item]],
            ])
            #expect(S.findings(rule, envelope) == [])
        }

        @Test func suggestsTheNameWhenOnlyTheCaseIsWrong() {
            #expect(S.findings(rule, S.event("autocomplete", [:])) == [
                S.error("/lists/autocomplete", #"unknown list name; names are case-sensitive: did you mean "Autocomplete"?"#),
            ])
        }

        @Test func escapesTildeAndSlashInTheListNamePointer() {
            #expect(S.findings(rule, S.event("a~b/c", [:])).map(\.pointer) == ["/lists/a~0b~1c"])
        }

        @Test func onlyEventsNeedLists() {
            #expect(S.findings(rule, S.setting(S.search, "lists", nil)) == [S.error("/lists", missing)])
            #expect(S.findings(rule, S.pageView) == [])
        }
    }

    struct ListItems {
        let rule = ListItemsRule()

        func findings(_ items: JSONValue) -> [EventsAPIFinding] {
            S.findings(rule, S.event("Autocomplete", ["items": items]))
        }

        @Test func positionsMayStartAfterOneAndPriceMayBeNull() {
            #expect(S.findings(rule, S.search) == [])
            #expect(findings([S.setting(S.item("1", position: 41), "price", nil)]) == [])
            #expect(findings([]) == [])
        }

        @Test func positionsAreUniqueByExactValue() {
            #expect(findings([S.item("1", position: 3), S.item("2", position: S.number("3.0")), S.item("3", position: 3)]) == [
                S.error("/lists/Autocomplete/items/1/position", "duplicate position 3.0 (also at item 0)"),
                S.error("/lists/Autocomplete/items/2/position", "duplicate position 3 (also at item 0)"),
            ])
        }

        /// Items numbered in order are checked without hashing until one is out of that order:
        /// repeats are found the same on both sides of that switch.
        @Test(arguments: [
            ([1, 2, 3, 2, 4], [(3, 1)]),
            ([41, 42, 41], [(2, 0)]),
            ([1, 3, 3, 1], [(2, 1), (3, 0)]),
            ([3, 2, 1, 2, 3], [(3, 1), (4, 0)]),
            ([9_223_372_036_854_775_806, 9_223_372_036_854_775_807, 9_223_372_036_854_775_807], [(2, 1)]),
        ])
        func repeatedPositionsNameTheFirstItem(_ positions: [Int], _ repeats: [(item: Int, first: Int)]) {
            let items = positions.enumerated().map { S.item("\($0.offset)", position: .number(JSONNumber($0.element))) }
            #expect(findings(.array(items)) == repeats.map {
                S.error("/lists/Autocomplete/items/\($0.item)/position", "duplicate position \(positions[$0.item]) (also at item \($0.first))")
            })
        }

        @Test func anItemThatIsNotAnObjectDoesNotHideARepeat() {
            #expect(findings([S.item("1", position: 1), "x", S.item("2", position: 2), S.item("3", position: 1)]) == [
                S.error("/lists/Autocomplete/items/1", "must be an object, not string"),
                S.error("/lists/Autocomplete/items/3/position", "duplicate position 1 (also at item 0)"),
            ])
        }

        @Test func positionsArePositiveIntegers() {
            #expect(findings([S.item("1", position: -1), S.item("2", position: S.number("2.5"))]) == [
                S.error("/lists/Autocomplete/items/0/position", "must be a positive integer, not -1"),
                S.error("/lists/Autocomplete/items/1/position", "must be an integer, not 2.5"),
            ])
        }

        @Test func everyItemNeedsTitleTypeURLAndPosition() {
            #expect(findings([[:], "39818"]) == [
                S.error("/lists/Autocomplete/items/0/title", missing),
                S.error("/lists/Autocomplete/items/0/type", missing),
                S.error("/lists/Autocomplete/items/0/url", missing),
                S.error("/lists/Autocomplete/items/0/position", missing),
                S.error("/lists/Autocomplete/items/1", "must be an object, not string"),
            ])
        }

        @Test func listsWithUnknownNamesAreLeftToTheListsRule() {
            #expect(S.findings(rule, S.event("Related Products", ["items": [[:]]])) == [])
        }
    }

    struct SearchQuery {
        let rule = SearchQueryRule()

        @Test func searchAndAutocompleteNeedTheQueryString() {
            #expect(S.findings(rule, S.search) == [])
            #expect(S.findings(rule, S.event("Autocomplete", ["query": ["string": ""]])) == [])
            #expect(S.findings(rule, S.event("Autocomplete", ["query": ["filters": [:]]])) == [
                S.error("/lists/Autocomplete/query/string", missing),
            ])
            #expect(S.findings(rule, S.event("Search Results", [:])) == [S.error("/lists/Search Results/query", missing)])
        }

        @Test func otherListsNeedNoQueryString() {
            #expect(S.findings(rule, S.recommendation(filters: [:])) == [])
        }
    }

    struct ProductListingScopes {
        let rule = ProductListingScopesRule()

        @Test func categoryAndBrandPairsPass() {
            #expect(S.findings(rule, S.listing(scopes: ["_category_label": "Women | Clothing", "_category_identity": "c1"])) == [])
            #expect(S.findings(rule, S.listing(scopes: ["_brand_label": "Samsung", "_brand_identity": "b1"])) == [])
        }

        @Test func aFilterNameMayCarryTheIdentity() {
            #expect(S.findings(rule, S.listing(scopes: ["_category_label": "Clothing | Shirts", "nested_category_id": "10283"])) == [])
            #expect(S.findings(rule, S.listing(scopes: ["_brand_label": "Samsung", "nested_brand_id": "123456"])) == [])
        }

        @Test func customFiltersAlonePass() {
            #expect(S.findings(rule, S.listing(scopes: ["tag": "Christmas products"])) == [])
        }

        @Test func labelStaysRequiredBesideAnIdentity() {
            #expect(S.findings(rule, S.listing(scopes: ["_brand_identity": "b1"])) == [
                S.error("/lists/Product Listing/query/scopes/_brand_label", missing),
            ])
        }

        @Test func labelNeedsAnIdentity() {
            #expect(S.findings(rule, S.listing(scopes: ["_category_label": "Shirts", "_variant": "x"])) == [
                S.error("/lists/Product Listing/query/scopes/_category_identity",
                        "required with _category_label (or a filter name carrying the identity)"),
            ])
        }

        @Test func labelMustBeANonEmptyString() {
            #expect(S.findings(rule, S.listing(scopes: ["_category_label": 5, "_category_identity": "c1"])) == [
                S.error("/lists/Product Listing/query/scopes/_category_label", "must be a non-empty string, not number"),
            ])
        }

        /// A key names a filter when it does not start with the character `_`: decided from its
        /// first bytes where they settle it, the answer must be `hasPrefix`'s, combining marks and
        /// joiners after `_` included.
        @Test func filterNamesAreKeysWithoutTheUnderscorePrefix() {
            let keys = ["", "_", "__", "_a", "a_", "a", " _", "_\r\n", "_\n", "_ ", "_category_label", "nested_category_id",
                        "_\u{301}", "_\u{308}x", "_\u{200D}", "_\u{FE0F}", "_é", "é", "\u{301}_", "\u{FF3F}", "_\u{1F600}"]
            for key in keys {
                #expect(ProductListingScopesRule.namesFilter(key) == !key.hasPrefix("_"), "\(key.unicodeScalars.map(\.value))")
            }
            // `_` with a combining mark is another character, so a filter name: the label needs no identity.
            #expect(ProductListingScopesRule.namesFilter("_\u{301}"))
            #expect(S.findings(rule, S.listing(scopes: ["_category_label": "Shirts", "_\u{301}": "x"])) == [])
        }

        @Test func scopesMustNameSomething() {
            #expect(S.findings(rule, S.listing(scopes: [:])) == [
                S.error("/lists/Product Listing/query/scopes", "must name a category, a brand or custom filters"),
            ])
            #expect(S.findings(rule, S.event("Product Listing", ["query": [:]])) == [
                S.error("/lists/Product Listing/query/scopes", missing),
            ])
        }
    }

    struct RecommendationFilters {
        let rule = RecommendationFiltersRule()
        let complete: JSONValue = ["RecommenderClientId": "autocomplete_popup", "RecommendationId": "r1", "ItemIds": ["39818"]]

        @Test func placementAndSetIdentifierPass() {
            #expect(S.findings(rule, S.recommendation(filters: complete)) == [])
        }

        @Test func missingRecommendationIdIsOnlyAWarning() {
            #expect(S.findings(rule, S.recommendation(filters: S.setting(complete, "RecommendationId", nil))) == [
                S.warning("/lists/Recommendation/query/filters/RecommendationId",
                          "missing; strongly recommended (required for new integrations)"),
            ])
        }

        @Test func placementMustBePresentAndShouldBeLowercaseWords() {
            #expect(S.findings(rule, S.recommendation(filters: S.setting(complete, "RecommenderClientId", nil))) == [
                S.error("/lists/Recommendation/query/filters/RecommenderClientId", missing),
            ])
            #expect(S.findings(rule, S.recommendation(filters: S.setting(complete, "RecommenderClientId", "Basket-Popup"))) == [
                S.warning("/lists/Recommendation/query/filters/RecommenderClientId", "should use only a-z and _ (Events API guide)"),
            ])
        }

        @Test func filtersAreRequired() {
            #expect(S.findings(rule, S.event("Recommendation", ["query": [:]])) == [
                S.error("/lists/Recommendation/query/filters", missing),
            ])
        }
    }

    struct ClickAction {
        let rule = ClickActionRule()

        @Test(arguments: ["click", "add-to-cart", "buy", "add-to-comparison"])
        func clicksAndConversionsPass(_ type: String) {
            #expect(S.findings(rule, S.click(action: ["type": .string(type), "resource_identifier": "983838"])) == [])
        }

        @Test func actionNeedsTypeAndIdentifier() {
            #expect(S.findings(rule, S.click(action: ["type": ""])) == [
                S.error("/action/type", "must not be empty"),
                S.error("/action/resource_identifier", missing),
            ])
            #expect(S.findings(rule, S.click(action: "click")) == [S.error("/action", "must be an object, not string")])
        }
    }

    struct TransactionItems {
        let rule = TransactionItemsRule()

        func findings(_ item: JSONValue) -> [EventsAPIFinding] {
            S.findings(rule, S.transaction(items: [item]))
        }

        @Test func exactIntegerCountsAndZeroPricesPass() {
            #expect(findings(S.purchased()) == [])
            #expect(findings(S.purchased(count: S.number("2e0"), totalPrice: S.number("-0"))) == [])
        }

        @Test func countIsAnIntegerOfAtLeastOne() {
            #expect(findings(S.purchased(count: 0)) == [S.error("/items/0/count", "must be at least 1, not 0")])
            #expect(findings(S.purchased(count: S.number("1.5"))) == [S.error("/items/0/count", "must be an integer, not 1.5")])
        }

        @Test func totalPriceIsNonNegativeByExactValue() {
            // -1e-400 is -0.0 as a Double; exactly, it is below zero.
            #expect(findings(S.purchased(totalPrice: S.number("-1e-400"))) == [
                S.error("/items/0/total_price", "must be 0 or more, not -1e-400"),
            ])
        }

        @Test func missingDiscountFlagsAreWarningsMistypedOnesErrors() {
            let reason = "missing; should be true or false (required by the Events API guide)"
            #expect(findings(["url": "1", "count": 1, "total_price": 5]) == [
                S.warning("/items/0/was_discounted", reason), S.warning("/items/0/was_volume_discounted", reason),
            ])
            #expect(findings(S.setting(S.purchased(), "was_discounted", "false")) == [
                S.error("/items/0/was_discounted", "must be a boolean, not string"),
            ])
        }

        @Test func itemsMustBeANonEmptyArrayOfObjects() {
            #expect(S.findings(rule, S.transaction(items: [])) == [S.error("/items", "must list at least one purchased item")])
            #expect(S.findings(rule, S.transaction(items: [nil])) == [S.error("/items/0", "must be an object, not null")])
            #expect(S.findings(rule, S.transaction(items: [:])) == [S.error("/items", "must be an array, not object")])
        }
    }
}
