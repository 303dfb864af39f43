import DataLayerBridge
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard streams and files through file descriptors: no Foundation buffering, and quiet on a
/// closed pipe (EPIPE ends the process with status 0, like `head` expects, not a crash report).
enum Console {
    static func output(_ text: String) { write(text, to: 1) }
    static func error(_ text: String) { write(text, to: 2) }

    static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0), to: fd) }
    }

    /// Writes all of `bytes`, retrying partial writes and interruptions.
    static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(0) }
                return
            }
            offset += written
        }
    }

    /// Makes a write to a closed pipe fail with EPIPE instead of killing the process.
    static func ignoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN) }

    /// `true` when file descriptor `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Reads a whole file, or standard input for `nil` or `-`.
    static func readAll(path: String?) throws(CommandFailure) -> [UInt8] {
        let fd = try open(path: path)
        defer { if fd != 0 { close(fd) } }
        var source = FileDescriptorSource(fileDescriptor: fd)
        do {
            return try source.readAll()
        } catch {
            throw readFailure(error, path: path)
        }
    }

    /// The file descriptor of `path`, standard input for `nil` or `-`; an unreadable file is exit 2.
    static func open(path: String?) throws(CommandFailure) -> Int32 {
        guard let path, path != "-" else { return 0 }
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw CommandFailure(status: 2, message: "dlbridge: \(path): \(systemError())") }
        return fd
    }

    /// A failed read of `path` (standard input for `nil`) as exit 2 with the system's reason.
    static func readFailure(_ error: any Error, path: String?) -> CommandFailure {
        let code = (error as? StreamError)?.code ?? EIO
        return CommandFailure(status: 2, message: "dlbridge: \(path ?? "<stdin>"): \(String(cString: strerror(code)))")
    }

    static func systemError() -> String { String(cString: strerror(errno)) }
}
