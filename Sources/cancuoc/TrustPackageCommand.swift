import ArgumentParser
import CancuocUsage
import CardService
import Foundation
import MRTD

/// `cancuoc trust package DIR --name NAME --version V`: the province's CSCA certificates,
/// master lists and CRLs as a Debian package (Architecture: all), as `ca-certificates` ships
/// certificates. Its files go to `/usr/share/cancuoc/trust/NAME/`, linked from
/// `/etc/cancuoc/trust/NAME`: the daemon reads the trust directory's subdirectories and
/// watches them, so installing, upgrading or removing the package takes effect at the next
/// read without a restart, and several such packages coexist (docs/fleet.md).
struct TrustPackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Build a Debian package that installs trust anchors (CSCA certificates, master lists, CRLs).",
        discussion: """
            Every file of DIR must be a certificate (.pem .crt .cer .der), a master list (.ml) or a \
            CRL (.crl) that loads; the package is built with dpkg-deb into --out.
            """
    )

    @Argument(help: "Directory holding the certificates, master lists and CRLs.")
    var directory: String
    @Option(help: "Package name, e.g. cancuoc-trust-binhphuoc (lower case, digits, + - .).")
    var name: String
    @Option(help: "Package version, e.g. 2026.12.1 (raise it for every change).")
    var version: String
    @Option(help: "Where to write the .deb.")
    var out: String = "."
    @Option(help: "Maintainer field of the package.")
    var maintainer: String = "cancuoc maintainers <maintainers@cancuoc.example>"

    static let installRoot = "/usr/share/cancuoc/trust"

    func validate() throws {
        guard name.wholeMatch(of: /[a-z0-9][a-z0-9+.\-]+/) != nil else {
            throw ValidationError(
                "--name must be a Debian package name (lower-case letters, digits, + - .) — tên gói không hợp lệ"
            )
        }
        guard version.wholeMatch(of: /[0-9][A-Za-z0-9.+~\-]*/) != nil else {
            throw ValidationError("--version must start with a digit, e.g. 2026.12.1 — phiên bản không hợp lệ")
        }
    }

    func run() async throws {
        let source = URL(fileURLWithPath: directory)
        let names = TrustStore.fileNames(in: source.path).filter { !$0.contains("/") }
        guard !names.isEmpty else {
            throw TrustPackageError("\(directory) holds no file — thư mục \(directory) không có tệp nào")
        }
        // The same loading as the daemon's: a file it would refuse is refused here.
        let store = TrustStore(directory: source)
        if let bad = store.rejected.first {
            throw TrustPackageError(
                "\(bad.file) would not be trusted: \(bad.reason) — tệp \(bad.file) không dùng được"
            )
        }
        let stage = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-trust-\(UUID())")
        defer { try? FileManager.default.removeItem(at: stage) }
        let fm = FileManager.default
        let share = stage.appendingPathComponent(String(Self.installRoot.dropFirst()) + "/" + name)
        let doc = stage.appendingPathComponent("usr/share/doc/\(name)")
        let etc = stage.appendingPathComponent("etc/cancuoc/trust")
        let debian = stage.appendingPathComponent("DEBIAN")
        for dir in [share, doc, etc, debian] { try fm.createDirectory(at: dir, withIntermediateDirectories: true) }
        var md5Paths: [String] = []
        for file in names {
            try fm.copyItem(at: source.appendingPathComponent(file), to: share.appendingPathComponent(file))
            md5Paths.append("usr/share/cancuoc/trust/\(name)/\(file)")
        }
        // The version the inventory reports (TrustInventory); hidden, so not a trust file.
        try write(version + "\n", to: share.appendingPathComponent(TrustInventory.versionFile))
        md5Paths.append("usr/share/cancuoc/trust/\(name)/\(TrustInventory.versionFile)")
        try fm.createSymbolicLink(
            atPath: etc.appendingPathComponent(name).path,
            withDestinationPath: "\(Self.installRoot)/\(name)"  // absolute: another top-level directory
        )
        let summary = store.entries.map { "\($0.file): \($0.kind.rawValue) \($0.subjects.joined(separator: "; "))" }
        try write(
            "Copyright: the issuing authority of these certificates and CRLs (public data).\n\n"
                + "This package holds trust anchors for cancuoc (CSCA certificates, master lists,\n"
                + "CRLs), as handed over by the issuing authority. Files:\n\n"
                + summary.map { "  " + $0 }.joined(separator: "\n") + "\n",
            to: doc.appendingPathComponent("copyright")
        )
        let changelog =
            "\(name) (\(version)) unstable; urgency=medium\n\n  * Trust anchors: \(names.count) file(s).\n\n"
            + " -- \(maintainer)  \(Self.rfc2822(Date()))\n"
        try run(
            "sh",
            "-c",
            "gzip -9n > \"$1\"",
            "sh",
            doc.appendingPathComponent("changelog.gz").path,
            input: changelog
        )
        md5Paths += ["usr/share/doc/\(name)/copyright", "usr/share/doc/\(name)/changelog.gz"]
        let md5 = try run("md5sum", arguments: md5Paths, in: stage)
        try write(md5, to: debian.appendingPathComponent("md5sums"))
        let size = names.reduce(0) { total, file in
            total + ((try? fm.attributesOfItem(atPath: share.appendingPathComponent(file).path)[.size] as? Int) ?? 0)
        }
        try write(
            """
            Package: \(name)
            Version: \(version)
            Architecture: all
            Maintainer: \(maintainer)
            Installed-Size: \(max(1, (size + 8191) / 1024))
            Enhances: cancuoc
            Section: misc
            Priority: optional
            Description: trust anchors for cancuoc (\(store.cscas.count) CSCA, \(store.crls.count) CRL)
             CSCA certificates, master lists and CRLs that the cancuoc daemon uses
             to verify chip ID cards, installed in a subdirectory of
             \(Self.installRoot) and linked from /etc/cancuoc/trust. The
             running daemon takes them at its next read; removing the package
             withdraws them.

            """,
            to: debian.appendingPathComponent("control")
        )
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        let deb = URL(fileURLWithPath: out).appendingPathComponent("\(name)_\(version)_all.deb").path
        _ = try run("dpkg-deb", arguments: ["--root-owner-group", "-Zxz", "--build", stage.path, deb])
        Output.line(deb)
    }

    private func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    private static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: String..., input: String) throws -> String {
        try run(tool, arguments: arguments, input: input)
    }

    /// Runs `tool` (found in PATH), returns its standard output; a failure is an error
    /// naming the tool.
    @discardableResult
    private func run(
        _ tool: String,
        arguments: [String],
        in directory: URL? = nil,
        input: String? = nil
    ) throws
        -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TrustPackageError(
                "\(tool) failed (exit status \(process.terminationStatus)) — lệnh \(tool) bị lỗi"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A refusal of `cancuoc trust package`, in English and Vietnamese (no usage text: the
/// options were right, the input was not).
struct TrustPackageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
