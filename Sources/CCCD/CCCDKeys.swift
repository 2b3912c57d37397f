import Foundation
import MRTD

/// The passwords that open a CCCD chip, derived from what reception has at hand
/// (docs/design.md §4): the 12-digit ID opens PACE (CAN = its last 6 digits); BAC needs the
/// document number (its last 9 digits) with the dates of birth and expiry.
public enum CCCDKeys {
    /// A CCCD ID: 12 ASCII digits.
    public static func isIDNumber(_ text: String) -> Bool {
        text.count == 12 && text.allSatisfy(\.isASCIIDigit)
    }

    /// PACE with the CAN: the last 6 digits of the ID.
    public static func can(idNumber: String) throws(CCCDError) -> AccessKey {
        let id = idNumber.trimmingWhitespace()
        guard isIDNumber(id) else { throw .invalidIDNumber }
        return .can(String(id.suffix(6)))
    }

    /// PACE with the CAN from the scanned QR code.
    public static func can(qr: CCCDQRCode) -> AccessKey { qr.accessKey }

    /// BAC (or PACE-MRZ): document number = last 9 digits of the ID, dates `YYMMDD`.
    public static func bac(idNumber: String, dateOfBirth: String, dateOfExpiry: String) throws(CCCDError) -> AccessKey {
        let id = idNumber.trimmingWhitespace()
        guard isIDNumber(id) else { throw .invalidIDNumber }
        guard isYYMMDD(dateOfBirth), isYYMMDD(dateOfExpiry) else { throw .invalidDate }
        return .mrz(documentNumber: String(id.suffix(9)), dateOfBirth: dateOfBirth, dateOfExpiry: dateOfExpiry)
    }

    /// The birth year's century from the ID's 4th digit (Circular 07/2016/TT-BCA art. 7):
    /// 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s …; even digits men, odd women.
    public static func century(idNumber: String) -> Int? {
        guard isIDNumber(idNumber) else { return nil }
        let d = Array(idNumber)[3].wholeNumberValue ?? 0
        return 1900 + (d / 2) * 100
    }

    /// The full birth year: the century from the ID and the two digits after it.
    public static func birthYear(idNumber: String) -> Int? {
        guard let c = century(idNumber: idNumber), let yy = Int(String(Array(idNumber)[4...5])) else { return nil }
        return c + yy
    }

    /// Plausible `YYMMDD` expiry dates when only the ID and date of birth are known, for
    /// BAC attempts. Cards expire on the birthday at 14, 25, 40 or 60, or never (`991231`);
    /// a card issued within 2 years before a milestone runs to the next one, so the
    /// nearest upcoming milestone comes first, then the later ones (then `991231` for those
    /// past 58 it ranks first), then milestones already passed (an expired card), newest first.
    ///
    /// - Parameters:
    ///   - dateOfBirth: `YYMMDD`; the century comes from the ID.
    ///   - today: reference date (`YYYY-MM-DD`), default now (UTC).
    public static func expiryCandidates(
        idNumber: String,
        dateOfBirth: String,
        today: String? = nil
    ) throws(CCCDError) -> [String] {
        guard let year = birthYear(idNumber: idNumber) else { throw .invalidIDNumber }
        guard isYYMMDD(dateOfBirth), Int(dateOfBirth.prefix(2)) == year % 100 else { throw .invalidDate }
        let mmdd = String(dateOfBirth.suffix(4))
        let now = today ?? isoToday()
        let birthday = { (age: Int) -> (iso: String, yymmdd: String) in
            let y = year + age
            let md = (mmdd == "0229" && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) ? "0228" : mmdd
            return (
                String(format: "%04d", y) + "-" + md.prefix(2) + "-" + md.suffix(2),
                String(format: "%02d", y % 100) + md
            )
        }
        let milestones = [14, 25, 40, 60].map(birthday)
        let upcoming = milestones.filter { $0.iso >= now }.map(\.yymmdd)
        let passed = milestones.filter { $0.iso < now }.reversed().map(\.yymmdd)
        let lastMilestone = birthday(58).iso
        var ordered: [String]
        if now >= lastMilestone {
            ordered = ["991231"] + upcoming + passed
        } else {
            ordered = upcoming + ["991231"] + passed
        }
        var seen = Set<String>()
        ordered = ordered.filter { seen.insert($0).inserted }
        return ordered
    }

    /// BAC keys for each expiry candidate, in the same order.
    public static func bacCandidates(
        idNumber: String,
        dateOfBirth: String,
        today: String? = nil
    ) throws(CCCDError) -> [AccessKey] {
        var out: [AccessKey] = []
        for e in try expiryCandidates(idNumber: idNumber, dateOfBirth: dateOfBirth, today: today) {
            out.append(try bac(idNumber: idNumber, dateOfBirth: dateOfBirth, dateOfExpiry: e))
        }
        return out
    }

    static func isYYMMDD(_ s: String) -> Bool {
        guard s.count == 6, s.allSatisfy(\.isASCIIDigit), let m = Int(s.dropFirst(2).prefix(2)),
            let d = Int(s.suffix(2))
        else { return false }
        return (1...12).contains(m) && (1...31).contains(d)
    }

    static func isoToday() -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? cal.timeZone
        let c = cal.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", c.year ?? 2000, c.month ?? 1, c.day ?? 1)
    }
}
