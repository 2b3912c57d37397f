import CCCD
import CancuocAPI
import CancuocUsage
import CardService
import Foundation
import Logging
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
        let wait = params.waitForCardSeconds ?? 0
        guard wait >= 0, wait <= configuration.maxWaitForCardSeconds else {
            throw APIError.invalidParams(
                "waitForCardSeconds must be between 0 and \(configuration.maxWaitForCardSeconds)"
            )
        }
        let skipFace = params.skipFace ?? false
        guard !(skipFace && params.includeFace == true) else {
            throw APIError.invalidParams("includeFace and skipFace cannot both be true")
        }
        guard !(skipFace && params.faceCheck == true) else {
            throw APIError.invalidParams("faceCheck needs the face: skipFace cannot be true")
        }
        let key: ResolvedKey
        do {
            key = try params.key.resolve()
        } catch {
            throw error.apiError()
        }
        let deadline = ContinuousClock.now + .seconds(wait)
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
        var options = CardReadOptions(
            key: key,
            includeFace: params.includeFace == true || params.faceCheck == true,
            waitForCard: max(.zero, deadline - .now),
            progress: { step, done, total in
                connection.notify(.readProgress(ReadProgress(reader: readerID, step: step, done: done, total: total)))
            }
        )
        options.readFace = !skipFace
        options.identity = { record in connection.notify(.readIdentity(ReadIdentity(reader: readerID, record: record)))
        }
        let result = await read(on: session, options: options, metadata: connection.logMetadata)
        switch result {
        case .success(var record):
            wrongKeys.rightKey(caller: caller, reader: readerID)
            keepPortraitForFaceCheck(&record, params: params, connection: connection)
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
        options: CardReadOptions,
        metadata: Logger.Metadata,
        scanner: String? = nil
    ) async -> Result<CitizenRecord, ReadFailure> {
        var options = options
        options.trust = { [trustDirectory] in trustDirectory.current() }
        options.timeout = .seconds(configuration.readTimeoutSeconds)
        let job = ReadJob(readerName: session.info.name, identity: session.info.identity, options: options)
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
        let event: ReadEvent
        var completed = ReadCompleted(
            reader: readerID,
            name: session.info.name,
            outcome: "ok",
            durationMs: Int(elapsed.milliseconds),
            trigger: scanner == nil ? nil : "scanner",
            scanner: scanner
        )
        switch result {
        case .success(let record):
            event = ReadEvent(readerID: readerID, record: record)
            completed.access = record.access.method
            completed.verification = record.verification.status.rawValue
            completed.durationMs = record.stats.durationMs
            completed.apdus = record.stats.apdus
            metadata["access"] = "\(record.access.method)"
            metadata["verification"] = "\(record.verification.status.rawValue)"
        case .failure(let failure):
            event = ReadEvent(readerID: readerID, failure: failure, durationMs: Int(elapsed.milliseconds))
            completed.outcome = failure.reason
            if case .internal(let why) = failure {
                // Internal errors are logged in full (they come from our code, not the chip's data).
                logger.error("read failed internally", metadata: ["reader": "\(readerID)", "error": "\(why)"])
            }
        }
        metadata["outcome"] = "\(completed.outcome)"
        metadata["durationMs"] = "\(completed.durationMs)"
        logger.info(scanner == nil ? "card.read" : "scanned read", metadata: metadata)
        await usage.readFinished(event)
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
