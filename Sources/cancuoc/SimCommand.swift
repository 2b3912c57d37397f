import ArgumentParser
import CardSimulator
import Foundation
import SmartCard

/// `cancuoc sim`: plugs a simulated card into vpcd so integrators can work without a card.
/// Reconnects when pcscd restarts, until interrupted.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the card simulator as a card in a vpcd reader slot."
    )

    @Option(help: "vpcd port of slot 0 (vpcd's default is 35963).")
    var port: UInt16 = 35963

    @Option(help: "vpcd slot: connects to port + slot.")
    var slot: UInt16 = 0

    @Option(help: "Host where pcscd with vpcd runs.")
    var host = "127.0.0.1"

    func validate() throws {
        guard UInt32(port) + UInt32(slot) <= UInt32(UInt16.max) else { throw ValidationError("port + slot is beyond 65535") }
    }

    func run() async throws {
        let transport = VirtualCardTransport(card: Self.demoCard(), host: host, port: port + slot)
        while true {
            do {
                try await transport.connect(timeout: .seconds(5))
            } catch {
                Output.error("sim: \(error); retrying")
                continue
            }
            Output.line("card inserted in vpcd \(host):\(port + slot)")
            await transport.waitUntilDisconnected()
            Output.line("vpcd closed the connection; reconnecting")
        }
    }

    /// A plain ICAO LDS1 application holding EF.COM (the CCCD profile comes with `--profile`).
    static func demoCard() -> FileSystemCard {
        let com: [UInt8] = [0x60, 0x16, 0x5F, 0x01, 0x04, 0x30, 0x31, 0x30, 0x37, 0x5F, 0x36, 0x06,
                            0x30, 0x34, 0x30, 0x30, 0x30, 0x30, 0x5C, 0x04, 0x61, 0x75, 0x6D, 0x6E]
        return FileSystemCard(applications: [.init(aid: [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01], files: [0x011E: com])])
    }
}
