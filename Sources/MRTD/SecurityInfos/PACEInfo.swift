/// A PACEInfo (ICAO 9303-11 §9.2.1): which PACE variant the chip offers. The protocol OID
/// `id-PACE-<agreement>-<mapping>-<cipher>` carries key agreement, mapping and cipher.
public struct PACEInfo: Sendable, Hashable, CustomStringConvertible {
    public enum Mapping: Sendable, Hashable { case generic, integrated, chipAuthentication }
    public enum KeyAgreement: Sendable, Hashable { case dh, ecdh }

    /// Dotted protocol OID, e.g. `0.4.0.127.0.7.2.2.4.2.2` (PACE-ECDH-GM-AES-CBC-CMAC-128).
    public let protocolOID: String
    public let version: Int
    /// ICAO standardized domain parameter id (§9.5.1); nil when the chip gives explicit ones.
    public let parameterId: Int?
    /// Nil when the OID is under id-PACE but names something unknown.
    public let mapping: Mapping?
    public let keyAgreement: KeyAgreement?
    public let cipher: SecureMessagingCipher?

    public init(protocolOID: String, version: Int, parameterId: Int?) {
        self.protocolOID = protocolOID
        self.version = version
        self.parameterId = parameterId
        let parts = protocolOID.split(separator: ".").compactMap { UInt($0) }
        var mapping: Mapping?
        var agreement: KeyAgreement?
        var cipher: SecureMessagingCipher?
        if parts.count == SecurityInfoOIDs.pace.count + 2,
            Array(parts.prefix(SecurityInfoOIDs.pace.count)) == SecurityInfoOIDs.pace
        {
            switch parts[parts.count - 2] {
            case 1: (agreement, mapping) = (.dh, .generic)
            case 2: (agreement, mapping) = (.ecdh, .generic)
            case 3: (agreement, mapping) = (.dh, .integrated)
            case 4: (agreement, mapping) = (.ecdh, .integrated)
            case 6: (agreement, mapping) = (.ecdh, .chipAuthentication)
            default: break
            }
            switch parts[parts.count - 1] {
            case 1: cipher = .tripleDES
            case 2: cipher = .aes128
            case 3: cipher = .aes192
            case 4: cipher = .aes256
            default: break
            }
            if mapping == nil || cipher == nil { (mapping, agreement, cipher) = (nil, nil, nil) }
        }
        self.mapping = mapping
        self.keyAgreement = agreement
        self.cipher = cipher
    }

    /// PACE-ECDH-GM with the given cipher on a standardized curve, version 2: what the CCCD offers
    /// (`PACEInfo.ecdhGenericMapping(cipher: .aes128, parameterId: 13)`).
    public static func ecdhGenericMapping(cipher: SecureMessagingCipher, parameterId: Int) -> PACEInfo {
        let last: UInt
        switch cipher {
        case .tripleDES: last = 1
        case .aes128: last = 2
        case .aes192: last = 3
        case .aes256: last = 4
        }
        return PACEInfo(
            protocolOID: SecurityInfoOIDs.dotted(SecurityInfoOIDs.pace + [2, last]),
            version: 2,
            parameterId: parameterId
        )
    }

    public var description: String {
        let a = keyAgreement.map { $0 == .dh ? "DH" : "ECDH" } ?? "?"
        let m: String
        switch mapping {
        case .generic: m = "GM"
        case .integrated: m = "IM"
        case .chipAuthentication: m = "CAM"
        case nil: m = "?"
        }
        return
            "PACE-\(a)-\(m)-\(cipher?.description ?? "?") v\(version) param \(parameterId.map(String.init) ?? "explicit")"
    }
}
