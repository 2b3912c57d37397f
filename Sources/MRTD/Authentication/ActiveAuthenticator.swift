import SmartCard

/// Active authentication, terminal side (ICAO 9303-11 §6.1; the verifier's check is
/// `ActiveAuthentication`): the chip signs a fresh 8-byte
/// challenge with the private key of the DG15 public key. INTERNAL AUTHENTICATE
/// `0088 0000 08 <challenge> 00` over the secure channel.
///
/// - RSA (§6.1.2): ISO/IEC 9796-2 scheme 1, partial recovery; the raw public operation
///   recovers `6A || M1 || H(M1 || challenge) || trailer`.
/// - ECDSA (§6.1.3): a plain `r || s` signature (TR-03111) over the challenge, hashed with the
///   hash DG14's ActiveAuthenticationInfo names; a DER signature is accepted too.
public enum ActiveAuthenticator {
    /// Sends INTERNAL AUTHENTICATE and checks the answer. Throws only what the channel throws;
    /// every protocol result is an outcome.
    ///
    /// - Parameters:
    ///   - dg14: needed for ECDSA (the signature algorithm); ignored for RSA.
    ///   - challenge: injectable for tests; 8 fresh random bytes otherwise.
    ///   - extendedLength: the link carries extended-length APDUs. An RSA-2048 signature does
    ///     not fit a short protected response (256 bytes + DO'87'/DO'99'/DO'8E'), so with
    ///     extended length and an RSA key longer than 1536 bits Le is `00 00` instead of `00`.
    public static func run(
        over channel: any CardChannel,
        dg15: DG15,
        dg14: DG14?,
        challenge: [UInt8]? = nil,
        extendedLength: Bool = false
    ) async throws -> AuthenticationOutcome {
        if case .ecdsa = dg15.algorithm, ecdsaHash(dg14) == nil {
            return .notPerformed(
                "ECDSA active authentication needs DG14's ActiveAuthenticationInfo with a known signature algorithm"
            )
        }
        let rnd: [UInt8]
        do { rnd = try challenge ?? Crypto.randomBytes(8) } catch { return .notPerformed("no randomness: \(error)") }
        var ne = 256
        if extendedLength, case .rsa(let bits) = dg15.algorithm, bits > 1536 { ne = 65536 }
        let command = CommandAPDU(.internalAuthenticate, data: rnd, ne: ne)
        let response = try await channel.transmit(command)
        guard response.status.isSuccess else {
            return .failed("the chip refused INTERNAL AUTHENTICATE (\(response.status))")
        }
        let outcome = verify(signature: response.data, challenge: rnd, dg15: dg15, dg14: dg14)
        accessLogger.debug(
            "active authentication",
            metadata: ["algorithm": "\(dg15.algorithm)", "outcome": "\(outcome.isPassed)"]
        )
        return outcome
    }

    /// Checks a signature over `challenge` with the DG15 key (no card involved).
    public static func verify(signature: [UInt8], challenge: [UInt8], dg15: DG15, dg14: DG14?) -> AuthenticationOutcome
    {
        guard !signature.isEmpty else { return .failed("empty signature") }
        switch dg15.algorithm {
        case .rsa:
            let representative: [UInt8]
            do {
                representative = try Crypto.rsaRawPublic(subjectPublicKeyInfo: dg15.verificationKey, signature)
            } catch {
                return .failed("the signature is not an RSA value under the DG15 key")
            }
            do {
                try ISO9796Scheme1.verify(representative: representative, challenge: challenge)
                return .passed
            } catch {
                return .failed("RSA signature does not verify with the DG15 key: \(error)")
            }
        case .ecdsa(let parameterId):
            guard let hash = ecdsaHash(dg14) else {
                return .notPerformed(
                    "ECDSA active authentication needs DG14's ActiveAuthenticationInfo with a known signature algorithm"
                )
            }
            guard let curve = try? ECCurve(parameterId: parameterId), let order = try? curve.order else {
                return .notPerformed("curve \(parameterId)")
            }
            let length = ECCurve.strip(order).count
            let der = signature.count == 2 * length ? ECDSASignature.der(fromPlain: signature) : signature
            guard let der,
                let ok = try? Crypto.ecdsaVerify(
                    subjectPublicKeyInfo: dg15.verificationKey,
                    hash: hash,
                    message: challenge,
                    derSignature: der
                )
            else {
                return .failed("malformed ECDSA signature")
            }
            return ok ? .passed : .failed("ECDSA signature does not verify with the DG15 key")
        }
    }

    static func ecdsaHash(_ dg14: DG14?) -> Crypto.Hash? {
        dg14?.activeAuthenticationSignatureAlgorithm.flatMap(AuthenticationOIDs.ecdsaHash)
    }
}
