import DataLayerBridge
import Foundation
import Testing

/// JSONTestSuite (`../shared/conformance/json-test-suite/test_parsing/`): every `y_` parses,
/// every `n_` is rejected, and every `i_` returns the way recorded in `implementationDefined`.
struct JSONTestSuiteTests {
    /// Our choice for each implementation-defined case, and why.
    static let implementationDefined: [String: Bool] = [
        // Numbers keep their source text, so magnitude never overflows: all accepted, kept exact.
        "i_number_double_huge_neg_exp.json": true,
        "i_number_huge_exp.json": true,
        "i_number_neg_int_huge_exp.json": true,
        "i_number_pos_double_huge_exp.json": true,
        "i_number_real_neg_overflow.json": true,
        "i_number_real_pos_overflow.json": true,
        "i_number_real_underflow.json": true,
        "i_number_too_big_neg_int.json": true,
        "i_number_too_big_pos_int.json": true,
        "i_number_very_big_negative_int.json": true,
        // Lone or broken surrogates would have to become U+FFFD silently: rejected instead.
        "i_object_key_lone_2nd_surrogate.json": false,
        "i_string_1st_surrogate_but_2nd_missing.json": false,
        "i_string_1st_valid_surrogate_2nd_invalid.json": false,
        "i_string_incomplete_surrogate_and_escape_valid.json": false,
        "i_string_incomplete_surrogate_pair.json": false,
        "i_string_incomplete_surrogates_escape_valid.json": false,
        "i_string_invalid_lonely_surrogate.json": false,
        "i_string_invalid_surrogate.json": false,
        "i_string_inverted_surrogates_U+1D11E.json": false,
        "i_string_lone_second_surrogate.json": false,
        // Invalid UTF-8 in any form (overlong, surrogates, truncated, Latin-1, UTF-16): rejected.
        "i_string_UTF-16LE_with_BOM.json": false,
        "i_string_UTF-8_invalid_sequence.json": false,
        "i_string_UTF8_surrogate_U+D800.json": false,
        "i_string_invalid_utf-8.json": false,
        "i_string_iso_latin_1.json": false,
        "i_string_lone_utf8_continuation_byte.json": false,
        "i_string_not_in_unicode_range.json": false,
        "i_string_overlong_sequence_2_bytes.json": false,
        "i_string_overlong_sequence_6_bytes.json": false,
        "i_string_overlong_sequence_6_bytes_null.json": false,
        "i_string_truncated-utf-8.json": false,
        "i_string_utf16BE_no_BOM.json": false,
        "i_string_utf16LE_no_BOM.json": false,
        // 500 levels is within the default depth limit of 512.
        "i_structure_500_nested_arrays.json": true,
        // A UTF-8 byte order mark is skipped: editors on Windows write one.
        "i_structure_UTF-8_BOM_empty_object.json": true,
    ]

    static let directory = TestPaths.shared.appendingPathComponent("conformance/json-test-suite/test_parsing")

    static func cases(_ prefix: String) throws -> [String] {
        try TestPaths.files(in: directory, suffix: ".json").map(\.lastPathComponent).filter { $0.hasPrefix(prefix) }
    }

    static func accepts(_ name: String) throws -> Bool {
        let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
        do {
            _ = try JSONValue(parsing: bytes)
            return true
        } catch {
            return false
        }
    }

    @Test func suiteIsPresentAndComplete() throws {
        #expect(try Self.cases("y_").count == 95)
        #expect(try Self.cases("n_").count == 188)
        #expect(Set(try Self.cases("i_")) == Set(Self.implementationDefined.keys))
    }

    @Test(arguments: try cases("y_"))
    func acceptsValidDocument(_ name: String) throws {
        #expect(try Self.accepts(name), "\(name) must parse")
    }

    @Test(arguments: try cases("n_"))
    func rejectsInvalidDocument(_ name: String) throws {
        #expect(try !Self.accepts(name), "\(name) must be rejected")
    }

    @Test(arguments: try cases("i_"))
    func implementationDefinedDocumentBehavesAsRecorded(_ name: String) throws {
        #expect(try Self.accepts(name) == Self.implementationDefined[name], "\(name)")
    }

    /// Whatever parses writes back as JSON that parses to the same value.
    @Test(arguments: try cases("y_"))
    func acceptedDocumentRoundTrips(_ name: String) throws {
        let value = try JSONValue(parsing: try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let rewritten = try JSONValue(parsing: value.description)
        #expect(rewritten == value)
    }
}
