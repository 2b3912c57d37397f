import ArgumentParser
import CancuocAPI
import CancuocServer
import CardService
import Foundation

/// `cancuoc watch`: subscribe and print every event as one JSON line, as it arrives. The
/// quickest way to see what an HIS would see when a card is tapped.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print cancuocd's events (reader.attached, card.inserted, read.completed, …) as they arrive."
    )

    @Option(help: "The daemon's socket.")
    var socket: String = "/run/cancuoc/api.sock"
    @Flag(help: "Also receive records of reads started by paired QR scanners (needs the cancuoc group).")
    var records = false

    func run() throws {
        do {
            let connection = try UnixSocketClient(path: socket)
            let response = try connection.call(method: "events.subscribe", params: ["records": .bool(records)]) {
                note in
                Output.line(note.serialized)
            }
            if let error = response["error"] {
                Output.error(error["message"]?.stringValue ?? error.serialized)
                throw ExitCode(ExitStatus.failure.rawValue)
            }
            while true {
                Output.line(String(decoding: try connection.nextLine(), as: UTF8.self))
            }
        } catch let failure as UnixSocketClient.Failure {
            Output.error("\(failure)")
            throw ExitCode(ExitStatus.pcscUnavailable.rawValue)
        }
    }
}
