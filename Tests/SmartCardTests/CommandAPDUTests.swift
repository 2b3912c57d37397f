import Testing

@testable import SmartCard

@Suite struct CommandAPDUEncoding {
    @Test func case1HeaderOnly() {
        #expect(CommandAPDU(ins: 0x84, p1: 0, p2: 0).bytes == [0x00, 0x84, 0x00, 0x00])
    }

    @Test func case2ShortWithLe256EncodedAsZero() {
        #expect(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 256).bytes == [0x00, 0xB0, 0x00, 0x00, 0x00])
        #expect(CommandAPDU(ins: 0x84, p1: 0, p2: 0, ne: 8).bytes == [UInt8](hex: "0084000008"))
    }

    @Test func case3ShortSelectEFCOM() {
        let select = CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E])
        #expect(select.bytes == [UInt8](hex: "00A4020C02011E"))
        #expect(select.isoCase == 3)
    }

    @Test func case4Short() {
        let c = CommandAPDU(cla: 0x0C, ins: 0xB0, p1: 0, p2: 0, data: [UInt8](repeating: 1, count: 13), ne: 256)
        #expect(c.bytes.count == 4 + 1 + 13 + 1)
        #expect(c.bytes[4] == 13 && c.bytes.last == 0)
    }

    @Test func case2ExtendedWhenNeAbove256() {
        let c = CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 4096)
        #expect(c.bytes == [0x00, 0xB0, 0x00, 0x00, 0x00, 0x10, 0x00])
        #expect(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 65536).bytes == [0, 0xB0, 0, 0, 0, 0, 0])
    }

    @Test func case3ExtendedWhenNcAbove255() {
        let c = CommandAPDU(ins: 0x2A, p1: 0, p2: 0, data: [UInt8](repeating: 0xAA, count: 300))
        #expect(Array(c.bytes.prefix(7)) == [0x00, 0x2A, 0x00, 0x00, 0x00, 0x01, 0x2C])
        #expect(c.bytes.count == 7 + 300)
    }

    @Test func case4ExtendedHasTwoByteLeWithoutLeadingZero() {
        let c = CommandAPDU(ins: 0x88, p1: 0, p2: 0, data: [UInt8](repeating: 0, count: 300), ne: 65536)
        #expect(c.bytes.count == 7 + 300 + 2)
        #expect(Array(c.bytes.suffix(2)) == [0x00, 0x00])
    }

    @Test func forcedExtendedEncodingOfASmallCommand() {
        let c = CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 200)
        #expect(c.encoded(forceExtended: true) == [0, 0xB0, 0, 0, 0, 0x00, 0xC8])
    }

    @Test(arguments: [
        CommandAPDU(ins: 0x84, p1: 0, p2: 0),
        CommandAPDU(ins: 0x84, p1: 0, p2: 0, ne: 8),
        CommandAPDU(ins: 0x84, p1: 0, p2: 0, ne: 256),
        CommandAPDU(ins: 0xA4, p1: 4, p2: 0x0C, data: [1, 2, 3]),
        CommandAPDU(ins: 0xA4, p1: 4, p2: 0x0C, data: [1, 2, 3], ne: 256),
        CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 65536),
        CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 1000),
        CommandAPDU(ins: 0x2A, p1: 0, p2: 0, data: [UInt8](repeating: 7, count: 256)),
        CommandAPDU(ins: 0x2A, p1: 0, p2: 0, data: [UInt8](repeating: 7, count: 256), ne: 300),
    ])
    func parsesWhatItEncodes(_ c: CommandAPDU) throws {
        #expect(try CommandAPDU(bytes: c.bytes) == c)
    }

    @Test func parsingRejectsInconsistentLengths() {
        #expect(throws: APDUError.truncated) { try CommandAPDU(bytes: [0x00, 0xA4, 0x04]) }
        #expect(throws: APDUError.inconsistentLength) { try CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x00, 0x05, 0x01]) }
        #expect(throws: APDUError.inconsistentLength) { try CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x00, 0x00, 0x01]) }
        #expect(throws: APDUError.inconsistentLength) {
            try CommandAPDU(bytes: [0x00, 0xA4, 0x04, 0x00, 0x00, 0x00, 0x05, 1, 2])
        }
    }

    @Test func descriptionNeverShowsData() {
        let c = CommandAPDU(ins: 0xA4, p1: 4, p2: 0x0C, data: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(!c.description.contains("DEAD"))
        #expect(c.description.contains("Lc=4"))
    }
}

@Suite struct ResponseAPDUAndStatus {
    @Test func splitsDataAndStatus() throws {
        let r = try ResponseAPDU(bytes: [UInt8](hex: "60145F019000"))
        #expect(r.data == [0x60, 0x14, 0x5F, 0x01])
        #expect(r.status == .success)
        #expect(r.bytes == [UInt8](hex: "60145F019000"))
    }

    @Test func rejectsFewerThanTwoBytes() {
        #expect(throws: APDUError.truncated) { try ResponseAPDU(bytes: [0x90]) }
    }

    @Test func namesTheStatusWordsUsersMeet() {
        #expect(StatusWord(0x6982).name == "security status not satisfied")
        #expect(StatusWord(0x6D00).name == "instruction not supported")
        #expect(StatusWord(0x63C2).name.contains("2 tries"))
        #expect(StatusWord(0x6C10).name.contains("16"))
        #expect(StatusWord(0x6110).isSuccess)
        #expect(!StatusWord(0x6A82).isSuccess)
    }
}

@Suite struct HexCoding {
    @Test func roundTrip() {
        #expect(Hex.decode("00 a4:02\n0C") == [0x00, 0xA4, 0x02, 0x0C])
        #expect(Hex.encode([0xAB, 0x01]) == "AB01")
        #expect(Hex.decode("ABC") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}

/// The builders the terminal and the simulated chip share, byte for byte (ISO/IEC 7816-4 §11.1.1, §11.2.3;
/// ICAO 9303-10 §3.6: eMRTD AID, short file identifiers).
@Suite struct CommandBuilders {
    @Test func selectTheEMRTDApplicationAndAFile() {
        #expect(
            CommandAPDU.selectApplication([UInt8](hex: "A0000002471001")).bytes
                == [UInt8](hex: "00A4040C07A0000002471001")
        )
        #expect(CommandAPDU.selectFile(0x011E).bytes == [UInt8](hex: "00A4020C02011E"))
    }

    @Test func readBinaryBySFIAndByOffset() {
        #expect(CommandAPDU.readBinary(sfi: 0x0D, ne: 4).bytes == [UInt8](hex: "00B08D0004"))
        #expect(CommandAPDU.readBinary(sfi: 0x2D, offset: 0x10, ne: 256).bytes == [UInt8](hex: "00B08D1000"))
        #expect(CommandAPDU.readBinary(offset: 0x1234, ne: 223).bytes == [UInt8](hex: "00B01234DF"))
        #expect(CommandAPDU.readBinary(sfi: 1, ne: 65536).bytes == [UInt8](hex: "00B08100000000"))
    }

    @Test func getResponseKeepsTheLogicalChannelOnly() {
        #expect(CommandAPDU.getResponse(ne: 16, cla: 0x0F).bytes == [UInt8](hex: "03C0000010"))
    }

    @Test func everyInstructionNamesItsByte() {
        for instruction in Instruction.allCases {
            #expect(CommandAPDU(instruction, ne: 1).instruction == instruction)
        }
        #expect(CommandAPDU(ins: 0xCA, p1: 0, p2: 0).instruction == nil)
    }
}
