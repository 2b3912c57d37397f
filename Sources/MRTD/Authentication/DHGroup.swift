import CLibCrypto
import SwiftASN1

/// A finite-field Diffie–Hellman group for chip authentication with an `id-PK-DH` key
/// (ICAO 9303-11 §6.2, §9.6), over libcrypto bignums. Parameters come from the key's
/// AlgorithmIdentifier: X9.42 `DomainParameters { p, g, q, ... }` (dhpublicnumber, RFC 3279
/// §2.3.3) or PKCS #3 `DHParameter { p, g, [l] }`. Values cross as big-endian bytes; public
/// values and the shared secret are as long as p.
struct DHGroup {
    let p: [UInt8]
    let g: [UInt8]
    /// The prime order of the subgroup, when the parameters give it.
    let q: [UInt8]?

    /// Bytes of p.
    var length: Int { p.count }

    init?(algorithmOID: String, parameters der: [UInt8]?) {
        let oid = algorithmOID.split(separator: ".").compactMap { UInt($0) }
        guard oid == AuthenticationOIDs.dhPublicNumber || oid == AuthenticationOIDs.pkcs3DH,
            let der, let node = try? DER.parse(der),
            let values = try? DER.sequence(
                node,
                identifier: .sequence,
                { it -> [[UInt8]] in
                    var out: [[UInt8]] = []
                    while let n = it.next(), n.identifier == .integer, out.count < 3 {
                        out.append(ECCurve.strip(Array(try ArraySlice<UInt8>(derEncoded: n))))
                    }
                    return out
                }
            ), values.count >= 2
        else { return nil }
        p = values[0]
        g = values[1]
        // PKCS #3's third integer is a private-value length, not q.
        q = oid == AuthenticationOIDs.dhPublicNumber && values.count > 2 ? values[2] : nil
        // ICAO 9303-11 §9.5.1 groups are 1024 bits and up; refuse toy groups a chip could send.
        guard p.count >= 128, p.count <= 1024, p.last.map({ $0 & 1 == 1 }) == true,
            BigNumber.compare(g, [1]) > 0, BigNumber.compare(g, p) < 0
        else { return nil }
    }

    /// The chip's public value y from a key's BIT STRING (a DER INTEGER, RFC 3279 §2.3.3, or
    /// the bare value), checked: 1 < y < p − 1 and, with q, y^q ≡ 1 (mod p).
    func publicValue(_ bitString: [UInt8]) -> [UInt8]? {
        var y = bitString
        if let integer = try? ArraySlice<UInt8>(derEncoded: bitString[...]) { y = Array(integer) }
        y = ECCurve.strip(y)
        guard let pMinus1 = try? BigNumber.subtractOne(p), BigNumber.compare(y, [1]) > 0,
            BigNumber.compare(y, pMinus1) < 0
        else { return nil }
        if let q {
            guard let check = try? modExp(y, q), check == [1] else { return nil }
        }
        return y
    }

    /// A fresh private exponent x (in [2, q) or [2, p − 1)) and its public value g^x mod p.
    func generateKeyPair() throws(CryptoError) -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let limit: [UInt8]
        if let q { limit = q } else { limit = try BigNumber.subtractOne(p) }
        let bound = try BigNumber(bytes: limit)
        let x = try BigNumber()
        repeat {
            guard BN_rand_range(x.bn, bound.bn) == 1 else { throw Crypto.libraryError("BN_rand_range") }
        } while BN_num_bits(x.bn) < 2
        let privateKey = try x.bytes(length: nil)
        return (privateKey, try publicKey(privateKey))
    }

    /// g^x mod p, as long as p.
    func publicKey(_ privateKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        try pad(modExp(g, privateKey))
    }

    /// K = y^x mod p, as long as p (ICAO 9303-11 §9.6).
    func sharedSecret(privateKey: [UInt8], peerPublicKey y: [UInt8]) throws(CryptoError) -> [UInt8] {
        try pad(modExp(y, privateKey))
    }

    func modExp(_ base: [UInt8], _ exponent: [UInt8]) throws(CryptoError) -> [UInt8] {
        let ctx = try BNContext()
        let r = try BigNumber()
        let a = try BigNumber(bytes: base)
        let e = try BigNumber(bytes: exponent)
        let m = try BigNumber(bytes: p)
        guard BN_mod_exp(r.bn, a.bn, e.bn, m.bn, ctx.ctx) == 1 else { throw Crypto.libraryError("BN_mod_exp") }
        return try r.bytes(length: nil)
    }

    private func pad(_ v: [UInt8]) throws(CryptoError) -> [UInt8] {
        let s = ECCurve.strip(v)
        guard s.count <= length else { throw .invalidScalar }
        return [UInt8](repeating: 0, count: length - s.count) + s
    }
}

extension BigNumber {
    /// Compares two big-endian unsigned values.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let x = ECCurve.strip(a)
        let y = ECCurve.strip(b)
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for (u, v) in zip(x, y) where u != v { return u < v ? -1 : 1 }
        return 0
    }

    static func subtractOne(_ a: [UInt8]) throws(CryptoError) -> [UInt8] {
        let n = try BigNumber(bytes: a)
        guard BN_sub_word(n.bn, 1) == 1 else { throw Crypto.libraryError("BN_sub_word") }
        return try n.bytes(length: nil)
    }
}
