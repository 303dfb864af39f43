import DataLayerBridge
import Testing

@Suite("enumerate()")
struct EnumerateFunctionTests {
    @Test("pairs each element with its 0-based index, in order")
    func pairs() throws {
        let value = try Expression("enumerate(items)").evaluate(["items": ["a", nil, ["b": 1]]])
        #expect(value == [[0, "a"], [1, nil], [2, ["b": 1]]])
    }

    @Test("gives map() the index: array order plus one")
    func positions() throws {
        let value = try Expression("map(&{id: [1].id, position: [0] + `1`}, enumerate(items))")
            .evaluate(["items": [["id": "x"], ["id": "y"]]])
        #expect(value == [["id": "x", "position": 1], ["id": "y", "position": 2]])
    }

    @Test("an empty array gives an empty array; a non-array is a type error")
    func edges() throws {
        #expect(try Expression("enumerate(`[]`)").evaluate(nil) == [])
        #expect(throws: ExpressionError.self) { try Expression("enumerate(`{}`)").evaluate(nil) }
    }
}
