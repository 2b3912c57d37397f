import ArgumentParser
import CCCD
import CardService
import Foundation
import Logging
import MRTD
import PCSC
import Synchronization

/// `cancuoc read`: one card, read and shown as a person wants to see it (or as JSON).
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a chip ID card (CCCD) and print the citizen record.",
        discussion: """
            Give one key: --id (the 12-digit ID number; its last six digits are the CAN), --can, \
            --qr (the text of the card's QR code), --mrz (the three MRZ lines), or \
            --document-number with --birth and --expiry (YYMMDD).
            Exit codes: 0 read, 2 no reader or no card, 3 wrong key, 4 card removed, \
            5 unreadable card, 6 verification failed, 7 pcscd unreachable, 64 usage error.
            """
    )

    @Option(
        name: .long,
        help: "Reader: stable id or PC/SC name (default: the only reader, or the only one with a card)."
    )
    var reader: String?
    @OptionGroup var key: KeyOptions
    @Flag(help: "Print the record as JSON (design contract: docs/api.md).")
    var json = false
    @Flag(name: .customLong("include-face"), help: "With --json: put the face image (base64) in the record.")
    var includeFace = false
    @Option(help: "Write the face image to this file (JPEG or JPEG 2000 as stored on the chip).")
    var face: String?
    @Flag(
        name: .customLong("skip-face"),
        help: "Do not read the face image at all (faster; the verdict covers the files read)."
    )
    var skipFace = false
    @Option(
        name: .customLong("face-check"),
        help: "Compare this photo (JPEG or PNG) with the chip portrait (docs/face-check.md; needs cancuoc-face)."
    )
    var faceCheck: String?
    @Option(help: "Seconds to wait for a card to be placed.")
    var wait: Int = 10
    @Option(
        help:
            "Trust directory: CSCA certificates, master lists, CRLs (default \(TrustStore.defaultDirectory.path) when it exists)."
    )
    var trust: String?

    func validate() throws {
        guard wait >= 0 && wait <= 3600 else { throw ValidationError("--wait is 0 to 3600 seconds") }
        guard key.count == 1 else {
            throw ValidationError("give exactly one key: --id, --can, --qr, --mrz or --document-number")
        }
        guard !skipFace || (!includeFace && face == nil && faceCheck == nil) else {
            throw ValidationError("--skip-face cannot be used with --include-face, --face or --face-check")
        }
    }

    func run() async throws {
        CLILogging.bootstrap
        guard let spec = key.spec else { throw ValidationError("give a key") }
        // Without --json the identity is printed as soon as it is verified, before the face is
        // read; the rows that change (the face, the verdict) follow at the end.
        let identity = Mutex<CitizenRecord?>(nil)
        do {
            var record = try await readRecord(key: spec) { early in
                guard !json else { return }
                identity.withLock { $0 = early }
                Output.line(early.humanDescription)
            }
            if let face, let data = record.face?.data.flatMap({ Data(base64Encoded: $0) }) {
                try data.write(to: URL(fileURLWithPath: face))
            }
            let faceChecked = await CommandLineFaceCheck.outcome(photo: faceCheck, record: record)
            if !includeFace { record.face?.data = nil }
            if json, faceChecked.asked {
                Output.line(try RecordWithFaceCheck(record: record, faceCheck: faceChecked.result).json())
            } else if json {
                Output.line(try record.json(pretty: true))
            } else if let early = identity.withLock({ $0 }) {
                Output.line(record.humanDescription(since: early))
            } else {
                Output.line(record.humanDescription)
            }
            if !json, let result = faceChecked.result { Output.line(CommandLineFaceCheck.describe(result)) }
            if record.verification.status == .failed { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        } catch let failure as ReadFailure {
            // English, then Vietnamese for reception staff: the same sentences as the API's.
            Output.error(failure.message)
            Output.error(failure.messageVi)
            throw ExitCode(failure.exit.rawValue)
        }
    }

    private func readRecord(
        key: KeySpec,
        identity: @escaping @Sendable (CitizenRecord) -> Void
    ) async throws -> CitizenRecord {
        var request = try CardReadRequest(
            key: key,
            options: ReadOptions(
                includeFace: includeFace || face != nil || faceCheck != nil,
                skipFace: skipFace,
                waitForCard: .seconds(wait)
            )
        )
        let store = try TrustLoading.load(trust)
        request.trust = { store }
        request.identity = identity
        let chosen = try await chooseReader()
        return try await ReadJob(readerName: chosen.name, identity: chosen.identity, request: request).run().get()
    }

    /// The reader to read (`--reader`, else the one `ReaderSelection` picks: signature tokens left out).
    private func chooseReader() async throws -> ReaderInfo {
        let context: PCSCContext
        do {
            context = try await PCSCContext.establish()
        } catch {
            throw ReadFailure.classify(error)
        }
        do {
            let names = try await Self.readerNames(context)
            var infos: [ReaderInfo] = []
            for name in names {
                let identity = await ReaderIdentity.read(from: context.reader(named: name))
                infos.append(ReaderInfo(name: name, id: ReaderID(name: name, identity: identity), identity: identity))
            }
            let states = (try? await context.currentStates(of: names)) ?? []
            let candidates = infos.map { info in
                let state = states.first { $0.name == info.name }
                return ReaderSelection.Candidate(info: info, cardPresent: state?.isPresent ?? false, atr: state?.atr)
            }
            let chosen = try ReaderSelection.choose(reader, among: candidates)
            await context.release()
            return chosen
        } catch {
            await context.release()
            throw ReadFailure.classify(error)
        }
    }

    private static func readerNames(_ context: PCSCContext) async throws -> [String] {
        do {
            return try await context.listReaders()
        } catch {
            if error.category == .noReaders { return [] }
            throw error
        }
    }
}
