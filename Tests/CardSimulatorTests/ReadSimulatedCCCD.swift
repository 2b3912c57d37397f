import CCCD
import MRTD
import SmartCard
import Testing

@testable import CardSimulator

/// The terminal (`DocumentReader`) against the simulated chip, in-process: the protocol
/// stack end to end without pcscd. The same reads through pcscd + vpcd live in
/// CardServiceTests (ReadCardThroughPCSCD).
@Suite struct ReadSimulatedCCCD {
    static let profiles = CitizenProfile.bundledNames

    @Test(arguments: profiles)
    func paceWithTheCANFromTheIDReadsEveryField(name: String) async throws {
        let profile = try CitizenProfile.load(named: name)
        let chip = try SimulatedCCCD.make(profile: profile)
        _ = await chip.powerOn()
        let key = try CCCDKeys.can(idNumber: profile.dg13.idNumber)
        let read = try await DocumentReader().read(
            over: SimulatedCardChannel(card: chip),
            request: ReadRequest(key: key)
        )
        #expect(read.access.method == .pace)
        #expect(read.access.reason.contains("PACE"))
        let record = try CitizenRecord(chipRead: read, includeFaceData: false)
        #expect(record.person.idNumber == profile.dg13.idNumber)
        #expect(record.person.fullName == profile.dg13.fullName)
        #expect(record.person.placeOfResidence == profile.dg13.placeOfResidence)
        #expect(record.document.mrz == profile.mrz)
        #expect(record.face?.width == profile.faceWidth)
        #expect(record.face?.data == nil)
        #expect(read.files[.dg2] == (try profile.files())[.dg2])
        #expect(read.protected.contains(.dg3))
        #expect(record.stats.files.map(\.name).contains("DG2"))
        #expect(record.stats.apdus == record.stats.files.reduce(0) { $0 + $1.apdus } + paceAndSelectAPDUs)
    }

    /// MSE:Set AT, four GENERAL AUTHENTICATE, SELECT application.
    let paceAndSelectAPDUs = 6

    @Test func bacWithTheMRZReadsTheSameRecord() async throws {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let chip = try SimulatedCCCD.make(profile: profile)
        _ = await chip.powerOn()
        var request = ReadRequest(key: try MRZ(lines: profile.mrz).accessKey)
        request.forceBAC = true
        let read = try await DocumentReader().read(over: SimulatedCardChannel(card: chip), request: request)
        #expect(read.access.method == .bac)
        #expect(read.access.reason == "BAC requested")
        #expect(try CitizenRecord(chipRead: read, includeFaceData: true).face?.data?.isEmpty == false)
    }

    @Test func aChipWithoutPACEFallsBackToBACAndSaysWhy() async throws {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let chip = try SimulatedCCCD.make(profile: profile, options: .init(supportsPACE: false))
        _ = await chip.powerOn()
        let read = try await DocumentReader().read(
            over: SimulatedCardChannel(card: chip),
            request: ReadRequest(key: try MRZ(lines: profile.mrz).accessKey)
        )
        #expect(read.access.method == .bac)
        #expect(read.access.reason.contains("no PACE"))
    }

    @Test func extendedLengthNeedsFewerAPDUsThanShortOnly() async throws {
        let profile = try CitizenProfile.load(named: "le-thi-hong-nhung")
        let key = try CCCDKeys.can(idNumber: profile.dg13.idNumber)
        var counts: [Int] = []
        for options in [SimulatedCCCD.Options.shortOnly, .extendedLength] {
            let chip = try SimulatedCCCD.make(profile: profile, options: options)
            _ = await chip.powerOn()
            let read = try await DocumentReader().read(
                over: SimulatedCardChannel(card: chip),
                request: ReadRequest(key: key)
            )
            #expect(read.extendedLength == (options.maxResponseData > 256))
            counts.append(read.stats.apdus)
        }
        #expect(counts[1] < counts[0] / 3)
    }

    @Test func aWrongCANIsWrongKeyAndTheNextReadWorks() async throws {
        let profile = try CitizenProfile.load(named: "dang-ngoc-mai")
        let chip = try SimulatedCCCD.make(profile: profile)
        _ = await chip.powerOn()
        await #expect(throws: ReadError.self) {
            try await DocumentReader().read(
                over: SimulatedCardChannel(card: chip),
                request: ReadRequest(key: .can("000000"))
            )
        }
        do {
            _ = try await DocumentReader().read(
                over: SimulatedCardChannel(card: chip),
                request: ReadRequest(key: .can("000000"))
            )
        } catch .wrongKey {
        } catch {
            Issue.record("expected wrongKey, got \(error)")
        }
        _ = await chip.powerOn()
        let read = try await DocumentReader().read(
            over: SimulatedCardChannel(card: chip),
            request: ReadRequest(key: try CCCDKeys.can(idNumber: profile.dg13.idNumber))
        )
        #expect(read.files[.dg13] != nil)
    }

    @Test func aCANOnAChipWithoutPACECannotOpenIt() async throws {
        let profile = try CitizenProfile.load(named: "dang-ngoc-mai")
        let chip = try SimulatedCCCD.make(profile: profile, options: .init(supportsPACE: false))
        _ = await chip.powerOn()
        do {
            _ = try await DocumentReader().read(
                over: SimulatedCardChannel(card: chip),
                request: ReadRequest(key: .can("123456"))
            )
            Issue.record("expected accessFailed")
        } catch .accessFailed(let why) {
            #expect(why.contains("MRZ"))
        } catch {
            Issue.record("expected accessFailed, got \(error)")
        }
    }
}
