import Synchronization

/// The clients that called `events.subscribe`, and whether each may receive records
/// (`"records": true`, socket group members only, design.md §9.6).
final class SubscriberList: Sendable {
    private let members = Mutex<[UInt64: (client: APIClient, records: Bool)]>([:])

    func add(_ client: APIClient, records: Bool) {
        members.withLock { $0[client.id] = (client, records) }
        client.setSubscribed(true)
    }

    func remove(_ client: APIClient) {
        _ = members.withLock { $0.removeValue(forKey: client.id) }
    }

    var count: Int { members.withLock { $0.count } }

    /// Sends to every subscriber. `APIClient.notify` never blocks: a subscriber that does not
    /// read is dropped by its own queue bound, not waited for.
    func broadcast(method: String, params: JSONValue) {
        let clients = members.withLock { $0.values.map(\.client) }
        for client in clients { client.notify(method: method, params: params) }
    }

    /// Sends personal data: only to subscribers with `"records": true` (socket group members,
    /// checked by `events.subscribe`), design.md §9.6.
    func broadcastRecords(method: String, params: JSONValue) {
        let clients = members.withLock { $0.values.filter(\.records).map(\.client) }
        for client in clients { client.notify(method: method, params: params) }
    }
}
