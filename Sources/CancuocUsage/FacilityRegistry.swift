import Foundation

/// The province's list of insured facilities (`facilities.csv`): columns `id`, `name`,
/// `district`, `type`, `declaredReaderNeed`, in any order, header required; and for a national
/// registry `province` (a current or former province, mapped by the `ProvinceResolver`).
public struct FacilityRegistry: Sendable, Equatable {
    public struct Facility: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        public var district: String
        public var type: String
        /// Readers the facility says it needs in total (its reception desks).
        public var declaredReaderNeed: Int
        /// The province today, its code and the former province the registry named
        /// (optional column `province`: FacilityRegistry+Provinces.swift).
        public var province: ProvinceAssignment?

        public init(id: String, name: String, district: String, type: String, declaredReaderNeed: Int) {
            self.id = id
            self.name = name
            self.district = district
            self.type = type
            self.declaredReaderNeed = declaredReaderNeed
        }
    }

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case missingColumn(String)
        case badRow(line: Int, reason: String)
        case duplicateID(String, line: Int)

        public var description: String {
            switch self {
            case .missingColumn(let c):
                return
                    "Danh mục cơ sở thiếu cột / The registry's header has no column '\(c)' (needed: id,name,district,type,declaredReaderNeed)"
            case let .badRow(line, reason):
                return "Danh mục cơ sở, dòng \(line) / Registry line \(line): \(reason)"
            case let .duplicateID(id, line):
                return "Danh mục cơ sở, dòng \(line) / Registry line \(line): facility id '\(id)' appears twice"
            }
        }
    }

    public var facilities: [Facility]

    public init(facilities: [Facility]) { self.facilities = facilities }

    public func facility(id: String) -> Facility? { facilities.first { $0.id == id } }

    /// `provinces` maps the optional `province` column; without it a province is taken as
    /// written (no code, no former name).
    public static func parse(
        csv text: String,
        provinces: ProvinceResolver? = nil
    ) throws(ParseError)
        -> FacilityRegistry
    {
        let rows = CSV.parse(text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw .missingColumn("id")
        }
        func column(_ name: String) throws(ParseError) -> Int {
            guard let i = header.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw .missingColumn(name)
            }
            return i
        }
        let id = try column("id")
        let name = try column("name")
        let district = try column("district")
        let type = try column("type")
        let need = try column("declaredReaderNeed")
        let province = header.firstIndex { $0.caseInsensitiveCompare(provinceColumn) == .orderedSame }
        var seen = Set<String>()
        var out: [Facility] = []
        for (n, row) in rows.dropFirst().enumerated() {
            let line = n + 2
            func cell(_ i: Int) -> String { i < row.count ? row[i].trimmingCharacters(in: .whitespaces) : "" }
            let fid = cell(id)
            guard !fid.isEmpty else { throw .badRow(line: line, reason: "empty id") }
            guard let needValue = Int(cell(need)), needValue >= 0 else {
                throw .badRow(line: line, reason: "declaredReaderNeed '\(cell(need))' is not a whole number")
            }
            guard seen.insert(fid).inserted else { throw .duplicateID(fid, line: line) }
            var facility = Facility(
                id: fid,
                name: cell(name),
                district: cell(district),
                type: cell(type),
                declaredReaderNeed: needValue
            )
            if let province {
                let written = cell(province)
                guard !written.isEmpty else { throw .badRow(line: line, reason: "empty province") }
                if let provinces {
                    guard let assigned = provinces(written) else {
                        throw .badRow(
                            line: line,
                            reason:
                                "'\(written)' không phải tên tỉnh / is not a province (34 since 1 July 2025, or one of the 63 before)"
                        )
                    }
                    facility.province = assigned
                } else {
                    facility.province = ProvinceAssignment(current: written, code: nil, former: nil)
                }
            }
            out.append(facility)
        }
        return FacilityRegistry(facilities: out)
    }
}
