import Logging
import SmartCard

/// Opens a chip and reads its files: the terminal's whole side of ICAO 9303-11 §4 for one
/// card session, over any `CardChannel`.
///
/// Access policy (docs/design.md §4): PACE when EF.CardAccess offers a variant we support; BAC only when
/// the chip offers no PACE, PACE failed for a protocol reason, or the caller forces it. A
/// refused password is `wrongKey` and never retried under BAC. The result says which ran and
/// why. `SELECT MF` is never sent (CCCD chips answer `6D00`).
///
/// Identity first (docs/design.md §5, `ReadingPlan`): DG13, DG1, DG14 and EF.SOD are read before the
/// face, and `ReadRequest.identityRead` is called with what is read so far, which is enough to
/// verify the person's data; the face (most of the bytes) and the rest follow.
///
/// Chip proofs (ICAO 9303-11 §6): chip authentication runs right after DG14 is read when DG14
/// (or EF.CardAccess, for the variant) offers it, and the remaining files are read under its
/// keys; if the chip switched to keys we could not derive, the chip is opened again so the SOD
/// is still read. Active authentication runs once, only when chip authentication did not pass
/// (then before the identity checkpoint: it is the chip proof the verdict needs) or when
/// `ReadRequest.alwaysRunActiveAuthentication` asks for both (then last). `ChipRead` records
/// both outcomes; the verifier trusts them only with DG14/DG15 hashes matched.
public struct DocumentReader: Sendable {
    public static let emrtdAID: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
    /// Data groups behind Extended Access Control (ICAO 9303-11 §7): never readable here.
    public static let terminalAuthenticationFiles: Set<DataGroupID> = [.dg3, .dg4]

    private let logger = Logger(label: "cancuoc.mrtd")

    public init() {}

    public func read(over card: any CardChannel, request: ReadRequest) async throws(ReadError) -> ChipRead {
        let counter = CountingChannel(card)
        do {
            return try await run(counter: counter, request: request)
        } catch let error as ReadError {
            throw error
        } catch let error as AccessError {
            switch error {
            case .wrongKey: throw .wrongKey
            case .protocolFailure(let step, let reason): throw .unreadable("\(step): \(reason)")
            case .unsupported(let what): throw .accessFailed(what)
            }
        } catch let error as FileReadError {
            throw .unreadable(error.description)
        } catch let error as SecureMessagingError {
            throw .unreadable("secure messaging: \(error)")
        } catch let error as CardCommandError {
            throw .unreadable(error.description)
        } catch {
            throw .transport(error)
        }
    }

