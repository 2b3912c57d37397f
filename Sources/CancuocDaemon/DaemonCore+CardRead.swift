import CCCD
import CancuocAPI
import CancuocUsage
import CardService
import Foundation
import Logging
import MRTD
import PCSC

extension DaemonCore {
    /// One read for one client (docs/api.md `card.read`).
    ///
    /// - Exclusive per reader: a second request while a read runs gets `readerBusy` at once.
    /// - Bounded: one deadline, the card wait plus `readTimeoutSeconds`; past it the client gets
    ///   `timeout` even if a PC/SC call is still blocked, and the reader stays busy until that
    ///   call returns.
    /// - Identity first: the caller gets `read.identity` (the verified record without the
    ///   face) before the face is read, then the full record as the response.
    /// - Private: the record goes only to this client; every subscriber gets
    ///   `read.completed` with outcome and timings only.
    /// - Cancelled when the client disconnects (the connection cancels this task).
    func cardRead(_ params: CardReadParams, connection: Connection) async throws -> CitizenRecord {
        do throws(ReadOptions.Invalid) {
            try params.options.validate(maxWait: .seconds(configuration.maxWaitForCardSeconds))
        } catch {
            throw APIError.invalidParams(error.message)
        }
        guard !(params.options.skipFace && params.faceCheck == true) else {
            throw APIError.invalidParams("faceCheck needs the face: skipFace cannot be true")
        }
        let key: ResolvedKey
        do {
            key = try params.key.resolve()
        } catch {
            throw error.apiError()
        }
        let deadline = ContinuousClock.now + params.options.waitForCard
        let caller = connection.principal.throttleKey
        let session: ReaderSession
        do throws(ReadFailure) {
            session = try await chooseSession(params.reader, until: deadline)
            let penalty = wrongKeys.delay(caller: caller, reader: session.info.id.rawValue)
            if penalty > .zero {
                logger.notice(
                    "slowing down repeated wrong keys",
                    metadata: connection.logMetadata.merging(
                        ["reader": "\(session.info.id.rawValue)", "delayMs": "\(penalty.milliseconds)"]) { $1 }
                )
                do { try await Task.sleep(for: penalty) } catch { throw ReadFailure.cancelled }
            }
            try await session.claim(waitingForAbandonedReadUpTo: .seconds(3))
        } catch {
            logger.info("read refused", metadata: connection.logMetadata.merging(["reason": "\(error.reason)"]) { $1 })
            throw error.apiError(reader: params.reader)
        }
        let readerID = session.info.id.rawValue
        var options = params.options
        options.waitForCard = max(.zero, deadline - .now)
        if params.faceCheck == true { options.includeFace = true }
        var request = CardReadRequest(key: key, options: options) { step, done, total in
            connection.notify(.readProgress(ReadProgress(reader: readerID, step: step, done: done, total: total)))
        }
        request.identity = { record in connection.notify(.readIdentity(ReadIdentity(reader: readerID, record: record)))
        }
        let result = await read(on: session, request: request, metadata: connection.logMetadata)
        switch result {
        case .success(var record):
            wrongKeys.rightKey(caller: caller, reader: readerID)
            keepPortraitForFaceCheck(&record, params: params, readerID: readerID, connection: connection)
            return record
        case .failure(.wrongKey):
            var error = ReadFailure.wrongKey.apiError(reader: readerID)
            let next = wrongKeys.wrongKey(caller: caller, reader: readerID)
            if next > .zero { error.detail["retryDelayMs"] = .int(next.milliseconds) }
            throw error
        case .failure(let failure):
            throw failure.apiError(reader: readerID)
        }
    }

    /// The one read job of the daemon, for `card.read` and scan-and-tap: the reader is
    /// already claimed; one deadline; release; report (log, usage, `read.completed`).
    func read(
        on session: ReaderSession,
        request: CardReadRequest,
        metadata: Logger.Metadata,
        scanner: String? = nil
    ) async -> Result<CitizenRecord, ReadFailure> {
        var request = request
        request.trust = { [trustDirectory] in trustDirectory.current() }
        request.timeout = .seconds(configuration.readTimeoutSeconds)
        let job = ReadJob(readerName: session.info.name, identity: session.info.identity, request: request)
        let started = ContinuousClock.now
        let task = Task { await job.run(release: { await session.release() }) }
        let result: Result<CitizenRecord, ReadFailure>
        if let tracked = track(task) {
            result = await withTaskCancellationHandler {
                await task.value
            } onCancel: {
                task.cancel()
                Task { await session.abandon() }
            }
            untrack(tracked)
        } else {
            task.cancel()
            result = .failure(.cancelled)
        }
        await report(result, session: session, elapsed: .now - started, metadata: metadata, scanner: scanner)
        return result
    }

    /// What every read leaves behind, whoever started it: a log line without personal data,
    /// the usage log entry, and `read.completed` (outcome and timings only) to every
    /// subscriber. `scanner` names the scanner of a scan-and-tap read (`"trigger":"scanner"`).
    private func report(
        _ result: Result<CitizenRecord, ReadFailure>,
        session: ReaderSession,
        elapsed: Duration,
        metadata: Logger.Metadata,
        scanner: String?
    ) async {
        let readerID = session.info.id.rawValue
        var metadata = metadata.merging(["reader": "\(readerID)"]) { $1 }
        var completed = ReadCompleted(
            reader: readerID,
            name: session.info.name,
            outcome: .ok,
            durationMs: Int(elapsed.milliseconds),
            trigger: scanner == nil ? nil : "scanner",
            scanner: scanner
        )
        var bytes = 0
        switch result {
        case .success(let record):
            completed.access = record.access.method
            completed.verification = record.verification.status
            completed.durationMs = record.stats.durationMs
            completed.apdus = record.stats.apdus
            bytes = record.stats.bytesSent + record.stats.bytesReceived
            metadata["access"] = "\(record.access.method.rawValue)"
            metadata["verification"] = "\(record.verification.status.rawValue)"
        case .failure(let failure):
            completed.outcome = .failed(failure.kind)
            if case .internal(let why) = failure {
                // Internal errors are logged in full (they come from our code, not the chip's data).
                logger.error("read failed internally", metadata: ["reader": "\(readerID)", "error": "\(why)"])
            }
        }
        metadata["outcome"] = "\(completed.outcome.rawValue)"
        metadata["durationMs"] = "\(completed.durationMs)"
        logger.info(scanner == nil ? "card.read" : "scanned read", metadata: metadata)
        await usage.readFinished(
            ReadEvent(
                readerID: readerID,
                outcome: completed.outcome,
                access: completed.access,
                verification: completed.verification,
                durationMs: completed.durationMs,
                apdus: completed.apdus ?? 0,
                bytes: bytes
            )
        )
        subscribers.broadcast(.readCompleted(completed))
    }

    /// The reader a request means. Without a named reader and with several connected, the
    /// one that gets a card first within the wait is chosen (so "wait for the card" works on
    /// a desk with two readers, as vpcd always has); likewise a reader plugged in meanwhile.
    func chooseSession(
        _ wanted: String?,
        until deadline: ContinuousClock.Instant
    ) async throws(ReadFailure) -> ReaderSession {
        await registry.waitUntilSettled(upTo: .seconds(1))
        while true {
            do {
                return try await registry.session(for: wanted)
            } catch .noReader(let why) {
                guard wanted == nil, ContinuousClock.now < deadline else { throw .noReader(why) }
            }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                throw .cancelled
            }
        }
    }
}
