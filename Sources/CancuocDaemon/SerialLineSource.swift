import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The lines a serial QR scanner (USB CDC ACM: `/dev/ttyACM*`, or better its stable
/// `/dev/serial/by-id/…` link) sends, as an `AsyncStream`.
///
/// The tty is read on a dedicated thread with `poll(2)`, never on the cooperative pool (two
/// threads here: a blocked read would stall the daemon). The device is put in raw mode (no
/// echo, no line editing, 8N1; the baud rate does not matter for CDC ACM) and stale input is
/// flushed on every open. When the device vanishes (unplugged: EIO, ENXIO, ENODEV, EOF or
/// hang-up) the source closes it and reopens the same path with back-off, so a scanner
/// plugged back in works again without a restart; udev's by-id link reappears with it.
///
/// Line text is personal data (the QR holds name, birth date, address): it is yielded and
/// never logged here.
public final class SerialLineSource: Sendable {
    public let path: String
    let maxLineLength: Int
    let maxBackoff: Duration
    let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var connected = false
        /// Successful opens so far (tests wait for a reconnect with it).
        var opens = 0
        var droppedLines = 0
        var started = false
    }

    public init(
        path: String,
        maxLineLength: Int = 1024,
        maxBackoff: Duration = .seconds(5),
        logger: Logger = Logger(label: "cancuoc.scanner")
    ) {
        self.path = path
        self.maxLineLength = maxLineLength
        self.maxBackoff = maxBackoff
        self.logger = logger
    }

    /// Whether the device is open now.
    public var isConnected: Bool { state.withLock { $0.connected } }
    /// How many times the device was opened (1 after the first open, +1 per reconnect).
    public var opens: Int { state.withLock { $0.opens } }
    /// Over-long lines dropped so far.
    public var droppedLines: Int { state.withLock { $0.droppedLines } }

    /// Starts the reader thread and returns its lines. One stream per source: the thread
    /// stops (within ~0.2 s) when the stream's consumer goes away.
    public func lines() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(16))
        let alreadyStarted = state.withLock { s in
            defer { s.started = true }
            return s.started
        }
        if alreadyStarted {
            continuation.finish()
            return stream
        }
        let stop = StopFlag()
        continuation.onTermination = { _ in stop.set() }
        let thread = Thread { [self] in
            run(stop: stop, yield: { continuation.yield($0) })
            continuation.finish()
        }
        thread.name = "cancuoc.scanner"
        thread.start()
        return stream
    }

    // MARK: The thread

    private func run(stop: StopFlag, yield: (String) -> Void) {
        var backoff = Duration.milliseconds(200)
        var reportedOutage = false
        while !stop.isSet {
            let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                if !reportedOutage {
                    logger.warning(
                        "scanner not available; retrying",
                        metadata: ["scanner": "\(path)", "errno": "\(errno)"]
                    )
                    reportedOutage = true
                }
                Self.sleep(backoff, unless: stop)
                backoff = min(backoff * 2, maxBackoff)
                continue
            }
            Self.configureRaw(fd)
            state.withLock {
                $0.connected = true
                $0.opens += 1
            }
            logger.notice("scanner connected", metadata: ["scanner": "\(path)"])
            reportedOutage = false
            let opened = ContinuousClock.now
            let why = readLines(fd: fd, stop: stop, yield: yield)
            close(fd)
            state.withLock { $0.connected = false }
            if stop.isSet { break }
            logger.warning("scanner disconnected; reopening", metadata: ["scanner": "\(path)", "reason": "\(why)"])
            // A device that opens and fails at once (a path that is no tty, a dying cable)
            // backs off like one that does not open, instead of spinning and filling the log.
            if ContinuousClock.now - opened >= .seconds(5) { backoff = .milliseconds(200) }
            Self.sleep(backoff, unless: stop)
            backoff = min(backoff * 2, maxBackoff)
        }
    }

    /// Reads until the device goes away (returns why) or `stop` is set.
    private func readLines(fd: Int32, stop: StopFlag, yield: (String) -> Void) -> String {
        var splitter = LineSplitter(maxLength: maxLineLength)
        var buffer = [UInt8](repeating: 0, count: 512)
        while !stop.isSet {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 200)
            if ready < 0 {
                if errno == EINTR { continue }
                return "poll errno \(errno)"
            }
            if ready == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                let before = splitter.droppedLines
                for line in splitter.feed(buffer[0..<count]) { yield(line) }
                if splitter.droppedLines > before {
                    let total = state.withLock { s in
                        s.droppedLines += splitter.droppedLines - before
                        return s.droppedLines
                    }
                    logger.warning(
                        "scanner line too long; dropped",
                        metadata: [
                            "scanner": "\(path)", "maxLength": "\(maxLineLength)", "droppedTotal": "\(total)",
                        ]
                    )
                }
                continue
            }
            if count == 0 { return "end of file" }
            switch errno {
            case EAGAIN, EINTR: continue
            case EIO, ENXIO, ENODEV: return "device gone (errno \(errno))"
            default: return "read errno \(errno)"
            }
        }
        return "stopped"
    }

    /// Raw 8N1, no echo, no flow control; reads return what is there. Failures are ignored:
    /// a pseudo-terminal or an odd driver may refuse some flags and still deliver lines.
    private static func configureRaw(_ fd: Int32) {
        var t = termios()
        if tcgetattr(fd, &t) == 0 {
            cfmakeraw(&t)
            t.c_cflag |= tcflag_t(CLOCAL) | tcflag_t(CREAD)
            t.c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
            t.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF))
            _ = tcsetattr(fd, TCSANOW, &t)
        }
        _ = tcflush(fd, TCIFLUSH)
    }

    /// Sleeps in short slices so a stop is noticed quickly (this is the dedicated thread).
    private static func sleep(_ duration: Duration, unless stop: StopFlag) {
        let deadline = ContinuousClock.now + duration
        while !stop.isSet, ContinuousClock.now < deadline {
            usleep(50_000)
        }
    }
}

/// Set once by the stream's termination, read by the reader thread.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}
