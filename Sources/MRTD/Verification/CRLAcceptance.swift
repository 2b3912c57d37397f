import CLibCrypto
import Foundation

/// Whether a CRL that came from anywhere (a province mirror over plain HTTP, a USB stick) may
/// replace the one installed. A CRL needs no trusted transport: it is signed by its CSCA
/// (RFC 5280 §5, ICAO 9303-12 §7.1.4), so it is taken only when its signature verifies under
/// a CSCA of the trust store, and only when it is not older than what is installed for that
/// CSCA (no rollback: an attacker replaying last month's CRL must not un-revoke a Document
/// Signer). An expired CRL is still taken when it is the newest: the verdict then says in words
/// that revocation was not checked (`CheckResult.Note.revocationNotCheckedCRLExpired`).
public enum CRLAcceptance {
    /// One CRL found acceptable, with the CSCA whose key verified it.
    public struct Accepted: Sendable {
        public let crl: X509CRL
        public let csca: X509Certificate
        /// When it was issued (RFC 5280 §5.1.2.4; required, so never nil here).
        public let thisUpdate: Date
        /// Whether it is past its nextUpdate at `now` (taken anyway; logged as a warning).
        public let expired: Bool
        /// Whether `installed` already holds this very CRL (nothing to write).
        public let alreadyInstalled: Bool
    }

    /// Checks every CRL in `bytes` (one DER CRL, or PEM text with one or more) against the
    /// CSCAs of `trust` and the CRLs `installed` (those of the whole trust directory).
    /// Throws the first refusal; nothing of `bytes` is accepted unless all of it is.
    public static func evaluate(
        _ bytes: [UInt8],
        trust: TrustStore,
        installed: [X509CRL],
        now: Date = Date()
    ) throws(CRLRefusal) -> [Accepted] {
        let crls: [X509CRL]
        do {
            crls = try X509CRL.load(bytes)
        } catch {
            throw .malformed
        }
        var accepted: [Accepted] = []
        for crl in crls {
            accepted.append(try evaluate(crl, trust: trust, installed: installed, now: now))
        }
        return accepted
    }

    static func evaluate(
        _ crl: X509CRL,
        trust: TrustStore,
        installed: [X509CRL],
        now: Date
    ) throws(CRLRefusal) -> Accepted {
        let named = trust.cscas.filter { crl.isIssued(byName: $0) }
        guard !named.isEmpty else { throw .foreignIssuer }
        guard let csca = named.first(where: { crl.verifies(under: $0) }) else { throw .badSignature }
        guard let thisUpdate = crl.thisUpdate else { throw .malformed }
        // Clocks of a clinic PC drift; a day of slack, no more.
        guard thisUpdate <= now.addingTimeInterval(86_400) else { throw .issuedInTheFuture(thisUpdate) }
        let sameCSCA = installed.filter { $0.isIssued(byName: csca) && $0.verifies(under: csca) }
        let der = crl.der
        let alreadyInstalled = sameCSCA.contains { $0.der == der }
        if !alreadyInstalled, let newest = sameCSCA.compactMap(\.thisUpdate).max(), thisUpdate < newest {
            throw .olderThanInstalled(offered: thisUpdate, installed: newest)
        }
        let expired = crl.nextUpdate.map { $0 < now } ?? false
        return Accepted(
            crl: crl,
            csca: csca,
            thisUpdate: thisUpdate,
            expired: expired,
            alreadyInstalled: alreadyInstalled
        )
    }
}

/// Why a CRL is not installed. Each says what happened and what to do, in Vietnamese and
/// English; none holds personal data (a CRL lists Document Signers, not citizens).
public enum CRLRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither DER nor PEM of a CRL.
    case malformed
    /// Issued by no CSCA of the trust store.
    case foreignIssuer
    /// Names a trusted CSCA as issuer, but its signature does not verify under that key
    /// (unsigned, tampered with, or signed by another key).
    case badSignature
    /// Its thisUpdate is more than a day ahead of this PC's clock.
    case issuedInTheFuture(Date)
    /// Older than the CRL of the same CSCA already installed (a replayed CRL).
    case olderThanInstalled(offered: Date, installed: Date)

    public var english: String {
        switch self {
        case .malformed:
            return "The file is not a CRL (neither DER nor PEM); it was not installed."
        case .foreignIssuer:
            return
                "The CRL was issued by no CSCA in the trust directory; it was not installed. Install the CSCA first (a trust package), or check the URL."
        case .badSignature:
            return
                "The CRL's signature does not verify under its CSCA's key (unsigned, altered or signed by another key); it was not installed."
        case .issuedInTheFuture(let date):
            return
                "The CRL says it was issued on \(Self.day(date)), after today; it was not installed. Check this PC's clock."
        case .olderThanInstalled(let offered, let installed):
            return
                "The CRL was issued on \(Self.day(offered)), before the one installed (\(Self.day(installed))); it was not installed (no rollback)."
        }
    }

    public var vietnamese: String {
        switch self {
        case .malformed:
            return "Tệp không phải là CRL (không phải DER hay PEM); chưa cài đặt."
        case .foreignIssuer:
            return
                "CRL không do CSCA nào trong thư mục tin cậy phát hành; chưa cài đặt. Hãy cài CSCA trước (gói tin cậy) hoặc kiểm tra lại URL."
        case .badSignature:
            return
                "Chữ ký của CRL không hợp lệ với khóa của CSCA (không ký, bị sửa hoặc ký bằng khóa khác); chưa cài đặt."
        case .issuedInTheFuture(let date):
            return "CRL ghi ngày phát hành \(Self.day(date)), sau hôm nay; chưa cài đặt. Hãy kiểm tra đồng hồ của máy."
        case .olderThanInstalled(let offered, let installed):
            return
                "CRL phát hành ngày \(Self.day(offered)), cũ hơn CRL đang dùng (\(Self.day(installed))); chưa cài đặt (không quay lui)."
        }
    }

    /// Both, Vietnamese first, as the command line and the journal show them.
    public var description: String { "\(vietnamese) — \(english)" }

    static func day(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }
}

extension X509CRL {
    /// OpenSSL's hash of the issuer name, 8 hex digits (as `openssl crl -hash` prints it and
    /// `c_rehash` names files): one file per CSCA keeps one CRL per CSCA.
    public var issuerHash: String {
        var ok: Int32 = 0
        let hash = X509_NAME_hash_ex(X509_CRL_get_issuer(pointer), nil, nil, &ok)
        return String(format: "%08lx", hash)
    }
}
