import PCSC

/// Collects a monitor's events so tests can wait for one with a deadline (never hang).
actor EventRecorder {
    private(set) var events: [ReaderEvent] = []
    private var cursor = 0
    private var task: Task<Void, Never>?

    static func start(_ monitor: ReaderMonitor = ReaderMonitor(pollInterval: .milliseconds(500))) async -> EventRecorder
    {
        let recorder = EventRecorder()
        await recorder.consume(monitor.events())
        return recorder
    }

    private func consume(_ stream: AsyncStream<ReaderEvent>) {
        task = Task { [weak self] in
            for await event in stream { await self?.append(event) }
        }
    }

    private func append(_ event: ReaderEvent) { events.append(event) }

    func stop() { task?.cancel() }

    /// The first event after the last one returned that matches, or an error after `timeout`.
    func next(within timeout: Duration = .seconds(10), _ matches: (ReaderEvent) -> Bool) async throws -> ReaderEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            while cursor < events.count {
                let event = events[cursor]
                cursor += 1
                if matches(event) { return event }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TimedOut(events: events)
    }

    struct TimedOut: Error, CustomStringConvertible {
        let events: [ReaderEvent]
        var description: String { "no matching event; seen: \(events)" }
    }
}
