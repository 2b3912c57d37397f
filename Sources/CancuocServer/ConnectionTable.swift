import CancuocAPI
import CardService
import Logging
import Synchronization

/// The open connections of one transport: admission under one lock, removal when a connection
/// has finished, and the shutdown drain both servers need (running requests answer
/// `cancelled`, then each connection closes; whatever is still open after the limit is closed).
final class ConnectionTable: Sendable {
    enum Admission {
        case admitted(Connection)
        case refused(Refusal)
        case stopping
    }

    /// Why a newcomer was not admitted.
    enum Refusal: Sendable, Hashable {
        /// `maxClients` connections are open.
        case tooManyClients
        /// Its caller (`Principal.throttleKey`: a local user, a web origin) holds its share.
        case tooManyForCaller

        /// What the refused client is told (-32000, `data.limit`), the same on every transport.
        func error(for principal: Principal, limit: Int) -> APIError {
            let detail: [String: JSONValue] = ["limit": .int(Int64(limit))]
            switch self {
            case .tooManyClients:
                return APIError(.serverBusy, detail: detail)
            case .tooManyForCaller where principal.origin != nil:
                return APIError(
                    .serverBusy,
                    message:
                        "Too many connections from this website (origin): close the tabs that do not need the card reader",
                    messageVi:
                        "Trang web này đang mở quá nhiều kết nối tới dịch vụ đọc thẻ; hãy đóng bớt các thẻ (tab) không dùng",
                    detail: detail
                )
            case .tooManyForCaller:
                return APIError(
                    .serverBusy,
                    message: "Too many connections from this user",
                    messageVi: "Người dùng này đang mở quá nhiều kết nối tới dịch vụ đọc thẻ",
                    detail: detail
                )
            }
        }

        /// The log line's words.
        var logMessage: String {
            switch self {
            case .tooManyClients: "too many clients"
            case .tooManyForCaller: "too many for this user or origin"
            }
        }
    }

    private struct State {
        var connections: [UInt64: Connection] = [:]
        var nextID: UInt64
        var stopping = false
        var allClosed: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(firstID: UInt64 = 1) {
        state = Mutex(State(nextID: firstID))
    }

    var count: Int { state.withLock { $0.connections.count } }

    /// Open now, oldest first.
    var all: [Connection] { state.withLock { Array($0.connections.values) }.sorted { $0.id < $1.id } }

    /// Makes and adds a connection for `principal` with the next id, unless the table is
    /// stopping, `maxClients` are open, or the same caller (`Principal.throttleKey`) already has
    /// `maxPerCaller` (`nil`: not limited, as root on the Unix socket). One caller — a local
    /// user, a website, a program forging one origin — cannot take every slot from the HIS.
    /// Atomic: two arrivals cannot both take the last slot.
    func admit(_ principal: Principal, maxClients: Int, maxPerCaller: Int?, make: (UInt64) -> Connection) -> Admission {
        let caller = principal.throttleKey
        return state.withLock { state in
            if state.stopping { return .stopping }
            if let maxPerCaller,
                state.connections.values.count(where: { $0.principal.throttleKey == caller }) >= maxPerCaller
            {
                return .refused(.tooManyForCaller)
            }
            if state.connections.count >= maxClients { return .refused(.tooManyClients) }
            let connection = make(state.nextID)
            state.nextID += 1
            state.connections[connection.id] = connection
            return .admitted(connection)
        }
    }

    /// The connection has finished (`Connection.finish()` returned).
    func remove(_ connection: Connection) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.connections.removeValue(forKey: connection.id)
            guard state.connections.isEmpty else { return [] }
            defer { state.allClosed = [] }
            return state.allClosed
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops admitting, drains every connection (running requests may finish for `grace`)
    /// and waits until all have closed, at most `grace + limit`; then closes what is left.
    func drain(within limit: Duration, grace: Duration = shutdownGrace, logger: Logger) async {
        let open = state.withLock { state in
            state.stopping = true
            return Array(state.connections.values)
        }
        for connection in open { connection.drain(grace: grace) }
        do {
            try await withDeadline(grace + limit) { await self.allClosed() }
        } catch {
            for connection in all { connection.close() }
            logger.warning("connections still open at shutdown were closed")
        }
    }

    private func allClosed() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                guard !state.connections.isEmpty else { return true }
                state.allClosed.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
