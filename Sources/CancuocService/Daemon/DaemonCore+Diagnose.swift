import Foundation

extension DaemonCore {
    struct DiagnoseParams: Decodable {
        var reader: String?
        var key: KeySpec?
        var show: Bool?
    }

    /// `reader.diagnose` (issue 7): the technician's checklist for an HIS to show. Personal
    /// data from a test read appears only with `"show": true`, and only to this client.
    func diagnose(params: JSONValue) async throws -> JSONValue {
        let p = try params.decodeParams(DiagnoseParams.self)
        let report = await ReaderDiagnostics(reader: p.reader, key: p.key, showPersonalData: p.show ?? false).run()
        return try JSONValue(encoding: report)
    }
}
