import CLibCrypto

/// A named elliptic curve from ICAO 9303-11 §9.5.1 (standardized domain parameters 8–18),
/// over libcrypto's `EC_GROUP`. Points cross the API as uncompressed encodings
/// (`04 || X || Y`, TR-03111), scalars as big-endian bytes.
///
/// `@unchecked Sendable`: the group is created in `init` and never mutated afterwards; every
/// operation allocates its own `BN_CTX` and points.
public final class ECCurve: @unchecked Sendable {
    /// ICAO standardized domain parameter id (8–18).
    public let parameterId: Int
    /// The curve's usual name, for logs and reasons ("brainpoolP256r1").
    public let name: String
    /// Bytes of a field element (the length of X in an uncompressed point, and of a shared secret).
    public let fieldSize: Int
    let group: OpaquePointer

    /// ICAO 9303-11 §9.5.1, table of standardized domain parameters.
    static let curves: [Int: (nid: Int32, name: String)] = [
        8: (NID_X9_62_prime192v1, "secp192r1"),
        9: (NID_brainpoolP192r1, "brainpoolP192r1"),
        10: (NID_secp224r1, "secp224r1"),
        11: (NID_brainpoolP224r1, "brainpoolP224r1"),
        12: (NID_X9_62_prime256v1, "secp256r1"),
        13: (NID_brainpoolP256r1, "brainpoolP256r1"),
        14: (NID_brainpoolP320r1, "brainpoolP320r1"),
        15: (NID_secp384r1, "secp384r1"),
        16: (NID_brainpoolP384r1, "brainpoolP384r1"),
        17: (NID_brainpoolP512r1, "brainpoolP512r1"),
        18: (NID_secp521r1, "secp521r1"),
    ]

    /// Parameter ids this build supports.
    public static var supportedParameterIds: [Int] { curves.keys.sorted() }

    public init(parameterId: Int) throws(CryptoError) {
        guard let entry = Self.curves[parameterId] else { throw .unsupportedCurve(parameterId) }
        guard let group = EC_GROUP_new_by_curve_name(entry.nid) else {
            throw Crypto.libraryError("EC_GROUP_new_by_curve_name")
        }
        self.group = group
        self.parameterId = parameterId
        self.name = entry.name
        self.fieldSize = (Int(EC_GROUP_get_degree(group)) + 7) / 8
    }

    deinit { EC_GROUP_free(group) }

    /// The curve's base point G.
    public var generator: [UInt8] {
        get throws(CryptoError) {
            guard let g = EC_GROUP_get0_generator(group) else { throw Crypto.libraryError("EC_GROUP_get0_generator") }
            return try encode(g, BNContext())
        }
    }

    /// The group order n, big-endian.
    public var order: [UInt8] {
        get throws(CryptoError) { try BigNumber(copying: EC_GROUP_get0_order(group)).bytes(length: nil) }
    }

    /// A uniformly random private key in [1, n-1].
    public func generatePrivateKey() throws(CryptoError) -> [UInt8] {
        let n = try BigNumber(copying: EC_GROUP_get0_order(group))
        let k = try BigNumber()
        repeat {
            guard BN_rand_range(k.bn, n.bn) == 1 else { throw Crypto.libraryError("BN_rand_range") }
        } while BN_is_zero(k.bn) == 1
        return try k.bytes(length: (Int(BN_num_bits(n.bn)) + 7) / 8)
    }

