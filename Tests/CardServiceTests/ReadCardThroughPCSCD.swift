import CCCD
import CardSimulator
import Foundation
import MRTD
import PCSC
import TestBench
import Testing

@testable import CardService

/// What a receptionist's software does through a real pcscd + vpcd + the simulated CCCD:
/// read the card with each kind of key (docs/design.md §4, "end to end").
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(3)))
struct ReadCardThroughPCSCD {
    static func read(
        _ key: KeySpec,
        profile: CitizenProfile,
        options: SimulatedCCCD.Options = .init()
    ) async throws -> CitizenRecord {
        let bench = try await PCSCBench.shared()
        return try await bench.withInserted(try SimulatedCCCD.make(profile: profile, options: options)) {
            try await PCSCContext.with { context in
                try await CardReading().read(
                    reader: context.reader(named: bench.readerName(slot: 0)),
                    identity: nil,
                    request: CardReadRequest(key: key, options: ReadOptions(waitForCard: .seconds(5)))
                )
            }
        }
    }

    static func qrText(_ p: CitizenProfile) -> String {
        let d = p.dg13
        func compact(_ date: String) -> String { date.replacingOccurrences(of: "/", with: "") }
        return [
            d.idNumber, d.oldIdNumber ?? "", d.fullName, compact(d.dateOfBirth), d.sex, d.placeOfResidence,
            compact(d.dateOfIssue),
        ]
        .joined(separator: "|")
    }

    @Test(arguments: CitizenProfile.bundledNames)
    func paceWithTheIDNumberReturnsEveryField(name: String) async throws {
        let profile = try CitizenProfile.load(named: name)
        let record = try await Self.read(KeySpec(id: profile.dg13.idNumber), profile: profile)
        let expected = try CitizenRecord(
            dg1: DG1(profile.dg1()),
            dg13: DG13(profile.dg13File()),
            dg2: nil,
            access: record.access,
            stats: record.stats
        )
        #expect(record.person == expected.person)
        #expect(record.person.fullName == profile.dg13.fullName)
        #expect(record.document.mrz == profile.mrz)
        #expect(record.access.method == .pace)
        #expect(record.face?.mimeType == "image/jpeg" && record.face?.width == profile.faceWidth)
        #expect(record.verification.status == .unverified, "no trust anchors given: at best unverified")
        #expect(record.stats.files.first { $0.name == "DG2" }?.bytes ?? 0 > 15_000)
    }

    @Test func paceWithTheCANAndWithTheQRCode() async throws {
        let profile = try CitizenProfile.load(named: "le-thi-hong-nhung")
        let can = String(profile.dg13.idNumber.suffix(6))
        let byCAN = try await Self.read(KeySpec(can: can), profile: profile)
        let byQR = try await Self.read(KeySpec(qr: Self.qrText(profile)), profile: profile)
        #expect(byCAN.person.idNumber == profile.dg13.idNumber)
        #expect(byQR.person == byCAN.person)
        #expect(byQR.access.method == .pace)
    }

    @Test func bacWithTheMRZAndWithTheDates() async throws {
        let profile = try CitizenProfile.load(named: "hoang-van-thach")
        let mrz = try MRZ(lines: profile.mrz)
        let byMRZ = try await Self.read(
            KeySpec(mrz: profile.mrz.joined(separator: "\n"), method: "BAC"),
            profile: profile
        )
        #expect(byMRZ.access.method == .bac)
        let byDates = try await Self.read(
            KeySpec(
                documentNumber: mrz.documentNumber,
                dateOfBirth: mrz.dateOfBirth,
                dateOfExpiry: mrz.dateOfExpiry,
                method: "BAC"
            ),
            profile: profile
        )
        #expect(byDates.person == byMRZ.person)
        #expect(byDates.person.dateOfExpiry == nil, "this card never expires")
    }

    @Test func aChipWithoutPACEIsReadWithBACAndTheRecordSaysWhy() async throws {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let record = try await Self.read(
            KeySpec(mrz: profile.mrz.joined(separator: "\n")),
            profile: profile,
            options: .init(supportsPACE: false)
        )
        #expect(record.access.method == .bac)
        #expect(record.access.reason?.contains("no PACE") == true)
    }

    @Test func extendedLengthNeedsFewerAPDUsThanAShortOnlyCard() async throws {
        let profile = try CitizenProfile.load(named: "dang-ngoc-mai")
        let key = KeySpec(id: profile.dg13.idNumber)
        let short = try await Self.read(key, profile: profile, options: .shortOnly)
        let extended = try await Self.read(key, profile: profile, options: .extendedLength)
        #expect(short.person == extended.person)
        #expect(extended.stats.apdus * 4 < short.stats.apdus)
        // Short-only: DG2 in the fewest 223-byte secure-messaging reads.
        let dg2 = try #require(short.stats.files.first { $0.name == "DG2" })
        #expect(dg2.apdus == (dg2.bytes + 222) / 223)
    }

    /// pcscd polls card presence every 400 ms and vpcd answers with "get ATR"; a simulator that
    /// power-cycled on it lost the secure-messaging session in every read longer than that.
    @Test func aReadLongerThanPCSCDsPresencePollKeepsItsSession() async throws {
        let profile = try CitizenProfile.load(named: "le-thi-hong-nhung")
        let clock = ContinuousClock()
        let start = clock.now
        let record = try await Self.read(
            KeySpec(id: profile.dg13.idNumber),
            profile: profile,
            options: .init(maxResponseData: 256, latency: .milliseconds(6))
        )
        #expect(clock.now - start > .milliseconds(450))
        #expect(record.stats.files.first { $0.name == "DG2" }?.bytes ?? 0 > 15_000)
    }

    @Test func aWrongKeyIsRefusedAndTheNextReadWithTheRightKeySucceeds() async throws {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let bench = try await PCSCBench.shared()
        try await bench.withInserted(try SimulatedCCCD.make(profile: profile)) {
            try await PCSCContext.with { context in
                let reader = context.reader(named: bench.readerName(slot: 0))
                await #expect(throws: ReadFailure.wrongKey) {
                    try await CardReading().read(
                        reader: reader,
                        identity: nil,
                        request: CardReadRequest(key: KeySpec(can: "123456"))
                    )
                }
                let record = try await CardReading().read(
                    reader: reader,
                    identity: nil,
                    request: CardReadRequest(key: KeySpec(id: profile.dg13.idNumber))
                )
                #expect(record.person.idNumber == profile.dg13.idNumber)
            }
        }
    }

    @Test func noCardWithinTheWaitIsNoCard() async throws {
        let bench = try await PCSCBench.shared()
        await bench.remove(slot: 1)
        _ = try await PCSCContext.with { context in
            await #expect(throws: ReadFailure.noCard) {
                try await CardReading().read(
                    reader: context.reader(named: bench.readerName(slot: 1)),
                    identity: nil,
                    request: CardReadRequest(
                        key: KeySpec(can: "123456"),
                        options: ReadOptions(waitForCard: .milliseconds(300))
                    )
                )
            }
        }
    }
}
