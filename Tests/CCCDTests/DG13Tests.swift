import MRTD
import SmartCard
import Testing

@testable import CCCD

/// docs/design.md §4: DG13 read by field number.
@Suite struct DG13Parsing {
    static func entries(
        parents: DG13.Value = .parentsNested(father: "Nguyễn Văn Bình", mother: "Trần Thị Cúc"),
        spouse: DG13.Value = .utf8("Lê Thị Dung"),
        old: String? = "012345678"
    ) -> [DG13.Entry] {
        var e: [DG13.Entry] = [
            .init(1, .printable("001099012345")),
            .init(2, .utf8("Nguyễn Văn An")),
            .init(3, .utf8("15/03/1999")),
            .init(4, .utf8("Nam")),
            .init(5, .utf8("Việt Nam")),
            .init(6, .utf8("Kinh")),
            .init(7, .utf8("Không")),
            .init(8, .utf8("Xã Phù Lưu, Huyện Ứng Hòa, Hà Nội")),
            .init(9, .utf8("Số 12, Phố Huế, Phường Phạm Đình Hổ, Hai Bà Trưng, Hà Nội")),
            .init(10, .utf8("Nốt ruồi C:2cm trên sau đuôi mắt trái")),
            .init(11, .utf8("20/05/2024")),
            .init(12, .utf8("15/03/2039")),
            .init(13, parents),
            .init(14, spouse),
        ]
        if let old { e.append(.init(15, .printable(old))) }
        e.append(.init(16, .printable("A1B2C3D4E5F6A7B8")))
        return e
    }

    @Test func everyField() throws {
        let dg = try DG13(DG13.encode(Self.entries()))
        #expect(dg.idNumber == "001099012345")
        #expect(dg.fullName == "Nguyễn Văn An")
        #expect(dg.dateOfBirth == "1999-03-15")
        #expect(dg.sex == .male)
        #expect(dg.nationality == "Việt Nam")
        #expect(dg.ethnicity == "Kinh")
        #expect(dg.religion == "Không")
        #expect(dg.placeOfOrigin == "Xã Phù Lưu, Huyện Ứng Hòa, Hà Nội")
        #expect(dg.placeOfResidence == "Số 12, Phố Huế, Phường Phạm Đình Hổ, Hai Bà Trưng, Hà Nội")
        #expect(dg.identifyingMarks == "Nốt ruồi C:2cm trên sau đuôi mắt trái")
        #expect(dg.dateOfIssue == "2024-05-20")
        #expect(dg.dateOfExpiry == "2039-03-15")
        #expect(!dg.neverExpires)
        #expect(dg.fatherName == "Nguyễn Văn Bình")
        #expect(dg.motherName == "Trần Thị Cúc")
        #expect(dg.spouseName == "Lê Thị Dung")
        #expect(dg.oldIdNumber == "012345678")
        #expect(dg.extra == [16: "A1B2C3D4E5F6A7B8"])
        #expect(dg.oid == [0x28, 0xD3, 0x16, 0x01, 0x00, 0x08])
    }

