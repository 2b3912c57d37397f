import CancuocAPI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking client of the daemon's Unix socket (newline-delimited JSON-RPC, the framing
/// `APIServer` serves), for the command line (`cancuoc call`, `cancuoc watch`): one connection,
/// lines out, lines in. No event loop, because a command that sends one request and prints what
/// comes back has nothing to overlap.
public final class UnixSocketClient {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var nextID: Int64 = 1
    /// Longest line accepted from the daemon (a record with a face image is ~100 KB).
    public var maxLineLength = 16 << 20

    public enum Failure: Error, CustomStringConvertible {
        case cannotConnect(path: String, errno: Int32)
        case closed
        case lineTooLong
        case malformed(String)

        public var description: String {
            switch self {
            case .cannotConnect(let path, let code):
                let hint =
                    code == EACCES
                    ? " (is your user in the cancuoc group?)"
                    : code == ENOENT || code == ECONNREFUSED ? " (is cancuocd running?)" : ""
                return "cannot connect to \(path): \(String(cString: strerror(code)))\(hint)"
            case .closed: return "the daemon closed the connection"
            case .lineTooLong: return "the daemon sent a line longer than the limit"
            case .malformed(let why): return "the daemon sent something that is not JSON: \(why)"
            }
        }
    }

    public init(path: String) throws(Failure) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotConnect(path: path, errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            close(fd)
            throw .cannotConnect(path: path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw .cannotConnect(path: path, errno: code)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The socket, for `poll` or to `shutdown` it from another thread (a blocked
    /// `nextMessage()` then throws `.closed`). It stays owned by this connection.
    public var fileDescriptor: Int32 { fd }

    /// Sends a request and returns its id.
    @discardableResult
    public func send(method: String, params: JSONValue = [:]) throws(Failure) -> Int64 {
        let id = nextID
        nextID += 1
        let request: JSONValue = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params]
        try write(Array(request.serialized.utf8) + [UInt8(ascii: "\n")])
        return id
    }

    /// Sends a request and waits for its response; notifications that arrive first are given
    /// to `notification`.
    public func call(
        method: String,
        params: JSONValue = [:],
        notification: (JSONValue) -> Void = { _ in }
    )
        throws(Failure) -> JSONValue
    {
        let id = try send(method: method, params: params)
        while true {
            let message = try nextMessage()
            if message["id"]?.int64Value == id { return message }
            notification(message)
        }
    }

    /// The next line from the daemon, parsed.
    public func nextMessage() throws(Failure) -> JSONValue {
        let line = try nextLine()
        do {
            return try JSONParser(maxDepth: 512).parse(line)
        } catch {
            throw .malformed(String(describing: error))
        }
    }

    /// The next line from the daemon, without its newline.
    public func nextLine() throws(Failure) -> [UInt8] {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            guard buffer.count <= maxLineLength else { throw .lineTooLong }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .closed }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private func write(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .closed }
            offset += written
        }
    }
}