    private func run(counter: CountingChannel, request: ReadRequest) async throws -> ChipRead {
        let start = monotonicNanoseconds()
        var stats = ReadStatistics()

        // 1. EF.CardAccess in the MF, plain. Its first READ BINARY also asks the card whether
        //    it takes extended length, unless the reader already said it does not.
        let before = counter.snapshot
        let mayProbe = (request.readerMaxResponse ?? Int.max) > 256
        let (cardAccess, extended) = try await readCardAccess(counter, probeExtended: mayProbe)
        if let cardAccess { stats.record("CardAccess", bytes: cardAccess.count, counters: counter.snapshot - before) }
        let infos = cardAccess.flatMap { try? SecurityInfos(derEncoded: $0) }

        // 2. Access control.
        let (secure, access) = try await openChip(
            counter,
            infos: infos,
            cardAccessPresent: cardAccess != nil,
            request: request
        )
        logger.debug("chip opened", metadata: ["method": "\(access.method.rawValue)", "extendedLength": "\(extended)"])

        // 3. Files, each counted.
        let wire = extended ? min(65536, request.readerMaxResponse ?? 65536) : 256
        let chunk =
            request.options.fixedChunkSize
            ?? maxSecureMessagingPlaintext(wireLimit: wire, blockSize: secure.cipher.blockSize)
        var reader = LDSFileReader(channel: secure, chunkSize: chunk)
        var result = ChipRead(access: access, cardAccess: cardAccess, extendedLength: extended, stats: stats)

        let com = try await readCounted(.com, reader: &reader, counter: counter, into: &result)
        let listed =
            try com.map { bytes throws(FileReadError) -> [DataGroupID] in
                do { return try EFCOM(bytes).dataGroups } catch {
                    throw FileReadError.malformed("COM", detail: "\(error)")
                }
            } ?? [.dg1, .dg2, .dg13, .dg14, .dg15]
        let plan = ReadingPlan(listed: listed, request: request)
        result.skipped = listed.filter { !plan.wanted.contains($0) }
        var files = FileSession(secure: secure, reader: reader, wire: wire, plan: plan, request: request)
        let reopen = {
            try await openChip(counter, infos: infos, cardAccessPresent: cardAccess != nil, request: request).0
        }

        // 4. The identity: DG13, DG1, DG14 with chip authentication, EF.SOD. When chip
        //    authentication did not pass, active authentication is the chip proof the verdict
        //    needs, so DG15 and INTERNAL AUTHENTICATE come before the checkpoint as well.
        for dg in plan.identity {
            try await readStep(
                dg,
                files: &files,
                into: &result,
                counter: counter,
                infos: infos,
                isLast: false,
                reopen: reopen
            )
        }
        /// Chip authentication's outcome when DG14 was not read or is absent.
        func settleChipAuthentication() {
            if !plan.wanted.contains(.dg14) {
                result.chipAuthentication = listed.contains(.dg14) ? .notPerformed("DG14 not read") : .notSupported
            } else if files.done.contains(.dg14), result.files[.dg14] == nil {
                result.chipAuthentication = .notSupported
            }
        }
        var activeDone = false
        if plan.identityCheckpoint {
            settleChipAuthentication()
            if !result.chipAuthentication.isPassed, plan.rest.contains(.dg15) {
                try await readStep(
                    .dg15,
                    files: &files,
                    into: &result,
                    counter: counter,
                    infos: infos,
                    isLast: false,
                    reopen: reopen
                )
                try await activeAuthentication(
                    &result,
                    over: files.secure,
                    counter: counter,
                    listed: listed,
                    plan: plan,
                    request: request
                )
                activeDone = true
            }
            if let identityRead = request.identityRead {
                var soFar = result
                soFar.stats.finish(counter.snapshot, since: start)
                identityRead(soFar, plan.rest.filter { !files.done.contains($0) })
            }
        }
        // 5. The rest: the face, DG15, the other files; active authentication last.
        for (i, dg) in plan.rest.enumerated() where !files.done.contains(dg) {
            try await readStep(
                dg,
                files: &files,
                into: &result,
                counter: counter,
                infos: infos,
                isLast: i == plan.rest.count - 1,
                reopen: reopen
            )
        }
        settleChipAuthentication()
        if !activeDone {
            try await activeAuthentication(
                &result,
                over: files.secure,
                counter: counter,
                listed: listed,
                plan: plan,
                request: request
            )
        }
        result.stats.finish(counter.snapshot, since: start)
        return result
    }

    /// What one read carries from file to file: the secure channel (replaced when chip
    /// authentication switches keys or the chip is opened again) and whether the keys chip
    /// authentication agreed are still to be confirmed by the next answer.
    private struct FileSession {
        var secure: SecureMessagingChannel
        var reader: LDSFileReader
        let wire: Int
        var caUnconfirmed = false
        /// Files visited so far, for progress and so none is read twice.
        var done: Set<DataGroupID> = []
        let total: Int
        let progress: (@Sendable (String, Int, Int) -> Void)?

        init(secure: SecureMessagingChannel, reader: LDSFileReader, wire: Int, plan: ReadingPlan, request: ReadRequest)
        {
            self.secure = secure
            self.reader = reader
            self.wire = wire
            self.total = plan.stepCount
            self.progress = request.progress
        }
    }

    /// Reads one file of the plan; chip authentication right after DG14.
    private func readStep(
        _ dg: DataGroupID,
        files: inout FileSession,
        into result: inout ChipRead,
        counter: CountingChannel,
        infos: SecurityInfos?,
        isLast: Bool,
        reopen: () async throws -> SecureMessagingChannel
    ) async throws {
        files.done.insert(dg)
        files.progress?(dg.rawValue, files.done.count, files.total)
        if Self.terminalAuthenticationFiles.contains(dg) {
            // Fingerprints and iris need Terminal Authentication, which a clinic terminal
            // has no certificates for: report them protected without spending an APDU.
            result.protected.append(dg)
            return
        }
        do {
            let bytes: [UInt8]?
            do {
                bytes = try await readCounted(dg, reader: &files.reader, counter: counter, into: &result)
                files.caUnconfirmed = false
            } catch let error as SecureMessagingError where files.caUnconfirmed {
                // The first command under the chip-authentication keys failed its MAC: the
                // chip does not hold DG14's key. Open the chip again and read on.
                files.caUnconfirmed = false
                result.chipAuthentication = .failed(
                    "the chip did not answer under the keys agreed with the DG14 key (\(error)): it does not hold that private key"
                )
                files.secure = try await reopen()
                files.reader = LDSFileReader(channel: files.secure, chunkSize: files.reader.chunkSize)
                bytes = try await readCounted(dg, reader: &files.reader, counter: counter, into: &result)
            }
            if dg == .dg14, let bytes {
                // Chip authentication right after DG14: the rest of the read runs under its keys,
                // and the next file's first READ BINARY confirms them.
                let caStart = counter.snapshot
                (result.chipAuthentication, files.secure) = try await chipAuthentication(
                    bytes,
                    cardAccess: infos,
                    over: files.secure,
                    confirm: isLast,
                    reopen: reopen
                )
                files.caUnconfirmed = !isLast && result.chipAuthentication.isPassed
                if counter.snapshot.apdus > caStart.apdus {
                    result.stats.record("ChipAuthentication", bytes: 0, counters: counter.snapshot - caStart)
                }
                files.reader = LDSFileReader(
                    channel: files.secure,
                    chunkSize: min(
                        files.reader.chunkSize,
                        maxSecureMessagingPlaintext(wireLimit: files.wire, blockSize: files.secure.cipher.blockSize)
                    )
                )
            }
        } catch FileReadError.accessDenied {
            // A protected answer under secure messaging passed its MAC: keys confirmed.
            files.caUnconfirmed = false
            result.protected.append(dg)
        } catch FileReadError.notFound where dg != .dg1 {
            files.caUnconfirmed = false
            result.missing.append(dg)
        }
    }

