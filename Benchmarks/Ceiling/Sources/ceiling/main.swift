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
// JSONTape and JSONWriter — parse each line to a tape, read members in place, write each envelope
// straight into the output buffer, copying values from the input text. No JSONValue, no expression
// evaluator, no validator. Same record reader and one thread, like `convert --jobs 1`.

/// The Node peer's transform over one tape at a time, writing into `output`.
struct Transform {
    let tracker = "1234-5678"
    var output = JSONWriter()

    /// The value node of `key` in the object `node`, unless absent or null (JavaScript's `?? fallback`).
    static func present(_ tape: JSONTape, _ node: Int?, _ key: String) -> Int? {
        guard let node, let value = tape.member(node, key), tape.kind(value) != .null else { return nil }
        return value
    }

    mutating func member(_ key: StaticString, first: Bool = false) {
        output.separate(first: first)
        output.writeRaw(UnsafeRawBufferPointer(start: UnsafeRawPointer(key.utf8Start), count: key.utf8CodeUnitCount))
    }

    mutating func value(_ tape: JSONTape, _ node: Int?) {
        if let node { output.write(tape, node: node) } else { output.writeRaw(UnsafeRawBufferPointer(start: UnsafeRawPointer(("null" as StaticString).utf8Start), count: 4)) }
    }

    static func isEvent(_ tape: JSONTape, _ node: Int, _ name: StaticString) -> Bool {
        tape.kind(node) == .string && tape.stringEquals(node, UnsafeRawBufferPointer(start: UnsafeRawPointer(name.utf8Start), count: name.utf8CodeUnitCount))
    }

    /// `{"id":…,"type":…,"tracker_id":…,"client_id":…[,"customer_id":…],"local_timestamp":…` (left open).
    mutating func envelope(_ tape: JSONTape, _ push: Int, line: Int, type: StaticString) {
        let client = Self.present(tape, push, "client_id")
        let timestamp = tape.member(push, "timestamp")
        output.beginContainer(UInt8(ascii: "{"))
        member("\"id\":", first: true)
        if let id = Self.present(tape, push, "event_id") {
            output.write(tape, node: id)
        } else {
            let clientText = client.map { tape.kind($0) == .string ? tape.string($0) : String(decoding: tape.rawText($0), as: UTF8.self) } ?? ""
            let timeText = timestamp.map { tape.kind($0) == .null ? "" : String(decoding: tape.rawText($0), as: UTF8.self) } ?? ""
            output.write(string: "\(clientText)-\(timeText)-\(line)")
        }
        member("\"type\":")
        output.write(string: String(describing: type))
        member("\"tracker_id\":")
        output.write(string: tracker)
        member("\"client_id\":")
        value(tape, client)
        if let customer = Self.present(tape, push, "user_id") {
            member("\"customer_id\":")
            output.write(tape, node: customer)
        }
        member("\"local_timestamp\":")
        if let timestamp, tape.kind(timestamp) == .number, let milliseconds = Int64(String(decoding: tape.rawText(timestamp), as: UTF8.self)) {
            let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
            output.write(number: JSONNumber(Int(seconds)))
        } else {
            value(tape, nil)
        }
    }

    /// `{"title":NAME,` then `url` (the member text up to the item id) and the item id, left open.
    mutating func openItem(_ tape: JSONTape, _ item: Int, position: Int, url: StaticString) {
        output.separate(first: position == 0)
        output.beginContainer(UInt8(ascii: "{"))
        member("\"title\":", first: true)
        value(tape, Self.present(tape, item, "item_name"))
        member(url)
        value(tape, Self.present(tape, item, "item_id"))
    }

    mutating func listItems(_ tape: JSONTape, _ items: [Int]) {
        output.beginContainer(UInt8(ascii: "["))
        for (position, item) in items.enumerated() {
            openItem(tape, item, position: position, url: "\"type\":\"item\",\"url\":")
            member("\"position\":")
            if let index = Self.present(tape, item, "index"), tape.kind(index) == .number, let number = Int(String(decoding: tape.rawText(index), as: UTF8.self)) {
                output.write(number: JSONNumber(number + 1))
            } else {
                output.write(number: JSONNumber(position + 1))
            }
            if let price = Self.present(tape, item, "price") {
                member("\"price\":")
                output.write(tape, node: price)
            }
            output.endContainer(UInt8(ascii: "}"), empty: false)
        }
        output.endContainer(UInt8(ascii: "]"), empty: items.isEmpty)
    }

