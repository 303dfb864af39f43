@testable import DataLayerBridge
import Testing

/// Member lookup keeps its rule — the last member whose key has the needle's UTF-8 length and is
/// canonically equivalent (`==`) wins — whichever way the object and the needle were made:
/// members built in code, materialised from a tape (with or without escapes), or read by an
/// expression's field step with its name prepared at compile time.
struct MemberLookupTests {
    /// Keys where byte identity, canonical equivalence and UTF-8 length part ways.
    static let keys = [
        "K", "\u{212A}",                      // KELVIN SIGN ≡ "K", 3 bytes against 1
        "Kelvin", "\u{212A}elvin",
        "\u{3A9}", "\u{2126}",                // GREEK CAPITAL OMEGA ≡ OHM SIGN, 2 bytes against 3
        "caf\u{E9}", "cafe\u{301}",           // precomposed against decomposed
        "\u{1E0B}\u{323}", "\u{1E0D}\u{307}", // equivalent, both 5 bytes, different bytes
        "e\u{301}\u{327}", "e\u{327}\u{301}", // combining marks in either order, both 5 bytes
        "", "a", "ab", "ba", "event",
        "a_key_longer_than_fifteen_bytes", "a_key_longer_than_fifteen_bytez",
        "\u{212A}_key_longer_than_fifteen_bytes", "K_key_longer_than_fifteen_bytes",
    ]

    /// The rule as it was written before members stored their key's length.
    static func reference(_ members: [JSONObject.Member], _ key: String) -> JSONValue? {
        members.last { $0.key.utf8.count == key.utf8.count && $0.key == key }?.value
    }

    /// Objects of every key, in two orders, and with duplicates whose later value must win.
    static func memberLists() -> [[JSONObject.Member]] {
        let forward = keys.enumerated().map { JSONObject.Member(key: $1, value: .number(JSONNumber($0))) }
        let backward = Array(forward.reversed())
        let duplicated = forward + keys.enumerated().map { JSONObject.Member(key: $1, value: .string("second \($0)")) }
        let sparse = forward.enumerated().filter { $0.offset.isMultiple(of: 3) }.map(\.element)
        return [forward, backward, duplicated, sparse, []]
    }

    static let needles = keys + ["k", "Kelvi", "\u{212A}\u{212A}", "missing"]

    @Test(arguments: needles)
    func builtObjectsFollowTheRule(_ needle: String) {
        for members in Self.memberLists() {
            let object = JSONObject(members)
            #expect(object[needle] == Self.reference(members, needle), "\(members.map(\.key)) [\(needle)]")
            #expect(object[MemberName(needle)] == Self.reference(members, needle))
            let index = object.lastIndex(named: MemberName(needle))
            #expect(index == members.lastIndex { $0.key.utf8.count == needle.utf8.count && $0.key == needle })
        }
    }

    @Test(arguments: needles)
    func materialisedObjectsFollowTheRule(_ needle: String) throws {
        for members in Self.memberLists() {
            let object = JSONValue.object(JSONObject(members))
            // Written once as is and once with every non-ASCII scalar escaped, so that keys come
            // both from the string cache and from decoding.
            let escaped = object.description.unicodeScalars.map { $0.isASCII ? String($0) : String(format: $0) }.joined()
            for text in [object.description, escaped] {
                let parsed = try #require(try JSONValue(parsing: text).objectValue)
                #expect(parsed.members.map(\.key) == members.map(\.key))
                #expect(parsed[needle] == Self.reference(members, needle), "\(text) [\(needle)]")
            }
        }
    }

    @Test(arguments: needles)
    func fieldStepsFollowTheRule(_ needle: String) throws {
        let quoted = JSONValue.string(needle).description
        let field = try Expression(quoted)
        let member = try Expression("inner.\(quoted)")
        for members in Self.memberLists() {
            let object = JSONValue.object(JSONObject(members))
            let expected = Self.reference(members, needle) ?? .null
            #expect(try field.evaluate(object) == expected, "\(members.map(\.key)) \(quoted)")
            #expect(try member.evaluate(["inner": object]) == expected)
        }
    }

    /// Tape lookup compares decoded bytes (no canonical equivalence): the last key node whose
    /// decoded text is `key`'s bytes, checked here against a walk over `children`.
    @Test(arguments: needles + ["Ab", "A\\u0062", "\\"])
    func tapeLookupFindsTheLastByteIdenticalKey(_ needle: String) throws {
        let documents = [
            #"{"Ab":1,"\u0041b":2,"A\u0062":[3,{"Ab":4}],"\u212A":5,"K":6,"x":{"K":7},"\\":8,"caf\u00e9":9}"#,
            #"{"\u0041\u0062":{"Ab":1},"Ab":"two","A\\u0062":3,"\u212Aelvin":[],"cafe\u0301":4,"\u212A":{}}"#,
            #"{}"#, #"[{"Ab":1}]"#, #""Ab""#,
        ] + Self.memberLists().map { JSONValue.object(JSONObject($0)).description }
        var parser = JSONParser()
        for document in documents {
            let bytes = Array(document.utf8)
            try bytes.withUnsafeBytes { buffer in
                let tape = try parser.parse(buffer)
                var expected: Int?
                if tape.kind(tape.root) == .object {
                    for key in tape.children(tape.root) where Array(tape.string(key).utf8) == Array(needle.utf8) { expected = key + 1 }
                }
                #expect(tape.member(tape.root, needle) == expected, "\(document) [\(needle)]")
            }
        }
    }

