#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DataLayerBridge

// ceiling < corpus.ndjson > envelopes.ndjson
//
// What a mapping compiled to native code over the tape could reach: the transform of
// ../shared/bench/peers/transform.js (the Node peer), written by hand against the library's public
// JSONTape and JSONWriter — parse each line to a tape, read the members it needs in one pass over
// each object's keys, write each envelope straight into the output buffer, copying values from the
// input text. No JSONValue, no String per value, no expression evaluator, no validator. Same record
// reader and one thread, like `convert --jobs 1`.

/// The bytes of a static text, for comparing with and copying from the tape.
func raw(_ text: StaticString) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: UnsafeRawPointer(text.utf8Start), count: text.utf8CodeUnitCount)
}

/// Names a transform reads from one kind of object, each kept as its length and its first and last
/// eight bytes (zero-padded when shorter), so that a key is matched by two word compares.
struct KeySet {
    struct Name {
        let count: Int
        let head: UInt64
        let tail: UInt64
    }
    let names: [Name]

    init(_ texts: [StaticString]) {
        names = texts.map { text in
            let bytes = raw(text)
            precondition(bytes.count >= 4 && bytes.count <= 16, "names of 4–16 bytes are matched by words")
            return Name(count: bytes.count, head: KeySet.head(bytes), tail: KeySet.tail(bytes))
        }
    }

    /// The first eight bytes of `text`, zero-padded past its end.
    static func head(_ text: UnsafeRawBufferPointer) -> UInt64 {
        var word: UInt64 = 0
        for offset in 0..<min(8, text.count) { word |= UInt64(text[offset]) << (8 * offset) }
        return word
    }

    /// The last eight bytes of `text` (overlapping the head when shorter than 16), or its head.
    static func tail(_ text: UnsafeRawBufferPointer) -> UInt64 {
        text.count >= 8 ? text.loadUnaligned(fromByteOffset: text.count - 8, as: UInt64.self) : head(text)
    }

    /// The slot of the name `key` spells, or `nil`.
    @inline(__always)
    func slot(of key: UnsafeRawBufferPointer) -> Int? {
        guard key.count >= 4, key.count <= 16 else { return nil }
        // A key of 4–7 bytes is followed in the record by at least `":`, a value and `}`, so eight
        // bytes can be read from its start; the bytes past it are masked off.
        let start = key.loadUnaligned(as: UInt64.self)
        let head = key.count >= 8 ? start : start & (UInt64.max >> (64 - 8 * key.count))
        let tail = key.count >= 8 ? key.loadUnaligned(fromByteOffset: key.count - 8, as: UInt64.self) : head
        for (slot, name) in names.enumerated() where name.count == key.count && name.head == head && name.tail == tail {
            return slot
        }
        return nil
    }
}

/// The value node of each member of `object` whose key is in `keys` (the last such member, as
/// JavaScript reads a parsed object), found in one pass over the keys; `nil` when absent.
/// `found` has one slot per key.
func readMembers(_ tape: JSONTape, _ object: Int?, _ keys: KeySet, into found: inout [Int?]) {
    found.withUnsafeMutableBufferPointer { found in
        for slot in found.indices { found[slot] = nil }
        guard let object, tape.kind(object) == .object else { return }
        var key = object + 1
        let end = tape.skip(object)
        while key < end {
            if tape.stringNeedsDecoding(key) {
                var name = tape.string(key)
                if let slot = name.withUTF8({ keys.slot(of: UnsafeRawBufferPointer($0)) }) { found[slot] = key + 1 }
            } else if let slot = keys.slot(of: tape.rawText(key)) {
                found[slot] = key + 1
            }
            key = tape.skip(key + 1)
        }
    }
}

/// A member's value node unless absent or null (JavaScript's `?? fallback`).
func present(_ tape: JSONTape, _ node: Int?) -> Int? {
    guard let node, tape.kind(node) != .null else { return nil }
    return node
}

