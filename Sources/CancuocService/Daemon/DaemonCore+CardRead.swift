import CCCD
import Foundation
import Logging
import PCSC

extension DaemonCore {
    /// `card.read` params (design.md §9.7).
    struct CardReadParams: Decodable {
        var reader: String?
        var key: KeySpec
        var waitForCardSeconds: Double?
        var includeFace: Bool?
    }

    /// One read for one client (docs/api.md `card.read`).
    ///
    /// - Exclusive per reader: a second request while a read runs gets `readerBusy` at once.
    /// - Bounded: the read (after the card wait) has `readTimeoutSeconds`; past it the client
    ///   gets `timeout` even if a PC/SC call is still blocked, and the reader stays busy until
    ///   that call returns.
    /// - Private: the record goes only in this response; every subscriber gets
    ///   `read.completed` with outcome and timings only (design.md §9.6).
    /// - Cancelled when the client disconnects (the server cancels this task).
    func cardRead(params: JSONValue, client: APIClient) async throws -> JSONValue {
        let request = try params.decodeParams(CardReadParams.self)
        let wait = request.waitForCardSeconds ?? 0
        guard wait >= 0, wait <= configuration.maxWaitForCardSeconds else {
            throw APIError.invalidParams("waitForCardSeconds must be between 0 and \(configuration.maxWaitForCardSeconds)")
        }
        do {
            _ = try request.key.resolve()
        } catch {
            throw error.apiError()
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(wait * 1000))
        let session: ReaderSession
        do {
            session = try await chooseSession(request.reader, until: deadline)
            try await session.claim()
        } catch {
            logger.info("read refused", metadata: Self.metadata(client).merging(["reason": "\(error.reason)"]) { $1 })
            throw error.apiError(reader: request.reader)
        }
        let readerID = session.info.id.rawValue
        let waitDuration = max(.zero, deadline - clock.now)
        var options = CardReadOptions(
            key: request.key, includeFace: request.includeFace ?? false, waitForCard: waitDuration,
            progress: { step, done, total in
                client.notify(method: "read.progress", params: [
                    "reader": .string(readerID), "step": .string(step),
                    "done": .int(Int64(done)), "total": .int(Int64(total)),
                ])
            })
        options.trust = trustDirectory.current()
        let started = clock.now
        let task = Task { () -> Result<ReadOutcome, ReadFailure> in
            let result = await Self.perform(session: session, options: options)
            await session.release()
            return result
        }
        guard let tracked = track(task) else {
            task.cancel()
            throw ReadFailure.cancelled.apiError(reader: readerID)
        }
        let limit = waitDuration + .milliseconds(Int64(configuration.readTimeoutSeconds * 1000))
        let result = await Self.race(task, limit: limit)
        untrack(tracked)

        let metadata = Self.metadata(client).merging(["reader": "\(readerID)"]) { $1 }
        await report(result, session: session, elapsed: clock.now - started, metadata: metadata)
        switch result {
        case .success(let outcome): return outcome.record
        case .failure(let failure): throw failure.apiError(reader: readerID)
        }
    }

