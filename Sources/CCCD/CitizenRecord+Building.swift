import Foundation
import MRTD

extension CitizenRecord {
    /// Builds the record from what was read. DG13 is the source of truth for the person;
    /// the MRZ fills what DG13 lacks (ID from the optional data, names, dates with the
    /// century taken from the ID, sex). `face.data` is filled only with `includeFaceData`.
    public init(
        mrz: MRZ?,
        dg13: DG13?,
        face: FaceImage?,
        faceStatus: FaceStatus? = nil,
        includeFaceData: Bool = false,
        access: Access,
        stats: Stats,
        verification: Verification = .notPerformed
    ) {
        let idNumber = dg13?.idNumber ?? mrz?.cccdIDNumber
        var person = Person(idNumber: idNumber)
        if let d = dg13 {
            person.fullName = d.fullName
            person.dateOfBirth = d.dateOfBirth
            person.sex = d.sex
            person.nationality = d.nationality
            person.ethnicity = d.ethnicity
            person.religion = d.religion
            person.placeOfOrigin = d.placeOfOrigin
            person.placeOfResidence = d.placeOfResidence
            person.identifyingMarks = d.identifyingMarks
            person.dateOfIssue = d.dateOfIssue
            person.dateOfExpiry = d.dateOfExpiry
            person.fatherName = d.fatherName
            person.motherName = d.motherName
            person.spouseName = d.spouseName
            person.oldIdNumber = d.oldIdNumber
            if !d.extra.isEmpty {
                person.extra = Dictionary(uniqueKeysWithValues: d.extra.map { (String($0.key), $0.value) })
            }
            person.resolveAddresses()
        }
        if let m = mrz {
            if person.fullName == nil {
                let name = [m.primaryIdentifier, m.secondaryIdentifier].filter { !$0.isEmpty }.joined(separator: " ")
                person.fullName = name.isEmpty ? nil : name
            }
            let century = idNumber.flatMap { CCCDKeys.century(idNumber: $0) }
            if person.dateOfBirth == nil, let c = century {
                person.dateOfBirth = CitizenRecord.isoDate(yymmdd: m.dateOfBirth, century: c)
            }
            let neverExpires = dg13?.neverExpires ?? (m.dateOfExpiry == "991231")
            if person.dateOfExpiry == nil, !neverExpires, let birth = person.dateOfBirth,
                let y = Int(birth.prefix(4))
            {
                // Expiry lies after birth and within 100 years of it.
                let yy = Int(m.dateOfExpiry.prefix(2)) ?? 0
                var year = (y / 100) * 100 + yy
                if year < y { year += 100 }
                person.dateOfExpiry = CitizenRecord.isoDate(yymmdd: m.dateOfExpiry, century: year - yy)
            }
            if person.sex == nil {
                switch m.sex {
                case .male: person.sex = .male
                case .female: person.sex = .female
                case .unspecified: break
                }
            }
            if person.nationality == nil, !m.nationality.isEmpty { person.nationality = m.nationality }
        }
        let faceRecord = face.map {
            Face(
                mimeType: $0.mimeType,
                width: $0.width,
                height: $0.height,
                data: includeFaceData ? Data($0.imageData).base64EncodedString() : nil
            )
        }
        self.init(
            document: Document(documentNumber: mrz?.documentNumber, mrz: mrz?.lines ?? []),
            person: person,
            access: access,
            face: faceRecord,
            faceStatus: faceStatus,
            verification: verification,
            stats: stats
        )
    }

    /// The same, from the parsed files as read (DG1, DG13, DG2); any may be missing.
    public init(
        dg1: DG1?,
        dg13: DG13?,
        dg2: DG2?,
        faceStatus: FaceStatus? = nil,
        includeFaceData: Bool = false,
        access: Access,
        stats: Stats,
        verification: Verification = .notPerformed
    ) {
        self.init(
            mrz: dg1?.mrz,
            dg13: dg13,
            face: dg2?.face,
            faceStatus: faceStatus,
            includeFaceData: includeFaceData,
            access: access,
            stats: stats,
            verification: verification
        )
    }

    static func isoDate(yymmdd: String, century: Int) -> String? {
        guard yymmdd.count == 6, let yy = Int(yymmdd.prefix(2)) else { return nil }
        let mm = yymmdd.dropFirst(2).prefix(2)
        let dd = yymmdd.suffix(2)
        return String(format: "%04d", century + yy) + "-" + mm + "-" + dd
    }
}

extension MRZ {
    /// The 12-digit CCCD ID from TD1 optional data 1 (docs/design.md §4: the ID, `<<`, its
    /// check digit), or `nil` when the optional data does not start with 12 digits or the
    /// check digit after them does not match.
    public var cccdIDNumber: String? {
        let opt = Array(optionalData1)
        guard opt.count >= 12 else { return nil }
        let id = String(opt[0..<12])
        guard CCCDKeys.isIDNumber(id) else { return nil }
        if let last = opt.last, last.isASCIIDigit, opt.count == 15,
            CheckDigit.compute(String(opt[0..<14])) != last, CheckDigit.compute(id) != last
        {
            return nil
        }
        return id
    }
}
