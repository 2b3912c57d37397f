import CLibCrypto
import Foundation

extension X509CRL {
    /// When the CSCA promised its next CRL (RFC 5280 §5.1.2.5); `nil` when absent. After it,
    /// this CRL no longer says whether a Document Signer is revoked.
    public var nextUpdate: Date? { OpenSSL.date(X509_CRL_get0_nextUpdate(pointer)) }
    /// When this CRL was issued.
    public var thisUpdate: Date? { OpenSSL.date(X509_CRL_get0_lastUpdate(pointer)) }
}
