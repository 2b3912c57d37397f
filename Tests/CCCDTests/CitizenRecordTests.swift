import Foundation
import MRTD
import Testing

@testable import CCCD

/// docs/design.md §9.1: the JSON contract.
@Suite struct CitizenRecordJSON {
    static let mrz = [
        "IDVNM0990123459001099012345<<0", "9903159M3903157VNM<<<<<<<<<<<0", "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<",
    ]

    static func record(
        spouse: DG13.Value = .empty,
        expiry: String = "15/03/2039",
        extra: Bool = false,
        faceData: Bool = false
    ) throws -> CitizenRecord {
        var entries = DG13Parsing.entries(spouse: spouse)
        entries.removeAll { $0.number == 12 || $0.number == 16 }
        entries.append(.init(12, .utf8(expiry)))
        if extra { entries.append(.init(16, .printable("A1B2C3D4E5F6A7B8"))) }
        let dg13 = try DG13(DG13.encode(entries))
        let mrz = try MRZ(lines: Self.mrz)
        let face = FaceImage(imageData: LDSFixtures.jpeg, width: 360, height: 480)
        return CitizenRecord(
            mrz: mrz,
            dg13: dg13,
            face: face,
            includeFaceData: faceData,
            access: .init(method: .pace, reason: "EF.CardAccess offers PACE-ECDH-GM-AES-128 (brainpoolP256r1)"),
            stats: .init(
                apdus: 23,
                bytesSent: 1450,
                bytesReceived: 18710,
                durationMs: 61,
                files: [.init(name: "DG2", bytes: 16010, apdus: 1, durationMs: 9)]
            )
        )
    }

    static func object(_ record: CitizenRecord) throws -> [String: Any] {
        let json = try record.json()
        return try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func keys(_ any: Any?) -> Set<String> { Set((any as? [String: Any])?.keys.map { $0 } ?? []) }

    @Test func exactlyTheContractKeys() throws {
        let o = try Self.object(Self.record())
        #expect(Set(o.keys) == ["document", "person", "access", "face", "faceStatus", "verification", "stats"])
        #expect(Self.keys(o["document"]) == ["type", "documentNumber", "mrz"])
        #expect(
            Self.keys(o["person"]) == [
                "idNumber", "fullName", "dateOfBirth", "sex", "nationality", "ethnicity",
                "religion", "placeOfOrigin", "placeOfResidence", "identifyingMarks",
                "dateOfIssue", "dateOfExpiry", "fatherName", "motherName", "spouseName",
                "oldIdNumber", "placeOfOriginAddress", "placeOfResidenceAddress",
            ]
        )
        #expect(Self.keys(o["access"]) == ["method", "reason"])
        #expect(Self.keys(o["face"]) == ["mimeType", "width", "height"])
        let v = try #require(o["verification"] as? [String: Any])
        #expect(Set(v.keys) == ["status", "passive", "active", "chip"])
        #expect(Self.keys(v["passive"]) == ["status", "reason", "documentSigner", "csca"])
        #expect(Self.keys(v["active"]) == ["status", "reason"])
        #expect(Self.keys(v["chip"]) == ["status", "reason"])
        let s = try #require(o["stats"] as? [String: Any])
        #expect(Set(s.keys) == ["apdus", "bytesSent", "bytesReceived", "durationMs", "files"])
        let files = try #require(s["files"] as? [[String: Any]])
        #expect(Set(files[0].keys) == ["name", "bytes", "apdus", "durationMs"])
    }

    @Test func values() throws {
        let r = try Self.record()
        #expect(r.document.documentNumber == "099012345")
        #expect(r.person.idNumber == "001099012345")
        #expect(r.person.dateOfBirth == "1999-03-15")
        #expect(r.person.dateOfExpiry == "2039-03-15")
        #expect(r.verification.status == .notPerformed)
        let o = try Self.object(r)
        let person = try #require(o["person"] as? [String: Any])
        #expect(person["sex"] as? String == "male")
        let v = try #require(o["verification"] as? [String: Any])
        #expect(v["status"] as? String == "notPerformed")
    }

