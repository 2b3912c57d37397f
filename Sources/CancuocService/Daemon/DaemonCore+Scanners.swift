import CCCD
import Foundation
import Logging

/// Scan-and-tap (issue 11, docs/integration.md): serial QR scanners paired with readers.
/// A scanned card front becomes the key of the next card on the paired reader; the record
/// then goes to `"records": true` subscribers only (design.md §9.6), since no client asked.
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
        let readerID = session.info.id.rawValue
        let metadata: Logger.Metadata = ["reader": "\(readerID)", "scanner": "\(scan.scanner)"]
        do {
            try await session.claim()
        } catch {
            logger.warning("scan not used: the reader is busy with another read", metadata: metadata)
            return
        }
        var options = CardReadOptions(key: KeySpec(qr: scan.text))
        options.trust = trustDirectory.current()
        options.timeout = .milliseconds(Int64(configuration.readTimeoutSeconds * 1000))
        let clock = ContinuousClock()
        let started = clock.now
        let task = Task { () -> Result<ReadOutcome, ReadFailure> in
            let result = await Self.perform(session: session, options: options)
            await session.release()
            return result
        }
        guard let tracked = track(task) else {
            task.cancel()
            return
        }
        let result = await Self.race(task, limit: .milliseconds(Int64(configuration.readTimeoutSeconds * 1000)))
        untrack(tracked)
        await report(result, session: session, elapsed: clock.now - started, metadata: metadata, scanner: scan.scanner)
        guard case .success(let outcome) = result else { return }
        let comparison = outcome.person.map { QRChipComparison(qr: scan.qr, chip: $0) }
        subscribers.broadcastRecords(method: "card.record", params: [
            "reader": .string(readerID),
            "name": .string(session.info.name),
            "scanner": .string(scan.scanner),
            "record": outcome.record,
            "qrMatchesChip": .bool(comparison?.matches ?? false),
            "qrMismatches": .array((comparison?.mismatches ?? QRChipComparison.Field.allCases).map { .string($0.rawValue) }),
            "qrCompared": .array((comparison?.compared ?? []).map { .string($0.rawValue) }),
        ])
    }

    /// `qr.scanned`: a scan no card followed, with the QR's own fields and nothing from a
    /// chip, so `"verified": false` (a printed QR is easily forged).
    static func qrScannedParams(_ scan: ScannerPairing.Scan) -> JSONValue {
        let qr = scan.qr
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "reader": .string(scan.reader),
            "scanner": .string(scan.scanner),
            "verified": false,
            "qr": [
                "idNumber": .string(qr.idNumber),
                "oldIdNumber": text(qr.oldIdNumber),
                "fullName": text(qr.fullName),
                "dateOfBirth": text(qr.dateOfBirth),
                "sex": text(qr.sex?.rawValue),
                "placeOfResidence": text(qr.placeOfResidence),
                "dateOfIssue": text(qr.dateOfIssue),
            ],
        ]
    }
}
