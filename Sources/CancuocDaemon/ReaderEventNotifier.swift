import CancuocAPI
import PCSC
import SmartCard

/// Turns the reader monitor's events into the API's notifications, remembering each reader's
/// stable id (card events name a reader by its PC/SC name only). `cancuoc readers --watch
/// --json` prints what this returns, so its lines are the daemon's, byte for byte.
public struct ReaderEventNotifier: Sendable {
    private var readers: [String: ReaderInfo] = [:]
    /// Attach order: an outage detaches readers in the order they came.
    private var order: [String] = []

    public init() {}

    public mutating func notifications(for event: ReaderEvent) -> [APINotification] {
        switch event {
        case .attached(let info):
            guard readers[info.name] == nil else { return [] }
            readers[info.name] = info
            order.append(info.name)
            return [.attached(info)]
        case .detached(let name, _):
            order.removeAll { $0 == name }
            return readers.removeValue(forKey: name).map { [.detached($0)] } ?? []
        case .cardInserted(let name, let atr):
            return readers[name].map { [.inserted($0, atr: atr)] } ?? []
        case .cardRemoved(let name):
            return readers[name].map { [.removed($0)] } ?? []
        case .serviceUnavailable(let error):
            defer {
                readers = [:]
                order = []
            }
            return order.compactMap { readers[$0] }.map { .detached($0) } + [.unavailable(error)]
        case .serviceRestored:
            return [.pcscRestored]
        }
    }
}
