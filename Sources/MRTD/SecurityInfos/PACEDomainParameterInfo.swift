/// PACEDomainParameterInfo (§9.2.1): explicit domain parameters; kept as DER, not used for PACE.
public struct PACEDomainParameterInfo: Sendable, Hashable {
    public let protocolOID: String
    /// The AlgorithmIdentifier, DER.
    public let domainParameter: [UInt8]
    public let parameterId: Int?

    public init(protocolOID: String, domainParameter: [UInt8], parameterId: Int?) {
        self.protocolOID = protocolOID
        self.domainParameter = domainParameter
        self.parameterId = parameterId
    }
}
