import CancuocAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The HTTP side of the browser port: the reception page and `cancuoc.js` for any request
/// whose `Host` is ours, and the refusals on `/api` (403 for a missing or foreign `Origin`, a
/// foreign `Host`) for every request the WebSocket upgrader did not take. Requests never name
/// a file: only the fixed routes of `WebStaticFiles` exist.
final class WebHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What every response carries: only our own scripts, styles, images and WebSocket; never
    /// framed (clickjacking the reception page); no referrer leaves the page.
    static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
                + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]

    private let configuration: WebServerConfiguration
    private let localAddress: String
    private let port: Int
    private let logger: Logger
    private var head: HTTPRequestHead?

    init(configuration: WebServerConfiguration, localAddress: String, port: Int, logger: Logger) {
        self.configuration = configuration
        self.localAddress = localAddress
        self.port = port
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(context: context, to: head)
        }
    }

    private func respond(context: ChannelHandlerContext, to head: HTTPRequestHead) {
        let path = String(head.uri.prefix { $0 != "?" && $0 != "#" })
        let host = head.headers.first(name: "host")
        guard WebAccessPolicy.hostIsOurs(host, localAddress: localAddress, port: port) else {
            logger.notice(
                "refused a browser request: Host is not this loopback address (DNS rebinding?)",
                metadata: ["host": "\(LogText.quoted(host ?? ""))", "path": "\(LogText.quoted(path))"]
            )
            return send(context, .forbidden, text: "Host not allowed — Địa chỉ truy cập không hợp lệ\n")
        }
        if path == WebSocketServer.apiPath {
            let origin = head.headers.first(name: "origin")
            switch configuration.access.decide(host: host, origin: origin, localAddress: localAddress, port: port) {
            case .refused(let refusal):
                logRefusal(refusal, origin: origin)
                return send(
                    context,
                    .forbidden,
                    text: refusal == .missingOrigin
                        ? "Origin required: local programs use the Unix socket — Chương trình trên máy dùng socket Unix\n"
                        : "Origin not allowed — Trang web này chưa được phép dùng dịch vụ đọc thẻ\n"
                )
            case .allowed:
                return send(context, .upgradeRequired, text: "WebSocket only\n", extra: [("Upgrade", "websocket")])
            }
        }
        guard head.method == .GET || head.method == .HEAD else {
            return send(context, .methodNotAllowed, text: "GET only\n", extra: [("Allow", "GET, HEAD")])
        }
        if path == WebSocketServer.settingsPath {
            let body = #"{"clearAfterSeconds":\#(configuration.pageClearSeconds)}"#
            return send(context, .ok, body: Array(body.utf8), contentType: "application/json", head: head)
        }
        guard let file = configuration.files.files[path] else {
            return send(context, .notFound, text: "Not found\n")
        }
        var extra: [(String, String)] = []
        if path == "/cancuoc.js", let origin = head.headers.first(name: "origin"),
            configuration.access.allowedOrigins.contains(origin)
        {
            // An allowed HIS page may import the client from here (module scripts need CORS).
            extra = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        }
        send(context, .ok, body: file.body, contentType: file.contentType, extra: extra, head: head)
    }

    private func logRefusal(_ refusal: WebAccessPolicy.Refusal, origin: String?) {
        let why =
            switch refusal {
            case .foreignHost: "Host is not this loopback address"
            case .missingOrigin: "no Origin header (local programs use the Unix socket)"
            case .originNotAllowed: "origin not allowed: add it to web.allowedOrigins or --web-origin if it is the HIS"
            }
        logger.notice("refused a browser connection: \(why)", metadata: ["origin": "\(LogText.quoted(origin ?? ""))"])
    }

    private func send(
        _ context: ChannelHandlerContext,
        _ status: HTTPResponseStatus,
        text: String,
        extra: [(String, String)] = []
    ) {
        send(context, status, body: Array(text.utf8), contentType: "text/plain; charset=utf-8", extra: extra, head: nil)
    }

    private func send(
        _ context: ChannelHandlerContext,
        _ status: HTTPResponseStatus,
        body: [UInt8],
        contentType: String,
        extra: [(String, String)] = [],
        head: HTTPRequestHead?
    ) {
        var headers = HTTPHeaders(Self.securityHeaders)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(body.count)")
        headers.add(name: "Connection", value: "close")
        for (name, value) in extra { headers.add(name: name, value: value) }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        if head?.method != .HEAD {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                promise: nil
            )
        }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A refused upgrade is reported as an error, then the request arrives here: answer it.
        if error is NIOWebSocketUpgradeError { return }
        logger.debug("browser HTTP connection error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
        context.close(promise: nil)
    }
}
