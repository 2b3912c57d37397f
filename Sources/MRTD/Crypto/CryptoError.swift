/// Why a libcrypto operation failed. Thrown by the `Crypto` facade and `ECCurve`; callers in
/// the access protocols turn these into `AccessError.protocolFailure`.
public enum CryptoError: Error, Sendable, Equatable {
    /// A key has the wrong length for the algorithm.
    case invalidKeyLength(Int)
    /// Input is not a whole number of cipher blocks (no padding is applied here).
    case notBlockAligned(Int)
    /// ISO 9797-1 method 2 padding is missing or malformed.
    case badPadding
    /// The curve's ICAO standardized parameter id is not one we support (ICAO 9303-11 §9.5.1).
    case unsupportedCurve(Int)
    /// An encoded point is not an uncompressed point on the curve, or is the point at infinity.
    case invalidPoint
    /// A scalar is zero or not below the group order.
    case invalidScalar
    /// libcrypto refused; `operation` names the call, `code` is `ERR_get_error()`.
    case library(operation: String, code: UInt)
}
