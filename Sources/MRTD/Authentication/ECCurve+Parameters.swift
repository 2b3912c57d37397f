import CLibCrypto
import SmartCard
import SwiftASN1

extension ECCurve {
    /// The curve's prime p and coefficients a, b, big-endian without leading zeros.
    func curveParameters() throws(CryptoError) -> (p: [UInt8], a: [UInt8], b: [UInt8]) {
        let ctx = try BNContext()
        let p = try BigNumber()
        let a = try BigNumber()
        let b = try BigNumber()
        guard EC_GROUP_get_curve(group, p.bn, a.bn, b.bn, ctx.ctx) == 1 else {
            throw Crypto.libraryError("EC_GROUP_get_curve")
        }
        return (try p.bytes(length: nil), try a.bytes(length: nil), try b.bytes(length: nil))
    }

    /// The ICAO standardized curve whose parameters equal explicit `ECParameters` (RFC 3279
    /// §2.3.5, as chips put them in DG14/DG15 SubjectPublicKeyInfos; ICAO 9303-11 §9.4.2), or
    /// nil when they are malformed or name no curve we know. We never compute on unknown
    /// explicit parameters: a hostile chip could pick weak ones.
    static func identify(explicitParameters der: [UInt8]) -> ECCurve? {
        guard let fields = try? parseExplicit(der) else { return nil }
        for id in supportedParameterIds {
            guard let curve = try? ECCurve(parameterId: id),
                let (p, a, b) = try? curve.curveParameters(),
                let g = try? curve.generator, let n = try? curve.order
            else { continue }
            if strip(fields.p) == p, strip(fields.a) == strip(a), strip(fields.b) == strip(b),
                fields.base == g, strip(fields.order) == strip(n)
            {
                return curve
            }
        }
        return nil
    }

    /// The curve named by an AlgorithmIdentifier's parameters: a named-curve OID or explicit
    /// ECParameters (DER of the parameters node).
    static func from(algorithmParameters der: [UInt8]?) -> ECCurve? {
        guard let der, let node = try? DER.parse(der) else { return nil }
        if node.identifier == .objectIdentifier {
            guard let oid = try? ASN1ObjectIdentifier(derEncoded: node),
                let id = SecurityInfoOIDs.namedCurves[oid.oidComponents]
            else { return nil }
            return try? ECCurve(parameterId: id)
        }
        if node.identifier == .integer, let id = try? Int(derEncoded: node) {
            return try? ECCurve(parameterId: id)
        }
        return identify(explicitParameters: der)
    }

    private struct ExplicitFields { var p, a, b, base, order: [UInt8] }

    private static func parseExplicit(_ der: [UInt8]) throws -> ExplicitFields {
        let root = try DER.parse(der)
        return try DER.sequence(root, identifier: .sequence) { it in
            _ = try Int(derEncoded: &it)  // version 1
            let prime = try DER.sequence(try next(&it), identifier: .sequence) { f -> ArraySlice<UInt8> in
                guard try ASN1ObjectIdentifier(derEncoded: &f).oidComponents == AuthenticationOIDs.primeField else {
                    throw ASN1Error.invalidASN1Object(reason: "not a prime field")
                }
                return try ArraySlice<UInt8>(derEncoded: &f)
            }
            let (a, b) = try DER.sequence(try next(&it), identifier: .sequence) { c in
                (try ASN1OctetString(derEncoded: &c).bytes, try ASN1OctetString(derEncoded: &c).bytes)
            }
            let base = try ASN1OctetString(derEncoded: &it).bytes
            let order = try ArraySlice<UInt8>(derEncoded: &it)
            _ = it.next()  // cofactor, optional
            return ExplicitFields(p: Array(prime), a: Array(a), b: Array(b), base: Array(base), order: Array(order))
        }
    }

    private static func next(_ it: inout ASN1NodeCollection.Iterator) throws -> ASN1Node {
        guard let n = it.next() else { throw ASN1Error.invalidASN1Object(reason: "truncated ECParameters") }
        return n
    }

    static func strip(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.drop { $0 == 0 }) }
}

extension ECCurve {
    /// Explicit `ECParameters` DER for this curve (version 1, prime field, a, b, G, n, h = 1):
    /// how some chips publish keys in DG14/DG15; the simulator uses it to exercise that path.
    public func explicitParametersDER() throws(CryptoError) -> [UInt8] {
        let (p, a, b) = try curveParameters()
        func integer(_ v: [UInt8]) -> TLV {
            var v = ECCurve.strip(v)
            if v.isEmpty || v[0] & 0x80 != 0 { v.insert(0, at: 0) }
            return TLV(tag: 0x02, value: v)
        }
        func octets(_ v: [UInt8]) -> TLV {
            let s = ECCurve.strip(v)
            return TLV(tag: 0x04, value: [UInt8](repeating: 0, count: max(0, fieldSize - s.count)) + s)
        }
        let primeField = TLV(tag: 0x06, value: [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x01, 0x01])
        return TLV(
            tag: 0x30,
            children: [
                integer([1]),
                TLV(tag: 0x30, children: [primeField, integer(p)]),
                TLV(tag: 0x30, children: [octets(a), octets(b)]),
                TLV(tag: 0x04, value: try generator),
                integer(try order),
                integer([1]),
            ]
        ).encoded
    }

    /// A SubjectPublicKeyInfo (id-ecPublicKey) for `point` on this curve, with the named-curve
    /// OID or explicit parameters.
    public func subjectPublicKeyInfo(publicKey point: [UInt8], explicitParameters: Bool = false) throws -> [UInt8] {
        guard isValidPoint(point) else { throw CryptoError.invalidPoint }
        let parameters: [UInt8]
        if explicitParameters {
            parameters = try explicitParametersDER()
        } else {
            guard let oid = AuthenticationOIDs.namedCurveOID(parameterId: parameterId) else {
                throw CryptoError.unsupportedCurve(parameterId)
            }
            parameters = TLV(tag: 0x06, value: try SecurityInfoOIDs.contentBytes(SecurityInfoOIDs.dotted(oid))).encoded
        }
        let algorithm = TLV(
            tag: 0x06,
            value: try SecurityInfoOIDs.contentBytes(SecurityInfoOIDs.dotted(AuthenticationOIDs.ecPublicKey))
        )
        let algorithmIdentifier = TLV(tag: 0x30, value: algorithm.encoded + parameters)
        return TLV(tag: 0x30, children: [algorithmIdentifier, TLV(tag: 0x03, value: [0] + point)]).encoded
    }
}