    /// Chip authentication from DG14 (ICAO 9303-11 §6.2). When the chip switched to keys we
    /// could not derive (a DG14 key it does not hold), the session is gone: `reopen` opens the
    /// chip again so the remaining files and the SOD can still be read.
    private func chipAuthentication(
        _ dg14: [UInt8],
        cardAccess: SecurityInfos?,
        over secure: SecureMessagingChannel,
        confirm: Bool,
        reopen: () async throws -> SecureMessagingChannel
    ) async throws -> (AuthenticationOutcome, SecureMessagingChannel) {
        let parsed: DG14
        do { parsed = try DG14(dg14) } catch { return (.notPerformed("DG14 unreadable: \(error)"), secure) }
        let result = try await ChipAuthenticator.run(
            over: secure,
            dg14: parsed,
            cardAccess: cardAccess,
            confirm: confirm
        )
        logger.debug("chip authentication", metadata: ["outcome": "\(result.outcome)"])
        if let next = result.channel { return (result.outcome, next) }
        return (result.outcome, try await reopen())
    }

    /// Active authentication from DG15 (ICAO 9303-11 §6.1), once DG15 is read, booked in the
    /// statistics. Skipped when chip authentication passed, unless the request asks for both.
    private func activeAuthentication(
        _ read: inout ChipRead,
        over secure: SecureMessagingChannel,
        counter: CountingChannel,
        listed: [DataGroupID],
        plan: ReadingPlan,
        request: ReadRequest
    ) async throws {
        let before = counter.snapshot
        read.activeAuthentication = try await activeAuthentication(
            read,
            over: secure,
            listed: listed,
            wanted: plan.wanted,
            request: request
        )
        if counter.snapshot.apdus > before.apdus {
            read.stats.record("ActiveAuthentication", bytes: 0, counters: counter.snapshot - before)
        }
    }

    private func activeAuthentication(
        _ read: ChipRead,
        over secure: SecureMessagingChannel,
        listed: [DataGroupID],
        wanted: [DataGroupID],
        request: ReadRequest
    ) async throws -> AuthenticationOutcome {
        guard let bytes = read.files[.dg15] else {
            if !wanted.contains(.dg15) && listed.contains(.dg15) { return .notPerformed("DG15 not read") }
            return .notSupported
        }
        if read.chipAuthentication.isPassed && !request.alwaysRunActiveAuthentication {
            return .notPerformed("chip authentication passed; ICAO 9303-11 §6 prefers it to active authentication")
        }
        let dg15: DG15
        do { dg15 = try DG15(bytes) } catch { return .notPerformed("DG15 unreadable: \(error)") }
        let dg14 = read.files[.dg14].flatMap { try? DG14($0) }
        do {
            return try await ActiveAuthenticator.run(
                over: secure,
                dg15: dg15,
                dg14: dg14,
                extendedLength: read.extendedLength
            )
        } catch let error as SecureMessagingError {
            return .notPerformed("secure messaging failed during INTERNAL AUTHENTICATE: \(error)")
        }
    }

    /// Reads one file and books its statistics; `nil` when absent.
    private func readCounted(
        _ dg: DataGroupID,
        reader: inout LDSFileReader,
        counter: CountingChannel,
        into result: inout ChipRead
    ) async throws -> [UInt8]? {
        let before = counter.snapshot
        do {
            let bytes = try await reader.readFile(fid: dg.fileID, sfi: dg.shortFileID, name: dg.rawValue)
            result.files[dg] = bytes
            result.stats.record(dg.rawValue, bytes: bytes.count, counters: counter.snapshot - before)
            return bytes
        } catch let error as FileReadError {
            // Refused and absent files cost APDUs too: book them with zero bytes.
            result.stats.record(dg.rawValue, bytes: 0, counters: counter.snapshot - before)
            if case .notFound = error, dg == .com { return nil }
            throw error
        }
    }

