import PCSC
import Testing

@Suite struct PCSCErrorCategories {
    @Test(arguments: [
        (UInt32(0x8010_001D), PCSCError.Category.serviceUnavailable, "SCARD_E_NO_SERVICE"),
        (0x8010_0013, .serviceUnavailable, "SCARD_F_COMM_ERROR"),
        (0x8010_001E, .serviceUnavailable, "SCARD_E_SERVICE_STOPPED"),
        (0x8010_0003, .serviceUnavailable, "SCARD_E_INVALID_HANDLE"),
        (0x8010_002E, .noReaders, "SCARD_E_NO_READERS_AVAILABLE"),
        (0x8010_0009, .unknownReader, "SCARD_E_UNKNOWN_READER"),
        (0x8010_000C, .noCard, "SCARD_E_NO_SMARTCARD"),
        (0x8010_0069, .cardRemoved, "SCARD_W_REMOVED_CARD"),
        (0x8010_0068, .cardRemoved, "SCARD_W_RESET_CARD"),
        (0x8010_000B, .sharingViolation, "SCARD_E_SHARING_VIOLATION"),
        (0x8010_002F, .communication, "SCARD_E_COMM_DATA_LOST"),
        (0x8010_000A, .timeout, "SCARD_E_TIMEOUT"),
        (0x8010_0002, .cancelled, "SCARD_E_CANCELLED"),
        (0x8010_006A, .permissionDenied, "SCARD_W_SECURITY_VIOLATION"),
        (0x8010_0004, .other, "SCARD_E_INVALID_PARAMETER"),
    ])
    func codeHasNameAndCategory(code: UInt32, category: PCSCError.Category, name: String) {
        let error = PCSCError(code: code, function: "SCardX")
        #expect(error.category == category)
        #expect(error.name == name)
        #expect(error.description.contains(name))
    }

    @Test func longFromPCSCLiteIsTakenAsUnsigned() {
        // LONG is imported as Int: 0x8010001D arrives positive on 64-bit Linux.
        #expect(PCSCError(rv: 0x8010_001D).category == .serviceUnavailable)
        #expect(PCSCError(rv: -2_146_435_043).code == 0x8010_001D)
    }

    @Test func unknownCodeStillHasAName() {
        #expect(PCSCError(code: 0x1234).name == "SCARD_0x1234")
        #expect(PCSCError(code: 0x1234).category == .other)
    }
}
