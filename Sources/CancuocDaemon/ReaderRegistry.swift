import CancuocAPI
import CardService
import PCSC
import SmartCard

/// The readers the daemon knows, rebuilt from `ReaderMonitor` events alone: one
/// `ReaderSession` per reader, created on `.attached` and dropped on `.detached` or when
/// pcscd goes away (the monitor reports the readers again once it is back).
///
/// `apply(_:)` returns the notifications the event causes, so the core decides who gets
/// them and the registry stays a plain state machine that tests can drive.
public actor ReaderRegistry {
    private var sessions: [String: ReaderSession] = [:]
    /// Attach order, so listings are stable.
    private var order: [String] = []
    /// `nil` while pcscd is reachable; else why not.
    public private(set) var serviceProblem: PCSCError?
    /// Set by the first event: until then, an empty registry may just not have been filled.
    public private(set) var hasSeenEvents = false

    public init() {}

    private var lastEvent: ContinuousClock.Instant?
    private var settled = false

    /// Returns once the readers present at start have been reported: the monitor has sent
    /// events and then none for 100 ms (it reports each reader as it reads its identity), or
    /// after `limit` (no reader at all sends none). Immediate once that has happened.
    public func waitUntilSettled(upTo limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while !settled, ContinuousClock.now < deadline {
            if let lastEvent, ContinuousClock.now - lastEvent >= .milliseconds(100) {
                settled = true
                return
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        settled = true
    }

    /// The one mapping of monitor events to notifications (shared with the CLI).
    private var notifier = ReaderEventNotifier()

    /// Applies a monitor event and returns the notifications it causes.
    public func apply(_ event: ReaderEvent) async -> [APINotification] {
        hasSeenEvents = true
        lastEvent = .now
        switch event {
        case .attached(let info):
            if sessions[info.name] == nil {
                sessions[info.name] = ReaderSession(info: info)
                order.append(info.name)
            }
        case .detached(let name, _):
            _ = remove(name)
        case .cardInserted(let name, let atr):
            await sessions[name]?.cardInserted(atr: atr)
        case .cardRemoved(let name):
            await sessions[name]?.cardRemoved()
        case .serviceUnavailable(let error):
            serviceProblem = error
            for name in order { _ = remove(name) }
        case .serviceRestored:
            serviceProblem = nil
        }
        return notifier.notifications(for: event)
    }

    private func remove(_ name: String) -> ReaderSession? {
        order.removeAll { $0 == name }
        return sessions.removeValue(forKey: name)
    }

    public var all: [ReaderSession] { order.compactMap { sessions[$0] } }

    /// The session a request means (docs/design.md §9.5, `ReaderSelection`).
    public func session(for wanted: String?) async throws(ReadFailure) -> ReaderSession {
        if let problem = serviceProblem, sessions.isEmpty {
            throw .pcscUnavailable("pcscd is not reachable (\(problem.name))")
        }
        var present: [String: Bool] = [:]
        for session in all { present[session.info.name] = await session.cardPresent }
        let chosen = try ReaderSelection.choose(wanted, among: all.map(\.info)) { present[$0] ?? false }
        guard let session = sessions[chosen.name] else { throw .noReader("the reader is gone") }
        return session
    }
}
