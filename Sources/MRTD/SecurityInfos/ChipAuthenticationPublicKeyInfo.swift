/// ChipAuthenticationPublicKeyInfo (§9.2.6) from DG14: the chip's static key. The
/// SubjectPublicKeyInfo is kept raw for the chip-authentication step; the curve is named
/// when the parameters are a named-curve OID.
public struct ChipAuthenticationPublicKeyInfo: Sendable, Hashable {
    public let protocolOID: String
    /// The whole SubjectPublicKeyInfo, DER.
    public let subjectPublicKeyInfo: [UInt8]
    /// AlgorithmIdentifier OID, e.g. id-ecPublicKey `1.2.840.10045.2.1` or dhpublicnumber.
    public let algorithmOID: String
    /// The algorithm parameters, DER (named-curve OID or explicit ECParameters), if present.
    public let algorithmParameters: [UInt8]?
    /// ICAO standardized parameter id when the parameters name a known curve.
    public let parameterId: Int?
    /// The BIT STRING contents: an uncompressed EC point, or a DH public value.
    public let publicKey: [UInt8]
    public let keyId: Int?
}
