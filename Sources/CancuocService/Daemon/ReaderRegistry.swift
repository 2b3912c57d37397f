import SmartCard
import PCSC

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

    /// A notification to broadcast: method and params (design.md §9.7).
    public struct Notification: Sendable, Hashable {
        public var method: String
        public var params: JSONValue
    }

    public func apply(_ event: ReaderEvent) async -> [Notification] {
        hasSeenEvents = true
        switch event {
        case .attached(let info):
            if sessions[info.name] != nil { return [] }
            sessions[info.name] = ReaderSession(info: info)
            order.append(info.name)
            return [Notification(method: "reader.attached", params: Self.params(info))]
        case .detached(let name, _):
            guard let session = remove(name) else { return [] }
            return [Notification(method: "reader.detached", params: Self.params(session.info))]
        case .cardInserted(let name, let atr):
            guard let session = sessions[name] else { return [] }
            await session.cardInserted(atr: atr)
            var params = Self.params(session.info)
            params = params.merging(["atr": .string(Hex.encode(atr))])
            return [Notification(method: "card.inserted", params: params)]
        case .cardRemoved(let name):
            guard let session = sessions[name] else { return [] }
            await session.cardRemoved()
            return [Notification(method: "card.removed", params: Self.params(session.info))]
        case .serviceUnavailable(let error):
            serviceProblem = error
            let gone = order.compactMap { remove($0) }
            return gone.map { Notification(method: "reader.detached", params: Self.params($0.info)) }
        case .serviceRestored:
            serviceProblem = nil
            return []
        }
    }

    private func remove(_ name: String) -> ReaderSession? {
        order.removeAll { $0 == name }
        return sessions.removeValue(forKey: name)
    }

    public var all: [ReaderSession] { order.compactMap { sessions[$0] } }

    /// The session a request means (design.md §9.5, `ReaderSelection`).
    public func session(for wanted: String?) async throws(ReadFailure) -> ReaderSession {
        if let problem = serviceProblem, sessions.isEmpty {
            throw .pcscUnavailable("pcscd is not reachable (\(problem.name))")
        }
        var candidates: [ReaderSelection.Candidate] = []
        for session in all { candidates.append(await session.candidate) }
        let chosen = try ReaderSelection.choose(wanted, among: candidates)
        guard let session = sessions[chosen.name] else { throw .noReader("the reader is gone") }
        return session
    }

    static func params(_ info: ReaderInfo) -> JSONValue {
        ["reader": .string(info.id.rawValue), "name": .string(info.name)]
    }
}

extension JSONValue {
    /// This object with `other`'s members added (other wins); non-objects are returned as is.
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = self else { return self }
        for (key, value) in other { members[key] = value }
        return .object(members)
    }
}
