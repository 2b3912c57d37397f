/// ActiveAuthenticationInfo (§9.2.9, DG14): the signature algorithm AA uses with ECDSA.
public struct ActiveAuthenticationInfo: Sendable, Hashable {
    public let protocolOID: String
    public let version: Int
    public let signatureAlgorithmOID: String?

    public init(protocolOID: String, version: Int, signatureAlgorithmOID: String?) {
        self.protocolOID = protocolOID
        self.version = version
        self.signatureAlgorithmOID = signatureAlgorithmOID
    }
}
