import MRTD

/// The faults `cancuoc sim --fault NAME` plants, each producing the card's files and the
/// trust material a verifier sees. Every one must end `failed` or `unverified`, never
/// `verified` (docs/design.md §9.4).
public enum Forgery: String, Sendable, Hashable, CaseIterable, Codable {
    /// A data group changed after signing → hash mismatch → `failed` (DataGroupHashes).
    case dgModified = "dg-modified"
    /// A data group changed and its hash in the SOD replaced, signature kept: the signed
    /// messageDigest no longer matches → `failed` (SODSignature).
    case sodRehashed = "sod-rehashed"
    /// The SOD signature's bytes flipped → `failed` (SODSignature).
    case badSODSignature = "bad-sod-signature"
    /// DS issued by a different key under a CSCA name copied from the trusted one → AKI
    /// matches no trusted CSCA → `unverified` (DocumentSignerChain).
    case rogueCSCA = "rogue-csca"
    /// DS whose issuer name and AKI name the trusted CSCA but signed by another key →
    /// `failed` (DocumentSignerChain).
    case forgedDSSignature = "forged-ds-signature"
    /// DS validity ends before the card's date of issue → `failed` (DocumentSignerChain).
    case dsExpiredBeforeIssue = "ds-expired-before-issue"
    /// DS serial listed on the CSCA's CRL → `failed` (DocumentSignerChain).
    case revokedDS = "revoked-ds"
    // Hook for DG14/DG15 key forgeries (CA/AA refused), which need the chip-side keys of
    // the crypto module's `SecureChip`: pass the genuine DG14/DG15 as `extraFiles` to
    // `ForgeryKit.make`/`genuine` (they are hashed into the SOD), then give the chip a
    // different private key than DG14/DG15 publish — add cases such as
    // `chipKeyMismatch = "ca-key-mismatch"` and `activeKeyMismatch = "aa-key-mismatch"`
    // here; the verifier already turns a refused CA/AA into `failed` (ChipProof.failed).
}
