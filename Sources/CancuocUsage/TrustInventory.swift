import Foundation
import MRTD

/// How current this clinic's trust is (docs/fleet.md § CRLs, docs/inventory.md): how many CSCAs
/// it trusts, when its newest CRL was issued and until when it holds, and which trust packages
/// (`cancuoc trust package`) are installed. In `inventory.summary`, `cancuoc inventory` and the
/// metrics, so that the province sees a clinic whose trust is stale. Public data only.
public struct TrustInventory: Codable, Sendable, Equatable {
    /// Trusted CSCA certificates (files and verified master lists).
    public var cscas: Int
    /// thisUpdate of the newest CRL whose signature verifies under a trusted CSCA.
    public var newestCRLIssued: Date?
    /// nextUpdate of that CRL: after it, revocation is no longer checked.
    public var newestCRLNextUpdate: Date?
    /// Trust packages installed: the trust directory's links into `/usr/share/cancuoc/trust/`.
    public var packages: [Package]

    public struct Package: Codable, Sendable, Equatable {
        public var name: String
        /// The package's version (its `.version` file), nil when unknown.
        public var version: String?
        public init(name: String, version: String?) {
            self.name = name
            self.version = version
        }
    }

    public init(cscas: Int, newestCRLIssued: Date?, newestCRLNextUpdate: Date?, packages: [Package]) {
        self.cscas = cscas
        self.newestCRLIssued = newestCRLIssued
        self.newestCRLNextUpdate = newestCRLNextUpdate
        self.packages = packages
    }

    /// Where trust packages install their files (`cancuoc trust package`).
    public static let packageRoot = "/usr/share/cancuoc/trust/"
    /// The file of a trust package's directory holding its version (hidden: not a trust file).
    public static let versionFile = ".version"

    /// Read from the trust directory as the daemon loads it.
    public init(directory: String, packageRoot: String = TrustInventory.packageRoot) {
        let store = TrustStore(directory: URL(fileURLWithPath: directory))
        let verified = store.crls.filter { crl in
            store.cscas.contains { crl.isIssued(byName: $0) && crl.verifies(under: $0) }
        }
        let newest = verified.max { ($0.thisUpdate ?? .distantPast) < ($1.thisUpdate ?? .distantPast) }
        var packages: [Package] = []
        let fm = FileManager.default
        for name in ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
            guard let target = try? fm.destinationOfSymbolicLink(atPath: directory + "/" + name),
                target.hasPrefix(packageRoot)
            else { continue }
            let version = (try? String(contentsOfFile: target + "/" + Self.versionFile, encoding: .utf8))
                .map { String($0.prefix(64).trimmingCharacters(in: .whitespacesAndNewlines)) }
                .flatMap { $0.allSatisfy { $0.isASCII && !$0.isWhitespace } && !$0.isEmpty ? $0 : nil }
            packages.append(Package(name: name, version: version))
        }
        self.init(
            cscas: store.cscas.count,
            newestCRLIssued: newest?.thisUpdate,
            newestCRLNextUpdate: newest?.nextUpdate,
            packages: packages
        )
    }

    /// Whether the newest CRL is past its nextUpdate, or there is none, at `now` (`crlState`, the one rule).
    public func crlStale(at now: Date) -> Bool { crlState(at: now) != .current }

    /// One line for the terminal view, Vietnamese with English.
    public func sentence(now: Date) -> String {
        let day = { (d: Date) in String(ISO8601DateFormatter().string(from: d).prefix(10)) }
        var out = "Tin cậy / Trust: \(cscas) CSCA; "
        if let issued = newestCRLIssued {
            let age = max(0, Int(now.timeIntervalSince(issued) / 86_400))
            out += "CRL mới nhất / newest CRL: \(day(issued)) (\(age) ngày / days)"
            if let next = newestCRLNextUpdate {
                out += next < now ? ", ⚠ hết hạn / expired \(day(next))" : ", hạn / until \(day(next))"
            }
        } else {
            out += "⚠ chưa có CRL / no CRL"
        }
        let names = packages.map { $0.name + ($0.version.map { " \($0)" } ?? "") }
        out += "; gói / packages: \(names.isEmpty ? "—" : names.joined(separator: ", "))"
        return out
    }
}

extension TrustInventory {
    /// The trust samples (docs/inventory.md, "Metrics"): the CSCA count always, the newest
    /// CRL's dates when there is one, one info sample per trust package.
    func render(into p: inout PrometheusText) {
        typealias M = InventoryMetric
        p.family(M.trustCSCAs, type: "gauge", help: "Trusted CSCA certificates.")
        p.sample(M.trustCSCAs, [], Double(cscas))
        if let issued = newestCRLIssued {
            p.family(
                M.trustCRLIssued,
                type: "gauge",
                help: "Unix time the newest verified CRL was issued (thisUpdate)."
            )
            p.sample(M.trustCRLIssued, [], issued.timeIntervalSince1970.rounded())
        }
        if let next = newestCRLNextUpdate {
            p.family(
                M.trustCRLNextUpdate,
                type: "gauge",
                help: "Unix time the newest verified CRL expires (nextUpdate)."
            )
            p.sample(M.trustCRLNextUpdate, [], next.timeIntervalSince1970.rounded())
        }
        p.family(M.trustPackageInfo, type: "gauge", help: "Trust packages installed (always 1).")
        for package in packages {
            p.sample(
                M.trustPackageInfo,
                [
                    (InventoryMetric.Label.package, package.name),
                    (InventoryMetric.Label.version, package.version ?? ""),
                ],
                1
            )
        }
    }
}
