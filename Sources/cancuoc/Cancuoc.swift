import ArgumentParser
import CancuocAPI
import CardService

/// The command line: list readers, run the card simulator (more subcommands land later).
@main
struct Cancuoc: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancuoc",
        abstract: "Read Vietnamese chip ID cards (CCCD) through PC/SC readers.",
        version: Product.version,
        subcommands: [
            ReadCommand.self, ReadersCommand.self, DiagCommand.self, TrustCommand.self, SimCommand.self,
            CallCommand.self, WatchCommand.self, InventoryCommand.self, UsageStressCommand.self, AddressCommand.self,
            FaceCommand.self,
        ]
    )
}
