import CancuocAPI
import CardService

extension DaemonCore {
    /// `reader.diagnose` (issue 7): the technician's checklist for an HIS to show. Personal
    /// data from a test read appears only with `"show": true`, and only to this client.
    func diagnose(_ params: DiagnoseParams) async -> DiagnosticReport {
        await ReaderDiagnostics(reader: params.reader, key: params.key, showPersonalData: params.show ?? false).run()
    }
}
