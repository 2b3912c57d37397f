import CancuocAPI
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension PeerCredentials {
    /// Ask the kernel for the peer of a connected Unix socket channel: uid, gid and pid from
    /// `SO_PEERCRED`, the supplementary groups from `SO_PEERGROUPS` (Linux ≥ 4.13). The groups
    /// are never read from `/proc/PID/status` when the kernel gives them: under the shipped
    /// unit's `ProtectProc=invisible` another user's `/proc/PID` is hidden, and by the time we
    /// look the peer may have exited or handed its socket to another process.
    package static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let future: EventLoopFuture<KernelUcred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET),
            name: SocketOptionName(SO_PEERCRED)
        )
        return future.flatMap { cred in
            peerGroups(provider).map { groups in
                PeerCredentials(
                    uid: cred.uid,
                    gid: cred.gid,
                    pid: cred.pid,
                    supplementaryGroups: groups ?? supplementaryGroups(ofProcess: cred.pid)
                )
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
            level: SocketOptionLevel(SOL_SOCKET),
            name: name
        )
        return small.map { Optional(groups(fromKernelBuffer: $0)) }.flatMapError { _ -> EventLoopFuture<[UInt32]?> in
            let large: EventLoopFuture<InlineArray<4096, UInt32>> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET),
                name: name
            )
            return large.map { Optional(groups(fromKernelBuffer: $0)) }
        }.recover { _ -> [UInt32]? in nil }
    }
    #endif

}

/// Layout of Linux `struct ucred` (<sys/socket.h>, visible in C only with _GNU_SOURCE).
private struct KernelUcred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
