@testable import DataLayerBridge
import Testing

/// ``RecommendationFiltersRule/isPlainIdentifier(_:)`` reads the text's UTF-8 as one buffer: it
/// must accept exactly the texts whose every byte is `a`…`z` or `_`, small strings and long ones.
struct PlainIdentifierTests {
    @Test(arguments: ["", "a", "z", "_", "item_detail", "Item_detail", "item-detail", "item detail", "položka", "a1",
                      "`", "{", "@", "[", "recommender_for_the_product_detail_page", "recommender_for_the_product_detail_pagE"])
    func plainIsOnlyLowercaseLettersAndUnderscores(_ text: String) {
        let expected = text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "_" }
        #expect(RecommendationFiltersRule.isPlainIdentifier(text) == expected)
    }
}
