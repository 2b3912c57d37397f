import SmartCard
import SwiftASN1

/// DG15: the active-authentication public key (ICAO 9303-11 §6.1; ICAO 9303-10 §4.7.15), a
/// SubjectPublicKeyInfo inside tag `6F`. RSA (ISO/IEC 9796-2 signatures) or EC (ECDSA) on a
/// curve given by name or by explicit parameters equal to a standardized curve. Anything else,
/// and anything malformed, throws: a hostile chip gets an error, never a trap.
public struct DG15: Sendable, Hashable {
    public enum Algorithm: Sendable, Hashable, CustomStringConvertible {
        case rsa(modulusBits: Int)
        case ecdsa(parameterId: Int)

        public var description: String {
            switch self {
            case .rsa(let bits): return "RSA-\(bits)"
            case .ecdsa(let id): return "ECDSA \((try? ECCurve(parameterId: id))?.name ?? "curve \(id)")"
            }
        }
    }

    /// The SubjectPublicKeyInfo as the chip stores it.
    public let subjectPublicKeyInfo: [UInt8]
    public let algorithm: Algorithm
    /// The key as libcrypto loads it: the original for RSA; for EC re-encoded with the named
    /// curve, so explicit parameters never reach libcrypto.
    let verificationKey: [UInt8]

    public init(_ bytes: some Collection<UInt8>) throws(LDSError) {
        let file = try LDSError.decodeFile(bytes, tag: 0x6F)
        let spki = file.value
        do {
            let (oid, parameters, key) = try Self.parseSPKI(spki)
            switch oid {
            case AuthenticationOIDs.rsaEncryption:
                let modulus = try Self.rsaModulus(key)
                guard modulus.count * 8 >= 1024, modulus.count <= 1024 else {
                    throw LDSError.unsupported("RSA modulus of \(modulus.count * 8) bits")
                }
                guard (try? PKey.publicKey(subjectPublicKeyInfo: spki))?.isRSA == true else {
                    throw LDSError.malformed("DG15 RSA key rejected by libcrypto")
                }
                self.algorithm = .rsa(modulusBits: modulus.count * 8 - (modulus[0].leadingZeroBitCount))
                self.verificationKey = spki
            case AuthenticationOIDs.ecPublicKey:
                guard let curve = ECCurve.from(algorithmParameters: parameters) else {
                    throw LDSError.unsupported("DG15 EC key on unknown domain parameters")
                }
                guard curve.isValidPoint(key) else { throw LDSError.malformed("DG15 EC point is not on \(curve.name)") }
                self.algorithm = .ecdsa(parameterId: curve.parameterId)
                self.verificationKey = try curve.subjectPublicKeyInfo(publicKey: key)
            default:
                throw LDSError.unsupported("DG15 key algorithm \(SecurityInfoOIDs.dotted(oid))")
            }
        } catch let error as LDSError {
            throw error
        } catch {
            throw .malformed("DG15 SubjectPublicKeyInfo: \(error)")
        }
        self.subjectPublicKeyInfo = spki
    }

    /// DG15 bytes for a SubjectPublicKeyInfo (the simulator's file set).
    public static func encode(publicKey subjectPublicKeyInfo: [UInt8]) -> [UInt8] {
        TLV(tag: 0x6F, value: subjectPublicKeyInfo).encoded
    }

    /// (algorithm OID, parameters DER, BIT STRING bytes) of a SubjectPublicKeyInfo.
    static func parseSPKI(_ der: [UInt8]) throws -> ([UInt], [UInt8]?, [UInt8]) {
        let root = try DER.parse(der)
        guard root.encodedBytes.count == der.count else { throw LDSError.malformed("trailing bytes after the key") }
        return try DER.sequence(root, identifier: .sequence) { it in
            guard let algorithmNode = it.next() else { throw LDSError.malformed("key without algorithm") }
            let (oid, parameters) = try DER.sequence(algorithmNode, identifier: .sequence) { a -> ([UInt], [UInt8]?) in
                let oid = try ASN1ObjectIdentifier(derEncoded: &a)
                let parameters = a.next().map { Array($0.encodedBytes) }
                guard a.next() == nil else { throw LDSError.malformed("AlgorithmIdentifier has extra fields") }
                return (oid.oidComponents, parameters)
            }
            let bits = try ASN1BitString(derEncoded: &it)
            guard bits.paddingBits == 0 else { throw LDSError.malformed("key BIT STRING has padding bits") }
            return (oid, parameters, Array(bits.bytes))
        }
    }

    /// The modulus of an RSAPublicKey (RFC 8017 §A.1.1), without leading zeros.
    static func rsaModulus(_ der: [UInt8]) throws -> [UInt8] {
        let root = try DER.parse(der)
        return try DER.sequence(root, identifier: .sequence) { it in
            let n = ECCurve.strip(Array(try ArraySlice<UInt8>(derEncoded: &it)))
            let e = ECCurve.strip(Array(try ArraySlice<UInt8>(derEncoded: &it)))
            guard !n.isEmpty, let last = e.last, last & 1 == 1 else { throw LDSError.malformed("RSA key values") }
            return n
        }
    }
}
