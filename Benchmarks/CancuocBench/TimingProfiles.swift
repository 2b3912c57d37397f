import CCCD
import CardService
import CardSimulator
import Foundation
import MRTD
import PCSC
import Synchronization
import TestBench

/// Issue 18: a read as long as a real chip's on a real reader (`ChipTiming`), per profile:
/// time to the verified identity and to the full record in our order, the same card read in
/// the peers' order (DG1, DG2, … one after another, verification at the end: their identity
/// comes with the full record), our order without the face, and the model's own total for
/// the APDUs each read sent (no reader can be faster than the model on those APDUs).
struct TimingRow: Codable {
    var profile: String
    var strategy: String
    var apdus: Int
    var identityMsMedian: Double
    var fullMsMedian: Double
    var modelMsMedian: Double
    var runs: Int
}

enum TimingStrategy: String, CaseIterable {
    case ours = "identity first"
    case peers = "peers' order"
    case noFace = "no face"

    var options: ReadOptions {
        switch self {
        case .ours: ReadOptions()
        case .peers: ReadOptions(order: .sequential)
        case .noFace: ReadOptions(skipFace: true)
        }
    }
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// `runs` reads of each strategy, in turns, on a timed card in slot 0 (in this process, so
/// the model's ledger is at hand).
func measureTimingProfile(
    _ timing: ChipTiming,
    bench: PCSCBench,
    reader: Reader,
    profile: CitizenProfile,
    runs: Int
) async throws -> [TimingRow] {
    let card = try SimulatedCCCD.build(profile: profile, options: timing.extendedLength ? .extendedLength : .shortOnly)
    let ledger = TimingLedger()
    return try await bench.withInserted(TimedCard(inner: card.handler, timing: timing, ledger: ledger)) {
        try await measureTimed(card: card, ledger: ledger, timing: timing, reader: reader, profile: profile, runs: runs)
    }
}

private func measureTimed(
    card: SimulatedCCCD.Card,
    ledger: TimingLedger,
    timing: ChipTiming,
    reader: Reader,
    profile: CitizenProfile,
    runs: Int
) async throws -> [TimingRow] {
    let key = try KeySpec(id: profile.dg13.idNumber).resolve()
    var samples: [TimingStrategy: [(identity: Double, full: Double, model: Double, apdus: Int)]] = [:]
    for round in 0...runs {
        for strategy in TimingStrategy.allCases {
            let identityAt = Mutex<ContinuousClock.Instant?>(nil)
            var request = CardReadRequest(key: key, options: strategy.options)
            request.trust = { card.trustStore }
            request.identity = { _ in identityAt.withLock { $0 = .now } }
            ledger.reset()
            let start = ContinuousClock.now
            let record = try await CardReading().read(reader: reader, identity: nil, request: request)
            let full = ContinuousClock.now - start
            guard record.verification.status == .verified else {
                throw BenchError.setup("the timed read was not verified: \(record.verification.status)")
            }
            // The peers verify at the end: their identity comes with the record.
            let identity = strategy == .peers ? full : (identityAt.withLock { $0 } ?? start + full) - start
            if round > 0 {
                samples[strategy, default: []].append(
                    (
                        milliseconds(identity), milliseconds(full),
                        milliseconds(ledger.totals.total), record.stats.apdus
                    )
                )
            }
        }
    }
    return TimingStrategy.allCases.map { s in
        let xs = samples[s] ?? []
        return TimingRow(
            profile: timing.name,
            strategy: s.rawValue,
            apdus: xs.first?.apdus ?? 0,
            identityMsMedian: median(xs.map(\.identity)),
            fullMsMedian: median(xs.map(\.full)),
            modelMsMedian: median(xs.map(\.model)),
            runs: xs.count
        )
    }
}

func printTimingRows(_ rows: [TimingRow]) {
    print("")
    print("Reads as long as a real chip's (timing model, docs/performance.md), median of N, release")
    print(
        pad("profile", 14) + pad("strategy", 16) + pad("APDUs", 7) + pad("identity ms", 13) + pad("full ms", 9)
            + pad("model ms", 10) + pad("full/model", 12) + "N"
    )
    for r in rows {
        print(
            pad(r.profile, 14) + pad(r.strategy, 16) + pad("\(r.apdus)", 7)
                + pad(String(format: "%.0f", r.identityMsMedian), 13)
                + pad(String(format: "%.0f", r.fullMsMedian), 9) + pad(String(format: "%.0f", r.modelMsMedian), 10)
                + pad(String(format: "%.3fx", r.fullMsMedian / max(r.modelMsMedian, 0.001)), 12) + "\(r.runs)"
        )
    }
    for profile in ChipTiming.profiles.map(\.name) {
        guard let ours = rows.first(where: { $0.profile == profile && $0.strategy == TimingStrategy.ours.rawValue }),
            let peers = rows.first(where: { $0.profile == profile && $0.strategy == TimingStrategy.peers.rawValue })
        else { continue }
        print(
            String(
                format:
                    "%@: identity at %.2fx our full read (target on 424-short: <= 0.35); our full read %.3fx the model's minimum (target <= 1.05); identity %.2fx the peers' (they verify at the end), full read %.3fx theirs",
                profile,
                ours.identityMsMedian / ours.fullMsMedian,
                ours.fullMsMedian / ours.modelMsMedian,
                ours.identityMsMedian / peers.identityMsMedian,
                ours.fullMsMedian / peers.fullMsMedian
            )
        )
    }
}
