import CCCD
import CancuocAPI
import CardService
import Foundation
import Logging

/// Scan-and-tap (docs/integration.md): serial QR scanners paired with readers.
/// A scanned card front becomes the key of the next card on the paired reader; the record
/// then goes to `"records": true` subscribers only (docs/design.md §9.6), since no client asked.
extension DaemonCore {
    /// Starts one `SerialLineSource` per configured scanner, feeding `pairing`.
    func startScanners() {
        for scanner in configuration.scanners {
            let source = SerialLineSource(path: scanner.device, logger: logger)
            let lines = source.lines()
            let task = Task { [pairing] in
                for await line in lines {
                    await pairing.scanned(line, scanner: scanner.device, reader: scanner.reader)
                }
            }
            keep(scanner: source, task: task)
        }
    }

    /// A card arrived on `readerName`: when a scan waits for that reader, read the card with
    /// it, in a task of its own so reader events keep flowing meanwhile.
    func cardInsertedForScan(readerName: String) async {
        guard !configuration.scanners.isEmpty,
            let session = await registry.all.first(where: { $0.info.name == readerName }),
            let scan = await pairing.take(readerID: session.info.id.rawValue, name: session.info.name)
        else { return }
        Task { await self.scanRead(scan, session: session) }
    }

    /// One read with a scanned key. Used once whatever happens: a wrong key (the QR of another
    /// card) ends here with `read.completed` `wrongKey`, never a retry.
    func scanRead(_ scan: ScannerPairing.Scan, session: ReaderSession) async {
        let metadata: Logger.Metadata = ["reader": "\(session.info.id.rawValue)", "scanner": "\(scan.scanner)"]
        let key: ResolvedKey
        do {
            key = try KeySpec(qr: scan.text).resolve()
            try await session.claim()
        } catch {
            logger.warning("scan not used", metadata: metadata.merging(["reason": "\(error.reason)"]) { $1 })
            return
        }
        let result = await read(
            on: session,
            request: CardReadRequest(key: key),
            metadata: metadata,
            scanner: scan.scanner
        )
        guard case .success(let record) = result else { return }
        let comparison = QRChipComparison(qr: scan.qr, chip: record.person)
        subscribers.broadcast(
            .cardRecord(
                CardRecordEvent(
                    reader: session.info.id.rawValue,
                    name: session.info.name,
                    scanner: scan.scanner,
                    record: record,
                    qrMatchesChip: comparison.matches,
                    qrMismatches: comparison.mismatches.map(\.rawValue),
                    qrCompared: comparison.compared.map(\.rawValue)
                )
            )
        )
    }

    /// `qr.scanned`: a scan no card followed, with the QR's own fields and nothing from a
    /// chip, so `"verified": false` (a printed QR is easily forged).
    static func qrScanned(_ scan: ScannerPairing.Scan) -> QRScanned {
        let qr = scan.qr
        return QRScanned(
            reader: scan.reader,
            scanner: scan.scanner,
            verified: false,
            qr: QRScanned.Fields(
                idNumber: qr.idNumber,
                oldIdNumber: qr.oldIdNumber,
                fullName: qr.fullName,
                dateOfBirth: qr.dateOfBirth,
                sex: qr.sex?.rawValue,
                placeOfResidence: qr.placeOfResidence,
                dateOfIssue: qr.dateOfIssue
            )
        )
    }
}
