import CancuocAPI
import CancuocServer
import Foundation
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The daemon core stand-in: just enough methods to exercise the transport.
final class StubHandler: APIService {
    struct State {
        var subscribers: [Connection] = []
        var disconnected: Set<UInt64> = []
        var cancelled = 0
    }
    let state = Mutex(State())

    struct Unexpected: Error {}

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }
    func wasDisconnected(_ id: UInt64) -> Bool { state.withLock { $0.disconnected.contains(id) } }
    var cancelledCount: Int { state.withLock { $0.cancelled } }

    func respond(to request: JSONRPCRequest, on connection: Connection) async throws -> JSONText {
        JSONText(try await handle(method: request.method, params: request.params, client: connection))
    }

    func handle(method: String, params: JSONValue, client: Connection) async throws -> JSONValue {
        switch method {
        case "hello":
            return ["apiLevel": 1, "version": "test"]
        case "echo":
            return params
        case "slow":
            let milliseconds = params["ms"]?.intValue ?? 300
            do {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } catch {
                state.withLock { $0.cancelled += 1 }
                throw error
            }
            return ["slept": .int(Int64(milliseconds))]
        case "fail":
            guard let kind = params["reason"]?.stringValue.flatMap(APIError.Kind.init(rawValue:)) else {
                throw APIError.invalidParams("reason")
            }
            throw APIError(kind, detail: ["reader": "Virtual PCD 00 00"])
        case "crash":
            throw Unexpected()
        case "subscribe":
            client.setSubscribed(true)
            state.withLock { $0.subscribers.append(client) }
            return ["subscribed": true]
        case "broadcast":
            let subscribers = state.withLock { $0.subscribers }
            let line = JSONRPCMessage.notification(method: "card.inserted", params: JSONText(params))
            for subscriber in subscribers { subscriber.send(line) }
            return ["sent": .int(Int64(subscribers.count))]
        case "flood":
            let count = params["count"]?.intValue ?? 100
            let blob = JSONValue.string(String(repeating: "x", count: params["size"]?.intValue ?? 16384))
            let subscribers = state.withLock { $0.subscribers }
            for index in 0..<count {
                let line = JSONRPCMessage.notification(
                    method: "read.progress",
                    params: JSONText(["done": .int(Int64(index)), "blob": blob])
                )
                for subscriber in subscribers { subscriber.send(line) }
            }
            return ["sent": .int(Int64(count))]
        case "whoami":
            guard let credentials = client.principal.credentials else { return nil }
            return [
                "uid": .int(Int64(credentials.uid)), "gid": .int(Int64(credentials.gid)),
                "pid": .int(Int64(credentials.pid)), "inGroup": .bool(client.principal.mayReceiveRecords),
                "client": .int(Int64(client.id)),
            ]
        default:
            throw APIError.methodNotFound(method)
        }
    }

    func connectionClosed(_ connection: Connection) async {
        state.withLock { state in
            state.disconnected.insert(connection.id)
            state.subscribers.removeAll { $0 === connection }
        }
    }
}

/// A transport that keeps what a connection sends, for testing a service without a socket.
final class RecordingTransport: ConnectionTransport {
    private let recorded = Mutex<[[UInt8]]>([])
    private let closedState = Mutex(false)

    func write(_ message: [UInt8], written: @escaping @Sendable () -> Void) {
        recorded.withLock { $0.append(message) }
        written()
    }

    func close() { closedState.withLock { $0 = true } }

    var closed: Bool { closedState.withLock { $0 } }
    var lines: [String] { recorded.withLock { $0.map { String(decoding: $0, as: UTF8.self) } } }
    var messages: [JSONValue] { recorded.withLock { $0.compactMap { try? JSONParser(maxDepth: 512).parse($0) } } }
}

extension Connection {
    /// A connection over a `RecordingTransport`, to call a service's methods in-process.
    static func recording(
        id: UInt64 = 1,
        mayReceiveRecords: Bool = false,
        service: any APIService = StubHandler()
    )
        -> (Connection, RecordingTransport)
    {
        let transport = RecordingTransport()
        let connection = Connection(
            id: id,
            principal: Principal(mayReceiveRecords: mayReceiveRecords),
            transport: transport,
            service: service
        )
        return (connection, transport)
    }
}

extension APIService {
    /// Calls one method in-process and returns its result, parsed.
    func call(_ method: String, _ params: JSONValue = [:], on connection: Connection) async throws -> JSONValue {
        let result = try await respond(to: JSONRPCRequest(id: 1, method: method, params: params), on: connection)
        return try JSONParser(maxDepth: 512).parse(result.bytes)
    }
}

/// Start a server on a fresh socket path, run `body`, stop the server.
func withServer(
    _ configure: (inout APIServerConfiguration) -> Void = { _ in },
    _ body: (_ server: APIServer, _ stub: StubHandler, _ path: String) async throws -> Void
) async throws {
    let directory = try makeTemporaryDirectory()
    let path = directory + "/api.sock"
    var configuration = APIServerConfiguration(listen: .path(path), socketGroup: nil)
    configure(&configuration)
    let stub = StubHandler()
    let server = APIServer(configuration: configuration, service: stub)
    try await server.start()
    do {
        try await body(server, stub, path)
    } catch {
        await server.stop()
        rmdir(directory)
        throw error
    }
    await server.stop()
    rmdir(directory)
}

/// Collects lines a test client receives.
private final class LineCollector: ChannelInboundHandler {
    typealias InboundIn = InboundMessage
    private let continuation: AsyncStream<String>.Continuation

    init(_ continuation: AsyncStream<String>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .message(let line) = unwrapInboundIn(data) {
            continuation.yield(String(buffer: line))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

private actor Inbox {
    private var iterator: AsyncStream<String>.AsyncIterator

    init(_ stream: AsyncStream<String>) {
        iterator = stream.makeAsyncIterator()
    }

    func next() async -> String? {
        var copy = iterator
        let line = await copy.next(isolation: self)
        iterator = copy
        return line
    }
}

struct ConnectionClosed: Error {}

/// A client over a real Unix socket, speaking lines.
final class TestClient: Sendable {
    let channel: any Channel
    private let inbox: Inbox

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// `autoRead: false` makes a client that never reads what the server sends.
    static func connect(to path: String, autoRead: Bool = true) async throws -> TestClient {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: autoRead)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maxLength: 1 << 24))
                    )
                    try channel.pipeline.syncOperations.addHandler(LineCollector(continuation))
                }
            }
            .connect(unixDomainSocketPath: path).get()
        return TestClient(channel: channel, inbox: Inbox(stream))
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text + "\n"))
    }

    func sendBytes(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// The next line, or `nil` once the server closed the connection.
    func nextLine() async -> String? {
        await inbox.next()
    }

    /// The next line, parsed.
    func nextMessage() async throws -> JSONValue {
        guard let line = await nextLine() else { throw ConnectionClosed() }
        return try JSONParser().parse(line)
    }

    /// Send a request and return the next message (the tests make sure it is the response).
    func call(_ id: Int, _ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        try await send(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params.serialized)}"#)
        return try await nextMessage()
    }

    /// Shut down our sending side only, as `socat` does when its stdin ends.
    func finishSending() async throws {
        try await channel.close(mode: .output)
    }

    func close() async {
        try? await channel.close()
    }
}
