@testable import DataLayerBridge
import Testing

/// The normaliser decides most records on their tape, comparing keys as ``ShortText`` words and
/// event names by their first bytes; each of these fast paths must answer exactly as the
/// materialised record and the stdlib do.
struct PushMembersFastPathTests {
    let normalizer = InputNormalizer()

    @Test func gtmEventNamesAreTheNamesWithThePrefixAsStringSeesIt() {
        // Combining marks and joiners after the dot make a character that is not `.`; CR LF is one
        // character; non-ASCII letters look like nothing ASCII.
        let names = StringFastPathTests.strings(of: ["g", "t", "m", ".", "\u{301}", "x", "é", "\r", "\n", "\u{200D}"], upTo: 5)
            + ["gtm.js", "gtm.dom", "Gtm.js", "ǵtm.js", "gtm.js\u{301}", "gtm.\u{301}", "page_view", "gtm.😀"]
        for name in names {
            #expect(InputNormalizer.isGTMEventName(name) == name.hasPrefix("gtm."), "\(Array(name.unicodeScalars))")
            // The skip's detail, written in one go, is the interpolated one byte for byte.
            #expect(Array(InputNormalizer.quoted(event: name).utf8) == Array("event \"\(name)\"".utf8))
        }
    }

    @Test func ecommerceParametersAreFoundByTheirWordsAndNothingElseIs() {
        let names = InputNormalizer.ecommerceParameters
        var others = ["", "0", "event", "ecommerce", "item_id", "item_list", "items_", "promotion_name_", "tax\u{0}"]
        for name in names {
            let bytes = Array(name.utf8)
            others.append(String(decoding: bytes.dropLast(), as: UTF8.self))
            others.append(name + "s")
            others.append(name.uppercased())
            for position in bytes.indices {
                var changed = bytes
                changed[position] ^= 0x01
                others.append(String(decoding: changed, as: UTF8.self))
            }
        }
        for key in names + others {
            let expected = names.contains(key)
            let found = Array(key.utf8).withUnsafeBytes { InputNormalizer.isEcommerceParameter($0) }
            #expect(found == expected, "\(key)")
        }
    }

    @Test(arguments: ["gtm.js", "gtm.dom", "gtm.load", "gtm.click", "gtm.scrollDepth", "gtm.scrollDept", "gtm.loaf",
                      "gtm.abcdefghijk", "gtm.abcdefghijkl", "gtm.élan", "gtm.domé"])
    func gtmEventNamesFromTheTapeAndTheirDetailsAreTheMaterialisedOnes(name: String) throws {
        // Names up to 15 bytes are made from their words, the frequent ones' details are made once:
        // both must be the bytes the materialised push gives, at the boundary of a small string too.
        let text = "{\"event\":\"\(name)\",\"gtm.uniqueEventId\":3}"
        var parser = JSONParser()
        let record = try JSONValue(parsing: text)
        let object = try #require(record.objectValue)
        let expected = try #require(ObjectPush(object: object).gtmSystemEventName)
        let normalized = normalizer.normalize(record)
        try Array(text.utf8).withUnsafeBytes { bytes in
            let tape = try parser.parse(bytes)
            let found = try #require(TapePush(tape: tape, object: tape.root).gtmSystemEventName)
            #expect(Array(found.utf8) == Array(expected.utf8))
            #expect(Array(InputNormalizer.quoted(event: found).utf8) == Array("event \"\(name)\"".utf8))
            guard case .decided(.skip(let reason, let detail)) = normalizer.verdict(tape),
                  case .skip(reason, let materialisedDetail) = normalized else {
                Issue.record("\(name) is not skipped alike")
                return
            }
            #expect(Array(detail.utf8) == Array(materialisedDetail.utf8))
        }
    }

    /// Records of keys the decisions look for, look-alikes, escaped spellings and duplicates, with
    /// values of every shape the decisions tell apart.
    static let records: [String] = {
        let keys = [#""event""#, #""ecommerce""#, #""0""#, #""items""#, #""value""#, #""tax""#, #""gtm.start""#,
                    #""gtm.uniqueEventId""#, #""client_id""#, #""ev\u0065nt""#, #""it\u0065ms""#, #""gtm\u002Eoops""#,
                    #""promotion_name""#, #""promotion_names""#, #""screen_resolution""#, #""eventx""#, #""""#]
        let values = ["null", #""gtm.js""#, #""page_view""#, #""event""#, "[]", "[1]", "{}", #"{"items":[]}"#, "1", #""""#,
                      #""gtm\u002Eclick""#, #""gtm.\u0301x""#, #""gtm.é""#, #""gtméx""#, #""gtm""#]
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        return (0..<3_000).map { _ in
            let members = (0..<next(6)).map { _ in keys[next(keys.count)] + ":" + values[next(values.count)] }
            return "{" + members.joined(separator: ",") + "}"
        }
    }()

    @Test func theTapeAnswersAsTheMaterialisedPush() throws {
        var parser = JSONParser()
        for text in Self.records {
            let record = try JSONValue(parsing: text)
            let object = try #require(record.objectValue)
            let expected = ObjectPush(object: object)
            let others = object.filter { $0.key != "event" && $0.key != "ecommerce" }
            try Array(text.utf8).withUnsafeBytes { bytes in
                let tape = try parser.parse(bytes)
                let push = TapePush(tape: tape, object: tape.root)
                #expect(push.event == expected.event, "\(text)")
                #expect(push.ecommerce == expected.ecommerce, "\(text)")
                #expect(push.gtmSystemEventName == expected.gtmSystemEventName, "\(text)")
                #expect(push.carriesEcommerceParameter == expected.carriesEcommerceParameter, "\(text)")
                #expect(push.carriesNonGTMMember == expected.carriesNonGTMMember, "\(text)")
                #expect(push.hasEcommerceParameter == others.contains { InputNormalizer.ecommerceParameters.contains($0.key) }, "\(text)")
                #expect(push.zeroNode.map { tape.value($0) } == object["0"], "\(text)")
                #expect(push.eventNode.map { tape.value($0) } == object["event"], "\(text)")
                #expect(push.ecommerceNode.map { tape.value($0) } == object["ecommerce"], "\(text)")
            }
        }
    }

    @Test func theTapeVerdictIsWhatNormalisingDecides() throws {
        var parser = JSONParser()
        var decided = 0
        var canonical = 0
        for text in Self.records {
            let record = try JSONValue(parsing: text)
            let normalized = normalizer.normalize(record)
            let verdict = try Array(text.utf8).withUnsafeBytes { bytes in normalizer.verdict(try parser.parse(bytes)) }
            switch verdict {
            case .decided(let found):
                decided += 1
                #expect(found == normalized, "\(text)")
            case .canonical:
                canonical += 1
                #expect(normalized == .push(record), "\(text)")
            case .undecided:
                break
            }
        }
        // The records reach every verdict, not only the undecided one that checks nothing.
        #expect(decided > 50 && canonical > 300, "\(decided) decided, \(canonical) canonical")
    }
}