    /// EF.CardAccess with the extended-length probe folded into its first command.
    private func readCardAccess(_ channel: any CardChannel, probeExtended: Bool) async throws -> ([UInt8]?, Bool) {
        let sfi = DataGroupID.cardAccess.shortFileID
        if probeExtended {
            let probe = CommandAPDU.readBinary(sfi: sfi, ne: 65536)
            if let r = try? await channel.transmit(probe) {
                switch r.status {
                case .success, .endOfFileReached:
                    if let h = try? TLV.decodeHeader(r.data[...]), h.valueStart + h.length <= r.data.count {
                        return (Array(r.data.prefix(h.valueStart + h.length)), true)
                    }
                    // Extended works but the answer is incomplete: read it properly.
                    var reader = LDSFileReader(channel: channel, chunkSize: 4096)
                    return (
                        try await reader.readFile(fid: DataGroupID.cardAccess.fileID, sfi: sfi, name: "CardAccess"),
                        true
                    )
                case .fileNotFound, .securityStatusNotSatisfied:
                    return (nil, false)
                default:
                    break  // 6700 and friends: short APDUs only
                }
            }
        }
        var reader = LDSFileReader(channel: channel, chunkSize: 256)
        do {
            return (try await reader.readFile(fid: DataGroupID.cardAccess.fileID, sfi: sfi, name: "CardAccess"), false)
        } catch FileReadError.notFound {
            return (nil, false)
        } catch FileReadError.accessDenied {
            return (nil, false)
        }
    }

    private func openChip(
        _ channel: any CardChannel,
        infos: SecurityInfos?,
        cardAccessPresent: Bool,
        request: ReadRequest
    ) async throws -> (SecureMessagingChannel, AccessReport) {
        var why: String
        if request.forceBAC {
            why = "BAC requested"
        } else if let infos, let pace = PACE.preferredInfo(in: infos) {
            do {
                let secure = try await PACE.establish(over: channel, key: request.key, info: pace)
                let select = CommandAPDU.selectApplication(Self.emrtdAID)
                try await secure.transmitChecked(select, step: "SELECT eMRTD application")
                return (secure, AccessReport(method: .pace, reason: "EF.CardAccess offers \(pace)"))
            } catch AccessError.wrongKey {
                throw ReadError.wrongKey
            } catch let AccessError.protocolFailure(step, reason) {
                why = "PACE failed at \(step) (\(reason)); BAC fallback"
                logger.warning(
                    "PACE failed, falling back to BAC",
                    metadata: ["step": "\(step)", "reason": "\(reason)"]
                )
            }
        } else if infos != nil {
            why = "EF.CardAccess offers no PACE variant this reader supports"
        } else {
            why = cardAccessPresent ? "EF.CardAccess is unreadable" : "no EF.CardAccess: the chip offers BAC only"
        }

        let keys = ([request.key] + request.alternativeBACKeys).filter { $0.mrzInformation != nil }
        guard !keys.isEmpty else {
            throw ReadError.accessFailed(
                "\(why), and BAC needs the MRZ data (document number, birth and expiry dates), not a CAN"
            )
        }
        let select = CommandAPDU.selectApplication(Self.emrtdAID)
        try await channel.transmitChecked(select, step: "SELECT eMRTD application")
        for (i, key) in keys.enumerated() {
            do {
                let secure = try await BAC.establish(over: channel, key: key)
                let tried = keys.count > 1 ? " (key \(i + 1) of \(keys.count))" : ""
                return (secure, AccessReport(method: .bac, reason: why + tried))
            } catch AccessError.wrongKey where i + 1 < keys.count {
                continue
            } catch AccessError.wrongKey {
                throw ReadError.wrongKey
            }
        }
        throw ReadError.wrongKey
    }
}

extension ReadStatistics {
    mutating func record(_ name: String, bytes: Int, counters c: WireCounters) {
        files.append(FileStatistics(name: name, bytes: bytes, apdus: c.apdus, milliseconds: c.milliseconds))
    }

    mutating func finish(_ total: WireCounters, since start: UInt64) {
        apdus = total.apdus
        bytesSent = total.bytesSent
        bytesReceived = total.bytesReceived
        milliseconds = Int((monotonicNanoseconds() &- start) / 1_000_000)
    }
}
