import PCSC

extension ReaderUsageInfo {
    /// The usage identity of a PC/SC reader: its stable id (docs/design.md §9.5), name and what
    /// it reports about itself.
    public init(_ reader: ReaderInfo) {
        let identity = reader.identity
        self.init(
            id: reader.id.rawValue,
            name: reader.name,
            vid: Self.hex(identity.vendorID.map(Int.init)),
            pid: Self.hex(identity.productID.map(Int.init)),
            vendor: identity.vendor,
            product: identity.product,
            serial: identity.serialNumber,
            firmware: identity.firmware
        )
    }
}
