import CardService
import Logging
import Synchronization

/// What carries a connection's messages: the Unix socket's newline framing, a WebSocket's
/// text frames. An adapter implements this and feeds what it receives to `Connection`; the
/// connection never knows how bytes move.
public protocol ConnectionTransport: Sendable {
    /// Write one message (a complete JSON text, without framing); `written` runs once it has
    /// left the process or failed to.
    func write(_ message: [UInt8], written: @escaping @Sendable () -> Void)
    /// Close now. (`Connection` closes only once its queue has drained when it must not lose
    /// an answer.)
    func close()
}

/// Who is calling, as the kernel or the browser told the transport — never what the client
/// says about itself. Decides who may receive records of reads it did not start (§ "Personal
/// data" in docs/design.md) and what every log line says about the caller.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// The peer of a Unix socket (`SO_PEERCRED`, `SO_PEERGROUPS`).
    public var credentials: PeerCredentials?
    /// The web origin of a browser page.
    public var origin: String?
    /// May subscribe with `"records": true`.
    public var mayReceiveRecords: Bool

    public init(credentials: PeerCredentials? = nil, origin: String? = nil, mayReceiveRecords: Bool) {
        self.credentials = credentials
        self.origin = origin
        self.mayReceiveRecords = mayReceiveRecords
    }

    /// A local user: root or a member of the socket's group may receive records.
    public static func localUser(_ credentials: PeerCredentials?, socketGroup: UInt32?) -> Principal {
        let member = credentials.map { $0.uid == 0 || socketGroup.map($0.isMember(ofGroup:)) == true } ?? false
        return Principal(credentials: credentials, mayReceiveRecords: member)
    }

    /// Who this is across connections, for per-caller limits: the uid, else the origin.
    public var throttleKey: String {
        if let credentials { return "uid:\(credentials.uid)" }
        if let origin { return "origin:\(origin)" }
        return "unknown"
    }

    package var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        if let credentials {
            metadata["uid"] = "\(credentials.uid)"
            metadata["pid"] = "\(credentials.pid)"
        }
        if let origin { metadata["origin"] = "\(LogText.quoted(origin))" }
        return metadata
    }

    public var description: String {
        [credentials?.description, origin.map { "origin=\($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}

/// The API as a transport sees it: answer requests, tell when a connection is gone.
public protocol APIService: Sendable {
    /// The result of one well-formed request. Throw `APIError` for what a client can act on;
    /// anything else becomes -32603 (and only its type is logged). Requests of one connection
    /// run concurrently; the task is cancelled when the connection closes.
    func respond(to request: JSONRPCRequest, on connection: Connection) async throws -> JSONText
    /// The connection went away (after its requests were cancelled). Called once.
    func connectionClosed(_ connection: Connection) async
}

/// One client of the API, whatever transport carries it: who it is, its subscription, the
/// requests it has running, and a bounded outbound queue. Transports hand it whole messages
/// (`receive`) and it answers through `ConnectionTransport`.
///
/// Everything outbound passes through one queue bounded in messages and in bytes: a client
/// that stops reading is disconnected when either bound is passed, so it never holds memory
/// or delays anyone else.
public final class Connection: Sendable, Hashable, CustomStringConvertible {
    public struct Limits: Sendable {
        /// Longest request message, in bytes (the transport enforces it while framing).
        public var maxMessageLength = 65536
        public var maxRequestsInFlight = 64
        public var maxQueuedMessages = 1024
        public var maxQueuedBytes = 8 << 20

        public init() {}
    }

    /// Unique per daemon run, increasing; used in logs.
    public let id: UInt64
    public let principal: Principal
    public let limits: Limits
    private let transport: any ConnectionTransport
    private let service: any APIService
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var queuedMessages = 0
        var queuedBytes = 0
        var closed = false
        /// Shutting down: no new requests; close once the running ones have answered.
        var draining = false
        /// Close as soon as every queued message has been written.
        var closeWhenFlushed = false
        var inputClosed = false
        var subscribed = false
        var finished = false
        var nextTaskID: UInt64 = 0
        var tasks: [UInt64: Task<Void, Never>] = [:]
        /// Protocol errors: the first few are logged each, then one summary line per minute.
        var rejections = 0
        var unloggedRejections = 0
        var lastRejectionSummary = ContinuousClock.now
    }

    /// Protocol errors logged one by one before they are only counted.
    static let loggedRejections = 5
    /// Outcomes that are the client's own protocol mistakes (rate-limited in the log).
    static let protocolErrors: Set<String> = Set(
        [APIError.Kind.parseError, .invalidRequest, .methodNotFound, .invalidParams].map(\.rawValue)
    )

    public init(
        id: UInt64,
        principal: Principal,
        transport: any ConnectionTransport,
        service: any APIService,
        limits: Limits = Limits(),
        logger: Logger = Logger(label: "cancuoc.api")
    ) {
        self.id = id
        self.principal = principal
        self.transport = transport
        self.service = service
        self.limits = limits
        self.logger = logger
    }

    public var description: String { "client \(id)" + (principal.description.isEmpty ? "" : " (\(principal))") }
    public static func == (lhs: Connection, rhs: Connection) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// `client`, `uid`, `pid` (or `origin`) for log lines about this connection.
    public var logMetadata: Logger.Metadata {
        principal.logMetadata.merging(["client": "\(id)"]) { $1 }
    }

    // MARK: Subscriptions

    /// Whether the core has subscribed this connection to events; a subscribed connection is
    /// never closed for being idle.
    public var isSubscribed: Bool { state.withLock { $0.subscribed } }

    public func setSubscribed(_ subscribed: Bool) {
        state.withLock { $0.subscribed = subscribed }
    }

    public var isConnected: Bool { !state.withLock { $0.closed } }

    /// Nothing running and not subscribed: may be closed when idle too long.
    public var isIdle: Bool { state.withLock { $0.tasks.isEmpty && !$0.subscribed } }

    var requestsInFlight: Int { state.withLock { $0.tasks.count } }

    // MARK: Inbound, from the transport

    /// One complete message from the client.
    public func receive(_ message: some Collection<UInt8>) {
        guard message.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }  // blank
        switch JSONRPCRequest.parse(message, parser: JSONParser()) {
        case .failure(let rejection):
            logRejection(
                logMetadata.merging([
                    "outcome": "\(rejection.error.reason)", "id": "\(LogText.quoted(rejection.id.serialized))",
                ]) { $1 }
            )
            send(JSONRPCMessage.error(id: rejection.id, rejection.error))
        case .success(let request):
            dispatch(request)
        }
    }

    /// The client sent a message longer than `limits.maxMessageLength` (the transport drops it).
    public func receiveOversized() {
        logRejection(logMetadata.merging(["outcome": "request too large"]) { $1 })
        send(JSONRPCMessage.error(id: .null, .requestTooLarge(limit: limits.maxMessageLength)))
    }

    /// The client began a message and did not finish it in time (a slot held by trickling):
    /// answered once, then closed.
    public func receiveIncomplete(after limit: Duration) {
        logRejection(logMetadata.merging(["outcome": "request not completed in time"]) { $1 })
        send(
            JSONRPCMessage.error(
                id: .null,
                APIError(
                    .invalidRequest,
                    message: "Invalid request: not completed within \(limit.milliseconds / 1000) s",
                    messageVi: "Yêu cầu không được gửi trọn vẹn kịp thời"
                )
            )
        )
        closeWhenFlushed()
    }

    /// A protocol error from this client: the first few are logged one by one, then at most
    /// one summary line a minute, so a client cannot flood the journal.
    private func logRejection(_ metadata: Logger.Metadata) {
        enum Decision {
            case log
            case summarize(Int)
            case count
        }
        let decision = state.withLock { state -> Decision in
            state.rejections += 1
            if state.rejections <= Self.loggedRejections { return .log }
            state.unloggedRejections += 1
            guard ContinuousClock.now - state.lastRejectionSummary >= .seconds(60) else { return .count }
            defer {
                state.unloggedRejections = 0
                state.lastRejectionSummary = .now
            }
            return .summarize(state.unloggedRejections)
        }
        switch decision {
        case .log:
            logger.notice("request rejected", metadata: metadata)
        case .summarize(let count):
            logger.notice("requests rejected", metadata: logMetadata.merging(["count": "\(count)"]) { $1 })
        case .count:
            break
        }
    }

    /// The client will send nothing more (half-close): answer what is in flight, then close —
    /// unless it subscribed, then it keeps receiving events.
    public func inputClosed() {
        let nothingInFlight = state.withLock { state in
            state.inputClosed = true
            return state.tasks.isEmpty && !state.subscribed
        }
        if nothingInFlight { closeWhenFlushed() }
    }

    /// The daemon is stopping: refuse new requests (-32000, retry), let the running ones
    /// finish for up to `grace` (a read in flight during an upgrade still answers), then
    /// cancel what is left (each answers `cancelled`, 1009), and close once all have answered.
    public func drain(grace: Duration = .zero) {
        let (tasks, idle) = state.withLock { state in
            state.draining = true
            return (Array(state.tasks.values), state.tasks.isEmpty)
        }
        if idle {
            closeWhenFlushed()
        } else if grace <= .zero {
            for task in tasks { task.cancel() }
        } else {
            Task {
                try? await Task.sleep(for: grace)
                for task in tasks { task.cancel() }
            }
        }
    }

    /// Close once every message queued so far has been written (none is lost to the close).
    private func closeWhenFlushed() {
        let now = state.withLock { state in
            state.closeWhenFlushed = true
            return state.queuedMessages == 0
        }
        if now { close() }
    }

    /// The transport is gone: stop queuing, cancel in-flight requests, then tell the service.
    /// Transports call it once the connection has closed, however it closed.
    public func finish() async {
        let tasks: [Task<Void, Never>]? = state.withLock { state in
            state.closed = true
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.tasks = [:] }
            return Array(state.tasks.values)
        }
        guard let tasks else { return }
        for task in tasks { task.cancel() }
        let unlogged = state.withLock { $0.unloggedRejections }
        if unlogged > 0 {
            logger.notice("requests rejected", metadata: logMetadata.merging(["count": "\(unlogged)"]) { $1 })
        }
        await service.connectionClosed(self)
    }

    // MARK: Outbound

    /// Queue an event for this client. Never blocks, never throws: a gone client is a no-op,
    /// one whose queue is full is disconnected instead (and logged).
    public func notify(_ notification: APINotification) {
        send(notification.message)
    }

    /// Close now (for example when the core decides to drop a client).
    public func close() {
        state.withLock { $0.closed = true }
        transport.close()
    }

    /// Queue one message. Returns `false` when it was not queued.
    @discardableResult
    package func send(_ message: [UInt8]) -> Bool {
        enum Admission { case queued, closed, overflow }
        let size = message.count
        let admission = state.withLock { state -> Admission in
            if state.closed { return .closed }
            if state.queuedMessages >= limits.maxQueuedMessages || state.queuedBytes + size > limits.maxQueuedBytes {
                state.closed = true
                return .overflow
            }
            state.queuedMessages += 1
            state.queuedBytes += size
            return .queued
        }
        switch admission {
        case .closed:
            return false
        case .overflow:
            logger.warning(
                "dropping a client that does not read its messages",
                metadata: logMetadata.merging([
                    "queuedMessages": "\(limits.maxQueuedMessages)", "queuedBytes": "\(limits.maxQueuedBytes)",
                ]) { $1 }
            )
            transport.close()
            return false
        case .queued:
            transport.write(message) { [self] in
                let flushed = state.withLock { state in
                    state.queuedMessages -= 1
                    state.queuedBytes -= size
                    return state.closeWhenFlushed && state.queuedMessages == 0
                }
                if flushed { close() }
            }
            return true
        }
    }

    // MARK: Requests

    private func dispatch(_ request: JSONRPCRequest) {
        let started = startRequest { [self] in
            let clock = ContinuousClock()
            let start = clock.now
            let reply: [UInt8]
            let outcome: String
            do {
                let result = try await service.respond(to: request, on: self)
                reply = JSONRPCMessage.result(id: request.id ?? .null, result)
                outcome = "ok"
            } catch let error as APIError {
                reply = JSONRPCMessage.error(id: request.id ?? .null, error)
                outcome = error.reason
            } catch is CancellationError {
                reply = JSONRPCMessage.error(id: request.id ?? .null, .cancelled)
                outcome = APIError.Kind.cancelled.rawValue
            } catch {
                // The error's text may quote personal data: log its type only.
                logger.error(
                    "request failed inside the daemon",
                    metadata: requestMetadata(request).merging(
                        ["errorType": "\(String(reflecting: type(of: error)))"]) { $1 }
                )
                reply = JSONRPCMessage.error(id: request.id ?? .null, .internalError)
                outcome = APIError.Kind.internalError.rawValue
            }
            let answered = request.id == nil || send(reply)
            let metadata = requestMetadata(request).merging([
                "outcome": "\(outcome)", "durationMs": "\((clock.now - start).milliseconds)", "answered": "\(answered)",
            ]) { $1 }
            if Self.protocolErrors.contains(outcome) {
                logRejection(metadata)  // a client's own mistakes: rate-limited
            } else {
                logger.info("request", metadata: metadata)
            }
        }
        if !started, request.id != nil, state.withLock({ $0.draining }) {
            send(JSONRPCMessage.error(id: request.id ?? .null, Self.stopping))
        } else if !started, request.id != nil {
            let error = APIError(
                .serverBusy,
                message: "Too many requests in progress on this connection",
                messageVi: "Có quá nhiều yêu cầu đang xử lý trên kết nối này, vui lòng thử lại sau",
                detail: ["limit": .int(Int64(limits.maxRequestsInFlight))]
            )
            send(JSONRPCMessage.error(id: request.id ?? .null, error))
        }
    }

    private func requestMetadata(_ request: JSONRPCRequest) -> Logger.Metadata {
        var metadata = logMetadata
        metadata["method"] = "\(LogText.quoted(request.method))"
        if let id = request.id { metadata["id"] = "\(LogText.quoted(id.serialized))" }
        return metadata
    }

    /// Run `body` as a tracked task, cancelled by `finish()` and `drain()`. Returns `false`
    /// (and runs nothing) when the limit is reached or the connection is closing.
    private func startRequest(_ body: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { state in
            guard !state.closed, !state.draining, state.tasks.count < limits.maxRequestsInFlight else { return false }
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
        let closeNow = state.withLock { state in
            state.tasks.removeValue(forKey: taskID)
            guard state.tasks.isEmpty else { return false }
            return state.draining || (state.inputClosed && !state.subscribed)
        }
        if closeNow { closeWhenFlushed() }
    }
}

/// Client-supplied text made safe for one log field: control characters and non-ASCII
/// shown as escapes (no client can start a new log line or send a terminal escape), at most
/// `limit` characters kept and the cut marked with the original length.
public enum LogText {
    /// At most `limit` characters of client input, for echoing in an error.
    public static func clipped(_ text: String, limit: Int = 64) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    public static func quoted(_ text: String, limit: Int = 64) -> String {
        var out = ""
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept == limit {
                return out + "…(\(text.unicodeScalars.count) characters)"
            }
            switch scalar.value {
            case 0x20..<0x7F where scalar != "\\":
                out.unicodeScalars.append(scalar)
            case 0x5C:
                out += "\\\\"
            case 0x0A:
                out += "\\n"
            case 0x0D:
                out += "\\r"
            case 0x09:
                out += "\\t"
            default:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
            kept += 1
        }
        return out
    }
}
