import SmartCard
import Testing

@testable import MRTD

/// ICAO 9303-11 §9.8: the channel's behaviour beyond the Appendix D happy path.
@Suite struct SecureMessaging {
    static let keys = SessionKeys(
        cipher: .tripleDES,
        encryption: [UInt8](hex: "979EC13B1CBFE9DCD01AB0FED307EAE5"),
        mac: [UInt8](hex: "F1CB1F1FB5ADF208806B89DC579DC1F8")
    )
    static let ssc = [UInt8](hex: "887022120C06C226")

    @Test func plainErrorStatusIsReturnedAndTheCounterStaysInStep() async throws {
        let card = ScriptedChannel([
            .init(
                expect: [[UInt8](hex: "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")],
                reply: [0x6A, 0x82]
            )
        ])
        let channel = SecureMessagingChannel(wrapping: card, keys: Self.keys, ssc: Self.ssc)
        let answer = try await channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
        #expect(answer.status == .fileNotFound)
        #expect(await channel.ssc.hex == "887022120C06C228")
        #expect(await !channel.isBroken)
    }

    @Test(arguments: [StatusWord.smDataObjectsMissing, .smDataObjectsIncorrect])
    func unprotectedSMErrorEndsTheSession(status: StatusWord) async throws {
        let card = ScriptedChannel([
            .init(
                expect: [[UInt8](hex: "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")],
                reply: [status.sw1, status.sw2]
            )
        ])
        let channel = SecureMessagingChannel(wrapping: card, keys: Self.keys, ssc: Self.ssc)
        await #expect(throws: SecureMessagingError.sessionAborted(status)) {
            _ = try await channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
        }
        #expect(await channel.isBroken)
    }

    @Test func unprotectedSuccessIsMissingMAC() async throws {
        let card = ScriptedChannel([
            .init(
                expect: [[UInt8](hex: "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")],
                reply: [0x90, 0x00]
            )
        ])
        let channel = SecureMessagingChannel(wrapping: card, keys: Self.keys, ssc: Self.ssc)
        await #expect(throws: SecureMessagingError.missingMAC) {
            _ = try await channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
        }
    }

    @Test(arguments: [SecureMessagingCipher.tripleDES, .aes128, .aes192, .aes256])
    func extendedLengthAndOddINSRoundTripThroughTheCodec(cipher: SecureMessagingCipher) throws {
        let keys = SessionKeys(
            cipher: cipher,
            encryption: try Crypto.randomBytes(cipher.keyLength),
            mac: try Crypto.randomBytes(cipher.keyLength)
        )
        let codec = SecureMessagingCodec(keys: keys)
        let ssc = [UInt8](repeating: 0, count: cipher.blockSize)
        // READ BINARY with Ne 1000: DO'97' carries two bytes, the protected APDU is extended.
        let read = CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 1000)
        let protected = try codec.protect(read, ssc: ssc)
        #expect(protected.data.prefix(4) == [0x97, 0x02, 0x03, 0xE8])
        #expect(protected.ne == 65536)
        #expect(protected.bytes.count == 4 + 3 + protected.data.count + 2)
        #expect(try codec.unprotect(protected, ssc: ssc) == read)
        // Odd INS (B1, offsets past 32767): DO'85' without the padding-indicator byte.
        let b1 = CommandAPDU(ins: 0xB1, p1: 0, p2: 0, data: [0x54, 0x03, 0x00, 0x80, 0x00], ne: 200)
        let p = try codec.protect(b1, ssc: ssc)
        #expect(p.data.first == 0x85)
        #expect(try codec.unprotect(p, ssc: ssc) == b1)
        // Large command data needs extended length after protection.
        let big = CommandAPDU(ins: 0xD6, p1: 0, p2: 0, data: [UInt8](repeating: 0xAB, count: 250))
        let pb = try codec.protect(big, ssc: ssc)
        #expect(pb.requiresExtendedLength)
        #expect(try codec.unprotect(pb, ssc: ssc) == big)
        // A response round trip, and a flipped bit is a bad MAC.
        let response = ResponseAPDU(data: [UInt8](repeating: 7, count: 223), status: .success)
        let wrapped = try codec.protect(response, ssc: ssc)
        #expect(try codec.unprotect(wrapped, ssc: ssc) == response)
        var tampered = wrapped
        tampered.data[5] ^= 0x80
        #expect(throws: SecureMessagingError.badMAC) { try codec.unprotect(tampered, ssc: ssc) }
    }

    @Test func maxShortReadFitsA256ByteResponse() throws {
        for cipher in [SecureMessagingCipher.tripleDES, .aes128] {
            let codec = SecureMessagingCodec(
                keys: SessionKeys(
                    cipher: cipher,
                    encryption: [UInt8](repeating: 1, count: 16),
                    mac: [UInt8](repeating: 2, count: 16)
                )
            )
            let ssc = [UInt8](repeating: 0, count: cipher.blockSize)
            let fits = try codec.protect(
                ResponseAPDU(data: [UInt8](repeating: 0, count: cipher.maxShortReadLength), status: .success),
                ssc: ssc
            )
            #expect(fits.data.count <= 256)
            let over = try codec.protect(
                ResponseAPDU(data: [UInt8](repeating: 0, count: cipher.maxShortReadLength + 1), status: .success),
                ssc: ssc
            )
            #expect(over.data.count > 256)
        }
    }

    @Test func hostileResponsesThrowAndNeverTrap() throws {
        let codec = SecureMessagingCodec(keys: Self.keys)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<64, using: &generator)
            var data = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator), !data.isEmpty {
                data[0] = [0x87, 0x99, 0x8E, 0x85][Int.random(in: 0..<4)]
            }
            _ = try? codec.unprotect(ResponseAPDU(data: data, status: .success), ssc: Self.ssc)
            _ = try? codec.unprotect(
                CommandAPDU(cla: 0x0C, ins: 0xB0, p1: 0, p2: 0, data: data, ne: 256),
                ssc: Self.ssc
            )
        }
    }
}
