import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Plugs an `APDUHandler` into vpcd (vsmartcard's PC/SC driver) over TCP, as a card in a
/// virtual reader slot (docs/design.md §7). The card counts as inserted while connected:
/// `connect()` inserts it, `disconnect()` removes it.
///
/// Wire format: 2-byte big-endian length + payload. 1-byte payloads are control: 00 power
/// off, 01 power on, 02 reset, 04 get ATR (answered with the ATR); anything else is an APDU
/// answered by `process(bytes:)`. The socket has `TCP_NODELAY` and re-arms `TCP_QUICKACK`
/// after every receive: vpcd writes the length and payload separately and delayed ACKs
/// would otherwise add about 40 ms to every APDU. The blocking socket is served on its own
/// thread, never on the cooperative pool.
public final class VirtualCardTransport: @unchecked Sendable {
    public let card: any APDUHandler
    public let host: String
    public let port: UInt16
    /// Turn off to measure what delayed ACKs cost (benchmarks only).
    public let quickAck: Bool

    private let logger = Logger(label: "cancuoc.sim")
    private let lock = NSLock()
    private var fd: Int32 = -1
    private var closed: [CheckedContinuation<Void, Never>] = []
    private var serving = false

    public init(card: any APDUHandler, host: String = "127.0.0.1", port: UInt16 = 35963, quickAck: Bool = true) {
        self.card = card
        self.host = host
        self.port = port
        self.quickAck = quickAck
    }

    public var isConnected: Bool { lock.withLock { serving } }

    /// Connects to vpcd (inserting the card), retrying with a short back-off while vpcd is not
    /// listening yet, for at most `timeout`. Returns once connected; serving runs on a thread.
    public func connect(timeout: Duration = .seconds(10)) async throws {
        guard !isConnected else { return }
        let deadline = ContinuousClock.now + timeout
        var delay = Duration.milliseconds(20)
        while true {
            let socket = try openSocket()
            if let socket {
                startServing(socket)
                return
            }
            guard ContinuousClock.now + delay < deadline else { throw VPCDError.unreachable(host: host, port: port) }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(500))
        }
    }

    /// Removes the card: closes the connection and waits until the serving thread is done.
    public func disconnect() async {
        let socket: Int32? = lock.withLock { serving && fd >= 0 ? fd : nil }
        guard let socket else { return }
        _ = shutdown(socket, Int32(SHUT_RDWR))
        await waitUntilDisconnected()
    }

    /// Returns when the connection ends (vpcd went away, or `disconnect()`).
    public func waitUntilDisconnected() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = lock.withLock { () -> Bool in
                if !serving { return true }
                closed.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    /// One loopback connect attempt; nil when nothing listens yet.
    private func openSocket() throws -> Int32? {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            throw VPCDError.badAddress(host)
        }
        defer { freeaddrinfo(info) }
        let s = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard s >= 0 else { throw VPCDError.system("socket", errno) }
        guard Glibc.connect(s, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            close(s)
            return nil
        }
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return s
    }

    private func startServing(_ socket: Int32) {
        lock.withLock {
            fd = socket
            serving = true
        }
        let thread = Thread { [self] in serve(socket) }
        thread.name = "cancuoc.vpcd.\(port)"
        thread.start()
    }

    private func serve(_ socket: Int32) {
        logger.debug("vpcd \(host):\(port) connected")
        // pcscd polls presence every 400 ms and vpcd answers it with "get ATR": that must
        // not power-cycle the card, or every read longer than 400 ms loses its session.
        var atr: [UInt8]?
        while let request = receive(socket) {
            let answer: [UInt8]?
            if request.count == 1 {
                switch request[0] {
                case 0x04 where atr != nil:
                    answer = atr
                case 0x04, 0x01, 0x02:
                    let fresh = blocking { [card] in await card.powerOn() }
                    atr = fresh
                    answer = request[0] == 0x04 ? fresh : nil
                default:
                    answer = blocking { [card] in await Self.control(request[0], card: card) }
                }
            } else {
                answer = blocking { [card] in await card.process(bytes: request) }
                // A card pulled mid-command leaves without answering (fault injection).
                if let removable = card as? any RemovableCard, blocking({ await removable.isRemoved() }) { break }
            }
            if let answer, !send(socket, answer) { break }
        }
        blocking { [card] in await card.powerOff() }
        close(socket)
        let waiters = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            fd = -1
            serving = false
            defer { closed.removeAll() }
            return closed
        }
        logger.debug("vpcd \(host):\(port) disconnected")
        for waiter in waiters { waiter.resume() }
    }

    private static func control(_ code: UInt8, card: any APDUHandler) async -> [UInt8]? {
        switch code {
        case 0x00:
            await card.powerOff()
            return nil
        case 0x01, 0x02:
            _ = await card.powerOn()
            return nil
        case 0x04: return await card.powerOn()
        default: return nil
        }
    }

    /// Runs the card's async code and waits for it on this (dedicated) thread.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            box.value = await body()
            semaphore.signal()
        }
        semaphore.wait()
        guard let value = box.value else { preconditionFailure("task finished without a value") }
        return value
    }

    private func receive(_ socket: Int32) -> [UInt8]? {
        guard let header = readExactly(socket, 2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        guard length > 0, let payload = readExactly(socket, length) else { return nil }
        return payload
    }

    private func readExactly(_ socket: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return recv(socket, base + got, count - got, 0)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            got += n
            if quickAck {
                var one: Int32 = 1
                setsockopt(socket, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
            }
        }
        return buffer
    }

    private func send(_ socket: Int32, _ payload: [UInt8]) -> Bool {
        guard payload.count <= 0xFFFF else { return false }
        let frame = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        var sent = 0
        while sent < frame.count {
            let n = frame.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Glibc.send(socket, base + sent, frame.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }
}

/// A value handed from a task to a waiting thread; the semaphore orders the accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
