/// ChipAuthenticationInfo (ICAO 9303-11 §9.2.5): the chip authentication variant offered,
/// e.g. CA-ECDH-AES-CBC-CMAC-128 v1 on the CCCD.
public struct ChipAuthenticationInfo: Sendable, Hashable {
    public let protocolOID: String
    public let version: Int
    public let keyId: Int?

    public init(protocolOID: String, version: Int, keyId: Int? = nil) {
        self.protocolOID = protocolOID
        self.version = version
        self.keyId = keyId
    }
}
