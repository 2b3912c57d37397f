import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port), on its own thread, serving what
/// a test puts in `routes`: what `CRLDownload` talks to, over the loopback, through libcurl.
final class LoopbackHTTPServer: @unchecked Sendable {
    enum Route: Sendable {
        case body(status: Int, [UInt8])
        /// 200 without Content-Length: the body runs until the server closes (the size is
        /// known only by counting).
        case unannounced([UInt8])
        /// Reads the request and never answers.
        case stall
    }

    let port: UInt16
    private let listener: Int32
    private let routes = Mutex<[String: Route]>([:])
    private let stopped = Atomic<Bool>(false)
    private let thread: Thread?

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let box = Box()
        thread = Thread { box.server?.serve() }
        box.server = self
        thread?.start()
    }

    private final class Box: @unchecked Sendable { weak var server: LoopbackHTTPServer? }

    func set(_ path: String, _ route: Route) { routes.withLock { $0[path] = route } }
    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { if !stopped.load(ordering: .sequentiallyConsistent) { stop() } }

    private func serve() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let conn = client
            Thread { [self] in handle(conn) }.start()
        }
    }

    private func handle(_ fd: Int32) {
        defer { close(fd) }
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.containsHeaderEnd {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { return }
            request += buffer[0..<n]
            if request.count > 65536 { return }
        }
        let line = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        let path = line.count > 1 ? String(line[1]) : "/"
        switch routes.withLock({ $0[path] }) ?? .body(status: 404, Array("not found".utf8)) {
        case .stall:
            while !stopped.load(ordering: .sequentiallyConsistent) { usleep(50_000) }
        case .body(let status, let body):
            let head =
                "HTTP/1.1 \(status) X\r\nContent-Length: \(body.count)\r\nContent-Type: application/pkix-crl\r\nConnection: close\r\n\r\n"
            send(fd, Array(head.utf8) + body)
        case .unannounced(let body):
            send(fd, Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8) + body)
        }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, $0.count - sent) }
            guard n > 0 else { return }
            sent += n
        }
    }
}

extension [UInt8] {
    fileprivate var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return true
        }
        return false
    }
}