    /// Keys of up to 15 ASCII bytes are told apart by their small strings' bits, the rest by
    /// String's comparison: a key or needle held in a large string (as text written into a bigger
    /// buffer is) must still match its small twin, and keys of one length that differ anywhere
    /// must not match, for every way of looking up.
    @Test func shortKeysMatchWhateverTheirStorage() {
        let texts = ["", "a", "b", "price", "index", "item_list_id", "item_variant", "item_category2", "item_category3",
                     "fifteen_bytes_x", "fifteen_bytes_y", "caf\u{E9}", "cafe\u{301}"]
        func large(_ text: String) -> String {
            String(unsafeUninitializedCapacity: 64) { buffer in
                _ = buffer.initialize(from: text.utf8)
                return text.utf8.count
            }
        }
        // The copies really are large: otherwise the comparison they stand for goes untested.
        #expect(SmallASCIILiteral.words(of: large("price")) == nil)
        #expect(SmallASCIILiteral.words(of: String("price")) != nil)
        for key in texts {
            for stored in [key, large(key)] {
                let object = JSONObject([.init(key: "before", value: 0), .init(key: stored, value: 1), .init(key: "after", value: 2)])
                for needle in texts {
                    let expected: JSONValue? = key.utf8.count == needle.utf8.count && key == needle ? 1 : nil
                    for name in [needle, large(needle)] {
                        #expect(object[name] == expected, "[\(key)] looked up as [\(needle)]")
                        #expect(object.lastIndex(named: MemberName(name)) == (expected == nil ? nil : 1))
                        #expect(object[MemberName(name)] == Self.reference(object.members, name))
                    }
                }
            }
        }
    }

    @Test func renamingAMemberMovesItsLookup() {
        var member = JSONObject.Member(key: "K", value: 1)
        member.key = "\u{212A}elvin"
        let object = JSONObject([member])
        #expect(object["\u{212A}elvin"] == 1)
        #expect(object["Kelvin"] == nil, "equivalent, but not as long")
        #expect(object["K"] == nil)
        member.key = "a_key_longer_than_fifteen_bytes"
        #expect(JSONObject([member])["a_key_longer_than_fifteen_bytes"] == 1)
    }

    @Test func theStoredLengthTakesNoRoomOfItsOwn() {
        // It sits in the padding after the value's tag byte: a member array is no larger for it.
        #expect(MemoryLayout<JSONObject.Member>.stride == MemoryLayout<String>.stride + MemoryLayout<JSONValue>.stride)
    }

    @Test func membersFromATapeEqualAndHashAsBuiltOnes() throws {
        let built = JSONObject.Member(key: "cafe\u{301}", value: [1, "x"])
        let parsed = try #require(try JSONValue(parsing: #"{"cafe\u0301": [1, "x"]}"#).objectValue?.members.first)
        #expect(parsed == built)
        #expect(parsed.hashValue == built.hashValue)
        #expect(parsed != JSONObject.Member(key: "cafe\u{301}", value: [1, "y"]))
    }
}

private extension String {
    /// `scalar` as JSON `\uXXXX` escapes (a surrogate pair above the Basic Multilingual Plane).
    init(format scalar: Unicode.Scalar) {
        self = String(scalar).utf16.map { unit in
            let hex = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }

    /// Writing, removing, listing keys and collapsing duplicates tell keys apart by the same rule as
    /// reading: a KELVIN SIGN "K" and a "K" are two keys for all of them.
    @Test func everyOperationTellsKeysApartAsLookupDoes() {
        var object = JSONObject([.init(key: "\u{212A}", value: 1), .init(key: "caf\u{E9}", value: 2)])
        object["K"] = 3
        object["cafe\u{301}"] = 4
        #expect(object.members.map(\.key) == ["\u{212A}", "caf\u{E9}", "K", "cafe\u{301}"])
        #expect(object["\u{212A}"] == 1 && object["K"] == 3 && object["caf\u{E9}"] == 2 && object["cafe\u{301}"] == 4)
        object["K"] = 5
        #expect(object.members.count == 4 && object["K"] == 5 && object["\u{212A}"] == 1)
        #expect(object.keys == ["\u{212A}", "caf\u{E9}", "K", "cafe\u{301}"])
        #expect(object.uniqueMembers.map(\.value) == [1, 2, 5, 4])
        object["K"] = nil
        #expect(object.members.map(\.key) == ["\u{212A}", "caf\u{E9}", "cafe\u{301}"])
        // Real duplicates still collapse to the last value, in first-appearance order, for small and large objects.
        for filler in [0, 20] {
            var members = (0..<filler).map { JSONObject.Member(key: "f\($0)", value: .number(JSONNumber($0))) }
            members += [.init(key: "\u{212A}", value: 1), .init(key: "K", value: 2), .init(key: "\u{212A}", value: 3)]
            let duplicated = JSONObject(members)
            #expect(duplicated.keys.suffix(2) == ["\u{212A}", "K"], "\(filler) fillers")
            #expect(duplicated.uniqueMembers.suffix(2).map(\.value) == [3, 2], "\(filler) fillers")
        }
    }
}
