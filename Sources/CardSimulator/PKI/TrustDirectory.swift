import Foundation
import MRTD

/// Writes trust material as `TrustStore` reads it (`/etc/cancuoc/trust` layout):
/// `<name>.pem` certificates, `<name>.crl` CRLs (PEM), `<name>.ml` master lists (DER). Each
/// file is replaced whole (a daemon reading the directory meanwhile never sees half a file).
public enum TrustDirectory {
    public static func write(
        to directory: URL,
        cscas: [X509Certificate] = [],
        crls: [X509CRL] = [],
        masterLists: [[UInt8]] = []
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (i, c) in cscas.enumerated() {
            try Data(c.pem.utf8).write(to: directory.appendingPathComponent("csca-\(i + 1).pem"), options: .atomic)
        }
        for (i, c) in crls.enumerated() {
            try Data(c.pem.utf8).write(to: directory.appendingPathComponent("csca-\(i + 1).crl"), options: .atomic)
        }
        for (i, m) in masterLists.enumerated() {
            try Data(m).write(to: directory.appendingPathComponent("masterlist-\(i + 1).ml"), options: .atomic)
        }
    }
}
