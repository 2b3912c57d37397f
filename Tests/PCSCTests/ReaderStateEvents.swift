import Foundation
import Testing

@testable import PCSC

/// How SCardGetStatusChange answers become card events (docs/design.md §8: the event counter).
@Suite struct ReaderStateEvents {
    static let empty: UInt32 = 0x0010, present: UInt32 = 0x0020, changed: UInt32 = 0x0002
    static let atr: [UInt8] = [0x3B, 0x80, 0x80, 0x01, 0x01]

    func state(current: UInt32, event: UInt32) -> ReaderState {
        ReaderState(name: "R", currentState: current, eventState: event, atr: Self.atr)
    }

    @Test func firstLookWithCardIsAnInsertion() {
        let now = state(current: 0, event: Self.present | Self.changed)
        #expect(now.cardEvents(since: ReaderState(name: "R")) == [.cardInserted(reader: "R", atr: Self.atr)])
    }

    @Test func firstLookEmptyIsNothing() {
        #expect(state(current: 0, event: Self.empty | Self.changed).cardEvents(since: ReaderState(name: "R")).isEmpty)
    }

    @Test func insertAndRemove() {
        let before = state(current: 0x0001_0000 | Self.empty, event: 0)
        let inserted = state(current: before.currentState, event: 0x0002_0000 | Self.present | Self.changed)
        #expect(inserted.cardEvents(since: before) == [.cardInserted(reader: "R", atr: Self.atr)])
        let after = inserted.acknowledged()
        #expect(after.currentState == 0x0002_0000 | Self.present)
        let removed = state(current: after.currentState, event: 0x0003_0000 | Self.empty | Self.changed)
        #expect(removed.cardEvents(since: after) == [.cardRemoved(reader: "R")])
    }

    @Test func missedRemoveAndInsertStillShowThroughTheCounter() {
        let before = state(current: 0x0004_0000 | Self.present, event: 0)
        let now = state(current: before.currentState, event: 0x0006_0000 | Self.present | Self.changed)
        #expect(
            now.cardEvents(since: before) == [.cardRemoved(reader: "R"), .cardInserted(reader: "R", atr: Self.atr)]
        )
    }

    @Test func unchangedCounterIsNoEvent() {
        let before = state(current: 0x0004_0000 | Self.present, event: 0)
        #expect(
            state(current: before.currentState, event: 0x0004_0000 | Self.present).cardEvents(since: before).isEmpty
        )
    }

    @Test func unavailableReaderReportsNothing() {
        let before = state(current: 0x0004_0000 | Self.present, event: 0)
        #expect(state(current: before.currentState, event: 0x0008 | Self.changed).cardEvents(since: before).isEmpty)
    }
}

/// The USB port path behind CHANNEL_ID, found in a sysfs-shaped directory.
@Suite struct USBPortPathLookup {
    @Test func findsDeviceByBusAndAddress() throws {
        let root = NSTemporaryDirectory() + "/cancuoc-sysfs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        func device(_ name: String, bus: Int, dev: Int, vid: String, pid: String, serial: String?) throws {
            let dir = root + "/" + name
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "\(bus)\n".write(toFile: dir + "/busnum", atomically: true, encoding: .utf8)
            try "\(dev)\n".write(toFile: dir + "/devnum", atomically: true, encoding: .utf8)
            try "\(vid)\n".write(toFile: dir + "/idVendor", atomically: true, encoding: .utf8)
            try "\(pid)\n".write(toFile: dir + "/idProduct", atomically: true, encoding: .utf8)
            if let serial { try "\(serial)\n".write(toFile: dir + "/serial", atomically: true, encoding: .utf8) }
        }
        try device("usb1", bus: 1, dev: 1, vid: "1d6b", pid: "0002", serial: "0000:00:14.0")
        try device("1-2", bus: 1, dev: 5, vid: "076b", pid: "5421", serial: nil)
        try device("1-2.3", bus: 1, dev: 7, vid: "072f", pid: "2200", serial: "ABC")
        try FileManager.default.createDirectory(atPath: root + "/1-2:1.0", withIntermediateDirectories: true)

        let reader = try #require(USBDevice.lookup(bus: 1, address: 5, root: root))
        #expect(reader == USBDevice(portPath: "1-2", vendorID: 0x076B, productID: 0x5421, serialNumber: nil))
        #expect(USBDevice.lookup(bus: 1, address: 7, root: root)?.serialNumber == "ABC")
        #expect(USBDevice.lookup(bus: 1, address: 1, root: root) == nil)  // root hubs are not readers
        #expect(USBDevice.lookup(bus: 2, address: 5, root: root) == nil)
        #expect(USBDevice.lookup(bus: 1, address: 5, root: root + "/missing") == nil)
    }
}
