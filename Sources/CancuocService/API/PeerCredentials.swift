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
    /// Supplementary groups, from the kernel (`SO_PEERGROUPS`) at connect time, or from
    /// `/proc/PID/status` on kernels without it; empty when neither would say.
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

    /// Ask the kernel for the peer of a connected Unix socket channel: uid, gid and pid from
    /// `SO_PEERCRED`, the supplementary groups from `SO_PEERGROUPS` (Linux ≥ 4.13). The groups
    /// are never read from `/proc/PID/status` when the kernel gives them: under the shipped
    /// unit's `ProtectProc=invisible` another user's `/proc/PID` is hidden, and by the time we
    /// look the peer may have exited or handed its socket to another process.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let future: EventLoopFuture<KernelUcred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.flatMap { cred in
            peerGroups(provider).map { groups in
                PeerCredentials(uid: cred.uid, gid: cred.gid, pid: cred.pid,
                                supplementaryGroups: groups ?? supplementaryGroups(ofProcess: cred.pid))
            }
        }.recover { _ -> PeerCredentials? in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }

    #if os(Linux)
    /// `SO_PEERGROUPS` into a buffer of 64 groups, else of 4096 (the kernel answers ERANGE when
    /// the buffer is too small); `nil` when the kernel does not support it.
    private static func peerGroups(_ provider: any SocketOptionProvider) -> EventLoopFuture<[UInt32]?> {
        let name = SocketOptionName(59)  // SO_PEERGROUPS, <asm-generic/socket.h>
        let small: EventLoopFuture<InlineArray<64, UInt32>> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: name)
        return small.map { Optional(groups(fromKernelBuffer: $0)) }.flatMapError { _ -> EventLoopFuture<[UInt32]?> in
            let large: EventLoopFuture<InlineArray<4096, UInt32>> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: name)
            return large.map { Optional(groups(fromKernelBuffer: $0)) }
        }.recover { _ -> [UInt32]? in nil }
    }
    #endif

    /// The groups in a zero-filled `SO_PEERGROUPS` buffer. The kernel keeps a task's groups
    /// sorted ascending and writes exactly that many; NIO zero-fills the rest and does not
    /// return the length. So the groups are the strictly increasing prefix. A lone leading 0
    /// (the root group, or padding) is dropped: membership of group 0 is then only decided by
    /// the primary group or uid 0.
    static func groups<let count: Int>(fromKernelBuffer buffer: InlineArray<count, UInt32>) -> [UInt32] {
        var groups: [UInt32] = []
        for index in buffer.indices {
            let gid = buffer[index]
            if let last = groups.last, gid <= last { break }
            groups.append(gid)
        }
        if groups == [0] { return [] }
        return groups
    }

    /// Parse the `Groups:` line of `/proc/PID/status` (kernels without `SO_PEERGROUPS`).
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
