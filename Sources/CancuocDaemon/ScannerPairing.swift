import CCCD
import CardService
import Logging

/// Scan-and-tap (docs/integration.md §5): a CCCD QR scanned on a paired scanner becomes the pending key of
/// that scanner's reader, so the next card placed there opens without anyone typing.
///
/// - One pending scan per reader; a new scan replaces it (the clerk rescanned, or moved on
///   to the next patient).
/// - `take` hands it out once and forgets it, whatever the read's outcome: a wrong key is
///   never tried again, so a mismatched card cannot drive the chip's PACE retry counter.
/// - Unused after `pendingDuration`, it is handed to `expired` (the daemon's `qr.scanned`,
///   a QR-only check-in) and forgotten.
/// - The QR text is personal data: it lives only here, in memory, until used or expired;
///   logs say "scan received" with the scanner, never the text.
actor ScannerPairing {
    /// A scanned card front waiting for its chip.
    struct Scan: Sendable {
        /// The configured device path: an identifier, not personal data.
        let scanner: String
        /// The configured reader (id or name).
        let reader: String
        let text: String
        let qr: CCCDQRCode
        fileprivate let generation: UInt64
    }

    let pendingDuration: Duration
    private let expired: @Sendable (Scan) -> Void
    private let logger: Logger
    private var pending: [String: (scan: Scan, timer: Task<Void, Never>)] = [:]
    private var generation: UInt64 = 0
    private var stopped = false

    init(pendingDuration: Duration, logger: Logger, expired: @escaping @Sendable (Scan) -> Void) {
        self.pendingDuration = pendingDuration
        self.logger = logger
        self.expired = expired
    }

    /// A line from `scanner`, paired with `reader`. Returns whether it was a CCCD QR (and so
    /// is now pending); anything else is ignored with a log line that carries no content.
    @discardableResult
    func scanned(_ line: String, scanner: String, reader: String) -> Bool {
        guard !stopped else { return false }
        let qr: CCCDQRCode
        do throws(CCCDError) {
            qr = try CCCDQRCode(line)
        } catch {
            // The sentence only, never the line (it may be another card's personal data).
            logger.info(
                "scanner line ignored",
                metadata: ["scanner": "\(scanner)", "why": "\(KeyError(error, scanned: true).message)"]
            )
            return false
        }
        generation += 1
        let scan = Scan(scanner: scanner, reader: reader, text: line, qr: qr, generation: generation)
        pending[reader]?.timer.cancel()
        let duration = pendingDuration
        let timer = Task { [weak self] in
            do {
                try await Task.sleep(for: duration)
            } catch {
                return
            }
            await self?.expire(reader: reader, generation: scan.generation)
        }
        pending[reader] = (scan, timer)
        logger.info("scan received", metadata: ["scanner": "\(scanner)", "reader": "\(reader)"])
        return true
    }

    /// The pending scan for a reader known by `id` and `name` (the configuration may use
    /// either), removed so it is used at most once.
    func take(readerID: String, name: String) -> Scan? {
        for key in [readerID, name] {
            if let entry = pending.removeValue(forKey: key) {
                entry.timer.cancel()
                return entry.scan
            }
        }
        return nil
    }

    /// Whether a scan waits for a card on `reader` (tests and diagnostics).
    func isPending(reader: String) -> Bool { pending[reader] != nil }

    /// Forgets every pending scan without reporting it (the daemon is stopping).
    func stop() {
        stopped = true
        for entry in pending.values { entry.timer.cancel() }
        pending = [:]
    }

    private func expire(reader: String, generation: UInt64) {
        guard let entry = pending[reader], entry.scan.generation == generation else { return }
        pending[reader] = nil
        logger.info(
            "scan expired without a card",
            metadata: ["scanner": "\(entry.scan.scanner)", "reader": "\(reader)"]
        )
        expired(entry.scan)
    }
}