    /// A fresh key pair on `generator` (G by default; PACE passes the mapped generator G̃).
    public func generateKeyPair(
        generator: [UInt8]? = nil
    ) throws(CryptoError) -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let privateKey = try generatePrivateKey()
        let base: [UInt8]
        if let generator { base = generator } else { base = try self.generator }
        return (privateKey, try multiply(base, by: privateKey))
    }

    /// scalar · point. Throws for a point not on the curve or a zero / out-of-range scalar.
    public func multiply(_ point: [UInt8], by scalar: [UInt8]) throws(CryptoError) -> [UInt8] {
        let ctx = try BNContext()
        let p = try decode(point, ctx)
        let k = try checkedScalar(scalar)
        let r = try ECPointBox(group)
        guard EC_POINT_mul(group, r.point, nil, p.point, k.bn, ctx.ctx) == 1 else {
            throw Crypto.libraryError("EC_POINT_mul")
        }
        return try encode(r.point, ctx)
    }

    /// scalar · G.
    public func multiplyGenerator(by scalar: [UInt8]) throws(CryptoError) -> [UInt8] {
        try multiply(try generator, by: scalar)
    }

    /// p + q (the last step of the PACE generic mapping, ICAO 9303-11 §4.4.3.3.1).
    public func add(_ p: [UInt8], _ q: [UInt8]) throws(CryptoError) -> [UInt8] {
        let ctx = try BNContext()
        let a = try decode(p, ctx)
        let b = try decode(q, ctx)
        let r = try ECPointBox(group)
        guard EC_POINT_add(group, r.point, a.point, b.point, ctx.ctx) == 1 else {
            throw Crypto.libraryError("EC_POINT_add")
        }
        return try encode(r.point, ctx)
    }

    /// Whether `point` is an uncompressed encoding of a finite point on the curve.
    public func isValidPoint(_ point: [UInt8]) -> Bool {
        guard let ctx = try? BNContext() else { return false }
        return (try? decode(point, ctx)) != nil
    }

    /// ECDH (ICAO 9303-11 §9.6, TR-03111 ECKA): the x-coordinate of privateKey · peerPublicKey,
    /// left-padded to the field size.
    public func sharedSecret(privateKey: [UInt8], peerPublicKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        let point = try multiply(peerPublicKey, by: privateKey)
        return Array(point[1...fieldSize])
    }

    /// The X and Y coordinates of an uncompressed point, each `fieldSize` bytes.
    public func coordinates(_ point: [UInt8]) throws(CryptoError) -> (x: [UInt8], y: [UInt8]) {
        guard isValidPoint(point) else { throw .invalidPoint }
        return (Array(point[1...fieldSize]), Array(point[(fieldSize + 1)...]))
    }

    // MARK: - Internals

    private func checkedScalar(_ scalar: [UInt8]) throws(CryptoError) -> BigNumber {
        let k = try BigNumber(bytes: scalar)
        let n = try BigNumber(copying: EC_GROUP_get0_order(group))
        guard BN_is_zero(k.bn) == 0, BN_cmp(k.bn, n.bn) < 0 else { throw .invalidScalar }
        return k
    }

    private func decode(_ bytes: [UInt8], _ ctx: BNContext) throws(CryptoError) -> ECPointBox {
        guard bytes.count == 1 + 2 * fieldSize, bytes.first == 0x04 else { throw .invalidPoint }
        let p = try ECPointBox(group)
        guard EC_POINT_oct2point(group, p.point, bytes, bytes.count, ctx.ctx) == 1,
            EC_POINT_is_at_infinity(group, p.point) == 0,
            EC_POINT_is_on_curve(group, p.point, ctx.ctx) == 1
        else {
            _ = cancuoc_ERR_get_error()
            throw .invalidPoint
        }
        return p
    }

    private func encode(_ point: OpaquePointer, _ ctx: BNContext) throws(CryptoError) -> [UInt8] {
        guard EC_POINT_is_at_infinity(group, point) == 0 else { throw .invalidPoint }
        var out = [UInt8](repeating: 0, count: 1 + 2 * fieldSize)
        let n = EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, &out, out.count, ctx.ctx)
        guard n == out.count else { throw Crypto.libraryError("EC_POINT_point2oct") }
        return out
    }
}

/// Owns a `BN_CTX`.
final class BNContext {
    let ctx: OpaquePointer
    init() throws(CryptoError) {
        guard let ctx = BN_CTX_new() else { throw Crypto.libraryError("BN_CTX_new") }
        self.ctx = ctx
    }
    deinit { BN_CTX_free(ctx) }
}

/// Owns a `BIGNUM`; cleared on free because scalars are private keys.
final class BigNumber {
    let bn: OpaquePointer
    init() throws(CryptoError) {
        guard let bn = BN_new() else { throw Crypto.libraryError("BN_new") }
        self.bn = bn
    }
    init(bytes: [UInt8]) throws(CryptoError) {
        guard let bn = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw Crypto.libraryError("BN_bin2bn") }
        self.bn = bn
    }
    init(copying other: OpaquePointer?) throws(CryptoError) {
        guard let other, let bn = BN_dup(other) else { throw Crypto.libraryError("BN_dup") }
        self.bn = bn
    }
    deinit { BN_clear_free(bn) }

    /// Big-endian, left-padded to `length` when given.
    func bytes(length: Int?) throws(CryptoError) -> [UInt8] {
        let natural = (Int(BN_num_bits(bn)) + 7) / 8
        let size = max(length ?? natural, natural)
        var out = [UInt8](repeating: 0, count: size)
        guard BN_bn2binpad(bn, &out, Int32(size)) == Int32(size) else { throw Crypto.libraryError("BN_bn2binpad") }
        return out
    }
}

/// Owns an `EC_POINT`.
final class ECPointBox {
    let point: OpaquePointer
    init(_ group: OpaquePointer) throws(CryptoError) {
        guard let p = EC_POINT_new(group) else { throw Crypto.libraryError("EC_POINT_new") }
        self.point = p
    }
    deinit { EC_POINT_clear_free(point) }
}
