import CancuocAPI
import PCSC
import SmartCard

extension APINotification {
    /// The reader events, built from what the monitor knows of the reader — the one place the
    /// daemon's registry and `cancuoc readers --watch --json` take them from.
    public static func attached(_ info: ReaderInfo) -> APINotification {
        .readerAttached(
            ReaderAttached(reader: info.id.rawValue, name: info.name, identity: ReaderIdentityListing(info.identity))
        )
    }

    public static func detached(_ info: ReaderInfo) -> APINotification { .readerDetached(ReaderRef(info)) }

    public static func inserted(_ info: ReaderInfo, atr: [UInt8]) -> APINotification {
        .cardInserted(CardInserted(reader: info.id.rawValue, name: info.name, atr: Hex.encode(atr)))
    }

    public static func removed(_ info: ReaderInfo) -> APINotification { .cardRemoved(ReaderRef(info)) }

    public static func unavailable(_ error: PCSCError) -> APINotification {
        .pcscUnavailable(PCSCProblem(error: error.name))
    }
}

extension ReaderRef {
    public init(_ info: ReaderInfo) {
        self.init(reader: info.id.rawValue, name: info.name)
    }
}

extension ReaderIdentityListing {
    /// What PC/SC learnt of the reader, as the API writes it.
    public init(_ identity: ReaderIdentity) {
        self.init(
            vendor: identity.vendor,
            product: identity.product,
            vid: identity.vendorID.map { Hex.word($0) },
            pid: identity.productID.map { Hex.word($0) },
            serial: identity.serialNumber,
            firmware: identity.firmware
        )
    }
}
