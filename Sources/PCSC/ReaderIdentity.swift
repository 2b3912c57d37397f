import Foundation

/// What a reader says about itself: PC/SC attributes plus PC/SC part 10 properties.
///
/// Every field is optional: vpcd answers "unsupported" to everything, and cheap readers
/// leave out the serial number (docs/design.md §7). libccid's meanings are in docs/design.md §8.
public struct ReaderIdentity: Sendable, Hashable {
    /// `VENDOR_NAME`: the USB manufacturer string with libccid.
    public var vendor: String?
    /// `VENDOR_IFD_TYPE`: the product name.
    public var product: String?
    /// `VENDOR_IFD_VERSION`: with libccid `bcdDevice << 16`.
    public var ifdVersion: UInt32?
    /// `VENDOR_IFD_SERIAL_NO`: the USB serial number, when there is one.
    public var serialNumber: String?
    /// `CHANNEL_ID`: `0x0020 << 16 | bus << 8 | address` for USB. Changes on replug: not an id.
    public var channelID: UInt32?
    public var vendorID: UInt16?
    public var productID: UInt16?
    public var maxAPDUDataSize: Int?
    public var firmwareID: String?
    /// The USB port path (`1-2.3`) from sysfs, when the channel id leads to one.
    public var usbPortPath: String?
    public var features: ReaderFeatures
    public var properties: TLVProperties

    public init(
        vendor: String? = nil,
        product: String? = nil,
        ifdVersion: UInt32? = nil,
        serialNumber: String? = nil,
        channelID: UInt32? = nil,
        vendorID: UInt16? = nil,
        productID: UInt16? = nil,
        maxAPDUDataSize: Int? = nil,
        firmwareID: String? = nil,
        usbPortPath: String? = nil,
        features: ReaderFeatures = ReaderFeatures(),
        properties: TLVProperties = TLVProperties()
    ) {
        self.vendor = vendor
        self.product = product
        self.ifdVersion = ifdVersion
        self.serialNumber = serialNumber
        self.channelID = channelID
        self.vendorID = vendorID
        self.productID = productID
        self.maxAPDUDataSize = maxAPDUDataSize
        self.firmwareID = firmwareID
        self.usbPortPath = usbPortPath
        self.features = features
        self.properties = properties
    }

    /// Firmware as text: the TLV firmware id, else the IFD version as `major.minor` (BCD).
    public var firmware: String? {
        if let firmwareID { return firmwareID }
        guard let v = ifdVersion else { return nil }
        return String(v >> 24, radix: 16) + "." + String((v >> 16) & 0xFF, radix: 16)
    }

    /// Reads everything the reader will tell, over a `SHARE_DIRECT` connection (works with
    /// no card). Never throws: whatever fails stays nil.
    public static func read(from reader: Reader) async -> ReaderIdentity {
        var identity = ReaderIdentity()
        guard let card = try? await Card.connect(reader: reader.name, context: reader.context, share: .direct) else {
            return identity
        }
        identity.vendor = (try? await card.attribute(.vendorName)).flatMap(text)
        identity.product = (try? await card.attribute(.vendorIFDType)).flatMap(text)
        identity.ifdVersion = (try? await card.attribute(.vendorIFDVersion)).flatMap(littleEndian)
        identity.serialNumber = (try? await card.attribute(.vendorIFDSerialNumber)).flatMap(text)
        identity.channelID = (try? await card.attribute(.channelID)).flatMap(littleEndian)
        if let list = try? await card.control(PCSCConstants.getFeatureRequest),
            let features = try? ReaderFeatures(parsing: list)
        {
            identity.features = features
            if let code = features[ReaderFeatures.Tag.getTLVProperties],
                let raw = try? await card.control(code),
                let properties = try? TLVProperties(parsing: raw)
            {
                identity.properties = properties
                identity.vendorID = properties.vendorID
                identity.productID = properties.productID
                identity.maxAPDUDataSize = properties.maxAPDUDataSize
                identity.firmwareID = properties.firmwareID
            }
        }
        try? await card.disconnect(.leave)
        if let channel = identity.channelID, channel >> 16 == 0x0020,
            let device = USBDevice.lookup(bus: Int((channel >> 8) & 0xFF), address: Int(channel & 0xFF))
        {
            identity.usbPortPath = device.portPath
            identity.vendorID = identity.vendorID ?? device.vendorID
            identity.productID = identity.productID ?? device.productID
            identity.serialNumber = identity.serialNumber ?? device.serialNumber
        }
        return identity
    }

    /// A C string attribute: up to the first NUL, trimmed; nil when empty.
    static func text(_ bytes: [UInt8]) -> String? {
        let s = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        return s.isEmpty ? nil : s
    }

    /// A DWORD attribute in host (little-endian) order, 1 to 4 bytes.
    static func littleEndian(_ bytes: [UInt8]) -> UInt32? {
        guard (1...8).contains(bytes.count) else { return nil }
        return bytes.prefix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
