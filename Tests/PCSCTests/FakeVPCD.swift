import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// vpcd's side of the wire for unit tests of `VirtualCardTransport`, without pcscd.
/// Blocking socket calls run on their own threads (bounded by poll timeouts), never on the pool.
final class FakeVPCD: @unchecked Sendable {
    let listener: Int32
    let port: UInt16

    init(port wanted: UInt16 = 0) throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw FakeVPCDError.socket }
        var one: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = wanted.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, length) == 0 && listen(s, 4) == 0 && getsockname(s, $0, &length) == 0
            }
        }
        guard ok else {
            close(s)
            throw FakeVPCDError.socket
        }
        listener = s
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(listener) }

    /// Accepts the simulator's connection (nil after 5 s).
    func accept() async -> Int32? {
        await onThread { [listener] in
            guard Self.wait(listener) else { return nil }
            let fd = Glibc.accept(listener, nil, nil)
            return fd >= 0 ? fd : nil
        }
    }

    /// Sends one frame; returns the answer frame, or nil when none comes within `timeout` ms
    /// (power on/off have no answer) or the connection closed.
    func exchange(_ fd: Int32, _ payload: [UInt8], timeout: Int32 = 5000) async -> [UInt8]? {
        await onThread {
            let frame = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
            guard frame.withUnsafeBytes({ send(fd, $0.baseAddress, frame.count, Int32(MSG_NOSIGNAL)) }) == frame.count
            else { return nil }
            guard let header = Self.read(fd, 2, timeout: timeout) else { return nil }
            return Self.read(fd, Int(header[0]) << 8 | Int(header[1]), timeout: timeout)
        }
    }

    /// True when the peer closed the connection within 5 s.
    func closedByPeer(_ fd: Int32) async -> Bool {
        await onThread {
            guard Self.wait(fd) else { return false }
            var byte: UInt8 = 0
            return recv(fd, &byte, 1, 0) == 0
        }
    }

    private static func wait(_ fd: Int32, timeout: Int32 = 5000) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, timeout) == 1
    }

    private static func read(_ fd: Int32, _ count: Int, timeout: Int32) -> [UInt8]? {
        var out: [UInt8] = []
        while out.count < count {
            guard wait(fd, timeout: timeout) else { return nil }
            var chunk = [UInt8](repeating: 0, count: count - out.count)
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return nil }
            out += chunk.prefix(n)
        }
        return out
    }
}

enum FakeVPCDError: Error { case socket }

/// Runs blocking work on a new thread and awaits its result.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
