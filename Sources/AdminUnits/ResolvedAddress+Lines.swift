extension ResolvedAddress {
    /// The result for people (`cancuoc address`): one labelled row per fact, Vietnamese first.
    package var lines: [String] {
        func unit(_ ref: UnitRef?) -> String { ref.map { "\($0.name) (\($0.code))" } ?? "—" }
        var rows = [
            "Địa chỉ / address:        \(text)",
            "Chi tiết / detail:        \(detail ?? "—")",
            "Như in / as printed:      \(unit(asPrinted.commune)), \(unit(asPrinted.district)), \(unit(asPrinted.province)) [\(asPrinted.list ?? "—")]",
            "Hiện nay / current:       \(unit(current.commune)), \(unit(current.province)) [\(current.list)]",
        ]
        if !current.candidates.isEmpty {
            rows.append("Chọn một / choose one:    " + current.candidates.map { unit($0) }.joined(separator: "; "))
        }
        rows.append("Kết quả / match:          \(match.rawValue) — \(match.sentence)")
        rows.append("Dữ liệu / data:           \(dataVersion)")
        return rows
    }
}

extension ResolvedAddress {
    /// Today's units in one line, for the record's human view: the commune and province with
    /// their codes, or the candidates to choose from, and the match.
    package var currentLine: String {
        func unit(_ ref: UnitRef?) -> String? { ref.map { "\($0.name) (\($0.code))" } }
        let commune =
            current.candidates.isEmpty
            ? unit(current.commune)
            : "chọn một / choose one of: " + current.candidates.compactMap(unit).joined(separator: "; ")
        let units = [commune, unit(current.province)].compactMap(\.self).joined(separator: ", ")
        return (units.isEmpty ? "—" : units) + " [\(match.rawValue)]"
    }
}

extension AddressMatch {
    /// What the match means, for people, in Vietnamese and English.
    package var sentence: String {
        switch self {
        case .exact: "khớp đúng một xã hiện nay / one current commune"
        case .formerName: "tên cũ, đã đổi sang một xã hiện nay / a former name, one current commune"
        case .split:
            "xã đã bị chia, hãy chọn một trong các xã hiện nay / the commune was split: choose one of the current communes"
        case .ambiguous: "tên trùng nhiều đơn vị, hãy chọn / the name fits several units: choose one"
        case .provinceOnly: "chỉ xác định được tỉnh / only the province is known"
        case .unresolved: "không nhận ra địa chỉ hành chính / no administrative unit recognised"
        }
    }
}
