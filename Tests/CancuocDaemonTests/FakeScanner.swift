import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pseudo-terminal standing in for a USB CDC ACM QR scanner: the daemon opens `link` (as
/// it would a `/dev/serial/by-id/…` link), the test types scans into the master side.
/// `unplug()` closes the pty (the daemon's reads get EIO, as when a scanner is pulled);
/// `plugIn()` makes a new one and points `link` at it, as udev does for a re-plugged scanner.
final class FakeScanner: @unchecked Sendable {
    let link: String
    private var master: Int32 = -1
    private var slave: Int32 = -1

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(link: String) throws {
        self.link = link
        try plugIn()
    }

    deinit { unplug() }

    func plugIn() throws {
        // posix_openpt/grantpt/unlockpt are not visible to Swift without _XOPEN_SOURCE, so
        // the Linux way underneath them: /dev/ptmx, unlock, ask the pts number.
        let m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard m >= 0 else { throw Failure(description: "open /dev/ptmx errno \(errno)") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(m, Self.TIOCSPTLCK, &unlock) == 0, ioctl(m, Self.TIOCGPTN, &number) == 0 else {
            close(m)
            throw Failure(description: "pty ioctl errno \(errno)")
        }
        let path = "/dev/pts/\(number)"
        // Held open so the line discipline keeps input until the daemon opens its side.
        let s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard s >= 0 else {
            close(m)
            throw Failure(description: "open \(path) errno \(errno)")
        }
        var t = termios()
        if tcgetattr(s, &t) == 0 {
            cfmakeraw(&t)
            _ = tcsetattr(s, TCSANOW, &t)
        }
        master = m
        slave = s
        let temporary = link + ".new"
        unlink(temporary)
        guard symlink(path, temporary) == 0, rename(temporary, link) == 0 else {
            throw Failure(description: "symlink errno \(errno)")
        }
    }

    /// `_IOW('T', 0x31, int)` and `_IOR('T', 0x30, unsigned int)` (asm-generic, x86-64 and arm64).
    private static let TIOCSPTLCK: UInt = 0x4004_5431
    private static let TIOCGPTN: UInt = 0x8004_5430

    func unplug() {
        if slave >= 0 { close(slave) }
        if master >= 0 { close(master) }
        slave = -1
        master = -1
    }

    /// Writes `text` to the scanner side, waiting (without blocking a thread) while the
    /// pty's buffer is full.
    func type(_ text: String) async throws {
        var bytes = Array(text.utf8)[...]
        let deadline = ContinuousClock.now + .seconds(10)
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes = bytes.dropFirst(n)
            } else if n < 0, errno != EAGAIN, errno != EINTR {
                throw Failure(description: "write errno \(errno)")
            } else {
                guard ContinuousClock.now < deadline else { throw Failure(description: "the pty stayed full") }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}
