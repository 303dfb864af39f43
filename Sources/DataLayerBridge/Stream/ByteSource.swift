#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A source of bytes: a file descriptor, or memory (for tests and for the library API).
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes into the start of `buffer` and returns how many were read;
    /// 0 means the end of the input. Blocks until at least one byte or the end is available.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Reads a file descriptor with `read(2)`, retrying interrupted calls. It does not close the
/// descriptor: whoever opened it does.
public struct FileDescriptorSource: ByteSource, Sendable {
    /// The descriptor read from.
    public let fileDescriptor: Int32

    /// Creates a source reading `fileDescriptor` (0 for standard input).
    public init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    /// Reads with `read(2)`; throws ``StreamError`` with the `errno` text when it fails.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = systemRead(fileDescriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            let code = errno
            if code == EINTR { continue }
            throw StreamError(message: "read failed: \(String(cString: strerror(code)))", code: code)
        }
    }
}

extension ByteSource {
    /// Reads everything up to the end of the input, in 64 KiB reads: for whole documents (a mapping
    /// file, one JSON document), not for streams, which ``RecordReader`` reads in bounded chunks.
    public mutating func readAll() throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
#if canImport(Glibc)
    Glibc.read(fd, buffer, count)
#else
    Darwin.read(fd, buffer, count)
#endif
}

/// Serves bytes from memory, optionally in pieces of chosen sizes, so tests can split the same
/// input at arbitrary boundaries.
public struct MemorySource: ByteSource, Sendable {
    private let bytes: [UInt8]
    private let chunkSizes: [Int]
    private var offset = 0
    private var nextChunk = 0

    /// Creates a source over `bytes`. Successive reads return at most `chunkSizes[0]`,
    /// `chunkSizes[1]`, … bytes, cycling through the list; sizes below 1 count as 1. With no sizes,
    /// each read fills the caller's buffer.
    public init(_ bytes: [UInt8], chunkSizes: [Int] = []) {
        self.bytes = bytes
        self.chunkSizes = chunkSizes
    }

    /// Copies the next piece into `buffer`.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var count = min(buffer.count, bytes.count - offset)
        if !chunkSizes.isEmpty {
            count = min(count, max(1, chunkSizes[nextChunk]))
            nextChunk = (nextChunk + 1) % chunkSizes.count
        }
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}
