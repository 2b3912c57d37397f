import CardSimulator
import Foundation
import SmartCard
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// vpcd's wire protocol (docs/design.md §7), against a fake vpcd: no pcscd involved.
@Suite(.timeLimit(.minutes(1)))
struct VirtualCardTransportWire {
    static let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]

    static func card() -> FileSystemCard {
        FileSystemCard(applications: [.init(aid: aid, files: [0x011E: [0x60, 0x01, 0x00]])])
    }

    @Test func controlBytesAndAPDUs() async throws {
        let vpcd = try FakeVPCD()
        let transport = VirtualCardTransport(card: Self.card(), port: vpcd.port)
        try await transport.connect(timeout: .seconds(5))
        let fd = try #require(await vpcd.accept())
        defer { close(fd) }
        #expect(transport.isConnected)

        #expect(await vpcd.exchange(fd, [0x04]) == FileSystemCard.defaultATR)  // get ATR
        #expect(await vpcd.exchange(fd, [0x01], timeout: 200) == nil)  // power on: no answer
        #expect(await vpcd.exchange(fd, [0x02], timeout: 200) == nil)  // reset: no answer
        #expect(await vpcd.exchange(fd, [UInt8](hex: "00A4040C07") + Self.aid) == [0x90, 0x00])
        #expect(await vpcd.exchange(fd, [UInt8](hex: "00A4020C02011E")) == [0x90, 0x00])
        #expect(await vpcd.exchange(fd, [UInt8](hex: "00B0000000")) == [0x60, 0x01, 0x00, 0x62, 0x82])
        #expect(await vpcd.exchange(fd, [UInt8](hex: "00B0")) == [0x67, 0x00])  // malformed APDU
        #expect(await vpcd.exchange(fd, [0x00], timeout: 200) == nil)  // power off: no answer
        #expect(await vpcd.exchange(fd, [UInt8](hex: "00B0000000")) == [0x69, 0x86])  // state dropped

        await transport.disconnect()
        #expect(!transport.isConnected)
        #expect(await vpcd.closedByPeer(fd))
    }

    @Test func cardCanBeRemovedAndInsertedAgain() async throws {
        let vpcd = try FakeVPCD()
        let transport = VirtualCardTransport(card: Self.card(), port: vpcd.port)
        for _ in 0..<3 {
            try await transport.connect(timeout: .seconds(5))
            let fd = try #require(await vpcd.accept())
            #expect(await vpcd.exchange(fd, [0x04]) == FileSystemCard.defaultATR)
            await transport.disconnect()
            #expect(await vpcd.closedByPeer(fd))
            close(fd)
        }
    }

    @Test func vpcdClosingEndsTheConnection() async throws {
        let vpcd = try FakeVPCD()
        let transport = VirtualCardTransport(card: Self.card(), port: vpcd.port)
        try await transport.connect(timeout: .seconds(5))
        let fd = try #require(await vpcd.accept())
        close(fd)
        await transport.waitUntilDisconnected()
        #expect(!transport.isConnected)
    }

    @Test func connectRetriesUntilVPCDListens() async throws {
        let port = try FakeVPCD().port  // a free port, closed again at once
        let transport = VirtualCardTransport(card: Self.card(), port: port)
        async let connected: Void = transport.connect(timeout: .seconds(5))
        try await Task.sleep(for: .milliseconds(300))
        let vpcd = try FakeVPCD(port: port)
        try await connected
        let fd = try #require(await vpcd.accept())
        defer { close(fd) }
        #expect(await vpcd.exchange(fd, [0x04]) == FileSystemCard.defaultATR)
        await transport.disconnect()
    }

    @Test func unreachableVPCDFailsAfterTheTimeout() async throws {
        let port = try FakeVPCD().port
        let transport = VirtualCardTransport(card: Self.card(), port: port)
        await #expect(throws: VPCDError.unreachable(host: "127.0.0.1", port: port)) {
            try await transport.connect(timeout: .milliseconds(300))
        }
    }
}
