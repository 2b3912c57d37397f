import ArgumentParser
import CancuocAPI
import CancuocServer
import CardService
import Foundation

/// `cancuoc call METHOD [JSON]`: one request to the daemon, the result printed as JSON.
/// For operators and integrators trying the API by hand (docs/api.md).
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Send one request to cancuocd and print the result.",
        discussion: """
            Example: cancuoc call card.read '{"key":{"id":"001090537057"},"waitForCardSeconds":10}'
            Exit codes: 0 result, 1 error (printed as JSON on stdout), 7 daemon not reachable.
            """
    )

    @Argument(help: "The method, e.g. hello, readers.list, card.read.")
    var method: String
    @Argument(help: "The params as a JSON object (default {}).")
    var params: String = "{}"
    @Option(help: "The daemon's socket.")
    var socket: String = "/run/cancuoc/api.sock"
    @Flag(help: "Also print notifications (read.progress) that arrive before the response, on stderr.")
    var progress = false

    func run() throws {
        let parsed: JSONValue
        do {
            parsed = try JSONParser(maxDepth: 64).parse(params)
        } catch {
            throw ValidationError("params are not valid JSON: \(error)")
        }
        guard parsed.objectValue != nil else { throw ValidationError("params must be a JSON object") }
        let connection: UnixSocketClient
        do {
            connection = try UnixSocketClient(path: socket)
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.pcscUnavailable.rawValue)
        }
        let response: JSONValue
        do {
            response = try connection.call(method: method, params: parsed) { note in
                if progress { FileHandle.standardError.write(Data((note.serialized + "\n").utf8)) }
            }
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.pcscUnavailable.rawValue)
        }
        if let result = response["result"] {
            Output.line(result.serialized)
            return
        }
        Output.line((response["error"] ?? response).serialized)
        throw ExitCode(ExitStatus.failure.rawValue)
    }
}
