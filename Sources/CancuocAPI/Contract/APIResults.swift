import CCCD
import SmartCard

/// `hello`.
public struct HelloResult: Codable, Sendable, Hashable {
    public var apiLevel: Int
    public var version: String
    @ExplicitNull public var facility: String?
    @ExplicitNull public var facilityId: String?

    public init(apiLevel: Int, version: String, facility: String? = nil, facilityId: String? = nil) {
        self.apiLevel = apiLevel
        self.version = version
        self.facility = facility
        self.facilityId = facilityId
    }
}

/// `readers.list`.
public struct ReadersList: Codable, Sendable, Hashable {
    public var readers: [ReaderListing]
    /// `false` when pcscd is not reachable (the list is then empty for that reason).
    public var pcscAvailable: Bool

    public init(readers: [ReaderListing], pcscAvailable: Bool) {
        self.readers = readers
        self.pcscAvailable = pcscAvailable
    }
}

/// One reader as `readers.list` and `cancuoc readers --json` show it.
public struct ReaderListing: Codable, Sendable, Hashable {
    /// The stable id (docs/design.md "Readers").
    public var id: String
    public var name: String
    public var identity: ReaderIdentityListing
    public var cardPresent: Bool
    /// Hex, upper case; null without a card.
    @ExplicitNull public var atr: String?
    /// A read is running on it (daemon only; absent from the CLI's listing).
    public var busy: Bool?
    /// What the reader is for (docs/design.md §9.5): a signature token is `contactOnly`.
    public var kind: ReaderKind

    public init(
        id: String,
        name: String,
        identity: ReaderIdentityListing,
        cardPresent: Bool,
        atr: [UInt8]?,
        busy: Bool?,
        kind: ReaderKind
    ) {
        self.id = id
        self.name = name
        self.identity = identity
        self.cardPresent = cardPresent
        self.atr = atr.map { Hex.encode($0) }
        self.busy = busy
        self.kind = kind
    }
}

/// What the reader says about itself; `null` for what it does not say (vpcd says nothing).
public struct ReaderIdentityListing: Codable, Sendable, Hashable {
    @ExplicitNull public var vendor: String?
    @ExplicitNull public var product: String?
    /// USB vendor and product id, 4 lower-case hex digits as lsusb writes them.
    @ExplicitNull public var vid: String?
    @ExplicitNull public var pid: String?
    @ExplicitNull public var serial: String?
    @ExplicitNull public var firmware: String?

    public init(
        vendor: String? = nil,
        product: String? = nil,
        vid: String? = nil,
        pid: String? = nil,
        serial: String? = nil,
        firmware: String? = nil
    ) {
        self.vendor = vendor
        self.product = product
        self.vid = vid
        self.pid = pid
        self.serial = serial
        self.firmware = firmware
    }
}
