import CancuocAPI
import CardService

/// The daemon's API: a line from a client socket, and the read key an HIS sends.
enum ServiceTargets {
    /// One line as `APIConnectionHandler` receives it: the JSON parser, the JSON-RPC request
    /// checks and the error line written back. A value that parses must serialize to JSON
    /// that parses back to the same value (the server echoes ids and writes results).
    static func jsonRPC(_ data: [UInt8]) {
        _ = RequestLineDecoding.answer(toLine: data)
        let parser = JSONParser()
        guard let value = try? parser.parse(data) else { return }
        let again: JSONValue
        do {
            again = try parser.parse(value.serialized)
        } catch {
            preconditionFailure("serialized JSON does not parse: \(error)")
        }
        precondition(again == value, "JSON round trip changed the value")
    }

    /// `card.read` params: JSON → `KeySpec` (the Codable path the handler uses) → `resolve()`.
    static func keySpec(_ data: [UInt8]) {
        guard let params = try? JSONParser().parse(data),
              let spec = try? params.decodeParams(KeySpec.self) else { return }
        _ = try? spec.resolve()
    }
}
