import SmartCard
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// APDUs, bytes and time spent on the wire, for one read (docs/design.md §5). Counted below
/// secure messaging, so the figures are what the card and reader really carried.
public struct WireCounters: Hashable, Sendable {
    public var apdus = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    /// Commands the card answered (an APDU whose transmission failed counts in `apdus` only).
    public var answered = 0
    public var nanoseconds: UInt64 = 0

    public init() {}

    public static func - (a: WireCounters, b: WireCounters) -> WireCounters {
        var d = WireCounters()
        d.apdus = a.apdus - b.apdus
        d.bytesSent = a.bytesSent - b.bytesSent
        d.bytesReceived = a.bytesReceived - b.bytesReceived
        d.answered = a.answered - b.answered
        d.nanoseconds = a.nanoseconds &- b.nanoseconds
        return d
    }

    public var milliseconds: Int { Int(nanoseconds / 1_000_000) }
}

/// A monotonic clock reading in nanoseconds (CLOCK_MONOTONIC).
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// A `CardChannel` decorator that counts what crosses it. Wrap the plain channel with it
/// before secure messaging so counts are wire bytes.
public final class CountingChannel: CardChannel {
    public let base: any CardChannel
    private let counters = Mutex(WireCounters())

    public init(_ base: any CardChannel) { self.base = base }

    public var snapshot: WireCounters { counters.withLock { $0 } }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let start = monotonicNanoseconds()
        let sent = command.bytes.count
        do {
            let response = try await base.transmit(command)
            let elapsed = monotonicNanoseconds() &- start
            counters.withLock {
                $0.apdus += 1
                $0.bytesSent += sent
                $0.bytesReceived += response.data.count + 2
                $0.answered += 1
                $0.nanoseconds &+= elapsed
            }
            return response
        } catch {
            let elapsed = monotonicNanoseconds() &- start
            counters.withLock {
                $0.apdus += 1
                $0.bytesSent += sent
                $0.nanoseconds &+= elapsed
            }
            throw error
        }
    }
}