/// The integer a number node's text spells, when it is a plain (optionally negative) integer that fits.
func integer(_ tape: JSONTape, _ node: Int?) -> Int? {
    guard let node, tape.kind(node) == .number else { return nil }
    let text = tape.rawText(node)
    var value = 0, negative = false
    for (offset, byte) in text.enumerated() {
        if offset == 0, byte == UInt8(ascii: "-") { negative = true; continue }
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
        if overflow1 || overflow2 { return nil }
        value = sum
    }
    return negative ? -value : value
}

enum PushKey: Int, CaseIterable { case event, ecommerce, clientID, timestamp, eventID, userID, pageLocation, pageTitle, searchTerm }
enum EcommerceKey: Int, CaseIterable { case items, itemListID, itemListName, searchTerm }
enum ItemKey: Int, CaseIterable { case itemName, itemID, index, price, quantity, discount }

/// The Node peer's transform over one tape at a time, writing into `output`.
struct Transform {
    var output = JSONWriter()
    // The names each object's one pass looks for, in the order of their key enum.
    let pushKeys = KeySet(["event", "ecommerce", "client_id", "timestamp", "event_id", "user_id", "page_location", "page_title",
                            "search_term"])
    let ecommerceKeys = KeySet(["items", "item_list_id", "item_list_name", "search_term"])
    let itemKeys = KeySet(["item_name", "item_id", "index", "price", "quantity", "discount"])
    var push = [Int?](repeating: nil, count: PushKey.allCases.count)
    var ecommerce = [Int?](repeating: nil, count: EcommerceKey.allCases.count)
    var item = [Int?](repeating: nil, count: ItemKey.allCases.count)

    mutating func member(_ key: StaticString, first: Bool = false) {
        output.separate(first: first)
        output.writeRaw(raw(key))
    }

    mutating func value(_ tape: JSONTape, _ node: Int?) {
        if let node { output.write(tape, node: node) } else { output.writeRaw(raw("null")) }
    }

