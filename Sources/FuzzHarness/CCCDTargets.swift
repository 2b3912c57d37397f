import CCCD
import MRTD
import SmartCard

/// The Vietnamese CCCD profile: DG13, the QR text, and the record built from a chip read.
enum CCCDTargets {
    static func qr(_ data: [UInt8]) {
        guard let code = try? CCCDQRCode(String(decoding: data, as: UTF8.self)) else { return }
        _ = code.accessKey
        precondition(code.recognisedFields.first == .idNumber, "the ID is always recognised")
        let chip = CitizenRecord.Person(
            idNumber: code.idNumber,
            fullName: code.fullName,
            dateOfBirth: code.dateOfBirth,
            placeOfResidence: code.placeOfResidence,
            dateOfIssue: code.dateOfIssue
        )
        let comparison = QRChipComparison(qr: code, chip: chip)
        precondition(
            comparison.compared.allSatisfy { code.recognised(CCCDQRCode.Field(rawValue: $0.rawValue) ?? .idNumber) },
            "only recognised fields are compared"
        )
    }

    static func dg13(_ data: [UInt8]) {
        _ = try? DG13(data)
    }

    /// A whole chip read: the input is split into files on the separator `FF FE FD FC`
    /// (DG1, DG13, DG2, EF.COM in that order); the record is built with and without the face.
    static func citizenRecord(_ data: [UInt8]) {
        let parts = split(data, separator: Self.separator)
        var read = ChipRead(
            access: AccessReport(method: .pace, reason: "fuzz"),
            cardAccess: nil,
            extendedLength: false,
            stats: ReadStatistics()
        )
        let ids: [DataGroupID] = [.dg1, .dg13, .dg2, .com]
        for (id, part) in zip(ids, parts) { read.files[id] = part }
        _ = try? CitizenRecord(chipRead: read, includeFaceData: true)
        _ = try? CitizenRecord(chipRead: read, includeFaceData: false)
    }

    static let separator: [UInt8] = [0xFF, 0xFE, 0xFD, 0xFC]

    static func split(_ data: [UInt8], separator: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < data.count {
            if data.count - i >= separator.count, data[i..<(i + separator.count)].elementsEqual(separator) {
                parts.append(current)
                current = []
                i += separator.count
            } else {
                current.append(data[i])
                i += 1
            }
        }
        parts.append(current)
        return parts
    }
}
