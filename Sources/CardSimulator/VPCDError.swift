/// Why the simulator could not plug into vpcd.
public enum VPCDError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreachable(host: String, port: UInt16)
    case badAddress(String)
    case system(String, Int32)

    public var description: String {
        switch self {
        case .unreachable(let host, let port):
            return "vpcd not listening on \(host):\(port) (is pcscd running with the vpcd driver?)"
        case .badAddress(let host): return "cannot resolve \(host)"
        case .system(let call, let code): return "\(call) failed: errno \(code)"
        }
    }
}
