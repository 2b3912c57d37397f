/// TerminalAuthenticationInfo (§9.2.7): the chip protects some files (DG3) by TA.
public struct TerminalAuthenticationInfo: Sendable, Hashable {
    public let protocolOID: String
    public let version: Int

    public init(protocolOID: String, version: Int) {
        self.protocolOID = protocolOID
        self.version = version
    }
}
