import CLibCrypto
import Foundation

/// The trust anchors passive authentication chains to: CSCA certificates, CSCA master
/// lists and CRLs, loaded from a directory (default `/etc/cancuoc/trust`). The
/// Vietnamese CSCA is not public (docs/design.md §4), so an empty store is normal and yields
/// `unverified`, never `verified`. Bad files are listed in ``rejected``, never fatal.
public struct TrustStore: Sendable {
    public static let defaultDirectory = URL(fileURLWithPath: "/etc/cancuoc/trust")

    /// What one loaded file contributed.
    public struct Entry: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable { case certificate, masterList, crl }
        public var file: String
        public var kind: Kind
        /// Subjects of the CSCAs it added, or the CRL's issuer.
        public var subjects: [String]
    }

    /// Trusted CSCA certificates (from files and verified master lists).
    public private(set) var cscas: [X509Certificate]
    public private(set) var crls: [X509CRL]
    public private(set) var entries: [Entry] = []
    /// Files not used, with the reason (`cancuoc trust list`).
    public private(set) var rejected: [(file: String, reason: String)] = []

    /// A store from values (tests, callers with their own storage).
    public init(cscas: [X509Certificate] = [], crls: [X509CRL] = []) {
        self.cscas = cscas
        self.crls = crls
    }

    /// Loads every `.pem .crt .cer .der` (certificates), `.ml` (master lists) and `.crl`
    /// file of `directory`, in two passes: plain certificates first, so that a master list
    /// is trusted only when its signer chains to a CSCA from a plain certificate file
    /// (docs/design.md §9.4; ICAO 9303-12 §8). A missing directory is an empty store.
    /// Subdirectories one level down (or links to them) are read too, named `SUB/FILE`: each
    /// trust package installs its own (`cancuoc trust package`, docs/fleet.md).
    public init(directory: URL = TrustStore.defaultDirectory) {
        self.init(cscas: [], crls: [])
        let fm = FileManager.default
        var masterLists: [(String, [UInt8])] = []
        for name in Self.fileNames(in: directory.path) {
            let url = directory.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url) else {
                rejected.append((name, "cannot read the file"))
                continue
            }
            let bytes = [UInt8](data)
            switch url.pathExtension.lowercased() {
            case "pem", "crt", "cer", "der":
                if OpenSSL.looksLikePEM(bytes), String(decoding: bytes, as: UTF8.self).contains("X509 CRL") {
                    addMixedPEM(bytes, file: name)
                } else {
                    addCertificates(bytes, file: name)
                }
            case "crl":
                addCRLs(bytes, file: name)
            case "ml":
                masterLists.append((name, bytes))
            default:
                rejected.append((name, "unknown file type (use .pem .crt .cer .der .ml .crl)"))
            }
        }
        for (name, bytes) in masterLists { addMasterList(bytes, file: name) }
    }

    /// The files of `directory` and of its subdirectories one level down (hidden entries
    /// skipped), as relative paths, sorted.
    public static func fileNames(in directory: String) -> [String] {
        let fm = FileManager.default
        var names: [String] = []
        for name in ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted() where !name.hasPrefix(".") {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: directory + "/" + name, isDirectory: &isDir) else { continue }
            if !isDir.boolValue {
                names.append(name)
                continue
            }
            for inner in ((try? fm.contentsOfDirectory(atPath: directory + "/" + name)) ?? []).sorted()
            where !inner.hasPrefix(".") {
                var innerIsDir: ObjCBool = false
                if fm.fileExists(atPath: directory + "/" + name + "/" + inner, isDirectory: &innerIsDir),
                    !innerIsDir.boolValue
                {
                    names.append(name + "/" + inner)
                }
            }
        }
        return names
    }

    /// Adds CSCA certificates from PEM or DER bytes.
    public mutating func addCertificates(_ bytes: [UInt8], file: String) {
        do {
            let certs = try X509Certificate.load(bytes)
            let cas = certs.filter(\.isCA)
            guard !cas.isEmpty else {
                rejected.append((file, "not a CA certificate (basicConstraints)"))
                return
            }
            cscas += cas
            entries.append(Entry(file: file, kind: .certificate, subjects: cas.map(\.subject)))
        } catch {
            rejected.append((file, "\(error)"))
        }
    }

    /// A PEM file holding CRLs and possibly certificates too.
    mutating func addMixedPEM(_ bytes: [UInt8], file: String) {
        let certs = ((try? X509Certificate.load(bytes)) ?? []).filter(\.isCA)
        if !certs.isEmpty {
            cscas += certs
            entries.append(Entry(file: file, kind: .certificate, subjects: certs.map(\.subject)))
        }
        addCRLs(bytes, file: file)
    }

    public mutating func addCRLs(_ bytes: [UInt8], file: String) {
        do {
            let list = try X509CRL.load(bytes)
            crls += list
            entries.append(Entry(file: file, kind: .crl, subjects: list.map(\.issuer)))
        } catch {
            rejected.append((file, "\(error)"))
        }
    }

    /// Adds the CSCAs of an ICAO CSCA master list after its signature verifies and its
    /// signer chains to a CSCA already in the store.
    public mutating func addMasterList(_ bytes: [UInt8], file: String) {
        do {
            let list = try CSCAMasterList(bytes, anchors: cscas)
            let cas = list.certificates.filter(\.isCA)
            cscas += cas
            entries.append(Entry(file: file, kind: .masterList, subjects: cas.map(\.subject)))
        } catch {
            rejected.append((file, "\(error)"))
        }
    }

    /// The trusted CSCAs that `certificate`'s issuer name and authority key identifier
    /// point to (ICAO 9303-12 §7.1.1: a DS carries the CSCA's key id; a CSCA without SKI is
    /// matched by the SHA-1 of its key). Without an AKI, the name alone.
    public func issuers(of certificate: X509Certificate) -> [X509Certificate] {
        let aki = certificate.authorityKeyIdentifier
        return cscas.filter { ca in
            guard ca.isIssuerName(of: certificate) else { return false }
            guard let aki else { return true }
            return ca.keyIdentifier == aki
        }
    }
}
