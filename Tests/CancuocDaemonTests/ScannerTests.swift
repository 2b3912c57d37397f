import CCCD
import Foundation
import Logging
import Synchronization
import Testing

@testable import CancuocDaemon
@testable import ServiceTestSupport

/// Issue 11 without pcscd: line framing, the serial source over a pty, pending scans.
@Suite(.timeLimit(.minutes(1)))
struct ScannerTests {
    static let qr = "049202000284||Khuất Lưu Huy Nhật|24022002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31052021"

    @Test func linesEndWithCRLFOrCRLFAndEmptyOnesAreSkipped() {
        var splitter = LineSplitter(maxLength: 16)
        #expect(splitter.feed(Array("a\rb\nc\r\n\r\n\nd".utf8)) == ["a", "b", "c"])
        #expect(splitter.feed(Array("e\n".utf8)) == ["de"])
    }

    @Test func overLongLinesAreDroppedWholeAndCounted() {
        var splitter = LineSplitter(maxLength: 4)
        #expect(splitter.feed(Array("1234".utf8)) == [])
        #expect(splitter.feed(Array("56789\nok\n".utf8)) == ["ok"])
        #expect(splitter.droppedLines == 1)
        #expect(splitter.feed(Array(String(repeating: "x", count: 100).utf8)) == [])
        #expect(splitter.feed(Array("\r\nfine\r".utf8)) == ["fine"])
        #expect(splitter.droppedLines == 2)
    }

    @Test func serialSourceReadsLinesAndSurvivesUnplugging() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scanner = try FakeScanner(link: directory + "/scanner")
        let source = SerialLineSource(path: scanner.link, maxLineLength: 64, maxBackoff: .milliseconds(400))
        let lines = source.lines()
        let consumer = Task {
            var iterator = lines.makeAsyncIterator()
            var got: [String] = []
            while got.count < 3, let line = await iterator.next() { got.append(line) }
            return got
        }
        defer { consumer.cancel() }
        try await withTimeout(seconds: 60) { try await eventually { source.opens == 1 } }
        try await scanner.type("first\r\n" + String(repeating: "z", count: 200) + "\r")
        try await withTimeout(seconds: 60) { try await eventually { source.droppedLines == 1 } }

        scanner.unplug()
        try await withTimeout(seconds: 60) { try await eventually { !source.isConnected } }
        try scanner.plugIn()
        try await withTimeout(seconds: 60) { try await eventually { source.opens == 2 } }
        try await scanner.type("second\nthird\r")
        // Awaiting a task's value ignores cancellation: at the time limit, cancel the consumer
        // itself, or the limit waits for it forever (and the source's thread polls on).
        let got = try await withTimeout(seconds: 60) {
            await withTaskCancellationHandler {
                await consumer.value
            } onCancel: {
                consumer.cancel()
            }
        }
        #expect(got == ["first", "second", "third"])
    }

    @Test func theDeviceIsClosedWhenTheConsumerGoesAway() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scanner = try FakeScanner(link: directory + "/scanner")
        let source = SerialLineSource(path: scanner.link)
        let lines = source.lines()
        let consumer = Task {
            for await _ in lines {}
        }
        try await withTimeout(seconds: 60) { try await eventually { source.isConnected } }
        // One stream per source: a second consumer gets an empty one.
        var second = source.lines().makeAsyncIterator()
        #expect(await second.next() == nil)
        consumer.cancel()
        try await withTimeout(seconds: 60) { try await eventually { !source.isConnected } }
        #expect(source.opens == 1)
    }

    @Test func aMissingDeviceIsRetriedUntilItAppears() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = SerialLineSource(path: directory + "/not-yet", maxBackoff: .milliseconds(300))
        let lines = source.lines()
        let consumer = Task { () -> String? in
            var iterator = lines.makeAsyncIterator()
            return await iterator.next()
        }
        defer { consumer.cancel() }
        try await Task.sleep(for: .milliseconds(700))
        #expect(!source.isConnected)
        let scanner = try FakeScanner(link: directory + "/not-yet")
        try await withTimeout(seconds: 60) { try await eventually { source.isConnected } }
        try await scanner.type("late\n")
        #expect(
            try await withTimeout(seconds: 60) {
                await withTaskCancellationHandler {
                    await consumer.value
                } onCancel: {
                    consumer.cancel()
                }
            } == "late"
        )
    }

    @Test func aValidScanIsPendingOnceAndGarbageIsIgnored() async {
        let pairing = ScannerPairing(pendingDuration: .seconds(60), logger: Logger(label: "test"), expired: { _ in })
        #expect(await !pairing.scanned("hello world", scanner: "/dev/ttyACM0", reader: "R"))
        #expect(await !pairing.isPending(reader: "R"))
        #expect(await pairing.scanned(Self.qr, scanner: "/dev/ttyACM0", reader: "R"))
        #expect(await pairing.take(readerID: "other", name: "other") == nil)
        let scan = await pairing.take(readerID: "id-R", name: "R")
        #expect(scan?.qr.idNumber == "049202000284")
        #expect(await pairing.take(readerID: "id-R", name: "R") == nil)
        await pairing.stop()
    }

    @Test func aNewScanReplacesThePendingOne() async throws {
        let pairing = ScannerPairing(pendingDuration: .seconds(60), logger: Logger(label: "test"), expired: { _ in })
        await pairing.scanned(Self.qr, scanner: "s", reader: "R")
        let other = "001090537057||Trần Minh Khoa|12081990|Nam|Hà Nội|10092021"
        await pairing.scanned(other, scanner: "s", reader: "R")
        #expect(await pairing.take(readerID: "R", name: "R")?.qr.idNumber == "001090537057")
        await pairing.stop()
    }

    @Test func anUnusedScanExpiresOnceToTheHandler() async throws {
        let expired = Mutex<[String]>([])
        let pairing = ScannerPairing(
            pendingDuration: .milliseconds(200),
            logger: Logger(label: "test"),
            expired: { scan in expired.withLock { $0.append(scan.qr.idNumber) } }
        )
        await pairing.scanned(Self.qr, scanner: "s", reader: "R")
        try await withTimeout(seconds: 60) { try await eventually { expired.withLock { $0.count } == 1 } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(expired.withLock { $0 } == ["049202000284"])
        #expect(await !pairing.isPending(reader: "R"))
        // A used scan never expires.
        await pairing.scanned(Self.qr, scanner: "s", reader: "R")
        _ = await pairing.take(readerID: "R", name: "R")
        try await Task.sleep(for: .milliseconds(400))
        #expect(expired.withLock { $0.count } == 1)
        await pairing.stop()
    }
}
