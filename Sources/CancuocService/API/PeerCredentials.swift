#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Who is on the other end of a connection, from the kernel (SO_PEERCRED), not from anything
/// the client says. Logged with every request (design.md §6) and used to decide who may
/// receive records of reads it did not start (§9.6).
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// Supplementary groups from `/proc/PID/status` (`Groups:`), read once at connect time;
    /// empty when unreadable.
    public var supplementaryGroups: [UInt32]

    public init(uid: UInt32, gid: UInt32, pid: Int32, supplementaryGroups: [UInt32] = []) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.supplementaryGroups = supplementaryGroups
    }

    /// Root, or the group is the primary or a supplementary group of the peer.
    public func isMember(ofGroup gid: UInt32) -> Bool {
        uid == 0 || self.gid == gid || supplementaryGroups.contains(gid)
    }

    public var description: String { "uid=\(uid) gid=\(gid) pid=\(pid)" }

    /// Ask the kernel for the peer of a connected Unix socket channel.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let future: EventLoopFuture<KernelUcred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { cred in
            PeerCredentials(
                uid: cred.uid, gid: cred.gid, pid: cred.pid,
                supplementaryGroups: supplementaryGroups(ofProcess: cred.pid))
        }.recover { _ -> PeerCredentials? in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }

    /// Parse the `Groups:` line of `/proc/PID/status`.
    static func supplementaryGroups(ofProcess pid: Int32) -> [UInt32] {
        guard pid > 0, let status = readSmallFile("/proc/\(pid)/status") else { return [] }
        for line in status.split(separator: "\n") where line.hasPrefix("Groups:") {
            return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
                .compactMap { UInt32($0) }
        }
        return []
    }

    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Layout of Linux `struct ucred` (<sys/socket.h>, visible in C only with _GNU_SOURCE).
private struct KernelUcred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
