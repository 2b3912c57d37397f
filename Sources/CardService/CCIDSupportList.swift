import Foundation

/// The readers Debian's libccid drives: pcscd ignores a USB reader whose VID:PID is not in
/// the driver's Info.plist, the most common reason a new reader "does not work".
public struct CCIDSupportList: Sendable {
    public static let debianPath = "/usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist"
    /// "VVVV:PPPP" (upper-case hex) → friendly name.
    public let readers: [String: String]

    public init(readers: [String: String]) { self.readers = readers }

    /// Loads the installed list; nil when libccid is not installed or the file is unreadable.
    public static func installed(path: String = debianPath) -> CCIDSupportList? {
        guard let data = FileManager.default.contents(atPath: path),
            let plist = try? PropertyListSerialization.propertyList(from: data, format: nil) as? [String: Any],
            let vendors = plist["ifdVendorID"] as? [String], let products = plist["ifdProductID"] as? [String],
            vendors.count == products.count
        else { return nil }
        let names = plist["ifdFriendlyName"] as? [String] ?? []
        var readers: [String: String] = [:]
        for (i, (v, p)) in zip(vendors, products).enumerated() {
            guard let vid = UInt16(v.lowercased().replacingOccurrences(of: "0x", with: ""), radix: 16),
                let pid = UInt16(p.lowercased().replacingOccurrences(of: "0x", with: ""), radix: 16)
            else { continue }
            readers[Self.key(vid, pid)] = i < names.count ? names[i] : ""
        }
        return CCIDSupportList(readers: readers)
    }

    public static func key(_ vid: UInt16, _ pid: UInt16) -> String {
        String(format: "%04X:%04X", vid, pid)
    }

    public func name(vendorID: UInt16, productID: UInt16) -> String? { readers[Self.key(vendorID, productID)] }
}
