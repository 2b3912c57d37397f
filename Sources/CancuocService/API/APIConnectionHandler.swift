import Logging
import NIOCore

/// Per-connection protocol logic: turns lines into requests, runs each as its own task
/// (so a long `card.read` never delays the same client's `hello`), writes responses as they
/// complete, closes idle clients, and logs one line per request without params or results.
final class APIConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = LineFrame

    struct Limits: Sendable {
        var maxLineLength: Int
        var maxRequestsInFlight: Int
    }

    private let client: APIClient
    private let handler: any APIRequestHandler
    private let limits: Limits
    private let parser = JSONParser()
    private let logger: Logger

    init(client: APIClient, handler: any APIRequestHandler, limits: Limits, logger: Logger) {
        self.client = client
        self.handler = handler
        self.limits = limits
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .tooLong:
            logger.notice("request too large", metadata: metadata(method: nil, id: nil))
            client.send(JSONRPCMessage.error(id: .null, .requestTooLarge(limit: limits.maxLineLength)))
        case .line(let line):
            let bytes = line.readableBytesView
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }  // blank line
            switch JSONRPCRequest.parse(bytes, parser: parser) {
            case .failure(let rejection):
                logger.notice(
                    "request rejected",
                    metadata: metadata(method: nil, id: rejection.id).merging(
                        ["outcome": "\(rejection.error.reason)"], uniquingKeysWith: { $1 }))
                client.send(JSONRPCMessage.error(id: rejection.id, rejection.error))
            case .success(let request):
                dispatch(request)
            }
        }
    }

    private func dispatch(_ request: JSONRPCRequest) {
        let client = self.client
        let handler = self.handler
        let logger = self.logger
        let baseMetadata = metadata(method: request.method, id: request.id)
        let started = client.startRequest(limit: limits.maxRequestsInFlight) {
            var requestMetadata = baseMetadata
            let start = ContinuousClock.now
            let line: [UInt8]
            let outcome: String
            do {
                let result = try await handler.handle(method: request.method, params: request.params, client: client)
                line = JSONRPCMessage.result(id: request.id ?? .null, result)
                outcome = "ok"
            } catch let error as APIError {
                line = JSONRPCMessage.error(id: request.id ?? .null, error)
                outcome = error.reason
            } catch is CancellationError {
                line = JSONRPCMessage.error(id: request.id ?? .null, .cancelled)
                outcome = APIError.Kind.cancelled.rawValue
            } catch {
                // The error's text may quote personal data: log its type only.
                logger.error(
                    "request handler threw a non-API error",
                    metadata: requestMetadata.merging(
                        ["errorType": "\(String(reflecting: type(of: error)))"], uniquingKeysWith: { $1 }))
                line = JSONRPCMessage.error(id: request.id ?? .null, .internalError)
                outcome = APIError.Kind.internalError.rawValue
            }
            let elapsed = ContinuousClock.now - start
            requestMetadata["outcome"] = "\(outcome)"
            requestMetadata["durationMs"] = "\(elapsed.milliseconds)"
            logger.info("request", metadata: requestMetadata)
            if request.id != nil {
                client.send(line)
            }
        }
        if !started, request.id != nil {
            let error = APIError(
                .serverBusy, message: "Too many requests in progress on this connection",
                messageVi: "Có quá nhiều yêu cầu đang xử lý trên kết nối này, vui lòng thử lại sau",
                detail: ["limit": .int(Int64(limits.maxRequestsInFlight))])
            client.send(JSONRPCMessage.error(id: request.id ?? .null, error))
        }
    }

    private func metadata(method: String?, id: JSONValue?) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["client": "\(client.id)"]
        if let method { metadata["method"] = "\(method)" }
        if let id { metadata["id"] = "\(id.serialized)" }
        if let credentials = client.credentials {
            metadata["uid"] = "\(credentials.uid)"
            metadata["pid"] = "\(credentials.pid)"
        }
        return metadata
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent {
            if idle == .read, client.isIdle {
                logger.info("closing idle client", metadata: metadata(method: nil, id: nil))
                context.close(promise: nil)
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            client.inputClosed()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.connectionClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug(
            "connection error", metadata: metadata(method: nil, id: nil).merging(
                ["error": "\(String(reflecting: type(of: error)))"], uniquingKeysWith: { $1 }))
        context.close(promise: nil)
    }
}

extension Duration {
    /// Whole milliseconds (for logs).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
