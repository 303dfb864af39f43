#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `--rejects` file: one ``DeliveryRejection/jsonLine`` per rejected envelope, each synced to
/// disk before the envelope is journaled as finished.
public final class RejectsFile: @unchecked Sendable {
    /// The file's path.
    public let path: String
    private let fd: Int32
    private let lock = ConditionLock()

    /// Opens `path` for writing: appending (a resumed run keeps the earlier run's rejects) or
    /// truncating it.
    public init(path: String, append: Bool) throws(DeliveryError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0o644)
        guard fd >= 0 else { throw DeliveryError(path: path, errno) }
    }

    deinit { close(fd) }

    /// Appends `rejection` and syncs.
    public func write(_ rejection: DeliveryRejection) throws(DeliveryError) {
        let line = rejection.jsonLine
        let result: DeliveryError? = lock.withLock {
            do throws(DeliveryError) {
                try writeFully(line, to: fd, path: path)
                try syncFile(fd, path: path)
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }
}

/// Writes all of `bytes` to `fd`, retrying partial and interrupted writes.
func writeFully(_ bytes: [UInt8], to fd: Int32, path: String) throws(DeliveryError) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
        if written < 0 {
            if errno == EINTR { continue }
            throw DeliveryError(path: path, errno)
        }
        offset += written
    }
}

/// Forces `fd`'s data to disk: what survives a crash of the machine, not only of the process.
func syncFile(_ fd: Int32, path: String) throws(DeliveryError) {
    guard fsync(fd) == 0 else { throw DeliveryError(path: path, errno) }
}
