#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation (sd_listen_fds(3)) without libsystemd: the sockets a socket unit
/// passed to this process start at fd 3 when `LISTEN_PID` is our pid.
public enum SocketActivation {
    /// The first passed descriptor (SD_LISTEN_FDS_START).
    public static let firstFileDescriptor: Int32 = 3

    /// The process environment as a dictionary.
    public static var processEnvironment: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// The passed descriptors, or `[]` when the variables are absent, malformed or meant for
    /// another process (`LISTEN_PID` is not `pid`).
    public static func listenFileDescriptors(
        environment: [String: String],
        pid: Int32 = getpid()
    ) -> [Int32] {
        guard let listenPID = environment["LISTEN_PID"].flatMap({ Int32($0) }), listenPID == pid,
            let count = environment["LISTEN_FDS"].flatMap({ Int32($0) }), count > 0, count < 1024
        else { return [] }
        return (0..<count).map { firstFileDescriptor + $0 }
    }

    /// The passed descriptors with their names (`LISTEN_FDNAMES`, the socket units'
    /// `FileDescriptorName=`; `""` when systemd gave none).
    public static func namedListenFileDescriptors(
        environment: [String: String],
        pid: Int32 = getpid()
    ) -> [(fd: Int32, name: String)] {
        let fds = listenFileDescriptors(environment: environment, pid: pid)
        let names =
            environment["LISTEN_FDNAMES"].map {
                $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            } ?? []
        return fds.enumerated().map { index, fd in (fd, index < names.count ? names[index] : "") }
    }

    /// The name `cancuocd-web.socket` gives its descriptors (`FileDescriptorName=web`).
    public static let webSocketName = "web"

    /// Which passed descriptors are the browser's TCP sockets and which the API's Unix socket:
    /// by name when systemd named them, else by the socket's address family.
    public static func split(_ passed: [(fd: Int32, name: String)]) -> (unix: [Int32], web: [Int32]) {
        var unix: [Int32] = []
        var web: [Int32] = []
        for (fd, name) in passed {
            let isWeb = name.isEmpty || name == "unknown" ? isInternetSocket(fd) : name == webSocketName
            if isWeb { web.append(fd) } else { unix.append(fd) }
        }
        return (unix, web)
    }

    private static func isInternetSocket(_ fd: Int32) -> Bool {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        return ok && (Int32(address.ss_family) == AF_INET || Int32(address.ss_family) == AF_INET6)
    }

    /// Remove the variables so child processes do not think the sockets are theirs.
    public static func unsetEnvironment() {
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
    }
}
