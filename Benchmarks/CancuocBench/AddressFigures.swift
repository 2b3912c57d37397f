import AdminUnits
import Foundation

/// make bench (docs/address.md): the address resolver's cost. The first use builds the name indexes
/// (a cost the daemon pays once); then a batch of 100,000 printed addresses of every list's
/// communes, with house numbers and hamlets, abbreviations and unmarked spellings mixed in.
/// A card read resolves two addresses (place of origin and of residence). The batch's CPU time
/// is given beside its wall time: on a shared machine the wall time measures the load too.
struct AddressFigures: Codable {
    var firstUseMs: Double
    var addresses: Int
    var batchSeconds: Double
    var addressesPerSecond: Double
    var perReadMs: Double
    var batchCPUSeconds: Double
    var perReadCPUMs: Double
    var matches: [String: Int]

    func print() {
        Swift.print("")
        Swift.print("Address resolver (docs/address.md; in-process, release)")
        Swift.print(String(format: "  first use (indexes built): %.0f ms", firstUseMs))
        Swift.print(
            String(
                format: "  %d addresses in %.2f s: %.0f addresses/s; a read (2 addresses) adds %.3f ms",
                addresses,
                batchSeconds,
                addressesPerSecond,
                perReadMs
            )
        )
        Swift.print(
            String(
                format: "  CPU: %.2f s, %.0f addresses per CPU second; a read adds %.3f ms of CPU",
                batchCPUSeconds,
                Double(addresses) / batchCPUSeconds,
                perReadCPUMs
            )
        )
        Swift.print(
            "  matches: " + matches.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
    }
}

func measureAddresses(count: Int = 100_000) -> AddressFigures {
    let resolver = AddressResolver()
    let start = Date()
    _ = resolver.resolve("Số 1, Phường Trúc Bạch, Quận Ba Đình, Hà Nội", issued: "2021-01-01")
    let firstUse = Date().timeIntervalSince(start)

    let samples = AddressBenchSamples.make(count: count)
    var matches: [String: Int] = [:]
    let batchStart = Date()
    let cpuStart = cpuSeconds()
    for (text, issued) in samples {
        matches[resolver.resolve(text, issued: issued).match.rawValue, default: 0] += 1
    }
    let cpu = cpuSeconds() - cpuStart
    let batch = Date().timeIntervalSince(batchStart)
    return AddressFigures(
        firstUseMs: firstUse * 1000,
        addresses: samples.count,
        batchSeconds: batch,
        addressesPerSecond: Double(samples.count) / batch,
        perReadMs: 2 * batch / Double(samples.count) * 1000,
        batchCPUSeconds: cpu,
        perReadCPUMs: 2 * cpu / Double(samples.count) * 1000,
        matches: matches
    )
}

enum AddressBenchSamples {
    /// `count` addresses built from the units of the lists (via the resolver's own answers for
    /// known addresses, so the bench needs no access to the module's internals).
    static func make(count: Int) -> [(String, String?)] {
        let bases = [
            ("Số 18 ngõ 52 Tô Ngọc Vân, Quảng An, Tây Hồ, Hà Nội", "2021-09-10"),
            ("Khối 5, Phường Hưng Bình, Vinh, Nghệ An", "2021-01-05"),
            ("88/12 Trần Hưng Đạo, Phường 7, Quận 5, Thành phố Hồ Chí Minh", "2021-03-20"),
            ("Tổ 7, Phường Hòa Minh, Liên Chiểu, Đà Nẵng", "2022-04-15"),
            ("Thôn 3 Xã Ea Kao,, TP. Buôn Ma Thuột, Đắk Lắk", "2022-06-01"),
            ("P.Trúc Bạch, Q.Ba Đình, TP.Hà Nội", "2023-01-01"),
            ("Tổ 5, Phường Lào Cai, Lào Cai", "2025-09-01"),
            ("xom 2, xa Nghi Phong, huyen Nghi Loc, tinh Nghe An", nil),
            ("Paris, Pháp", nil),
            ("Số 5 Hoàng Diệu, Ba Đình, Hà Nội", "2024-02-02"),
        ]
        let units = AdministrativeUnits.currentProvinces.map(\.name)
        var out: [(String, String?)] = []
        out.reserveCapacity(count)
        var i = 0
        while out.count < count {
            let (text, issued) = bases[i % bases.count]
            out.append(("Số \(i % 997) " + text, issued))
            if out.count < count { out.append(("Thôn \(i % 13), \(units[i % units.count])", nil)) }
            i += 1
        }
        return out
    }
}
