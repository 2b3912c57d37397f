import CardSimulator
import Foundation
import MRTD
import Testing

@testable import CancuocDaemon

/// Trust packages install their anchors in subdirectories of the trust directory
/// (`cancuoc trust package`, docs/fleet.md): loaded, watched, and several may coexist.
@Suite struct TrustSubdirectoryTests {
    private func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-trust-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func anchorsInSubdirectoriesAreLoadedOneLevelDown() throws {
        let root = try directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try TestPKI(scheme: .ecdsaP256)
        let second = try TestPKI(scheme: .ecdsaP256)
        let third = try TestPKI(scheme: .ecdsaP256)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/cancuoc-trust-a", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/cancuoc-trust-b/deeper", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/.hidden", withIntermediateDirectories: true)
        try Data(first.csca.certificate.pem.utf8).write(to: URL(fileURLWithPath: root + "/cancuoc-trust-a/csca.pem"))
        try Data(second.csca.certificate.pem.utf8).write(to: URL(fileURLWithPath: root + "/cancuoc-trust-b/csca.pem"))
        // Two levels down and hidden directories are not read.
        try Data(third.csca.certificate.pem.utf8).write(
            to: URL(fileURLWithPath: root + "/cancuoc-trust-b/deeper/csca.pem")
        )
        try Data(third.csca.certificate.pem.utf8).write(to: URL(fileURLWithPath: root + "/.hidden/csca.pem"))
        #expect(TrustStore.fileNames(in: root) == ["cancuoc-trust-a/csca.pem", "cancuoc-trust-b/csca.pem"])
        let store = TrustStore(directory: URL(fileURLWithPath: root))
        #expect(store.cscas.count == 2)
        #expect(store.entries.map(\.file) == ["cancuoc-trust-a/csca.pem", "cancuoc-trust-b/csca.pem"])
        #expect(store.rejected.isEmpty)
    }

    @Test func aLinkedSubdirectoryIsReadAndItsRemovalIsSeen() throws {
        let root = try directory()
        let package = try directory()
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: package)
        }
        let pki = try TestPKI(scheme: .ecdsaP256)
        try Data(pki.csca.certificate.pem.utf8).write(to: URL(fileURLWithPath: package + "/csca.pem"))
        let before = TrustDirectoryWatch.stamp(root)
        try FileManager.default.createSymbolicLink(atPath: root + "/cancuoc-trust-x", withDestinationPath: package)
        let installed = TrustDirectoryWatch.stamp(root)
        #expect(installed != before)
        #expect(TrustStore(directory: URL(fileURLWithPath: root)).cscas.count == 1)
        try FileManager.default.removeItem(atPath: root + "/cancuoc-trust-x")
        #expect(TrustDirectoryWatch.stamp(root) == before)
        #expect(TrustStore(directory: URL(fileURLWithPath: root)).cscas.isEmpty)
    }
}
