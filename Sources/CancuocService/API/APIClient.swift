import Logging
import NIOCore
import Synchronization

/// One connection to the API socket, as the daemon core sees it.
///
/// The core keeps these to route personal data (only to the client that asked, §9.6), to
/// send events to subscribers, and to cancel work when the client leaves. Identity is the
/// object (and `id`); credentials come from the kernel.
///
/// Everything that goes out (responses and notifications) passes through one bounded
/// queue: a client that stops reading is disconnected once more than
/// `maxQueuedMessages` lines wait for its socket, so it never holds memory or blocks
/// anyone else.
public final class APIClient: Sendable, Hashable, CustomStringConvertible {
    /// Unique per daemon run, increasing; used in logs.
    public let id: UInt64
    /// From SO_PEERCRED; `nil` only if the kernel would not say.
    public let credentials: PeerCredentials?
    /// Root, or a member (primary or supplementary) of the socket's configured group: may
    /// subscribe with `"records": true` (design.md §9.6). `false` when no group is
    /// configured or resolvable, unless root.
    public let isInSocketGroup: Bool

    /// Peer user id (SO_PEERCRED).
    public var uid: UInt32? { credentials?.uid }
    /// Peer primary group id (SO_PEERCRED).
    public var gid: UInt32? { credentials?.gid }
    /// Peer process id at connect time (SO_PEERCRED).
    public var pid: Int32? { credentials?.pid }

    /// `nil` for a client made with `init(testingID:…)`, whose lines go to `recorded`.
    private let channel: (any Channel)?
    private let recorded = Mutex<[JSONValue]>([])
    private let maxQueuedMessages: Int
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var queued = 0
        var closed = false
        var subscribed = false
        var inputClosed = false
        var nextTaskID: UInt64 = 0
        var tasks: [UInt64: Task<Void, Never>] = [:]
    }

    init(id: UInt64, channel: any Channel, credentials: PeerCredentials?, socketGroup: UInt32?,
         maxQueuedMessages: Int, logger: Logger)
    {
        self.id = id
        self.channel = channel
        self.credentials = credentials
        if let credentials {
            self.isInSocketGroup = credentials.uid == 0 || socketGroup.map(credentials.isMember(ofGroup:)) == true
        } else {
            self.isInSocketGroup = false
        }
        self.maxQueuedMessages = maxQueuedMessages
        self.logger = logger
    }

    /// A client without a socket, for testing an `APIRequestHandler`: everything sent to it
    /// (notifications, and responses if the server were to send any) is kept in
    /// `recordedMessages` instead of being written anywhere.
    public init(testingID id: UInt64, credentials: PeerCredentials? = nil, isInSocketGroup: Bool = false) {
        self.id = id
        self.channel = nil
        self.credentials = credentials
        self.isInSocketGroup = isInSocketGroup
        self.maxQueuedMessages = .max
        self.logger = Logger(label: "cancuoc.api")
    }

    /// What was sent to a client made with `init(testingID:…)`, oldest first; always empty
    /// for a socket client.
    public var recordedMessages: [JSONValue] { recorded.withLock { $0 } }

    /// Queue a notification (`{"jsonrpc":"2.0","method":…,"params":…}`) for this client.
    /// Never blocks and never throws: if the client is gone it is a no-op; if its queue is
    /// full the client is disconnected (and logged) instead.
    public func notify(method: String, params: JSONValue) {
        send(JSONRPCMessage.notification(method: method, params: params))
    }

    /// Whether the core has subscribed this client to events. A subscribed client is never
    /// closed for being idle.
    public var isSubscribed: Bool { state.withLock { $0.subscribed } }

    /// Mark the client as subscribed (or not); the core calls this from `events.subscribe`.
    public func setSubscribed(_ subscribed: Bool) {
        state.withLock { $0.subscribed = subscribed }
    }

    /// Still connected.
    public var isConnected: Bool { !state.withLock { $0.closed } }

    /// Close the connection (for example when the daemon core decides to drop a client).
    public func close() {
        state.withLock { $0.closed = true }
        channel?.close(promise: nil)
    }

    public var description: String {
        if let credentials { return "client \(id) (\(credentials))" }
        return "client \(id)"
    }

    public static func == (lhs: APIClient, rhs: APIClient) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    // MARK: - Server side

    /// Queue one line (without its newline). Returns `false` when it was not queued.
    @discardableResult
    func send(_ line: [UInt8]) -> Bool {
        enum Admission { case queued, closed, overflow }
        let admission = state.withLock { state -> Admission in
            if state.closed { return .closed }
            if state.queued >= maxQueuedMessages {
                state.closed = true
                return .overflow
            }
            state.queued += 1
            return .queued
        }
        guard let channel else {
            guard admission == .queued else { return false }
            let message = (try? JSONParser(maxDepth: 512).parse(line)) ?? .null
            recorded.withLock { $0.append(message) }
            state.withLock { $0.queued -= 1 }
            return true
        }
        switch admission {
        case .closed:
            return false
        case .overflow:
            var metadata: Logger.Metadata = ["client": "\(id)", "queued": "\(maxQueuedMessages)"]
            if let credentials {
                metadata["uid"] = "\(credentials.uid)"
                metadata["pid"] = "\(credentials.pid)"
            }
            logger.warning("dropping a client that does not read its messages", metadata: metadata)
            channel.close(promise: nil)
            return false
        case .queued:
            var buffer = channel.allocator.buffer(capacity: line.count + 1)
            buffer.writeBytes(line)
            buffer.writeInteger(UInt8(ascii: "\n"))
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { [self] _ in
                self.state.withLock { $0.queued -= 1 }
            }
            channel.writeAndFlush(buffer, promise: promise)
            return true
        }
    }

    /// Requests of this client currently being handled.
    var requestsInFlight: Int { state.withLock { $0.tasks.count } }

    /// Idle means: no request in flight and not subscribed.
    var isIdle: Bool { state.withLock { $0.tasks.isEmpty && !$0.subscribed } }

    /// Run `body` as a tracked task, cancelled by `connectionClosed()`. Returns `false`
    /// (and runs nothing) when `limit` tasks are already running or the client is closed.
    func startRequest(limit: Int, _ body: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { state in
            guard !state.closed, state.tasks.count < limit else { return false }
            let taskID = state.nextTaskID
            state.nextTaskID += 1
            state.tasks[taskID] = Task { [weak self] in
                await body()
                self?.requestFinished(taskID)
            }
            return true
        }
    }

    private func requestFinished(_ taskID: UInt64) {
        let finishedInput = state.withLock { state in
            state.tasks.removeValue(forKey: taskID)
            return state.inputClosed && state.tasks.isEmpty && !state.subscribed
        }
        if finishedInput { closeAfterPendingWrites() }
    }

    /// The client half-closed (for example `socat` after its stdin ended): answer what is
    /// in flight, then close — unless it subscribed, then it keeps receiving events.
    func inputClosed() {
        let nothingInFlight = state.withLock { state in
            state.inputClosed = true
            return state.tasks.isEmpty && !state.subscribed
        }
        if nothingInFlight { closeAfterPendingWrites() }
    }

    /// Writes complete in order, so an empty write completing means every earlier line has
    /// reached the socket.
    private func closeAfterPendingWrites() {
        guard let channel else { return }
        channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { [channel] _ in
            channel.close(promise: nil)
        }
    }

    /// The connection is gone: stop queuing, cancel in-flight requests.
    func connectionClosed() {
        let tasks = state.withLock { state in
            state.closed = true
            defer { state.tasks = [:] }
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }
}
