/// Any SecurityInfo we do not interpret, kept whole (DER) so nothing is lost.
public struct UnknownSecurityInfo: Sendable, Hashable {
    public let protocolOID: String
    public let encoded: [UInt8]

    public init(protocolOID: String, encoded: [UInt8]) {
        self.protocolOID = protocolOID
        self.encoded = encoded
    }
}