    static func listName(_ tape: JSONTape, _ ecommerce: Int?) -> StaticString {
        let id = Self.present(tape, ecommerce, "item_list_id").map { String(decoding: tape.rawText($0), as: UTF8.self) } ?? ""
        let name = Self.present(tape, ecommerce, "item_list_name").map { String(decoding: tape.rawText($0), as: UTF8.self) } ?? ""
        let text = (id + " " + name).lowercased()
        if text.contains("search") { return "Search Results" }
        if text.contains("recommend") || text.contains("related") || text.contains("similar") { return "Recommendation" }
        return "Product Listing"
    }

    /// Writes the envelope of one push, or returns false when the transform drops it.
    mutating func convert(_ tape: JSONTape, line: Int) -> Bool {
        let push = tape.root
        guard let event = tape.member(push, "event") else { return false }
        var ecommerce = tape.member(push, "ecommerce")
        if let node = ecommerce, tape.kind(node) != .object { ecommerce = nil }
        let items: [Int] = Self.present(tape, ecommerce, "items").map { tape.kind($0) == .array ? Array(tape.children($0)) : [] } ?? []
        if Self.isEvent(tape, event, "page_view") {
            envelope(tape, push, line: line, type: "pv")
            member("\"url\":")
            value(tape, Self.present(tape, push, "page_location"))
            if let title = Self.present(tape, push, "page_title") {
                member("\"title\":")
                output.write(tape, node: title)
            }
        } else if Self.isEvent(tape, event, "view_item_list") || Self.isEvent(tape, event, "view_search_results") {
            let name: StaticString = Self.isEvent(tape, event, "view_search_results") ? "Search Results" : Self.listName(tape, ecommerce)
            envelope(tape, push, line: line, type: "event")
            member("\"lists\":")
            let kind = String(describing: name)
            output.beginContainer(UInt8(ascii: "{"))
            output.separate(first: true)
            output.writeKey(kind)
            output.beginContainer(UInt8(ascii: "{"))
            member("\"items\":", first: true)
            listItems(tape, items)
            member("\"query\":")
            if kind == "Search Results" {
                if let term = Self.present(tape, push, "search_term") ?? Self.present(tape, ecommerce, "search_term") {
                    output.beginContainer(UInt8(ascii: "{"))
                    member("\"string\":", first: true)
                    output.write(tape, node: term)
                    output.endContainer(UInt8(ascii: "}"), empty: false)
                } else {
                    member("{}", first: true)
                }
            } else if kind == "Recommendation" {
                member("{}", first: true)
            } else {
                member("{\"scopes\":{\"_category_label\":", first: true)
                value(tape, Self.present(tape, ecommerce, "item_list_name"))
                member("}}", first: true)
            }
            output.endContainer(UInt8(ascii: "}"), empty: false)
            output.endContainer(UInt8(ascii: "}"), empty: false)
        } else if Self.isEvent(tape, event, "view_item") {
            guard let first = items.first else { return false }
            envelope(tape, push, line: line, type: "pv")
            member("\"url\":")
            value(tape, Self.present(tape, first, "item_id"))
            member("\"title\":")
            value(tape, Self.present(tape, first, "item_name"))
        } else if Self.isEvent(tape, event, "purchase") {
            envelope(tape, push, line: line, type: "transaction")
            member("\"items\":")
            output.beginContainer(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                func number(_ key: String, _ fallback: Int) -> ExactDecimal {
                    Self.present(tape, item, key).flatMap { tape.kind($0) == .number ? ExactDecimal(tape.number($0)) : nil } ?? ExactDecimal(fallback)
                }
                let quantity = number("quantity", 1), discount = number("discount", 0), price = number("price", 0)
                openItem(tape, item, position: position, url: "\"url\":")
                member("\"count\":")
                output.write(number: quantity.jsonNumber)
                member("\"total_price\":")
                output.write(number: (price * quantity - discount * quantity).jsonNumber)
                member(discount > 0 ? "\"was_discounted\":true" : "\"was_discounted\":false")
                member("\"was_volume_discounted\":false")
                output.endContainer(UInt8(ascii: "}"), empty: false)
            }
            output.endContainer(UInt8(ascii: "]"), empty: items.isEmpty)
        } else {
            let action: StaticString
            if Self.isEvent(tape, event, "select_item") { action = "click" }
            else if Self.isEvent(tape, event, "add_to_cart") { action = "add-to-cart" }
            else if Self.isEvent(tape, event, "add_to_wishlist") { action = "add-to-wishlist" }
            else { return false }
            guard let first = items.first else { return false }
            envelope(tape, push, line: line, type: "click")
            member("\"action\":{\"type\":")
            output.write(string: String(describing: action))
            member("\"resource_identifier\":")
            value(tape, Self.present(tape, first, "item_id"))
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
