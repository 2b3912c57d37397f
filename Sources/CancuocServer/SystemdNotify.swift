#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: one datagram per state change to `$NOTIFY_SOCKET`
/// (a path, or `@name` for the abstract namespace), so `Type=notify` units know when the
/// socket is ready and the watchdog knows we are alive (docs/design.md §10).
///
/// When `NOTIFY_SOCKET` is unset (not under systemd) every call is a no-op returning `false`.
public struct SystemdNotify: Sendable {
    /// The socket messages go to, if any.
    public let socketPath: String?
    /// Half of `WATCHDOG_USEC` (what sd_watchdog_enabled(3) recommends pinging at), when the
    /// watchdog is enabled for this process (`WATCHDOG_PID` absent or ours).
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = SocketActivation.processEnvironment, pid: Int32 = getpid()) {
        let path = environment["NOTIFY_SOCKET"]
        socketPath = (path?.isEmpty ?? true) ? nil : path
        if let usec = environment["WATCHDOG_USEC"].flatMap({ Int64($0) }), usec > 0,
            environment["WATCHDOG_PID"].map({ Int32($0) == pid }) ?? true
        {
            watchdogInterval = .microseconds(usec / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// The service is up (the API socket listens).
    @discardableResult public func ready() -> Bool { notify("READY=1") }
    /// Shutdown began.
    @discardableResult public func stopping() -> Bool { notify("STOPPING=1") }
    /// Watchdog keep-alive.
    @discardableResult public func watchdog() -> Bool { notify("WATCHDOG=1") }
    /// Free-form status shown by `systemctl status` (one line; newlines are replaced).
    @discardableResult public func status(_ text: String) -> Bool {
        notify("STATUS=" + text.replacingNewlines())
    }

    /// Ping the watchdog every `watchdogInterval` until the task is cancelled; returns at
    /// once when the watchdog is not enabled. Run it in its own task after `ready()`.
    public func runWatchdog() async {
        guard let interval = watchdogInterval else { return }
        while !Task.isCancelled {
            watchdog()
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// Send raw `KEY=value` lines. Returns whether the datagram was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath, let address = UnixSocketAddress(path: socketPath) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(state.utf8)
        let sent = bytes.withUnsafeBytes { buffer in
            address.withSockaddr { sockaddr, length in
                sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), sockaddr, length)
            }
        }
        return sent == bytes.count
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
