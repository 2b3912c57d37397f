import MRTD
import SmartCard

/// A complete simulated CCCD chip: a citizen profile's files on an ISO 7816 file system
/// card, behind the chip's access control and secure messaging (`SecureChip`). This is the
/// card every demo, integration test and benchmark reads, and what integrators develop
/// against with `cancuoc sim`.
public enum SimulatedCCCD {
    /// What kind of card and link to simulate.
    public struct Options: Sendable, Hashable {
        /// Largest response data the card returns: 256 for a short-APDU-only card, up to 65536
        /// for one that takes extended length.
        public var maxResponseData: Int
        /// Simulated per-APDU processing time (contactless cards take a few ms).
        public var latency: Duration?
        public var supportsPACE: Bool
        public var supportsBAC: Bool
        /// Faults on the wire (outside secure messaging): pulls, corrupted and odd answers.
        public var wireFaults: [CardFault]
        /// Faults of the file system (inside secure messaging): files answering `6A82`, …
        public var fileFaults: [CardFault]

        public init(maxResponseData: Int = 65536, latency: Duration? = nil, supportsPACE: Bool = true, supportsBAC: Bool = true,
                    wireFaults: [CardFault] = [], fileFaults: [CardFault] = []) {
            self.maxResponseData = maxResponseData
            self.latency = latency
            self.supportsPACE = supportsPACE
            self.supportsBAC = supportsBAC
            self.wireFaults = wireFaults
            self.fileFaults = fileFaults
        }

        public static let shortOnly = Options(maxResponseData: 256)
        public static let extendedLength = Options(maxResponseData: 65536)
    }

    /// The chip for `profile`. The CAN is the last six digits of the ID number and the BAC key
    /// comes from the profile's MRZ, exactly as on a real card (design.md §4).
    public static func make(profile: CitizenProfile, options: Options = Options()) throws -> any APDUHandler {
        let mrzKey = try MRZ(lines: profile.mrz).accessKey
        let configuration = SecureChip.Configuration(
            can: String(profile.dg13.idNumber.suffix(6)), mrz: mrzKey,
            supportsBAC: options.supportsBAC, supportsPACE: options.supportsPACE)
        var files: any APDUHandler = fileSystem(files: try profile.files(), cardAccess: configuration.efCardAccess, options: options)
        if !options.fileFaults.isEmpty { files = FaultInjectingCard(inner: files, faults: options.fileFaults) }
        let chip = SecureChip(inner: ProtectedFiles(inner: files, fileIDs: [DataGroupID.dg3.fileID]), configuration: configuration)
        return options.wireFaults.isEmpty ? chip : FaultInjectingCard(inner: chip, faults: options.wireFaults)
    }

    /// The file system under the access control: EF.CardAccess in the MF, the LDS files in the
    /// eMRTD application; `SELECT MF` answers `6D00` like the real chip.
    public static func fileSystem(files: [DataGroupID: [UInt8]], cardAccess: [UInt8], options: Options) -> FileSystemCard {
        var lds: [UInt16: [UInt8]] = [:]
        for (dg, bytes) in files where dg != .cardAccess { lds[dg.fileID] = bytes }
        return FileSystemCard(
            masterFiles: [DataGroupID.cardAccess.fileID: cardAccess],
            applications: [.init(aid: DocumentReader.emrtdAID, files: lds)],
            configuration: .init(maxResponseData: options.maxResponseData, latency: options.latency))
    }
}
