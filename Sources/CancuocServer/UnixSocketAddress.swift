#if canImport(Glibc)
import Glibc
#endif

/// A `sockaddr_un` built from a path, for the few plain socket calls that do not go through
/// NIO (stale socket probing, sd_notify). A leading `@` means the Linux abstract namespace.
struct UnixSocketAddress {
    private var storage = sockaddr_un()
    private(set) var length: socklen_t = 0

    /// `nil` when the path is empty or does not fit in `sun_path`.
    init?(path: String) {
        var bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else { return nil }
        let isAbstract = bytes[0] == UInt8(ascii: "@")
        if isAbstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // Paths need a terminating NUL; abstract names do not.
        guard bytes.count <= (isAbstract ? capacity : capacity - 1) else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        length = socklen_t(pathOffset + bytes.count + (isAbstract ? 0 : 1))
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    enum Probe: Equatable {
        case listening
        /// A socket file nobody listens on (ECONNREFUSED): safe to remove.
        case stale
        case absent
        /// Anything else (permission denied, not a socket, …), with errno.
        case failed(Int32)
    }

    /// Whether something accepts connections on this stream socket path right now.
    static func probe(path: String) -> Probe {
        guard let address = UnixSocketAddress(path: path) else { return .failed(ENAMETOOLONG) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed(errno) }
        defer { close(fd) }
        if address.withSockaddr({ connect(fd, $0, $1) }) == 0 { return .listening }
        switch errno {
        case ECONNREFUSED: return .stale
        case ENOENT: return .absent
        case let code: return .failed(code)
        }
    }
}