    mutating func write(integer: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = integer.magnitude, start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest != 0
            if integer < 0 { output.append(byte: UInt8(ascii: "-")) }
            output.writeRaw(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(digits)[start...]))
        }
    }

    func push(_ key: PushKey) -> Int? { push[key.rawValue] }
    func ecommerce(_ key: EcommerceKey) -> Int? { ecommerce[key.rawValue] }
    func item(_ key: ItemKey) -> Int? { item[key.rawValue] }

    static func isEvent(_ tape: JSONTape, _ node: Int, _ name: StaticString) -> Bool {
        tape.kind(node) == .string && tape.stringEquals(node, raw(name))
    }

    /// `{"id":…,"type":…,"tracker_id":…,"client_id":…[,"customer_id":…],"local_timestamp":…` (left open).
    mutating func envelope(_ tape: JSONTape, line: Int, type: StaticString) {
        let client = present(tape, push(.clientID))
        let timestamp = push(.timestamp)
        output.beginContainer(UInt8(ascii: "{"))
        member("\"id\":", first: true)
        if let id = present(tape, push(.eventID)) {
            output.write(tape, node: id)
        } else {
            let clientText = client.map { tape.kind($0) == .string ? tape.string($0) : String(decoding: tape.rawText($0), as: UTF8.self) } ?? ""
            let timeText = timestamp.map { tape.kind($0) == .null ? "" : String(decoding: tape.rawText($0), as: UTF8.self) } ?? ""
            output.write(string: "\(clientText)-\(timeText)-\(line)")
        }
        member("\"type\":")
        output.append(byte: UInt8(ascii: "\""))
        output.writeRaw(raw(type))
        output.append(byte: UInt8(ascii: "\""))
        // The tracker id the benchmarks pass the peers (`--tracker-id 1234-5678`), written as a constant.
        member("\"tracker_id\":\"1234-5678\"")
        member("\"client_id\":")
        value(tape, client)
        if let customer = present(tape, push(.userID)) {
            member("\"customer_id\":")
            output.write(tape, node: customer)
        }
        member("\"local_timestamp\":")
        if let milliseconds = integer(tape, timestamp) {
            write(integer: milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        } else {
            value(tape, nil)
        }
    }

    /// `{"title":NAME,` then `url` (the member text up to the item id) and the item id, left open.
    mutating func openItem(_ tape: JSONTape, position: Int, url: StaticString) {
        output.separate(first: position == 0)
        output.beginContainer(UInt8(ascii: "{"))
        member("\"title\":", first: true)
        value(tape, present(tape, item(.itemName)))
        member(url)
        value(tape, present(tape, item(.itemID)))
    }

    mutating func listItems(_ tape: JSONTape, _ items: Int?) {
        output.beginContainer(UInt8(ascii: "["))
        var position = 0
        if let items {
            for node in tape.children(items) {
                readMembers(tape, node, itemKeys, into: &item)
                openItem(tape, position: position, url: "\"type\":\"item\",\"url\":")
                member("\"position\":")
                write(integer: (integer(tape, present(tape, item(.index))) ?? position) + 1)
                if let price = present(tape, item(.price)) {
                    member("\"price\":")
                    output.write(tape, node: price)
                }
                output.endContainer(UInt8(ascii: "}"), empty: false)
                position += 1
            }
        }
        output.endContainer(UInt8(ascii: "]"), empty: position == 0)
    }

    /// Whether the text of `node` holds `word` (lower-case ASCII) once ASCII letters are lowered.
    /// Non-ASCII bytes never lower into ASCII letters except in U+0130 and U+212A, which send the
    /// caller to the `String` path.
    static func holds(_ text: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        let word = raw(word)
        guard text.count >= word.count else { return false }
        for start in 0...(text.count - word.count) {
            var offset = 0
            while offset < word.count, text[start + offset] | (text[start + offset] &- 0x41 < 26 ? 0x20 : 0) == word[offset] { offset += 1 }
            if offset == word.count { return true }
        }
        return false
    }

    static func needsUnicodeLowering(_ text: UnsafeRawBufferPointer) -> Bool {
        holds(text, "\u{130}") || holds(text, "\u{212A}")
    }

    /// The Events API list a `view_item_list` push's list id and name stand for.
    enum ListKind {
        case searchResults, recommendation, productListing

        var name: StaticString {
            switch self {
            case .searchResults: "Search Results"
            case .recommendation: "Recommendation"
            case .productListing: "Product Listing"
            }
        }
    }

    func listKind(_ tape: JSONTape) -> ListKind {
        let texts = [present(tape, ecommerce(.itemListID)), present(tape, ecommerce(.itemListName))].map { node in
            node.map { tape.rawText($0) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        }
        if texts.contains(where: Self.needsUnicodeLowering) {
            let text = texts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ").lowercased()
            if text.contains("search") { return .searchResults }
            if text.contains("recommend") || text.contains("related") || text.contains("similar") { return .recommendation }
            return .productListing
        }
        if texts.contains(where: { Self.holds($0, "search") }) { return .searchResults }
        if texts.contains(where: { Self.holds($0, "recommend") || Self.holds($0, "related") || Self.holds($0, "similar") }) { return .recommendation }
        return .productListing
    }

    /// Writes the envelope of one push, or returns false when the transform drops it.
    mutating func convert(_ tape: JSONTape, line: Int) -> Bool {
        readMembers(tape, tape.root, pushKeys, into: &push)
        guard let event = push(.event) else { return false }
        readMembers(tape, push(.ecommerce), ecommerceKeys, into: &ecommerce)
        let items = present(tape, ecommerce(.items)).flatMap { tape.kind($0) == .array ? $0 : nil }
        if Self.isEvent(tape, event, "page_view") {
            envelope(tape, line: line, type: "pv")
            member("\"url\":")
            value(tape, present(tape, push(.pageLocation)))
            if let title = present(tape, push(.pageTitle)) {
                member("\"title\":")
                output.write(tape, node: title)
            }
        } else if Self.isEvent(tape, event, "view_item_list") || Self.isEvent(tape, event, "view_search_results") {
            let kind: ListKind = Self.isEvent(tape, event, "view_search_results") ? .searchResults : listKind(tape)
            envelope(tape, line: line, type: "event")
            member("\"lists\":{\"", first: false)
            output.writeRaw(raw(kind.name))
            member("\":{\"items\":", first: true)
            listItems(tape, items)
            member("\"query\":")
            switch kind {
            case .searchResults:
                if let term = present(tape, push(.searchTerm)) ?? present(tape, ecommerce(.searchTerm)) {
                    member("{\"string\":", first: true)
                    output.write(tape, node: term)
                    member("}", first: true)
                } else {
                    member("{}", first: true)
                }
            case .recommendation:
                member("{}", first: true)
            case .productListing:
                member("{\"scopes\":{\"_category_label\":", first: true)
                value(tape, present(tape, ecommerce(.itemListName)))
                member("}}", first: true)
            }
            member("}}", first: true)
        } else if Self.isEvent(tape, event, "view_item") {
            guard let items, let first = tape.children(items).first(where: { _ in true }) else { return false }
            readMembers(tape, first, itemKeys, into: &item)
            envelope(tape, line: line, type: "pv")
            member("\"url\":")
            value(tape, present(tape, item(.itemID)))
            member("\"title\":")
            value(tape, present(tape, item(.itemName)))
        } else if Self.isEvent(tape, event, "purchase") {
            envelope(tape, line: line, type: "transaction")
            member("\"items\":")
            output.beginContainer(UInt8(ascii: "["))
            var position = 0
            for node in items.map({ Array(tape.children($0)) }) ?? [] {
                readMembers(tape, node, itemKeys, into: &item)
                func number(_ key: ItemKey, _ fallback: Int) -> ExactDecimal {
                    present(tape, item(key)).flatMap { tape.kind($0) == .number ? ExactDecimal(tape.number($0)) : nil } ?? ExactDecimal(fallback)
                }
                let quantity = number(.quantity, 1), discount = number(.discount, 0), price = number(.price, 0)
                openItem(tape, position: position, url: "\"url\":")
                member("\"count\":")
                output.write(number: quantity.jsonNumber)
                member("\"total_price\":")
                output.write(number: (price * quantity - discount * quantity).jsonNumber)
                member(discount > 0 ? "\"was_discounted\":true" : "\"was_discounted\":false")
                member("\"was_volume_discounted\":false")
                output.endContainer(UInt8(ascii: "}"), empty: false)
                position += 1
            }
            output.endContainer(UInt8(ascii: "]"), empty: position == 0)
        } else {
            let action: StaticString
            if Self.isEvent(tape, event, "select_item") { action = "click" }
            else if Self.isEvent(tape, event, "add_to_cart") { action = "add-to-cart" }
            else if Self.isEvent(tape, event, "add_to_wishlist") { action = "add-to-wishlist" }
            else { return false }
            guard let items, let first = tape.children(items).first(where: { _ in true }) else { return false }
            readMembers(tape, first, itemKeys, into: &item)
            envelope(tape, line: line, type: "click")
            member("\"action\":{\"type\":\"")
            output.writeRaw(raw(action))
            member("\",\"resource_identifier\":", first: true)
            value(tape, present(tape, item(.itemID)))
            member("}", first: true)
        }
        output.endContainer(UInt8(ascii: "}"), empty: false)
        output.append(byte: UInt8(ascii: "\n"))
        return true
    }
}

func report(_ text: String) {
    _ = text.withCString { write(2, $0, strlen($0)) }
}

func flush(_ output: inout JSONWriter) {
    output.withBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { exit(1) }
            offset += written
        }
    }
    output.reset()
}

var transform = Transform()
var parser = JSONParser()
var reader = RecordReader(source: FileDescriptorSource(fileDescriptor: 0), format: .ndjson)
var lines = 0, emitted = 0, dropped = 0, malformed = 0
do {
    while let batch = try reader.nextBatch() {
        batch.bytes.withUnsafeBytes { bytes in
            for span in batch.records {
                lines += 1
                do {
                    let tape = try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[span.range]))
                    guard tape.kind(tape.root) == .object else {
                        malformed += 1
                        continue
                    }
                    if transform.convert(tape, line: span.line) { emitted += 1 } else { dropped += 1 }
                } catch {
                    malformed += 1
                }
            }
        }
        if transform.output.count >= 1 << 20 { flush(&transform.output) }
    }
    flush(&transform.output)
} catch {
    report("ceiling: \(error)\n")
    exit(1)
}
report("ceiling: lines=\(lines) emitted=\(emitted) dropped=\(dropped) malformed=\(malformed)\n")
