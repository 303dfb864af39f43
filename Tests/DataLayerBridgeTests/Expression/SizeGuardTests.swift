@testable import DataLayerBridge
import Testing

/// The size guard of multi-selects reads the size objects remember (``JSONObject/knownSize``)
/// instead of walking them: what they remember must be what a walk gives, and the guard must
/// still stop values built from push objects.
struct SizeGuardTests {
    /// The guard's measure, computed here on its own: one per value plus the UTF-8 bytes of
    /// strings and keys.
    static func walkedSize(_ value: JSONValue) -> Int {
        switch value {
        case .null, .bool, .number: return 1
        case .string(let string): return 1 + string.utf8.count
        case .array(let elements): return 1 + elements.map(walkedSize).reduce(0, +)
        case .object(let object): return 1 + object.members.map { $0.key.utf8.count + walkedSize($0.value) }.reduce(0, +)
        }
    }

    /// Every object in `value` that remembers a size, with the size a walk gives it.
    static func rememberedSizes(in value: JSONValue) -> [(remembered: Int, walked: Int)] {
        switch value {
        case .null, .bool, .number, .string: return []
        case .array(let elements): return elements.flatMap(rememberedSizes)
        case .object(let object):
            let own = object.knownSize > 0 ? [(object.knownSize, walkedSize(value))] : []
            return own + object.members.flatMap { rememberedSizes(in: $0.value) }
        }
    }

    static func materialised(_ text: String) throws -> JSONValue {
        var parser = JSONParser()
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBytes { buffer throws(JSONError) in try parser.value(of: UnsafeRawBufferPointer(buffer)) }
    }

    @Test(arguments: [
        #"{"event":"view_item_list","ecommerce":{"items":[{"item_id":"A-1","price":10.50,"index":0},{"item_id":"B","item_name":"Žltá čiapka","quantity":2}]}}"#,
        #"{"a":"\u00e9\n\"x\"","b":[[],{},[{"c":null}]],"a":true,"\ud83d\ude00":"😀 long enough to live outside the cache"}"#,
        #"[{"k":1},{"k":"v","nested":{"deeper":{"deepest":[1,2,3]}}}]"#,
    ])
    func materialisedObjectsRememberTheSizeAWalkGives(text: String) throws {
        let sizes = Self.rememberedSizes(in: try Self.materialised(text))
        #expect(!sizes.isEmpty)
        for size in sizes { #expect(size.remembered == size.walked) }
    }

    @Test(arguments: [
        "{a: name, b: [name, `1`], c: `null`, d: {e: tags}}",
        "from_items(items({a: name, b: missing, c: tags, d: `null`})[?[1] != `null`])",
        "{a: name, a: tags}",
        "map(&{index: [0], item: [1]}, enumerate(tags))",
    ])
    func builtObjectsRememberTheSizeAWalkGives(source: String) throws {
        let push = try Self.materialised(#"{"name":"Ölpreis-Stiftung and more text","tags":["x","yz",{"k":[1,2]}]}"#)
        let result = try Expression(source).evaluate(push)
        let sizes = Self.rememberedSizes(in: result)
        #expect(!sizes.isEmpty)
        for size in sizes { #expect(size.remembered == size.walked) }
    }

    @Test func objectsForgetTheirSizeWhenChanged() throws {
        guard case .object(var object) = try Self.materialised(#"{"a":1,"b":"two"}"#) else {
            Issue.record("not an object")
            return
        }
        #expect(object.knownSize == Self.walkedSize(.object(object)))
        object["c"] = "three"
        #expect(object.knownSize == 0)
    }

    @Test func valuesBuiltFromAPushObjectAreStillRefused() throws {
        let members = (0..<200).map { #""key\#($0)":"a value of some length \#($0)""# }.joined(separator: ",")
        let push = try Self.materialised("{\(members)}")
        var source = "@"
        for index in 0..<20 { source = "let $v\(index) = \(source) in [$v\(index), $v\(index)]" }
        #expect(try ExpressionTests.evaluationError(source, push)?.kind == .limitExceeded)
    }
}
