import Foundation

/// A USB device found in sysfs by bus number and device address (from `CHANNEL_ID`).
/// The port path (`1-2.3`) is stable across replugs into the same port; the address is not.
struct USBDevice: Sendable, Hashable {
    var portPath: String
    var vendorID: UInt16?
    var productID: UInt16?
    var serialNumber: String?

    static func lookup(bus: Int, address: Int, root: String = "/sys/bus/usb/devices") -> USBDevice? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return nil }
        for entry in entries where !entry.contains(":") && !entry.hasPrefix("usb") {
            let dir = root + "/" + entry
            guard read(dir + "/busnum").flatMap({ Int($0) }) == bus,
                read(dir + "/devnum").flatMap({ Int($0) }) == address
            else { continue }
            return USBDevice(
                portPath: entry,
                vendorID: read(dir + "/idVendor").flatMap { UInt16($0, radix: 16) },
                productID: read(dir + "/idProduct").flatMap { UInt16($0, radix: 16) },
                serialNumber: read(dir + "/serial")
            )
        }
        return nil
    }

    private static func read(_ path: String) -> String? {
        guard let s = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }
}
