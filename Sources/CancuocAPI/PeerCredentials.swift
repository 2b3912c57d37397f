#if canImport(Glibc)
import Glibc
#endif

/// Who is on the other end of a connection, from the kernel (SO_PEERCRED), not from anything
/// the client says. Logged with every request (docs/design.md §6) and used to decide who may
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

    /// The groups in a zero-filled `SO_PEERGROUPS` buffer. The kernel keeps a task's groups
    /// sorted ascending and writes exactly that many; NIO zero-fills the rest and does not
    /// return the length. So the groups are the strictly increasing prefix. A lone leading 0
    /// (the root group, or padding) is dropped: membership of group 0 is then only decided by
    /// the primary group or uid 0.
    package static func groups<let count: Int>(fromKernelBuffer buffer: InlineArray<count, UInt32>) -> [UInt32] {
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
    package static func supplementaryGroups(ofProcess pid: Int32) -> [UInt32] {
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
