import Synchronization

/// Slows down a caller that keeps giving a reader the wrong key, so one client looping
/// wrong-key reads cannot hold a reader that others need (and cannot try keys at full speed).
/// Per caller (the user or web origin, not the connection: reconnecting does not reset it) and
/// reader: the first two wrong keys cost nothing — people mistype — then each further one
/// waits 1 s, 2 s, 4 s … up to 30 s before its read may claim the reader. A read with the right
/// key, or ten minutes without a wrong one, starts over.
final class WrongKeyThrottle: Sendable {
    static let free = 2
    static let longest: Duration = .seconds(30)
    static let forgetAfter: Duration = .seconds(600)

    private struct Record {
        var failures: Int
        var last: ContinuousClock.Instant
    }

    private let records = Mutex<[String: Record]>([:])

    /// How long this caller must wait before reading on this reader.
    func delay(caller: String, reader: String) -> Duration {
        records.withLock { records in
            guard let record = records["\(caller)\u{0}\(reader)"] else { return .zero }
            guard ContinuousClock.now - record.last < Self.forgetAfter else { return .zero }
            return Self.delay(afterFailures: record.failures)
        }
    }

    /// Records a wrong key; returns the delay the next attempt will wait.
    func wrongKey(caller: String, reader: String) -> Duration {
        records.withLock { records in
            let key = "\(caller)\u{0}\(reader)"
            var record = records[key] ?? Record(failures: 0, last: .now)
            if ContinuousClock.now - record.last >= Self.forgetAfter { record.failures = 0 }
            record.failures += 1
            record.last = .now
            records[key] = record
            if records.count > 4096 {  // bounded: drop what is old
                records = records.filter { ContinuousClock.now - $0.value.last < Self.forgetAfter }
            }
            return Self.delay(afterFailures: record.failures)
        }
    }

    func rightKey(caller: String, reader: String) {
        _ = records.withLock { $0.removeValue(forKey: "\(caller)\u{0}\(reader)") }
    }

    static func delay(afterFailures failures: Int) -> Duration {
        guard failures > free else { return .zero }
        let exponent = min(failures - free - 1, 5)
        return min(.seconds(1 << exponent), longest)
    }
}