    @Test func absentValuesAreExplicitNulls() throws {
        let json = try Self.record().json(sortedKeys: true)
        #expect(json.contains("\"spouseName\":null"))
        #expect(json.contains("\"documentSigner\":null"))
        #expect(!json.contains("\"\""))
        let noFace = CitizenRecord(
            mrz: nil,
            dg13: nil,
            face: nil,
            access: .init(method: .bac, reason: nil),
            stats: .init()
        )
        let o = try Self.object(noFace)
        #expect(o["face"] is NSNull)
        let person = try #require(o["person"] as? [String: Any])
        #expect(person.count == 18)  // with placeOfOriginAddress and placeOfResidenceAddress (docs/address.md)
        #expect(person.values.allSatisfy { $0 is NSNull })
        let doc = try #require(o["document"] as? [String: Any])
        #expect(doc["documentNumber"] is NSNull)
        #expect(try #require(o["access"] as? [String: Any])["reason"] is NSNull)
    }

    @Test func neverExpiringCardHasNullExpiry() throws {
        let json = try Self.record(expiry: "Không thời hạn").json(sortedKeys: true)
        #expect(json.contains("\"dateOfExpiry\":null"))
    }

    @Test func vietnameseIsUTF8NotEscaped() throws {
        let json = try Self.record().json(pretty: true, sortedKeys: true)
        #expect(json.contains("Nguyễn Văn An"))
        #expect(json.contains("Việt Nam"))
        #expect(!json.contains("\\u"))
        #expect(json.contains("\n"))
    }

    @Test func extraAndFaceDataOnlyWhenPresent() throws {
        let o = try Self.object(Self.record(extra: true, faceData: true))
        let person = try #require(o["person"] as? [String: Any])
        #expect(person["extra"] as? [String: String] == ["16": "A1B2C3D4E5F6A7B8"])
        let face = try #require(o["face"] as? [String: Any])
        #expect(face["data"] as? String == Data(LDSFixtures.jpeg).base64EncodedString())
    }

    @Test func decodesWhatItEncodes() throws {
        let r = try Self.record(spouse: .utf8("Lê Thị Dung"), extra: true)
        let back = try JSONDecoder().decode(CitizenRecord.self, from: Data(r.json().utf8))
        #expect(back == r)
    }

    @Test func mrzFillsWhatDG13Lacks() throws {
        let r = CitizenRecord(
            mrz: try MRZ(lines: Self.mrz),
            dg13: nil,
            face: nil,
            access: .init(method: .bac, reason: nil),
            stats: .init()
        )
        #expect(r.person.idNumber == "001099012345")
        #expect(r.person.fullName == "NGUYEN VAN AN")
        #expect(r.person.dateOfBirth == "1999-03-15")
        #expect(r.person.dateOfExpiry == "2039-03-15")
        #expect(r.person.sex == .male)
    }

    @Test func humanView() throws {
        let text = try Self.record(expiry: "Không thời hạn").humanDescription
        #expect(text.contains("Số định danh (ID number)"))
        #expect(text.contains("Họ và tên (Full name)"))
        #expect(text.contains("Ngày sinh (Date of birth)"))
        #expect(text.contains(": 15/03/1999"))
        #expect(text.contains("Có giá trị đến (Date of expiry)"))
        #expect(text.contains("Không thời hạn"))
        #expect(text.contains("Xác thực (Verification)"))
        // Aligned: every separator in the same column.
        let columns = Set(
            text.split(separator: "\n").compactMap { line in
                line.firstRange(of: " : ").map { line.distance(from: line.startIndex, to: $0.lowerBound) }
            }
        )
        #expect(columns.count == 1)
    }
}

enum LDSFixtures {
    static let jpeg: [UInt8] = [
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01, 0xE0, 0x01, 0x68, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9,
    ]
}
