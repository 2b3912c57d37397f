import Foundation
import MRTD

/// The QR code printed on the card front (docs/design.md §4): seven `|`-separated fields,
/// `ID12|old ID9 or empty|full name|ddMMyyyy (birth)|Nam/Nữ|place of residence|ddMMyyyy (issue)`.
///
/// Scanning it gives the ID number, hence the CAN, so a QR scanner alone opens the chip.
/// Fields after the seventh (later card generations) are tolerated and kept.
public struct CCCDQRCode: Sendable, Hashable {
    public let idNumber: String
    /// The old 9-digit CMND number, `nil` when the field is empty.
    public let oldIdNumber: String?
    public let fullName: String
    /// `YYYY-MM-DD`.
    public let dateOfBirth: String
    public let sex: Sex?
    public let placeOfResidence: String
    /// `YYYY-MM-DD`.
    public let dateOfIssue: String
    /// Fields beyond the seventh, as scanned.
    public let extraFields: [String]

    public init(_ text: String) throws(CCCDError) {
        let f = text.trimmingWhitespace().split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingWhitespace() }
        guard f.count >= 7 else { throw .qrTooFewFields(f.count) }
        guard CCCDKeys.isIDNumber(f[0]) else { throw .invalidIDNumber }
        idNumber = f[0]
        guard f[1].isEmpty || f[1].allSatisfy(\.isASCIIDigit) else { throw .qrInvalidField(2) }
        oldIdNumber = f[1].isEmpty ? nil : f[1]
        guard !f[2].isEmpty else { throw .qrInvalidField(3) }
        fullName = f[2].precomposedStringWithCanonicalMapping
        guard f[3].count == 8, let birth = VietnameseText.isoDate(f[3]) else { throw .qrInvalidField(4) }
        dateOfBirth = birth
        sex = Sex(vietnamese: f[4])
        placeOfResidence = f[5].precomposedStringWithCanonicalMapping
        guard f[6].count == 8, let issue = VietnameseText.isoDate(f[6]) else { throw .qrInvalidField(7) }
        dateOfIssue = issue
        extraFields = Array(f.dropFirst(7))
    }

    /// The PACE password: the last 6 digits of the ID.
    public var accessKey: AccessKey { .can(String(idNumber.suffix(6))) }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
