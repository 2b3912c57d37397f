import SmartCard
import Testing

@testable import MRTD

/// ICAO 9303-10 §4.6 (file identifiers, EF.COM) and §4.7 (DG1, DG2 / ISO/IEC 19794-5).
@Suite struct LDSFiles {
    @Test func dataGroupIdentifiers() {
        #expect(DataGroupID.com.fileID == 0x011E && DataGroupID.com.shortFileID == 0x1E && DataGroupID.com.tag == 0x60)
        #expect(DataGroupID.dg1.fileID == 0x0101 && DataGroupID.dg1.shortFileID == 0x01 && DataGroupID.dg1.tag == 0x61)
        #expect(DataGroupID.dg2.fileID == 0x0102 && DataGroupID.dg2.tag == 0x75)
        #expect(DataGroupID.dg3.fileID == 0x0103 && DataGroupID.dg3.tag == 0x63)
        #expect(
            DataGroupID.dg13.fileID == 0x010D && DataGroupID.dg13.shortFileID == 0x0D && DataGroupID.dg13.tag == 0x6D
        )
        #expect(DataGroupID.dg14.fileID == 0x010E && DataGroupID.dg14.tag == 0x6E)
        #expect(DataGroupID.dg15.fileID == 0x010F && DataGroupID.dg15.tag == 0x6F)
        #expect(DataGroupID.sod.fileID == 0x011D && DataGroupID.sod.shortFileID == 0x1D && DataGroupID.sod.tag == 0x77)
        #expect(
            DataGroupID.cardAccess.fileID == 0x011C && DataGroupID.cardAccess.shortFileID == 0x1C
                && DataGroupID.cardAccess.tag == nil
        )
        for dg in DataGroupID.allCases {
            if let t = dg.tag { #expect(DataGroupID(tag: t) == dg) }
        }
        #expect(DataGroupID(number: 16) == .dg16)
        #expect(DataGroupID(number: 17) == nil)
    }

    @Test func efCOMFromTheICAOExample() throws {
        let com = try EFCOM([UInt8](hex: "60145F0104303130365F36063034303030305C026175"))
        #expect(com.ldsVersion == "0106")
        #expect(com.unicodeVersion == "040000")
        #expect(com.dataGroups == [.dg1, .dg2])
        #expect(EFCOM.encode(ldsVersion: "0106", unicodeVersion: "040000", dataGroups: [.dg1, .dg2]) == com.raw)
    }

    @Test func efCOMRoundTripForTheCCCD() throws {
        let groups: [DataGroupID] = [.dg1, .dg2, .dg3, .dg13, .dg14, .dg15]
        let com = try EFCOM(EFCOM.encode(dataGroups: groups))
        #expect(com.dataGroups == groups)
        #expect(com.ldsVersion == "0107")
    }

    @Test func efCOMMalformed() {
        #expect(throws: LDSError.self) { try EFCOM([UInt8](hex: "61145F01")) }
        #expect(throws: LDSError.missing("tag list")) {
            try EFCOM([UInt8](hex: "60105F0104303130365F3606303430303030"))
        }
    }

    static let mrzLines = [
        "IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8", "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<",
    ]

    @Test func dg1RoundTrip() throws {
        let bytes = DG1.encode(mrzLines: Self.mrzLines)
        #expect(Array(bytes.prefix(5)) == [0x61, 0x5D, 0x5F, 0x1F, 0x5A])
        let dg1 = try DG1(bytes)
        #expect(dg1.mrz.lines == Self.mrzLines)
        #expect(dg1.raw == bytes)
    }

    @Test func dg1Errors() {
        #expect(throws: DG1.ParseError.self) { try DG1(DG1.encode(mrzLines: ["IDVNM"])) }
        #expect(throws: DG1.ParseError.lds(.unexpectedTag(expected: 0x61, actual: 0x60))) { try DG1([0x60, 0x00]) }
    }

    /// A tiny valid-looking JPEG: SOI, an SOF0 of 360×480, EOI.
    static let jpeg: [UInt8] = [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46,
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01, 0xE0, 0x01, 0x68, 0x01, 0x01, 0x11, 0x00,
        0xFF, 0xD9,
    ]

    @Test func dg2RoundTrip() throws {
        let bytes = DG2.encode(jpeg: Self.jpeg, width: 360, height: 480)
        let dg2 = try DG2(bytes)
        let face = try #require(dg2.face)
        #expect(face.imageData == Self.jpeg)
        #expect(face.mimeType == "image/jpeg")
        #expect(face.width == 360 && face.height == 480)
        #expect(dg2.raw == bytes)
    }

    @Test func dg2FallsBackToTheJPEGFrameHeader() throws {
        let face = try DG2(DG2.encode(jpeg: Self.jpeg, width: 0, height: 0)).face
        #expect(face?.width == 360 && face?.height == 480)
        #expect(FaceImage.jpegDimensions(Self.jpeg)?.width == 360)
    }

    /// ISO/IEC 19794-5 §5.7.2: the image data type written is the data's own (a JPEG 2000
    /// portrait from `cancuoc sim --portrait` is said to be one).
    @Test func dg2WritesTheImageDataTypeOfItsData() throws {
        let jp2: [UInt8] = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]
        let j2k: [UInt8] = [0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x2F]
        for (data, type, mime) in [(Self.jpeg, 0, "image/jpeg"), (jp2, 1, "image/jp2"), (j2k, 1, "image/jp2")] {
            let bytes = DG2.encode(jpeg: data, width: 240, height: 320)
            let face = try #require(try DG2(bytes).face)
            #expect(face.imageDataType == UInt8(type) && face.mimeType == mime && face.imageData == data)
            // The byte itself, after the facial information block (20) and the image type.
            let record = face.record()
            #expect(record[14 + 20 + 1] == UInt8(type))
        }
        #expect(FaceImage(imageData: jp2, width: 1, height: 1, imageDataType: 0).imageDataType == 0, "as given")
    }

    @Test func jpeg2000IsRecognised() {
        #expect(FaceImage.mimeType(of: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) == "image/jp2")
        #expect(FaceImage.mimeType(of: [0xFF, 0x4F, 0xFF, 0x51]) == "image/jp2")
        #expect(FaceImage.mimeType(of: [0x01]) == "application/octet-stream")
    }

    @Test func dg2EveryTruncationThrows() {
        let bytes = DG2.encode(jpeg: Self.jpeg, width: 360, height: 480)
        for n in 0..<bytes.count {
            #expect(throws: LDSError.self) { try DG2(bytes.prefix(n)) }
        }
    }

    @Test func faceRecordLengthsAreChecked() throws {
        var record = FaceImage(imageData: Self.jpeg, width: 1, height: 1).record()
        record[14] = 0x7F  // facial record data length far beyond the data
        #expect(throws: LDSError.self) { try FaceImage(record: record) }
        var points = FaceImage(imageData: Self.jpeg, width: 1, height: 1).record()
        points[18] = 0xFF  // feature point count beyond the block
        #expect(throws: LDSError.self) { try FaceImage(record: points) }
        var magic = FaceImage(imageData: Self.jpeg, width: 1, height: 1).record()
        magic[0] = 0x45
        #expect(throws: LDSError.malformed("face record: no FAC header")) { try FaceImage(record: magic) }
    }
}

/// Random damage to valid files must end in a value or a thrown error, never a trap.
@Suite struct LDSRobustness {
    @Test func randomCorruptionNeverTraps() {
        let files = [
            DG2.encode(jpeg: LDSFiles.jpeg, width: 360, height: 480),
            EFCOM.encode(dataGroups: [.dg1, .dg2, .dg13]), DG1.encode(mrzLines: LDSFiles.mrzLines),
        ]
        var seed: UInt64 = 0x1979
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        for good in files {
            for _ in 0..<2000 {
                var b = good
                for _ in 0...(next() % 4) {
                    b[next() % b.count] = UInt8(next() & 0xFF)
                }
                _ = try? DG2(b)
                _ = try? EFCOM(b)
                _ = try? DG1(b)
                _ = try? FaceImage(record: b)
            }
        }
    }
}
