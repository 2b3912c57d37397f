import SmartCard
import Synchronization

/// A simulated chip that takes as long as a real one (`ChipTiming`): each answer is held
/// until the modelled time since the command arrived has passed, so the simulator's own work
/// counts within it. Outermost decorator: it sees the bytes a reader would carry.
public struct TimedCard: APDUHandler {
    public let inner: any APDUHandler
    public let timing: ChipTiming
    /// What the model charged, APDU by APDU (the benchmark's lower bound).
    public let ledger: TimingLedger

    public init(inner: any APDUHandler, timing: ChipTiming, ledger: TimingLedger = TimingLedger()) {
        self.inner = inner
        self.timing = timing
        self.ledger = ledger
    }

    public func powerOn() async -> [UInt8] { await inner.powerOn() }
    public func powerOff() async { await inner.powerOff() }

    public func process(_ command: CommandAPDU) async -> ResponseAPDU {
        let clock = ContinuousClock()
        let arrived = clock.now
        let response = await inner.process(command)
        let modelled = timing.duration(of: command, responseBytes: response.data.count + 2)
        ledger.add(ChipTiming.Step(command), modelled)
        try? await clock.sleep(until: arrived + modelled, tolerance: nil)
        return response
    }
}

/// The modelled time of every APDU a `TimedCard` answered, by step, since the last `reset`.
public final class TimingLedger: Sendable {
    public struct Totals: Sendable, Hashable {
        public var apdus = 0
        public var total: Duration = .zero
        public var byStep: [ChipTiming.Step: StepTotal] = [:]
    }

    public struct StepTotal: Sendable, Hashable {
        public var apdus = 0
        public var time: Duration = .zero
    }

    private let state = Mutex(Totals())

    public init() {}

    public var totals: Totals { state.withLock { $0 } }

    public func reset() { state.withLock { $0 = Totals() } }

    func add(_ step: ChipTiming.Step, _ d: Duration) {
        state.withLock {
            $0.apdus += 1
            $0.total += d
            $0.byStep[step, default: StepTotal()].apdus += 1
            $0.byStep[step, default: StepTotal()].time += d
        }
    }
}
