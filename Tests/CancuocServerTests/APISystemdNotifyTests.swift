import Foundation
import Testing

@testable import CancuocServer
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket.
private final class NotifyReceiver {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0, let address = UnixSocketAddress(path: path),
            address.withSockaddr({ bind(fd, $0, $1) }) == 0
        else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Waits for the next datagram without holding a cooperative-pool thread (the sender
    /// under test runs on that pool).
    func next(within limit: Duration = .seconds(60)) async -> String? {
        let deadline = ContinuousClock.now + limit
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count >= 0 { return String(decoding: buffer.prefix(count), as: UTF8.self) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }
}

@Suite struct APISystemdNotify {
    @Test func readyStoppingWatchdogAndStatusReachThePathSocket() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/notify"
        let receiver = try NotifyReceiver(path: path)
        let notify = SystemdNotify(environment: ["NOTIFY_SOCKET": path])
        #expect(notify.ready())
        #expect(receiver.receive() == "READY=1")
        #expect(notify.status("2 readers\nok"))
        #expect(receiver.receive() == "STATUS=2 readers ok")
        #expect(notify.watchdog())
        #expect(receiver.receive() == "WATCHDOG=1")
        #expect(notify.stopping())
        #expect(receiver.receive() == "STOPPING=1")
        unlink(path)
        rmdir(directory)
    }

    @Test func abstractSocketsAreSupported() throws {
        let name = "@cancuoc-test-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let receiver = try NotifyReceiver(path: name)
        #expect(SystemdNotify(environment: ["NOTIFY_SOCKET": name]).ready())
        #expect(receiver.receive() == "READY=1")
    }

    @Test func withoutNotifySocketEverythingIsANoOp() {
        let notify = SystemdNotify(environment: [:])
        #expect(notify.socketPath == nil)
        #expect(!notify.ready())
        #expect(notify.watchdogInterval == nil)
    }

    @Test func watchdogIntervalIsHalfOfWATCHDOG_USEC() {
        let pid = getpid()
        #expect(SystemdNotify(environment: ["WATCHDOG_USEC": "2000000"], pid: pid).watchdogInterval == .seconds(1))
        #expect(
            SystemdNotify(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(pid)"], pid: pid)
                .watchdogInterval == .seconds(1)
        )
        #expect(
            SystemdNotify(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"], pid: pid)
                .watchdogInterval == nil
        )
        #expect(SystemdNotify(environment: ["WATCHDOG_USEC": "0"], pid: pid).watchdogInterval == nil)
    }

    @Test func runWatchdogPingsUntilCancelled() async throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/notify"
        let receiver = try NotifyReceiver(path: path)
        let notify = SystemdNotify(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "40000"])
        let task = Task { await notify.runWatchdog() }
        #expect(await receiver.next() == "WATCHDOG=1")
        #expect(await receiver.next() == "WATCHDOG=1")
        task.cancel()
        await task.value
        unlink(path)
        rmdir(directory)
    }
}
