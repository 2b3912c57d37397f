#if canImport(Glibc)
import Glibc
#endif

/// A loopback address and port for the browser API (`--web-listen 127.0.0.1:28710`,
/// `[::1]:28710`). Anything that is not loopback is refused when parsed: the WebSocket is for
/// pages on this computer only (docs/security.md), never for the clinic's network.
public struct WebListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric address, without brackets: `127.0.0.1`, `::1`.
    public let host: String
    public let port: Int

    /// The default port: used by no e-ID or reader software we know of (AusweisApp 24727, the
    /// HN-212 plugin 8000, other Vietnamese reader services 5200 and 9000), below Linux's
    /// ephemeral range (32768–60999) so an outgoing connection never holds it.
    public static let defaultPort = 28710

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed(String)
        case notLoopback(String)

        public var description: String {
            switch self {
            case .malformed(let text):
                "\(text) is not HOST:PORT (for example 127.0.0.1:\(WebListenAddress.defaultPort) or [::1]:\(WebListenAddress.defaultPort)) — sai dạng địa chỉ:cổng"
            case .notLoopback(let text):
                "\(text) is not a loopback address: the browser API listens on 127.0.0.1 or [::1] only, so no other computer can reach it (docs/security.md) — chỉ được dùng địa chỉ loopback 127.0.0.1 hoặc [::1]"
            }
        }
    }

    public init(host: String, port: Int) throws(ParseError) {
        let text = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard (0...65535).contains(port) else { throw .malformed(text) }
        guard Self.isLoopback(host) else {
            if Self.isNumericAddress(host) { throw .notLoopback(text) }
            throw host == "localhost" ? .malformed("\(text) (use 127.0.0.1 or [::1])") : .notLoopback(text)
        }
        self.host = host
        self.port = port
    }

    /// `127.0.0.1:28710`, `[::1]:28710`.
    public init(parsing text: String) throws(ParseError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .malformed(text)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { throw .malformed(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), portText.allSatisfy(\.isASCII) else { throw .malformed(text) }
        try self.init(host: String(host), port: port)
    }

    /// 127.0.0.0/8 or ::1 (and the IPv4-mapped ::ffff:127.x.y.z), numeric only.
    public static func isLoopback(_ host: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        return bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }

    static func isNumericAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
