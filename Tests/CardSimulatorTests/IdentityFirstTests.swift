import CCCD
import MRTD
import SmartCard
import Synchronization
import Testing

@testable import CardSimulator

/// Identity first (docs/design.md §5): what identifies and verifies the person is read, and can be
/// verified, before the face; the face can be skipped; the peers' order is still available.
@Suite struct IdentityFirstReading {
    /// What a read did, in order: the files it started (progress) and the identity checkpoint.
    final class Journal: Sendable {
        let entries = Mutex<[String]>([])
        let identity = Mutex<(ChipRead, [DataGroupID])?>(nil)
        var steps: [String] { entries.withLock { $0 } }

        func attach(to request: inout ReadRequest) {
            request.progress = { step, _, _ in self.entries.withLock { $0.append(step) } }
            request.identityRead = { read, toRead in
                self.entries.withLock { $0.append("identity") }
                self.identity.withLock { $0 = (read, toRead) }
            }
        }
    }

    static let citizen = try! CitizenProfile.load(named: "le-thi-hong-nhung")

    /// A short-APDU chip, as most readers see it: the face is most of the APDUs.
    static func read(
        options: SimulatedCCCD.Options = .shortOnly,
        card: SimulatedCCCD.Card? = nil,
        configure: (inout ReadRequest) -> Void = { _ in }
    ) async throws -> (ChipRead, Journal, TrustStore, [CommandAPDU]) {
        let card = try card ?? SimulatedCCCD.build(profile: citizen, options: options)
        let recorder = CommandRecorder(inner: card.handler)
        _ = await recorder.powerOn()
        var request = ReadRequest(key: try CCCDKeys.can(idNumber: citizen.dg13.idNumber))
        let journal = Journal()
        journal.attach(to: &request)
        configure(&request)
        let read = try await DocumentReader().read(over: SimulatedCardChannel(card: recorder), request: request)
        return (read, journal, card.trustStore, recorder.commands)
    }

    @Test func theIdentityIsCompleteAndVerifiedBeforeTheFaceIsRead() async throws {
        let (read, journal, trust, _) = try await Self.read()
        #expect(journal.steps == ["DG13", "DG1", "DG14", "SOD", "identity", "DG2", "DG15", "DG3"])
        let (identity, toRead) = try #require(journal.identity.withLock { $0 })
        #expect(Set(identity.files.keys) == [.com, .dg13, .dg1, .dg14, .sod])
        #expect(identity.chipAuthentication == .passed)
        #expect(toRead.contains(.dg2))
        #expect(
            identity.stats.apdus > 0 && identity.stats.apdus < read.stats.apdus / 2,
            "the face is most of the APDUs"
        )

        let early = try CitizenRecord.build(from: identity, includeFace: false, trust: trust)
        let full = try CitizenRecord.build(from: read, includeFace: false, trust: trust)
        #expect(early.verification.status == .verified)
        #expect(early.verification.passive.status == .passed)
        #expect(early.verification.chip.status == .passed)
        #expect(early.person == full.person)
        #expect(early.face == nil && full.face != nil)
        #expect(full.faceStatus == .read)
        #expect(full.verification.status == .verified)
    }

    @Test func withoutTheFaceDG2IsNeverAskedForAndTheRecordSaysSo() async throws {
        let (read, journal, trust, commands) = try await Self.read { $0.options.skipFace = true }
        #expect(!journal.steps.contains("DG2"))
        #expect(read.files[.dg2] == nil)
        #expect(read.skipped == [.dg2])
        // Neither SELECT 0102 nor READ BINARY with short EF 2, even under secure messaging:
        // the header stays in the clear.
        #expect(!commands.contains { $0.ins == 0xB0 && $0.p1 == 0x80 | DataGroupID.dg2.shortFileID })
        let record = try CitizenRecord.build(from: read, includeFace: false, trust: trust)
        #expect(record.face == nil)
        #expect(record.faceStatus == .skipped)
        #expect(record.verification.status == .verified, "the verdict covers the files read")
        #expect(!record.stats.files.map(\.name).contains("DG2"))
    }

    @Test func thePeersOrderReadsByNumberWithTheSODLastAndGivesTheSameRecord() async throws {
        let card = try SimulatedCCCD.build(profile: Self.citizen, options: .shortOnly)
        let (ours, _, trust, _) = try await Self.read(card: card)
        let (read, journal, _, _) = try await Self.read(card: card) { $0.options.order = .sequential }
        #expect(journal.steps == ["DG1", "DG2", "DG3", "DG13", "DG14", "DG15", "SOD"])
        #expect(journal.identity.withLock { $0 } == nil)
        #expect(read.files == ours.files)
        let a = try CitizenRecord.build(from: ours, includeFace: true, trust: trust)
        let b = try CitizenRecord.build(from: read, includeFace: true, trust: trust)
        #expect(a.person == b.person && a.face == b.face)
        #expect(a.verification == b.verification)
    }

    @Test func whenChipAuthenticationFailsActiveAuthenticationComesBeforeTheCheckpointAndRunsOnce() async throws {
        let (read, journal, _, commands) = try await Self.read(
            options: .init(maxResponseData: 256, forgery: .chipKey(.dg14WrongKey))
        )
        let (identity, _) = try #require(journal.identity.withLock { $0 })
        #expect(identity.chipAuthentication != .passed)
        #expect(identity.files[.dg15] != nil)
        #expect(identity.activeAuthentication == .passed)
        #expect(journal.steps.firstIndex(of: "DG15")! < journal.steps.firstIndex(of: "identity")!)
        #expect(journal.steps.filter { $0 == "DG15" }.count == 1)
        #expect(commands.filter { $0.ins == 0x88 }.count == 1)
        #expect(read.activeAuthentication == .passed)
    }
}

/// Records every command a card was sent (the wire, outside secure messaging).
final class CommandRecorder: APDUHandler {
    let inner: any APDUHandler
    private let log = Mutex<[CommandAPDU]>([])
    var commands: [CommandAPDU] { log.withLock { $0 } }

    init(inner: any APDUHandler) { self.inner = inner }

    func powerOn() async -> [UInt8] { await inner.powerOn() }
    func powerOff() async { await inner.powerOff() }
    func process(_ command: CommandAPDU) async -> ResponseAPDU {
        log.withLock { $0.append(command) }
        return await inner.process(command)
    }
}
