import CancuocAPI
import CancuocUsage
import CardService
import Foundation

/// The daemon's API: a line from a client socket, and the read key an HIS sends.
enum ServiceTargets {
    /// One line as `Connection.receive` gets it: the JSON parser, the JSON-RPC request
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
            let spec = try? params.decodeParams(KeySpec.self)
        else { return }
        _ = try? spec.resolve()
    }

    /// A Prometheus `/api/v1/query` answer → samples → the clinic reports of the province
    /// roll-up (the same answer for every query) → the roll-up and its CSV and HTML.
    static func prometheusQuery(_ data: [UInt8]) {
        guard let result = try? PrometheusQueryResult.parse(Data(data)) else { return }
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let inputs = PrometheusInventory.inputs(at: now, everyAnswer: result)
        let registry = FacilityRegistry(
            facilities: inputs.compactMap(\.report.facility.id).prefix(3).map {
                .init(id: $0, name: $0, district: "D", type: "T", declaredReaderNeed: 1)
            }
        )
        let rollup = ProvinceRollup(registry: registry, inputs: inputs, now: now)
        _ = rollup.csv()
        _ = rollup.html()
    }
}
