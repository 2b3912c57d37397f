import CCCD
import CancuocAPI
import CardService
import Logging
import PCSC

extension DaemonCore {
    /// `reader.diagnose`: the technician's checklist for an HIS to show (docs/api.md). Personal
    /// data from a test read appears only with `"show": true`, and only to this client.
    ///
    /// The test read is a read like any other: it claims the reader as `card.read` does (a
    /// diagnosis asked while a read runs on the reader gets `readerBusy`, at once), runs
    /// through `read(on:)` (the one deadline, the usage log, `read.completed`).
    func diagnose(_ params: DiagnoseParams, connection: Connection) async throws -> DiagnosticReport {
        if params.key != nil, let session = try? await registry.session(for: params.reader),
            await session.isReading
        {
            throw ReadFailure.readerBusy.apiError(reader: session.info.id.rawValue)
        }
        let diagnostics = ReaderDiagnostics(
            reader: params.reader,
            key: params.key,
            showPersonalData: params.show ?? false
        ) { [self] reader, request in
            await self.testRead(on: reader, request: request, metadata: connection.logMetadata)
        }
        return await diagnostics.run()
    }

    /// A diagnosis's test read, under the reader's claim.
    private func testRead(
        on reader: ReaderInfo,
        request: CardReadRequest,
        metadata: Logger.Metadata
    ) async -> Result<CitizenRecord, ReadFailure> {
        let session: ReaderSession
        do throws(ReadFailure) {
            session = try await registry.session(for: reader.id.rawValue)
            try await session.claim(waitingForAbandonedReadUpTo: .seconds(3))
        } catch {
            return .failure(error)
        }
        return await read(on: session, request: request, metadata: metadata.merging(["diagnose": "true"]) { $1 })
    }
}
