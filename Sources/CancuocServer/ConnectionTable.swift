import CancuocAPI
import CardService
import Logging
import Synchronization

/// The open connections of one transport: admission under one lock, removal when a connection
/// has finished, and the shutdown drain both servers need (running requests answer
/// `cancelled`, then each connection closes; whatever is still open after the limit is closed).
final class ConnectionTable: Sendable {
    enum Admission<Refusal> {
        case admitted(Connection)
        case refused(Refusal)
        case stopping
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

    /// Makes and adds a connection with the next id, unless the table is stopping or `refusal`
    /// (given the open connections) says no. Atomic: two arrivals cannot both take the last slot.
    func admit<Refusal>(unless refusal: (Dictionary<UInt64, Connection>.Values) -> Refusal?,
                        make: (UInt64) -> Connection) -> Admission<Refusal> {
        state.withLock { state in
            if state.stopping { return .stopping }
            if let refused = refusal(state.connections.values) { return .refused(refused) }
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

    /// Stops admitting, drains every connection and waits until all have closed, at most
    /// `limit`; then closes what is left.
    func drain(within limit: Duration, logger: Logger) async {
        let open = state.withLock { state in
            state.stopping = true
            return Array(state.connections.values)
        }
        for connection in open { connection.drain() }
        do {
            try await withDeadline(limit) { await self.allClosed() }
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
