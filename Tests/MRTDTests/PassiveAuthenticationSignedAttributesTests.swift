import CLibCrypto
import Foundation
import SwiftASN1
import Testing

@testable import CardSimulator
@testable import MRTD

/// RFC 5652 §5.4: the signature covers the signed attributes as the issuer encoded them.
/// An issuer that wrote the SET out of DER order (seen on some eMRTDs) still made a genuine
/// signature: libcrypto checks the attributes as read (a regression guard if that ever
/// changes), so no false reject; a re-ordered SET signed by anyone else still fails.
@Suite struct PassiveAuthenticationSignedAttributes {
    static func sign(_ data: [UInt8], with key: PrivateKey) throws -> [UInt8] {
        var out: [UInt8] = []
        try key.sign { mctx in
            var n = 0
            guard EVP_DigestSign(mctx, nil, &n, data, data.count) == 1 else { return 0 }
            out = [UInt8](repeating: 0, count: n)
            guard EVP_DigestSign(mctx, &out, &n, data, data.count) == 1 else { return 0 }
            out = Array(out.prefix(n))
            return 1
        }
        return out
    }

    /// EF.SOD with its signed attributes reversed (out of DER order) and signed by `key`.
    static func reordered(_ card: CardFileSet, signedBy key: PrivateKey) throws -> [UInt8] {
        let bytes = card.files[.sod] ?? []
        let sod = try SOD(bytes)
        let parts = try RawSignedAttributes.extract(sod.contentInfo)
        #expect(parts.attributeEncodings.count == 3)
        #expect(RawSignedAttributes.isDEROrdered(parts.attributeEncodings))
        let reversed = Array(parts.attributeEncodings.reversed())
        #expect(!RawSignedAttributes.isDEROrdered(reversed))
        let body = reversed.reduce(0) { $0 + $1.count }
        let attrs =
            Array(parts.signedAttributes.prefix(parts.signedAttributes.count - body)) + reversed.flatMap { Array($0) }
        let signature = try sign([0x31] + attrs.dropFirst(), with: key)
        #expect(signature.count == parts.signature.count)
        var out = bytes
        let a = try #require(ForgeryKit.find(parts.signedAttributes, in: out))
        out.replaceSubrange(a..<(a + attrs.count), with: attrs)
        let s = try #require(ForgeryKit.find(parts.signature, in: out))
        out.replaceSubrange(s..<(s + signature.count), with: signature)
        return out
    }

    @Test(arguments: [SignatureScheme.rsaPKCS1, .rsaPSS])
    func outOfOrderAttributesSignedByTheDSVerify(scheme: SignatureScheme) throws {
        let card = try PAFixture.genuine(scheme: scheme)
        let bytes = try Self.reordered(card, signedBy: card.pki.documentSigner.key)
        let sod = try SOD(bytes)
        #expect(sod.signatureFailure() == nil)
        var set = card
        set.files[.sod] = bytes
        #expect(PAFixture.verify(set).status == .verified)
    }

    @Test(arguments: [SignatureScheme.rsaPKCS1, .rsaPSS])
    func outOfOrderAttributesSignedByAnotherKeyFail(scheme: SignatureScheme) throws {
        let card = try PAFixture.genuine(scheme: scheme)
        let bytes = try Self.reordered(card, signedBy: PrivateKey.generate(scheme))
        #expect(try SOD(bytes).signatureFailure() != nil)
        var set = card
        set.files[.sod] = bytes
        #expect(PAFixture.verify(set).status == .failed)
    }
}

/// Test helper: the first SignerInfo's signed attributes as encoded (RFC 5652 §5.3).
enum RawSignedAttributes {
    struct SignerParts {
        var signedAttributes: [UInt8]
        var attributeEncodings: [ArraySlice<UInt8>]
        var signatureAlgorithm: ASN1Node
        var signature: [UInt8]
    }

    /// The first SignerInfo's parts from a ContentInfo of SignedData (RFC 5652 §5.1, §5.3).
    static func extract(_ contentInfo: [UInt8]) throws -> SignerParts {
        let root = try BER.parse(contentInfo)
        guard case .constructed(let top) = root.content else { throw PKIError.malformed("ContentInfo") }
        let topNodes = Array(top)
        guard topNodes.count == 2, case .constructed(let explicit) = topNodes[1].content,
            let signedData = Array(explicit).first, case .constructed(let sd) = signedData.content,
            let signerInfos = Array(sd).last, signerInfos.identifier == .set,
            case .constructed(let infos) = signerInfos.content,
            let signerInfo = Array(infos).first, case .constructed(let fields) = signerInfo.content
        else {
            throw PKIError.malformed("SignedData")
        }
        let f = Array(fields)
        guard
            let attrsIndex = f.firstIndex(where: {
                $0.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
            }),
            attrsIndex + 2 < f.count, case .constructed(let attrs) = f[attrsIndex].content,
            case .primitive(let sig) = f[attrsIndex + 2].content
        else {
            throw PKIError.malformed("SignerInfo without signed attributes")
        }
        return SignerParts(
            signedAttributes: Array(f[attrsIndex].encodedBytes),
            attributeEncodings: Array(attrs).map(\.encodedBytes),
            signatureAlgorithm: f[attrsIndex + 1],
            signature: Array(sig)
        )
    }

    /// Whether encodings are in DER SET OF order (X.690 §11.6: ascending, compared as
    /// octet strings, the shorter padded with trailing zero octets).
    static func isDEROrdered(_ encodings: [ArraySlice<UInt8>]) -> Bool {
        zip(encodings, encodings.dropFirst()).allSatisfy { a, b in
            let n = max(a.count, b.count)
            let pa = Array(a) + Array(repeating: 0, count: n - a.count)
            let pb = Array(b) + Array(repeating: 0, count: n - b.count)
            return pa.lexicographicallyPrecedes(pb) || pa == pb
        }
    }

}
