extension CitizenRecord {
    /// The card as a receptionist reads it: Vietnamese labels with English in parentheses,
    /// dates `dd/mm/yyyy` as printed on the card, values aligned, and the verification
    /// verdict last. For terminals and logs the operator sees, never for the usage log.
    public var humanDescription: String { Self.aligned(humanRows, as: humanRows) }

    /// The rows that changed since `earlier` (the identity printed before the face was read):
    /// the face, the verdict; aligned as the whole record is.
    public func humanDescription(since earlier: CitizenRecord) -> String {
        let before = earlier.humanRows
        return Self.aligned(
            humanRows.filter { row in !before.contains { $0.0 == row.0 && $0.1 == row.1 } },
            as: humanRows
        )
    }

    private static func aligned(_ rows: [(String, String?)], as all: [(String, String?)]) -> String {
        let width = all.map(\.0.count).max() ?? 0
        return rows.map { label, value in
            label + String(repeating: " ", count: width - label.count) + " : " + (value ?? "—")
        }.joined(separator: "\n")
    }

    private var humanRows: [(String, String?)] {
        let p = person
        func date(_ iso: String?) -> String? { iso.map(VietnameseText.displayDate) }
        var rows: [(String, String?)] = [
            ("Số định danh (ID number)", p.idNumber),
            ("Họ và tên (Full name)", p.fullName),
            ("Ngày sinh (Date of birth)", date(p.dateOfBirth)),
            ("Giới tính (Sex)", p.sex.map { "\($0.vietnamese) (\($0 == .male ? "male" : "female"))" }),
            ("Quốc tịch (Nationality)", p.nationality),
            ("Dân tộc (Ethnicity)", p.ethnicity),
            ("Tôn giáo (Religion)", p.religion),
            ("Quê quán (Place of origin)", p.placeOfOrigin),
            ("Nơi thường trú (Place of residence)", p.placeOfResidence),
            ("Đặc điểm nhận dạng (Identifying marks)", p.identifyingMarks),
            ("Ngày cấp (Date of issue)", date(p.dateOfIssue)),
            ("Có giá trị đến (Date of expiry)", date(p.dateOfExpiry) ?? "Không thời hạn (no expiry)"),
            ("Họ tên cha (Father)", p.fatherName),
            ("Họ tên mẹ (Mother)", p.motherName),
            ("Vợ/chồng (Spouse)", p.spouseName),
            ("Số CMND cũ (Old ID number)", p.oldIdNumber),
        ]
        for (key, value) in (p.extra ?? [:]).sorted(by: { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }) {
            rows.append(("Trường \(key) (DG13 field \(key))", value))
        }
        rows.append(("Số giấy tờ (Document number)", document.documentNumber))
        rows.append(("Ảnh (Face)", faceLine))
        rows.append(("Truy cập (Access)", access.method.rawValue + (access.reason.map { " — \($0)" } ?? "")))
        rows.append(("Xác thực (Verification)", verificationLine))
        return rows
    }

    private var faceLine: String {
        switch faceStatus {
        case .read:
            let dims = [face?.width, face?.height].compactMap { $0 }.map(String.init).joined(separator: "×")
            return [face?.mimeType, dims.isEmpty ? nil : dims].compactMap { $0 }.joined(separator: ", ")
        case .pending: return "đang đọc… (reading…)"
        case .skipped: return "không đọc (not read, as asked)"
        case .absent: return "không có trong chip (none on the chip)"
        }
    }

    private var verificationLine: String {
        let v = verification
        let words: [Verification.Status: String] = [
            .verified: "Đã xác thực (verified)", .unverified: "Chưa xác thực được (unverified)",
            .failed: "XÁC THỰC THẤT BẠI (failed)", .notPerformed: "Chưa kiểm tra (not performed)",
        ]
        let checks =
            "passive: \(v.passive.status.rawValue), active: \(v.active.status.rawValue), chip: \(v.chip.status.rawValue)"
        return (words[v.status] ?? v.status.rawValue) + " — " + checks
    }
}
