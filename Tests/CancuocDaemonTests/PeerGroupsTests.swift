import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CancuocServer
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Who may subscribe with `"records": true` is decided from the kernel's view of the peer,
/// including supplementary groups (`usermod -aG cancuoc his`, docs/operations.md), even where
/// `/proc/PID/status` cannot be read (`ProtectProc=invisible`, or a peer that has exited).
@Suite(.timeLimit(.minutes(1))) struct PeerGroups {
    /// `users` (gid 100) exists on every Debian system; `nobody` (65534) is not in it.
    static let groupName = "users"

    static func groupID() throws -> UInt32 {
        try #require(APIServer.groupID(named: groupName), "Debian's group \(groupName) is missing")
    }

    /// A Python one-liner run as uid/gid 65534 with `groups` as its supplementary groups.
    static func runAsNobody(groups: [UInt32], _ script: String, _ arguments: [String]) async throws -> String {
        let groupOption =
            groups.isEmpty ? ["--clear-groups"] : ["--groups=" + groups.map(String.init).joined(separator: ",")]
        return try await run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534"] + groupOption
                + ["/usr/bin/python3", "-c", script] + arguments
        )
    }

    @Test func supplementaryGroupsComeFromTheKernelNotFromProc() async throws {
        let gid = try Self.groupID()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        chmod(directory, 0o777)  // the peer (uid 65534) writes its pid file here
        let path = directory + "/peer.sock"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let address = try #require(UnixSocketAddress(path: path))
        #expect(address.withSockaddr { bind(listener, $0, $1) } == 0)
        #expect(listen(listener, 4) == 0)
        chmod(path, 0o777)
        defer { close(listener) }

        // A child connects, hands its socket to its parent and exits; the parent reaps it and
        // holds the socket open. So the connecting process's /proc/PID is gone — as invisible
        // to us as ProtectProc=invisible makes another user's — while the connection lives.
        let pidFile = directory + "/peer.pid"
        let peer = Task {
            try await Self.runAsNobody(
                groups: [gid, 4_000_000],
                """
                import os, socket, sys, time
                a, b = socket.socketpair()
                pid = os.fork()
                if pid == 0:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
                    socket.send_fds(b, [b"s"], [s.fileno()]); os._exit(0)
                os.waitpid(pid, 0)
                _, fds, _, _ = socket.recv_fds(a, 1, 1)
                with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(pid))
                os.rename(sys.argv[2] + ".tmp", sys.argv[2])
                time.sleep(2)
                """,
                [path, pidFile]
            )
        }
        let pid = try await withTimeout(seconds: 60) {
            while true {
                if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text) {
                    return pid
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(access("/proc/\(pid)/status", F_OK) != 0)

        let accepted = accept(listener, nil, nil)
        #expect(accepted >= 0)
        // The peer has gone: keep the channel open (no reads, half-closure allowed) to ask.
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .withConnectedSocket(accepted).get()
        let credentials = try #require(try await PeerCredentials.of(channel).get())
        try await channel.close()
        _ = try await peer.value
        #expect(credentials.uid == 65534)
        #expect(credentials.gid == 65534)
        #expect(credentials.pid == pid)
        #expect(credentials.supplementaryGroups == [gid, 4_000_000])
        #expect(credentials.isMember(ofGroup: gid))
        #expect(PeerCredentials.supplementaryGroups(ofProcess: pid).isEmpty)
    }

    @Test func kernelGroupBuffersAreReadUpToTheirPadding() {
        var buffer = InlineArray<8, UInt32>(repeating: 0)
        #expect(PeerCredentials.groups(fromKernelBuffer: buffer).isEmpty)
        buffer[0] = 0
        buffer[1] = 27
        buffer[2] = 990
        #expect(PeerCredentials.groups(fromKernelBuffer: buffer) == [0, 27, 990])
        buffer[0] = 5
        #expect(PeerCredentials.groups(fromKernelBuffer: buffer) == [5, 27, 990])
        let full = InlineArray<3, UInt32> { UInt32($0) + 1 }
        #expect(PeerCredentials.groups(fromKernelBuffer: full) == [1, 2, 3])
    }

    static let subscribeScript = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
        s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"events.subscribe","params":{"records":true}}\\n')
        data = b""
        while not data.endswith(b"\\n"):
            chunk = s.recv(65536)
            if not chunk: break
            data += chunk
        sys.stdout.write(data.decode())
        """

    @Test func aSupplementaryMemberOfTheSocketGroupMaySubscribeToRecords() async throws {
        let gid = try Self.groupID()
        try await withTimeout(seconds: 40) {
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            chmod(directory, 0o755)
            let path = directory + "/api.sock"
            let server = APIServer(
                configuration: APIServerConfiguration(listen: .path(path), socketGroup: Self.groupName),
                service: RecordsGate()
            )
            try await server.start()
            chmod(path, 0o666)  // let the outsider connect, so the group rule itself is what refuses it
            let member = await attempt { try await Self.runAsNobody(groups: [gid], Self.subscribeScript, [path]) }
            let outsider = await attempt { try await Self.runAsNobody(groups: [], Self.subscribeScript, [path]) }
            await server.stop()
            #expect(try JSONParser().parse(try member.get())["result"]?["records"] == .bool(true))
            let refused = try JSONParser().parse(try outsider.get())
            #expect(refused["error"]?["code"] == .int(-32602))
            #expect(refused["result"] == nil)
        }
    }
}

/// `events.subscribe` with the daemon's own rule, without readers.
private final class RecordsGate: APIService {
    let core = DaemonCore()
    func respond(to request: JSONRPCRequest, on connection: Connection) async throws -> JSONText {
        try await core.respond(to: request, on: connection)
    }
    func connectionClosed(_ connection: Connection) async { await core.connectionClosed(connection) }
}

/// `Result(catching:)` for async bodies, so a server is stopped before a failure is reported.
private func attempt<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
