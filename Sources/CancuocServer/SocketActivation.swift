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
        environment: [String: String], pid: Int32 = getpid()
    ) -> [Int32] {
        guard let listenPID = environment["LISTEN_PID"].flatMap({ Int32($0) }), listenPID == pid,
              let count = environment["LISTEN_FDS"].flatMap({ Int32($0) }), count > 0, count < 1024
        else { return [] }
        return (0..<count).map { firstFileDescriptor + $0 }
    }

    /// Remove the variables so child processes do not think the sockets are theirs.
    public static func unsetEnvironment() {
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
    }
}
