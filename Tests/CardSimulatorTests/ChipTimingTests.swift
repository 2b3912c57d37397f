import CCCD
import Foundation
import MRTD
import SmartCard
import Testing

@testable import CardSimulator

/// The timing model of a real chip on a real reader (docs/design.md §5): its arithmetic by hand, its
/// classification of the wire, and a timed card that really waits.
@Suite struct ChipTimingModel {
    @Test func airTimeCountsFramesAcknowledgementsAndGaps() {
        let t = ChipTiming.reader424Short
        // One frame: 244 bytes + PCB + CRC at 9 bit periods a byte, 424 kbit/s, one 205 µs gap.
        #expect(abs(t.linkMs(bytes: 244) - ((247.0 * 9 / 424) + 0.205)) < 1e-9)
        #expect(abs(t.linkMs(bytes: 244) - 5.448) < 0.001)
        // 600 bytes: three frames of at most 253, two R(ACK)s back: five headers, five gaps.
        #expect(abs(t.linkMs(bytes: 600) - 14.079) < 0.001)
        // Four times the bit rate, a quarter of the air time (gaps aside).
        let slow = ChipTiming.reader106Short
        #expect(abs((slow.linkMs(bytes: 244) - 0.205) / (t.linkMs(bytes: 244) - 0.205) - 4) < 1e-9)
    }

    @Test func aShortReadBinaryCostsWhatThePublishedFiguresGive() {
        // 19-byte secure-messaging READ BINARY, 244-byte answer (223 bytes of plaintext):
        // ~13 ms at 424 kbit/s and ~30 ms at 106 kbit/s (docs/performance.md).
        let command = CommandAPDU(cla: 0x0C, ins: 0xB0, p1: 0, p2: 0, data: Array(repeating: 0, count: 13), ne: 256)
        #expect(command.bytes.count == 19)
        let fast = ChipTiming.reader424Short.duration(of: command, responseBytes: 244)
        let slow = ChipTiming.reader106Short.duration(of: command, responseBytes: 244)
        #expect(fast > .milliseconds(11) && fast < .milliseconds(14))
        #expect(slow > .milliseconds(27) && slow < .milliseconds(32))
    }

    @Test func everyStepOfARealReadIsToldFromTheWire() async throws {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let ledger = TimingLedger()
        var instant = ChipTiming.reader424Short
        instant.bitRate = 1e12
        instant.frameGapMicroseconds = 0
        instant.turnaroundMs = 0
        instant.compute = .init(
            paceNonceMs: 0,
            paceMappingMs: 0,
            paceKeyAgreementMs: 0,
            paceMutualAuthenticationMs: 0,
            bacMs: 0,
            chipAuthenticationMs: 0,
            activeAuthenticationMs: 0,
            selectMs: 0,
            readBinaryMs: 0,
            readBinaryPerKiBMs: 0,
            otherMs: 0
        )
        let chip = TimedCard(inner: try SimulatedCCCD.make(profile: profile), timing: instant, ledger: ledger)
        _ = await chip.powerOn()
        var request = ReadRequest(key: try CCCDKeys.can(idNumber: profile.dg13.idNumber))
        request.alwaysRunActiveAuthentication = true
        let read = try await DocumentReader().read(over: SimulatedCardChannel(card: chip), request: request)
        let steps = ledger.totals.byStep.mapValues(\.apdus)
        #expect(steps[.paceNonce] == 1)
        #expect(steps[.paceMapping] == 1)
        #expect(steps[.paceKeyAgreement] == 1)
        #expect(steps[.paceMutualAuthentication] == 1)
        #expect(steps[.chipAuthentication] == 1)
        #expect(steps[.activeAuthentication] == 1)
        #expect(steps[.bac] == nil)
        #expect(ledger.totals.apdus == read.stats.apdus)
        let readBinaries = read.stats.files.filter {
            !["ChipAuthentication", "ActiveAuthentication"].contains($0.name)
        }
        .reduce(0) { $0 + $1.apdus }
        #expect(steps[.readBinary] == readBinaries)
    }

    @Test func aTimedCardTakesAtLeastTheModelledTime() async throws {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let ledger = TimingLedger()
        var timing = ChipTiming.reader848Extended
        timing.compute = ChipTiming.Compute(
            paceNonceMs: 1,
            paceMappingMs: 20,
            paceKeyAgreementMs: 20,
            paceMutualAuthenticationMs: 1,
            bacMs: 1,
            chipAuthenticationMs: 10,
            activeAuthenticationMs: 10,
            selectMs: 1,
            readBinaryMs: 1,
            readBinaryPerKiBMs: 1,
            otherMs: 1
        )
        let chip = TimedCard(inner: try SimulatedCCCD.make(profile: profile), timing: timing, ledger: ledger)
        _ = await chip.powerOn()
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await DocumentReader().read(
            over: SimulatedCardChannel(card: chip),
            request: ReadRequest(key: try CCCDKeys.can(idNumber: profile.dg13.idNumber))
        )
        let elapsed = clock.now - start
        #expect(ledger.totals.total > .milliseconds(60))
        #expect(elapsed >= ledger.totals.total)
    }

    @Test func aModelRoundTripsThroughItsJSONFile() throws {
        var model = ChipTiming.reader424Short
        model.name = "clinic-7"
        model.turnaroundMs = 6.5
        let data = try JSONEncoder().encode(model)
        #expect(try JSONDecoder().decode(ChipTiming.self, from: data) == model)
        #expect(ChipTiming.profiles.map(\.name) == ["106-short", "424-short", "848-extended"])
        #expect(ChipTiming.profile(named: "424-short") == .reader424Short)
    }
}
