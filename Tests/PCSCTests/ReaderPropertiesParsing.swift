import PCSC
import SmartCard
import Testing

/// PC/SC part 10 answers (docs/design.md §8): feature list and TLV properties, hostile input included.
@Suite struct FeatureListParsing {
    @Test func recordsGiveBigEndianControlCodes() throws {
        let features = try ReaderFeatures(parsing: [UInt8](hex: "12 04 42 33 00 12  06 04 42 33 00 06"))
        #expect(features[0x12] == 0x4233_0012)
        #expect(features[0x06] == 0x4233_0006)
        #expect(features[0x07] == nil)
    }

    @Test func emptyAnswerIsNoFeatures() throws {
        #expect(try ReaderFeatures(parsing: [UInt8]()).controlCodes.isEmpty)
    }

    @Test(arguments: ["12", "12 04", "12 04 42 33 00", "12 04 42 33 00 12 06"])
    func truncatedRecordThrows(hex: String) {
        #expect(throws: ReaderPropertyError.self) { try ReaderFeatures(parsing: [UInt8](hex: hex)) }
    }

    @Test func lengthOtherThanFourThrows() {
        #expect(throws: ReaderPropertyError.badLength(tag: 0x12, length: 2)) {
            try ReaderFeatures(parsing: [UInt8](hex: "12 02 42 33"))
        }
        #expect(throws: ReaderPropertyError.self) { try ReaderFeatures(parsing: [UInt8](hex: "12 FF 00 00 00 00")) }
    }
}

@Suite struct TLVPropertiesParsing {
    /// A libccid-like answer: wLcdLayout, bTimeOut2, sFirmwareID, dwMaxAPDUDataSize, VID, PID.
    static let sample = [UInt8](
        hex: "01 02 00 00  03 01 00  08 04 31 2E 32 33  0A 04 00 00 01 00  0B 02 6B 07  0C 02 21 54"
    )

    @Test func valuesAreLittleEndian() throws {
        let p = try TLVProperties(parsing: Self.sample)
        #expect(p.maxAPDUDataSize == 65536)
        #expect(p.vendorID == 0x076B)
        #expect(p.productID == 0x5421)
        #expect(p.firmwareID == "1.23")
        #expect(p.integer(TLVProperties.Tag.timeOut2) == 0)
        #expect(p.values.count == 6)
    }

    @Test func zeroMaxAPDUMeansShortOnly() throws {
        #expect(try TLVProperties(parsing: [UInt8](hex: "0A 04 00 00 00 00")).maxAPDUDataSize == 0)
    }

    @Test func unknownTagsAreKeptRaw() throws {
        let p = try TLVProperties(parsing: [UInt8](hex: "7F 03 01 02 03"))
        #expect(p.values[0x7F] == [1, 2, 3])
        #expect(p.vendorID == nil)
    }

    @Test func oversizedIntegerIsIgnoredNotTrapped() throws {
        let p = try TLVProperties(parsing: [UInt8](hex: "0B 05 01 02 03 04 05  0C 04 00 00 01 00"))
        #expect(p.vendorID == nil)  // five bytes: not an integer we read
        #expect(p.productID == nil)  // 65536 does not fit a wIdProduct
    }

    @Test(arguments: ["0A", "0A 04 00 00", "0B 02 6B", "0B 02 6B 07 0C"])
    func truncatedThrows(hex: String) {
        #expect(throws: ReaderPropertyError.self) { try TLVProperties(parsing: [UInt8](hex: hex)) }
    }

    @Test func everyPrefixOfASampleParsesOrThrowsNeverTraps() {
        for n in 0...Self.sample.count {
            _ = try? TLVProperties(parsing: Self.sample.prefix(n))
            _ = try? ReaderFeatures(parsing: Self.sample.prefix(n))
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? TLVProperties(parsing: bytes)
            _ = try? ReaderFeatures(parsing: bytes)
        }
    }
}

@Suite struct StableReaderID {
    @Test func serialWins() {
        let identity = ReaderIdentity(serialNumber: "A1B2", vendorID: 0x076B, productID: 0x5421, usbPortPath: "1-2")
        #expect(ReaderID(name: "OMNIKEY 00 00", identity: identity).rawValue == "076b:5421:A1B2")
    }

    @Test func usbPathWhenNoSerial() {
        let identity = ReaderIdentity(vendorID: 0x072F, productID: 0x2200, usbPortPath: "1-1.4")
        #expect(ReaderID(name: "ACS ACR122U 00 00", identity: identity).rawValue == "072f:2200@1-1.4")
    }

    @Test func nameWhenNothingElse() {
        #expect(ReaderID(name: "Virtual PCD 00 00", identity: ReaderIdentity()).rawValue == "Virtual PCD 00 00")
        let vidOnly = ReaderIdentity(vendorID: 0x072F, productID: 0x2200)
        #expect(ReaderID(name: "X 00 00", identity: vidOnly).rawValue == "X 00 00")
    }

    @Test func firmwareFromIFDVersion() {
        #expect(ReaderIdentity(ifdVersion: 0x0210_0000).firmware == "2.10")
        #expect(ReaderIdentity(ifdVersion: 0x0210_0000, firmwareID: "fw 7").firmware == "fw 7")
        #expect(ReaderIdentity().firmware == nil)
    }
}
