import SwiftASN1

/// One SecurityInfo of EF.CardAccess, EF.CardSecurity or DG14 (ICAO 9303-11 §9.2).
public enum SecurityInfo: Sendable, Hashable {
    case pace(PACEInfo)
    case paceDomainParameters(PACEDomainParameterInfo)
    case chipAuthentication(ChipAuthenticationInfo)
    case chipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo)
    case activeAuthentication(ActiveAuthenticationInfo)
    case terminalAuthentication(TerminalAuthenticationInfo)
    case unknown(UnknownSecurityInfo)
}

/// Why SecurityInfos bytes could not be parsed. Hostile input throws this, never traps.
public enum SecurityInfosError: Error, Sendable, Equatable {
    case malformed(String)
}

/// `SecurityInfos ::= SET OF SecurityInfo` (ICAO 9303-11 §9.2), the content of EF.CardAccess
/// and of DG14. Parsed with swift-asn1; set order is not enforced (chips do not always sort).
public struct SecurityInfos: Sendable, Hashable {
    public let infos: [SecurityInfo]

    public init(infos: [SecurityInfo]) { self.infos = infos }

    /// Parses DER bytes; throws `SecurityInfosError.malformed` on anything that is not a SET of
    /// well-formed SecurityInfo sequences.
    public init(derEncoded bytes: [UInt8]) throws(SecurityInfosError) {
        do {
            let root = try DER.parse(bytes)
            self.infos = try DER.set(root, identifier: .set) { iterator in
                var out: [SecurityInfo] = []
                while let node = iterator.next() { out.append(try Self.parseInfo(node)) }
                return out
            }
        } catch let error as SecurityInfosError {
            throw error
        } catch {
            throw .malformed(String(describing: error))
        }
    }

    public var paceInfos: [PACEInfo] {
        infos.compactMap { if case .pace(let i) = $0 { return i } else { return nil } }
    }
    public var chipAuthenticationInfos: [ChipAuthenticationInfo] {
        infos.compactMap { if case .chipAuthentication(let i) = $0 { return i } else { return nil } }
    }
    public var chipAuthenticationPublicKeys: [ChipAuthenticationPublicKeyInfo] {
        infos.compactMap { if case .chipAuthenticationPublicKey(let i) = $0 { return i } else { return nil } }
    }
    public var activeAuthenticationInfo: ActiveAuthenticationInfo? {
        infos.lazy.compactMap { if case .activeAuthentication(let i) = $0 { return i } else { return nil } }.first
    }
    public var terminalAuthenticationInfo: TerminalAuthenticationInfo? {
        infos.lazy.compactMap { if case .terminalAuthentication(let i) = $0 { return i } else { return nil } }.first
    }

    // MARK: Parsing

    private static func parseInfo(_ node: ASN1Node) throws -> SecurityInfo {
        try DER.sequence(node, identifier: .sequence) { iterator in
            let oid = try ASN1ObjectIdentifier(derEncoded: &iterator)
            var rest: [ASN1Node] = []
            while let n = iterator.next() { rest.append(n) }
            guard !rest.isEmpty else { throw SecurityInfosError.malformed("SecurityInfo without required data") }
            let c = oid.oidComponents
            let dotted = SecurityInfoOIDs.dotted(c)
            typealias O = SecurityInfoOIDs

            if O.hasPrefix(c, O.pace) && c.count == O.pace.count + 2 {
                try expect(rest, atMost: 2)
                return .pace(
                    PACEInfo(
                        protocolOID: dotted,
                        version: try Int(derEncoded: rest[0]),
                        parameterId: try optionalInt(rest, 1)
                    )
                )
            }
            if O.hasPrefix(c, O.pace) && c.count == O.pace.count + 1 {
                try expect(rest, atMost: 2)
                return .paceDomainParameters(
                    PACEDomainParameterInfo(
                        protocolOID: dotted,
                        domainParameter: Array(rest[0].encodedBytes),
                        parameterId: try optionalInt(rest, 1)
                    )
                )
            }
            if O.hasPrefix(c, O.ca) && c.count == O.ca.count + 2 {
                try expect(rest, atMost: 2)
                return .chipAuthentication(
                    ChipAuthenticationInfo(
                        protocolOID: dotted,
                        version: try Int(derEncoded: rest[0]),
                        keyId: try optionalInt(rest, 1)
                    )
                )
            }
            if O.hasPrefix(c, O.pk) && c.count == O.pk.count + 1 {
                try expect(rest, atMost: 2)
                return .chipAuthenticationPublicKey(
                    try parsePublicKey(dotted, rest[0], keyId: try optionalInt(rest, 1))
                )
            }
            if c == O.ta {
                return .terminalAuthentication(
                    TerminalAuthenticationInfo(protocolOID: dotted, version: try Int(derEncoded: rest[0]))
                )
            }
            if c == O.aa {
                try expect(rest, atMost: 2)
                let algorithm = rest.count > 1 ? try ASN1ObjectIdentifier(derEncoded: rest[1]) : nil
                return .activeAuthentication(
                    ActiveAuthenticationInfo(
                        protocolOID: dotted,
                        version: try Int(derEncoded: rest[0]),
                        signatureAlgorithmOID: algorithm.map { O.dotted($0.oidComponents) }
                    )
                )
            }
            return .unknown(UnknownSecurityInfo(protocolOID: dotted, encoded: Array(node.encodedBytes)))
        }
    }

    private static func expect(_ rest: [ASN1Node], atMost n: Int) throws {
        guard rest.count <= n else { throw SecurityInfosError.malformed("too many fields in SecurityInfo") }
    }

    private static func optionalInt(_ rest: [ASN1Node], _ index: Int) throws -> Int? {
        index < rest.count ? try Int(derEncoded: rest[index]) : nil
    }

    /// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
    private static func parsePublicKey(
        _ oid: String,
        _ node: ASN1Node,
        keyId: Int?
    ) throws -> ChipAuthenticationPublicKeyInfo {
        try DER.sequence(node, identifier: .sequence) { iterator in
            guard let algorithmNode = iterator.next() else {
                throw SecurityInfosError.malformed("SPKI without algorithm")
            }
            let (algorithm, parameters) = try DER.sequence(algorithmNode, identifier: .sequence) {
                inner -> (ASN1ObjectIdentifier, ASN1Node?) in
                let a = try ASN1ObjectIdentifier(derEncoded: &inner)
                return (a, inner.next())
            }
            let bits = try ASN1BitString(derEncoded: &iterator)
            var parameterId: Int?
            if let parameters, parameters.identifier == .objectIdentifier {
                parameterId =
                    SecurityInfoOIDs.namedCurves[try ASN1ObjectIdentifier(derEncoded: parameters).oidComponents]
            } else if let parameters, parameters.identifier == .integer {
                parameterId = try Int(derEncoded: parameters)
            }
            return ChipAuthenticationPublicKeyInfo(
                protocolOID: oid,
                subjectPublicKeyInfo: Array(node.encodedBytes),
                algorithmOID: SecurityInfoOIDs.dotted(algorithm.oidComponents),
                algorithmParameters: parameters.map { Array($0.encodedBytes) },
                parameterId: parameterId,
                publicKey: Array(bits.bytes),
                keyId: keyId
            )
        }
    }
}