    /// What every read leaves behind, whoever started it: a log line without personal data,
    /// the usage log entry, and `read.completed` (outcome and timings only) to every
    /// subscriber. `scanner` names the scanner of a scan-and-tap read (`"trigger":"scanner"`).
    func report(_ result: Result<ReadOutcome, ReadFailure>, session: ReaderSession, elapsed: Duration,
                metadata: Logger.Metadata, scanner: String? = nil) async
    {
        let readerID = session.info.id.rawValue
        var metadata = metadata
        var completed: [String: JSONValue] = ["reader": .string(readerID), "name": .string(session.info.name)]
        if let scanner {
            completed["trigger"] = "scanner"
            completed["scanner"] = .string(scanner)
        }
        switch result {
        case .success(let outcome):
            completed["outcome"] = "ok"
            completed["access"] = .string(outcome.access)
            completed["verification"] = .string(outcome.verification)
            completed["durationMs"] = .int(Int64(outcome.durationMs))
            completed["apdus"] = .int(Int64(outcome.apdus))
            metadata["outcome"] = "ok"
            metadata["access"] = "\(outcome.access)"
            metadata["verification"] = "\(outcome.verification)"
            metadata["durationMs"] = "\(outcome.durationMs)"
        case .failure(let failure):
            completed["outcome"] = .string(failure.reason)
            completed["access"] = .null
            completed["verification"] = .null
            completed["durationMs"] = .int(Int64(Self.milliseconds(elapsed)))
            completed["apdus"] = .null
            metadata["outcome"] = "\(failure.reason)"
            metadata["durationMs"] = "\(Self.milliseconds(elapsed))"
            if case .internal(let why) = failure {
                // Internal errors are logged in full (they come from our code, not the chip's data).
                logger.error("read failed internally", metadata: ["reader": "\(readerID)", "error": "\(why)"])
            }
        }
        logger.info(scanner == nil ? "card.read" : "scanned read", metadata: metadata)
        switch result {
        case .success(let o):
            await usage.readFinished(ReadEvent(readerID: readerID, failure: nil, access: o.access, verification: o.verification,
                                               durationMs: o.durationMs, apdus: o.apdus, bytes: o.bytes))
        case .failure(let f):
            await usage.readFinished(ReadEvent(readerID: readerID, failure: f, durationMs: Self.milliseconds(elapsed)))
        }
        subscribers.broadcast(method: "read.completed", params: .object(completed))
    }

    /// The reader a request means. Without a named reader and with several connected, the
    /// one that gets a card first within the wait is chosen (so "wait for the card" works on
    /// a desk with two readers, as vpcd always has); likewise a reader plugged in meanwhile.
    func chooseSession(_ wanted: String?, until deadline: ContinuousClock.Instant) async throws(ReadFailure) -> ReaderSession {
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

    /// The read itself, on a PC/SC context of its own so a read never queues behind the
    /// monitor's waits or another reader's chip.
    static func perform(session: ReaderSession, options: CardReadOptions)
        async -> Result<ReadOutcome, ReadFailure>
    {
        let name = session.info.name
        let identity = session.info.identity
        do {
            let record = try await PCSCContext.with { context in
                do {
                    return try await CardReading().read(reader: context.reader(named: name), identity: identity, options: options)
                } catch {
                    throw await refine(ReadFailure.classify(error), reader: context.reader(named: name))
                }
            }
            let json = try JSONValue(encoding: record)
            return .success(ReadOutcome(
                record: json, access: record.access.method, verification: record.verification.status.rawValue,
                apdus: record.stats.apdus, durationMs: record.stats.durationMs,
                bytes: record.stats.bytesSent + record.stats.bytesReceived, person: record.person))
        } catch {
            return .failure(ReadFailure.classify(error))
        }
    }

    /// A card pulled in the middle of an APDU can surface as a garbled answer (a truncated
    /// response, a parse error) rather than a PC/SC removal code. When the card is gone, or
    /// goes within half a second, that is what the user must act on: `cardRemoved`.
    static func refine(_ error: ReadFailure, reader: Reader) async -> ReadFailure {
        switch error {
        case .internal, .unreadableCard:
            break
        default:
            return error
        }
        guard let state = try? await reader.context.currentStates(of: [reader.name]).first else { return error }
        if !state.isPresent { return .cardRemoved }
        if let changed = try? await reader.context.getStatusChange([state.acknowledged()], timeout: .milliseconds(500))?.first,
           !changed.isPresent || changed.eventCount != state.eventCount
        {
            return .cardRemoved
        }
        return error
    }

    /// The read's result, `timeout` after `limit`, or `cancelled` when this request is
    /// cancelled (its client left, or the daemon stops) — whichever comes first.
    static func race(_ task: Task<Result<ReadOutcome, ReadFailure>, Never>, limit: Duration)
        async -> Result<ReadOutcome, ReadFailure>
    {
        let first = FirstResult<Result<ReadOutcome, ReadFailure>>()
        Task { first.offer(await task.value) }
        let timer = Task {
            do {
                try await Task.sleep(for: limit)
                first.offer(.failure(.timeout))
                task.cancel()
            } catch {}
        }
        let result = await withTaskCancellationHandler {
            await first.value()
        } onCancel: {
            task.cancel()
            first.offer(.failure(.cancelled))
        }
        timer.cancel()
        return result
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