    @Test func theExactLayout() {
        let bytes = DG13.encode([.init(4, .utf8("Nam")), .init(14, .empty)])
        #expect(
            bytes.hex == "6D1E301C" + "020101" + "060628D316010008" + "310F" + "30080201040C034E616D" + "300302010E"
        )
    }

    @Test func emptySpouseAndAbsentOldID() throws {
        let dg = try DG13(DG13.encode(Self.entries(spouse: .empty, old: nil)))
        #expect(dg.spouseName == nil)
        #expect(dg.oldIdNumber == nil)
        #expect(dg.fields[14] == [])
        #expect(dg.fields[15] == nil)
    }

    @Test func parentsAsTwoStringsDirectly() throws {
        let dg = try DG13(
            DG13.encode(Self.entries(parents: .parentsFlat(father: "Phạm Văn Cường", mother: "Hoàng Thị Dịu")))
        )
        #expect(dg.fatherName == "Phạm Văn Cường")
        #expect(dg.motherName == "Hoàng Thị Dịu")
    }

    @Test func parentsNestedTheWayCardsDo() throws {
        // 30 LL 02 01 0D 30 .. 0C father 30 .. 0C mother, by hand.
        let f = Array("Bố".utf8)
        let m = Array("Mẹ".utf8)
        let field: [UInt8] =
            [
                0x30, UInt8(3 + 4 + f.count + m.count + 4), 0x02, 0x01, 0x0D,
                0x30, UInt8(f.count + 2), 0x0C, UInt8(f.count),
            ] + f + [0x30, UInt8(m.count + 2), 0x0C, UInt8(m.count)] + m
        let set = TLV(tag: 0x31, value: field)
        let bytes = TLV(
            tag: 0x6D,
            children: [
                TLV(
                    tag: 0x30,
                    children: [
                        TLV(tag: 0x02, value: [1]), TLV(tag: 0x06, value: [0x28, 0xD3, 0x16, 0x01, 0x00, 0x08]), set,
                    ]
                )
            ]
        ).encoded
        let dg = try DG13(bytes)
        #expect(dg.fatherName == "Bố")
        #expect(dg.motherName == "Mẹ")
    }

    @Test func parentsDeeperNesting() throws {
        // Names two levels down, with a stray integer: still first = father, second = mother.
        let inner = TLV(
            tag: 0x30,
            children: [
                TLV(tag: 0x02, value: [1]), TLV(tag: 0x0C, value: Array("Cha".utf8)),
                TLV(tag: 0x30, children: [TLV(tag: 0x13, value: Array("Me".utf8))]),
            ]
        )
        let field = TLV(tag: 0x30, children: [TLV(tag: 0x02, value: [13]), inner])
        let bytes = TLV(
            tag: 0x6D,
            children: [TLV(tag: 0x30, children: [TLV(tag: 0x02, value: [1]), TLV(tag: 0x31, children: [field])])]
        ).encoded
        let dg = try DG13(bytes)
        #expect(dg.fatherName == "Cha" && dg.motherName == "Me")
    }

    @Test func unknownFieldsAreKeptAndOrderDoesNotMatter() throws {
        let dg = try DG13(
            DG13.encode([.init(42, .utf8("mới")), .init(2, .utf8("Trần Thị Bé")), .init(1, .printable("079301000123"))])
        )
        #expect(dg.extra == [42: "mới"])
        #expect(dg.fullName == "Trần Thị Bé")
        #expect(dg.idNumber == "079301000123")
    }

    @Test(arguments: ["Không thời hạn", "Khong thoi han", "KHÔNG THỜI HẠN", " không  thời hạn "])
    func neverExpires(text: String) throws {
        let dg = try DG13(DG13.encode([.init(12, .utf8(text))]))
        #expect(dg.neverExpires)
        #expect(dg.dateOfExpiry == nil)
    }

    @Test func femaleAndOtherStringTypes() throws {
        let dg = try DG13(DG13.encode([.init(4, .utf8("Nữ"))]))
        #expect(dg.sex == .female)
        // Decomposed "Nữ" (NFD) is also female.
        #expect(Sex(vietnamese: "Nu\u{031B}\u{0303}") == .female)
        let ia5 = TLV(
            tag: 0x6D,
            children: [
                TLV(
                    tag: 0x30,
                    children: [
                        TLV(
                            tag: 0x31,
                            children: [
                                TLV(
                                    tag: 0x30,
                                    children: [TLV(tag: 0x02, value: [2]), TLV(tag: 0x16, value: Array("Ha".utf8))]
                                )
                            ]
                        )
                    ]
                )
            ]
        ).encoded
        #expect(try DG13(ia5).fullName == "Ha")
    }

    @Test func datesAreCalendarDays() throws {
        let dg = try DG13(
            DG13.encode([.init(3, .utf8("29/02/2001")), .init(11, .utf8("29/02/2024")), .init(12, .utf8("31/04/2030"))])
        )
        #expect(dg.dateOfBirth == nil)
        #expect(dg.dateOfIssue == "2024-02-29")
        #expect(dg.dateOfExpiry == nil && !dg.neverExpires)
        #expect(dg.fields[3] == ["29/02/2001"])
    }

    @Test func everyTruncationThrows() {
        let bytes = DG13.encode(Self.entries())
        for n in 0..<bytes.count {
            #expect(throws: LDSError.self) { try DG13(bytes.prefix(n)) }
        }
    }

    @Test func malformedStructure() {
        #expect(throws: LDSError.unexpectedTag(expected: 0x6D, actual: 0x6E)) { try DG13([0x6E, 0x00]) }
        #expect(throws: LDSError.missing("DG13 field SET")) { try DG13([0x6D, 0x05, 0x30, 0x03, 0x02, 0x01, 0x01]) }
        // A field without its number.
        #expect(throws: LDSError.self) { try DG13([0x6D, 0x08, 0x30, 0x06, 0x31, 0x04, 0x30, 0x02, 0x0C, 0x00]) }
        // Hostile nesting deeper than the bound.
        var v: [UInt8] = [0x0C, 0x01, 0x41]
        for _ in 0..<20 { v = [0x30, UInt8(v.count)] + v }
        let field = [0x30, UInt8(v.count + 3), 0x02, 0x01, 0x0D] + v
        let set = [0x31, UInt8(field.count)] + field
        let body = [0x30, UInt8(set.count)] + set
        #expect(throws: LDSError.tlv(.nestingTooDeep)) { try DG13([0x6D, UInt8(body.count)] + body) }
    }
}

/// Random damage to a valid DG13 must end in a value or a thrown error, never a trap.
@Suite struct DG13Robustness {
    @Test func randomCorruptionNeverTraps() {
        let good = DG13.encode(DG13Parsing.entries())
        var seed: UInt64 = 0x9303
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        for _ in 0..<3000 {
            var b = good
            for _ in 0...(next() % 4) {
                b[next() % b.count] = UInt8(next() & 0xFF)
            }
            _ = try? DG13(b)
        }
    }
}
