import Foundation
import Testing

@testable import CancuocAPI
@testable import CancuocServer
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A listening Unix stream socket made with plain calls, as systemd would pass it.
private func bindListeningSocket(at path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0, let address = UnixSocketAddress(path: path) else { throw POSIXError(.EIO) }
    guard address.withSockaddr({ bind(fd, $0, $1) }) == 0, listen(fd, 16) == 0 else {
        close(fd)
        throw POSIXError(.init(rawValue: errno) ?? .EIO)
    }
    return fd
}

/// The socket file, its permissions and where the listening socket comes from (docs/design.md §6, §10).
@Suite(.timeLimit(.minutes(1))) struct APISocket {
    @Test func socketFileHasMode0660() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                var info = stat()
                #expect(stat(path, &info) == 0)
                #expect(info.st_mode & S_IFMT == S_IFSOCK)
                #expect(info.st_mode & 0o777 == 0o660)
            }
        }
    }

    @Test func socketGroupIsApplied() async throws {
        try await withTimeout {
            let groupName = try #require(getgrgid(getgid())).pointee.gr_name.map { String(cString: $0) }
            try await withServer({ $0.socketGroup = groupName }) { _, _, path in
                var info = stat()
                #expect(stat(path, &info) == 0)
                #expect(info.st_gid == getgid())
            }
        }
    }

    @Test func aMissingGroupIsAWarningNotAFailure() async throws {
        try await withTimeout {
            let directory = try makeTemporaryDirectory()
            let path = directory + "/api.sock"
            let server = APIServer(
                configuration: .init(listen: .path(path), socketGroup: "cancuoc-no-such-group-42"),
                service: StubHandler()
            )
            let warnings = try await server.start()
            #expect(warnings.contains { $0.contains("cancuoc-no-such-group-42") })
            let client = try await TestClient.connect(to: path)
            #expect(try await client.call(1, "hello")["id"] == 1)
            await client.close()
            await server.stop()
            rmdir(directory)
        }
    }

    @Test func aMissingParentDirectoryIsCreated() async throws {
        try await withTimeout {
            let directory = try makeTemporaryDirectory()
            let path = directory + "/run/api.sock"
            let server = APIServer(configuration: .init(listen: .path(path), socketGroup: nil), service: StubHandler())
            try await server.start()
            let client = try await TestClient.connect(to: path)
            #expect(try await client.call(1, "hello")["id"] == 1)
            await client.close()
            await server.stop()
            rmdir(directory + "/run")
            rmdir(directory)
        }
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        try await withTimeout {
            let directory = try makeTemporaryDirectory()
            let path = directory + "/api.sock"
            close(try bindListeningSocket(at: path))  // the file stays, nobody listens
            let server = APIServer(configuration: .init(listen: .path(path), socketGroup: nil), service: StubHandler())
            try await server.start()
            let client = try await TestClient.connect(to: path)
            #expect(try await client.call(1, "hello")["id"] == 1)
            await client.close()
            await server.stop()
            rmdir(directory)
        }
    }

    @Test func aSecondDaemonOnTheSamePathRefusesToStart() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let second = APIServer(
                    configuration: .init(listen: .path(path), socketGroup: nil),
                    service: StubHandler()
                )
                await #expect(throws: APIServerError.alreadyRunning(path: path)) { try await second.start() }
                // The first one still answers.
                let client = try await TestClient.connect(to: path)
                #expect(try await client.call(1, "hello")["id"] == 1)
                await client.close()
            }
        }
    }

    @Test func aRegularFileAtThePathIsNotDeleted() async throws {
        try await withTimeout {
            let directory = try makeTemporaryDirectory()
            let path = directory + "/api.sock"
            #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
            let server = APIServer(configuration: .init(listen: .path(path), socketGroup: nil), service: StubHandler())
            await #expect(throws: APIServerError.notASocket(path: path)) { try await server.start() }
            #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
            unlink(path)
            rmdir(directory)
        }
    }

    @Test func adoptsAPreBoundSocketAsSystemdPassesIt() async throws {
        try await withTimeout {
            let directory = try makeTemporaryDirectory()
            let path = directory + "/activated.sock"
            let fd = try bindListeningSocket(at: path)
            let server = APIServer(
                configuration: .init(listen: .fileDescriptor(fd), socketGroup: nil),
                service: StubHandler()
            )
            try await server.start()
            let client = try await TestClient.connect(to: path)
            #expect(try await client.call(1, "hello")["result"]?["apiLevel"] == 1)
            await client.close()
            await server.stop()
            unlink(path)  // the socket unit's file: the server leaves it alone
            rmdir(directory)
        }
    }

    @Test func listenFileDescriptorsFollowsLISTEN_PID() {
        let pid = getpid()
        #expect(
            SocketActivation.listenFileDescriptors(environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "2"], pid: pid)
                == [3, 4]
        )
        #expect(
            SocketActivation.listenFileDescriptors(environment: ["LISTEN_PID": "1", "LISTEN_FDS": "1"], pid: pid) == []
        )
        #expect(SocketActivation.listenFileDescriptors(environment: ["LISTEN_FDS": "1"], pid: pid) == [])
        #expect(
            SocketActivation.listenFileDescriptors(environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "x"], pid: pid)
                == []
        )
        #expect(APIServerConfiguration.Listen.systemdOrPath("/p", environment: [:]) == .path("/p"))
        #expect(
            APIServerConfiguration.Listen.systemdOrPath(
                "/p",
                environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "1"]
            ) == .fileDescriptor(3)
        )
    }

    @Test func peerCredentialsAreOurOwnUidAndPid() async throws {
        try await withTimeout {
            try await withServer({ $0.socketGroup = nil }) { _, _, path in
                let client = try await TestClient.connect(to: path)
                let me = try #require(try await client.call(1, "whoami")["result"])
                #expect(me["uid"]?.int64Value == Int64(getuid()))
                #expect(me["gid"]?.int64Value == Int64(getgid()))
                #expect(me["pid"]?.int64Value == Int64(getpid()))
                // Root is always in the socket's group; others only by membership.
                #expect(me["inGroup"]?.boolValue == (getuid() == 0))
                await client.close()
            }
        }
    }

    @Test func groupMembershipCountsPrimaryAndSupplementaryGroups() {
        let user = PeerCredentials(uid: 1000, gid: 100, pid: 1, supplementaryGroups: [27, 990])
        #expect(user.isMember(ofGroup: 100))
        #expect(user.isMember(ofGroup: 990))
        #expect(!user.isMember(ofGroup: 991))
        #expect(PeerCredentials(uid: 0, gid: 0, pid: 1).isMember(ofGroup: 991))
    }

    @Test func supplementaryGroupsAreReadFromProc() {
        var groups = [gid_t](repeating: 0, count: 256)
        let count = getgroups(Int32(groups.count), &groups)
        #expect(count >= 0)
        let expected = Set(groups.prefix(Int(max(count, 0))).map { UInt32($0) })
        #expect(Set(PeerCredentials.supplementaryGroups(ofProcess: getpid())) == expected)
    }
}
