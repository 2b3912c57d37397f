import SwiftASN1

/// The signed content of EF.SOD (ICAO 9303-10 §4.6.2.2, 9303-11 §5):
/// ```
/// LDSSecurityObject ::= SEQUENCE {
///   version LDSSecurityObjectVersion,            -- v0(0) or v1(1, with ldsVersionInfo)
///   hashAlgorithm DigestAlgorithmIdentifier,
///   dataGroupHashValues SEQUENCE SIZE (2..ub-DataGroups) OF DataGroupHash,
///   ldsVersionInfo LDSVersionInfo OPTIONAL }
/// DataGroupHash ::= SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING }
/// LDSVersionInfo ::= SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString }
/// ```
public struct LDSSecurityObject: DERImplicitlyTaggable, Sendable, Hashable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public var version: Int
    /// The hash algorithm's OID as written (kept even when we do not support it).
    public var hashAlgorithmOID: ASN1ObjectIdentifier
    /// Data group number (1…16) → hash value, as signed.
    public var dataGroupHashes: [Int: [UInt8]]
    public var ldsVersion: String?
    public var unicodeVersion: String?

    /// The supported hash algorithm, or nil.
    public var hashAlgorithm: HashAlgorithm? { HashAlgorithm(oid: hashAlgorithmOID) }

    public init(
        version: Int = 0,
        hashAlgorithm: HashAlgorithm,
        dataGroupHashes: [Int: [UInt8]],
        ldsVersion: String? = nil,
        unicodeVersion: String? = nil
    ) {
        self.version = version
        self.hashAlgorithmOID = hashAlgorithm.oid
        self.dataGroupHashes = dataGroupHashes
        self.ldsVersion = ldsVersion
        self.unicodeVersion = unicodeVersion
    }

    /// Parses DER; throws on anything malformed (duplicate data group numbers too).
    public init(derEncoded bytes: [UInt8]) throws {
        self = try LDSSecurityObject(derEncoded: try DER.parse(bytes))
    }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(node, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            let algorithm = try DER.sequence(of: ASN1Any.self, identifier: .sequence, nodes: &nodes)
            guard let first = algorithm.first else {
                throw ASN1Error.invalidASN1Object(reason: "empty hashAlgorithm")
            }
            let oid = try ASN1ObjectIdentifier(asn1Any: first)
            var hashes: [Int: [UInt8]] = [:]
            guard let hashList = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "missing dataGroupHashValues")
            }
            try DER.sequence(hashList, identifier: .sequence) { inner in
                while let node = inner.next() {
                    let (n, h): (Int, [UInt8]) = try DER.sequence(node, identifier: .sequence) { dg in
                        let n = try Int(derEncoded: &dg)
                        let h = try ASN1OctetString(derEncoded: &dg)
                        return (n, Array(h.bytes))
                    }
                    guard (1...16).contains(n), hashes[n] == nil else {
                        throw ASN1Error.invalidASN1Object(reason: "bad or duplicate data group number")
                    }
                    hashes[n] = h
                }
            }
            var lds: String?
            var unicode: String?
            if let info = nodes.next() {
                (lds, unicode) = try DER.sequence(info, identifier: .sequence) { v in
                    (String(try ASN1PrintableString(derEncoded: &v)), String(try ASN1PrintableString(derEncoded: &v)))
                }
            }
            var result = LDSSecurityObject(
                version: version,
                hashAlgorithm: .sha256,
                dataGroupHashes: hashes,
                ldsVersion: lds,
                unicodeVersion: unicode
            )
            result.hashAlgorithmOID = oid
            return result
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { c in
            try c.serialize(version)
            try c.appendConstructedNode(identifier: .sequence) { a in
                try a.serialize(hashAlgorithmOID)
                try a.serialize(ASN1Null())
            }
            try c.appendConstructedNode(identifier: .sequence) { s in
                for n in dataGroupHashes.keys.sorted() {
                    try s.appendConstructedNode(identifier: .sequence) { d in
                        try d.serialize(n)
                        try d.serialize(ASN1OctetString(contentBytes: ArraySlice(dataGroupHashes[n] ?? [])))
                    }
                }
            }
            if let ldsVersion, let unicodeVersion {
                try c.appendConstructedNode(identifier: .sequence) { v in
                    try v.serialize(ASN1PrintableString(ldsVersion))
                    try v.serialize(ASN1PrintableString(unicodeVersion))
                }
            }
        }
    }

    /// The DER encoding.
    public func derEncoded() throws -> [UInt8] {
        var s = DER.Serializer()
        try s.serialize(self)
        return s.serializedBytes
    }
}
