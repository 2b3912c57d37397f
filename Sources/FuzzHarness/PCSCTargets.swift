import PCSC

/// PC/SC part 10 reader properties (GET_TLV_PROPERTIES answer).
enum PCSCTargets {
    static func tlvProperties(_ data: [UInt8]) {
        guard let properties = try? TLVProperties(parsing: data) else { return }
        _ = properties.maxAPDUDataSize
        _ = properties.vendorID
        _ = properties.productID
        _ = properties.firmwareID
    }
}
