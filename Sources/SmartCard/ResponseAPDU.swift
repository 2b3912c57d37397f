/// A response APDU: data followed by the status word.
public struct ResponseAPDU: Hashable, Sendable, CustomStringConvertible {
    public var data: [UInt8]
    public var status: StatusWord

    public init(data: [UInt8] = [], status: StatusWord) {
        self.data = data
        self.status = status
    }

    /// Parses wire bytes; at least the two status bytes must be present.
    public init<C: Collection>(bytes: C) throws(APDUError) where C.Element == UInt8 {
        let b = Array(bytes)
        guard b.count >= 2 else { throw .truncated }
        self.data = Array(b[..<(b.count - 2)])
        self.status = StatusWord(sw1: b[b.count - 2], sw2: b[b.count - 1])
    }

    public var bytes: [UInt8] { data + [status.sw1, status.sw2] }

    /// Length and status only: response data is never traced.
    public var description: String { "\(data.count) bytes, SW=\(status)" }
}
