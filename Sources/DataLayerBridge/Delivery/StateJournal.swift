#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `--state` file: an append-only journal of finished input ordinals, synced to disk before
/// the sender moves on, so a run killed at any instant resumes without skipping an envelope.
///
/// The file is text: a header line `dlbridge-send-state 1`, then `input COUNT HEX` (an
/// ``InputFingerprint`` of the input's first records, so that resuming on another input is refused
/// rather than skipping its records), `low N` (everything up to N is finished) and `done N` lines. A line cut short by a crash (no final newline) is ignored: its
/// envelope simply counts as unfinished. The journal is compacted — rewritten as one `low` line
/// plus the `done` lines above it, to a temporary file that is synced and renamed over the old
/// one — when it opens and whenever it has grown by `compactionInterval` lines.
public final class StateJournal: @unchecked Sendable {
    static let header = "dlbridge-send-state 1"

    /// The journal's path.
    public let path: String
    /// Lines appended since the last compaction after which the file is compacted again.
    public let compactionInterval: Int
    private var fd: Int32
    private var completed: CompletedOrdinals
    private var fingerprint: (records: Int, digest: String)?
    private var appended = 0
    private let lock = ConditionLock()

    /// Opens (creating if needed) the journal at `path` and reads what earlier runs finished.
    public init(path: String, compactionInterval: Int = 10_000) throws(DeliveryError) {
        self.path = path
        self.compactionInterval = max(1, compactionInterval)
        (completed, fingerprint) = try Self.load(path)
        fd = -1
        try rewrite()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// What earlier runs (and this one so far) finished.
    public var progress: CompletedOrdinals { lock.withLock { completed } }

    /// Whether `ordinal` was already finished.
    public func contains(_ ordinal: Int) -> Bool { lock.withLock { completed.contains(ordinal) } }

    /// How many first records the journal's input fingerprint covers, once it has one.
    public var fingerprintRecords: Int? { lock.withLock { fingerprint?.records } }

    /// Checks that the input starts as the one the journal was written for, and pins the journal
    /// to `input` when it has no fingerprint yet. Throws for another input: its ordinals would
    /// name other envelopes, so skipping the finished ones would lose envelopes.
    public func checkInput(_ input: InputFingerprint) throws(DeliveryError) {
        let result: DeliveryError? = lock.withLock {
            if let fingerprint {
                guard fingerprint == (input.count, input.digest) else {
                    return DeliveryError(message: "\(path): written for another input (its first \(fingerprint.records) records differ); resume with the input it was written for, or use a new state file")
                }
                return nil
            }
            guard input.count > 0 else { return nil }
            fingerprint = (input.count, input.digest)
            do throws(DeliveryError) {
                try writeFully(Array("input \(input.count) \(input.digest)\n".utf8), to: fd, path: path)
                try syncFile(fd, path: path)
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }

    /// Records `ordinal` as finished and syncs the file before returning.
    public func record(_ ordinal: Int) throws(DeliveryError) {
        let result: DeliveryError? = lock.withLock {
            completed.insert(ordinal)
            do throws(DeliveryError) {
                try writeFully(Array("done \(ordinal)\n".utf8), to: fd, path: path)
                try syncFile(fd, path: path)
                appended += 1
                if appended >= compactionInterval { try rewrite() }
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }

    /// Writes the compact form to `path.tmp`, syncs it, renames it over `path`, syncs the
    /// directory, and reopens the file for appending. Called with the lock held (or from `init`).
    private func rewrite() throws(DeliveryError) {
        var text = "\(Self.header)\n" + (fingerprint.map { "input \($0.records) \($0.digest)\n" } ?? "") + "low \(completed.lowWater)\n"
        for ordinal in completed.above.sorted() { text += "done \(ordinal)\n" }
        let temporary = path + ".tmp"
        let out = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw DeliveryError(path: temporary, errno) }
        do throws(DeliveryError) {
            try writeFully(Array(text.utf8), to: out, path: temporary)
            try syncFile(out, path: temporary)
        } catch {
            close(out)
            throw error
        }
        close(out)
        guard rename(temporary, path) == 0 else { throw DeliveryError(path: path, errno) }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let directoryFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
        if fd >= 0 { close(fd) }
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw DeliveryError(path: path, errno) }
        appended = 0
    }

    private static func load(_ path: String) throws(DeliveryError) -> (CompletedOrdinals, fingerprint: (records: Int, digest: String)?) {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            if errno == ENOENT { return (CompletedOrdinals(), nil) }
            throw DeliveryError(path: path, errno)
        }
        defer { close(input) }
        var source = FileDescriptorSource(fileDescriptor: input)
        let bytes: [UInt8]
        do { bytes = try source.readAll() } catch { throw DeliveryError(message: "\(path): \(error)") }
        if bytes.isEmpty { return (CompletedOrdinals(), nil) }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        lines.removeLast()  // empty after the final newline, or a line cut short by a crash
        guard let first = lines.first, String(decoding: first, as: UTF8.self) == header else {
            throw DeliveryError(message: "\(path): not a dlbridge send state file")
        }
        var completed = CompletedOrdinals()
        var fingerprint: (records: Int, digest: String)?
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = String(decoding: line, as: UTF8.self).split(separator: " ")
            if fields.count == 3, fields[0] == "input", fingerprint == nil, let records = Int(fields[1]), records > 0 {
                fingerprint = (records, String(fields[2]))
                continue
            }
            guard fields.count == 2, let number = Int(fields[1]), number >= 0 else {
                throw DeliveryError(message: "\(path):\(index + 1): unreadable state line")
            }
            switch fields[0] {
            case "low": completed = CompletedOrdinals(lowWater: max(number, completed.lowWater), above: completed.above)
            case "done": completed.insert(number)
            default: throw DeliveryError(message: "\(path):\(index + 1): unreadable state line")
            }
        }
        return (completed, fingerprint)
    }
}

/// A digest of an input's first records (SHA-1 over each record's bytes and a newline), to which a
/// state journal is pinned. An input that grew at its end keeps its fingerprint, so a log that was
/// appended to since resumes; one that starts differently does not.
public struct InputFingerprint: Sendable {
    /// How many first records a new journal's fingerprint covers.
    public static let defaultRecords = 100
    /// The records the fingerprint is to cover.
    public let records: Int
    /// The records taken in so far.
    public private(set) var count = 0
    private var hash = SHA1()

    /// An empty fingerprint that will cover the first `records` records.
    public init(records: Int) { self.records = records }

    /// Takes in the next record's bytes.
    public mutating func add(_ record: some Sequence<UInt8>) {
        hash.update(record)
        hash.update(CollectionOfOne(UInt8(ascii: "\n")))
        count += 1
    }

    /// Whether every record it is to cover has been taken in.
    public var isComplete: Bool { count >= records }

    /// The first 8 bytes of the SHA-1, in hexadecimal.
    public var digest: String {
        var copy = hash
        return Hex.lowercase(copy.finish().prefix(8))
    }
}

/// A failure of the sender's own files (state, rejects) or its configuration, not of an envelope.
public struct DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, such as `state.journal: No space left on device`.
    public let message: String

    /// Creates an error.
    public init(message: String) { self.message = message }

    /// An error of a system call on `path`, with the C library's text for `code`.
    init(path: String, _ code: Int32) { message = "\(path): \(String(cString: strerror(code)))" }

    /// The message.
    public var description: String { message }
}
