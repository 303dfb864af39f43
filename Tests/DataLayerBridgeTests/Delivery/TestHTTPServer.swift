import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the `send` tests: it records every
/// request it receives, with its own monotonic timestamp, and answers as the test's script says —
/// 200, 429 with `Retry-After`, 500, 400/413, a slow answer, or a dropped connection.
final class TestHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        /// Monotonic seconds when the whole request had arrived.
        var time: Double
        var method: String
        var path: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: [UInt8]
        /// How many earlier requests carried the same body.
        var attempt: Int
        /// The status answered, or `nil` when the connection was dropped or the client left first.
        var answered: Int?

        var text: String { String(decoding: body, as: UTF8.self) }
        /// The envelope's `client_id` as JSON text.
        var client: String { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["client_id"].map { "\($0)" } ?? "" }
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [String: String] = [:], body: String = "", delay: Double = 0)
        /// Close the connection without answering.
        case drop

        static let ok = Reply.respond(status: 200, body: #"{"ok":true}"#)
    }

    /// Decides the reply to a request (its ``Request/attempt`` tells first tries from retries).
    typealias Script = @Sendable (Request) -> Reply

    let port: UInt16
    var endpoint: String { "http://127.0.0.1:\(port)/" }
    private let listener: Int32
    private let script: Script
    private let lock = NSLock()
    private var received: [Request] = []
    private var attempts: [[UInt8]: Int] = [:]
    private var connections: Set<Int32> = []
    private var stopped = false
    private let acceptDone = DispatchSemaphore(value: 0)

    init(script: @escaping Script = { _ in .ok }) throws {
        self.script = script
        // Close-on-exec: tests running beside these spawn processes, and an inherited copy of a
        // socket would keep a "dropped" connection open in the child.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw ServerError("socket: \(errno)") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw ServerError("bind/listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.listener = listener
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    /// Every request so far, in arrival order.
    var requests: [Request] { lock.withLock { received } }

    /// Requests that were answered with a 2xx status.
    var accepted: [Request] { requests.filter { ($0.answered ?? 0) / 100 == 2 } }

    /// Stops accepting, closes every connection and waits for the accept loop to end.
    func stop() {
        let open: Set<Int32>? = lock.withLock {
            if stopped { return nil }
            stopped = true
            return connections
        }
        guard let open else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        acceptDone.wait()
        close(listener)
    }

    private func acceptLoop() {
        defer { acceptDone.signal() }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let admitted = lock.withLock { () -> Bool in
                if stopped { return false }
                connections.insert(fd)
                return true
            }
            guard admitted else {
                close(fd)
                return
            }
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    /// Serves requests on one kept-alive connection until the client closes it or a reply drops it.
    private func serve(_ fd: Int32) {
        var reader = SocketReader(fd: fd)
        defer {
            lock.withLock { _ = connections.remove(fd) }
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
        while let head = reader.readHead() {
            let lines = head.components(separatedBy: "\r\n")
            let requestLine = lines[0].split(separator: " ").map(String.init)
            guard requestLine.count == 3 else { return }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            if headers["expect"]?.lowercased() == "100-continue" { send("HTTP/1.1 100 Continue\r\n\r\n", to: fd) }
            guard let body = reader.read(count: Int(headers["content-length"] ?? "0") ?? 0) else { return }
            var request = Request(time: monotonicNow(), method: requestLine[0], path: requestLine[1], headers: headers, body: body, attempt: 0)
            let index = lock.withLock { () -> Int in
                request.attempt = attempts[body, default: 0]
                attempts[body, default: 0] += 1
                received.append(request)
                return received.count - 1
            }
            switch script(request) {
            case .drop:
                return
            case .respond(let status, let extra, let text, let delay):
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                var response = "HTTP/1.1 \(status) Status\r\nContent-Type: application/json\r\nContent-Length: \(text.utf8.count)\r\n"
                for (name, value) in extra { response += "\(name): \(value)\r\n" }
                response += "\r\n" + text
                // Recorded before the reply leaves: the client may count the envelope sent and the
                // test read `accepted` before this thread runs again.
                lock.withLock { received[index].answered = status }
                guard send(response, to: fd) else {
                    lock.withLock { received[index].answered = nil }
                    return
                }
                if headers["connection"]?.lowercased() == "close" { return }
            }
        }
    }

    @discardableResult
    private func send(_ text: String, to fd: Int32) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Buffered reads from a socket: request heads up to the blank line, then bodies by length.
private struct SocketReader {
    let fd: Int32
    var buffer: [UInt8] = []

    mutating func readHead() -> String? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = buffer.firstRange(of: terminator) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                return head
            }
            guard fill() else { return nil }
        }
    }

    mutating func read(count: Int) -> [UInt8]? {
        while buffer.count < count { guard fill() else { return nil } }
        let body = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return body
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }
}

/// Monotonic seconds, the clock the sender paces by.
func monotonicNow() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
