import CancuocAPI
import Synchronization

/// The connections that called `events.subscribe`, and whether each may receive records
/// (`"records": true`, docs/design.md "Personal data").
final class SubscriberList: Sendable {
    private let members = Mutex<[UInt64: (connection: Connection, records: Bool)]>([:])

    func add(_ connection: Connection, records: Bool) {
        members.withLock { $0[connection.id] = (connection, records) }
        connection.setSubscribed(true)
    }

    func remove(_ connection: Connection) {
        _ = members.withLock { $0.removeValue(forKey: connection.id) }
    }

    var count: Int { members.withLock { $0.count } }

    /// Sends to every subscriber — or, for an event that carries personal data, only to those
    /// with `"records": true`; the event's type decides, not the caller. Encoded once.
    /// `Connection.send` never blocks: a subscriber that does not read is dropped by its own
    /// queue bound, not waited for.
    func broadcast(_ notification: APINotification) {
        let personal = notification.carriesPersonalData
        let connections = members.withLock { $0.values.filter { !personal || $0.records }.map(\.connection) }
        guard !connections.isEmpty else { return }
        let message = notification.message
        for connection in connections { connection.send(message) }
    }
}
