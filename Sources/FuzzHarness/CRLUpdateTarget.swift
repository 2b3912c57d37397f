import Foundation
import MRTD

/// A CRL from a mirror nobody vouches for, checked as `cancuoc trust fetch-crls` checks it
/// before installing (`CRLAcceptance.evaluate`): its issuer against the CSCA, its signature, its
/// dates against the CRLs already installed. Input: a 2-byte big-endian length, a CSCA
/// certificate (DER or PEM) of that length, then the offered CRL (DER or PEM); the offered
/// bytes are also checked against themselves as the installed CRL (the rollback comparison).
enum CRLUpdateTarget {
    static func run(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let length = Int(data[0]) << 8 | Int(data[1])
        guard data.count >= 2 + length else { return }
        let csca = Array(data[2..<(2 + length)])
        let offered = Array(data[(2 + length)...])
        let trust = TrustStore(cscas: (try? X509Certificate.load(csca)) ?? [], crls: [])
        let installed = (try? X509CRL.load(offered)) ?? []
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        for crl in installed { _ = (crl.issuerHash, crl.thisUpdate, crl.nextUpdate) }
        _ = try? CRLAcceptance.evaluate(offered, trust: trust, installed: [], now: now)
        _ = try? CRLAcceptance.evaluate(offered, trust: trust, installed: installed, now: now)
    }
}
