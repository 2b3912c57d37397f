import Foundation
import MRTD
import SmartCard

/// A complete simulated CCCD chip: a citizen profile's files, signed by a test PKI (CSCA →
/// Document Signer → EF.SOD), on an ISO 7816 file system card, behind the chip's access
/// control, secure messaging and chip/active authentication keys (`SecureChip`). This is the
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
        /// A real chip's and reader's time per APDU (`ChipTiming`), applied on the wire.
        public var timing: ChipTiming?
        public var supportsPACE: Bool
        public var supportsBAC: Bool
        /// Faults on the wire (outside secure messaging): pulls, corrupted and odd answers.
        public var wireFaults: [CardFault]
        /// Faults of the file system (inside secure messaging): files answering `6A82`, …
        public var fileFaults: [CardFault]
        /// A forged or inconsistent card (`cancuoc sim --fault`), nil for a genuine one.
        public var forgery: SimulatedForgery?
        /// The Document Signer's key type.
        public var signer: SignatureScheme
        /// The chip's active-authentication key type.
        public var activeAuthentication: ChipKeys.ActiveAuthenticationAlgorithm
        /// A genuine card whose Document Signer certificate expired after the card was issued.
        public var documentSignerExpiredSinceIssue: Bool

        public init(
            maxResponseData: Int = 65536,
            latency: Duration? = nil,
            supportsPACE: Bool = true,
            supportsBAC: Bool = true,
            wireFaults: [CardFault] = [],
            fileFaults: [CardFault] = [],
            forgery: SimulatedForgery? = nil,
            signer: SignatureScheme = .ecdsaBrainpoolP256r1,
            activeAuthentication: ChipKeys.ActiveAuthenticationAlgorithm = .ecdsaP256,
            documentSignerExpiredSinceIssue: Bool = false
        ) {
            self.maxResponseData = maxResponseData
            self.latency = latency
            self.supportsPACE = supportsPACE
            self.supportsBAC = supportsBAC
            self.wireFaults = wireFaults
            self.fileFaults = fileFaults
            self.forgery = forgery
            self.signer = signer
            self.activeAuthentication = activeAuthentication
            self.documentSignerExpiredSinceIssue = documentSignerExpiredSinceIssue
        }

        public static let shortOnly = Options(maxResponseData: 256)
        public static let extendedLength = Options(maxResponseData: 65536)
    }

    /// A built card: what goes in the reader, and the trust material a verifier should load.
    public struct Card: Sendable {
        public let handler: any APDUHandler
        public let fileSet: CardFileSet
        public var trustStore: TrustStore { fileSet.trustStore }
        /// Writes the CSCA (and CRLs) for `--trust DIR` / the daemon's trust directory.
        public func writeTrust(to directory: URL) throws { try fileSet.writeTrust(to: directory) }
    }

    /// The chip for `profile`. The CAN is the last six digits of the ID number and the BAC key
    /// comes from the profile's MRZ, exactly as on a real card (docs/design.md §4).
    public static func build(profile: CitizenProfile, options: Options = Options()) throws -> Card {
        var keys = try ChipKeys.generate(aa: options.activeAuthentication)
        var forgery: Forgery?
        switch options.forgery {
        case .document(let f)?: forgery = f
        case .chipKey(let f)?: keys = try keys.forged(f)
        case nil: break
        }
        let chipFiles: [DataGroupID: [UInt8]] = [.dg14: keys.dg14, .dg15: keys.dg15]
        let fileSet: CardFileSet
        if let forgery {
            fileSet = try ForgeryKit.make(forgery, profile: profile, scheme: options.signer, extraFiles: chipFiles)
        } else if options.documentSignerExpiredSinceIssue {
            let issue = ForgeryKit.issueDate(profile)
            let pki = try TestPKI(
                scheme: options.signer,
                dsNotBefore: issue.addingTimeInterval(-365 * 86_400),
                dsNotAfter: issue.addingTimeInterval(30 * 86_400)
            )
            fileSet = try ForgeryKit.genuine(profile, scheme: options.signer, pki: pki, extraFiles: chipFiles)
        } else {
            fileSet = try ForgeryKit.genuine(profile, scheme: options.signer, extraFiles: chipFiles)
        }
        let configuration = SecureChip.Configuration(
            can: String(profile.dg13.idNumber.suffix(6)),
            mrz: try MRZ(lines: profile.mrz).accessKey,
            supportsBAC: options.supportsBAC,
            supportsPACE: options.supportsPACE,
            chipKeys: keys
        )
        var files: any APDUHandler = fileSystem(
            files: fileSet.files,
            cardAccess: configuration.efCardAccess,
            options: options
        )
        if !options.fileFaults.isEmpty { files = FaultInjectingCard(inner: files, faults: options.fileFaults) }
        let chip = SecureChip(
            inner: ProtectedFiles(inner: files, fileIDs: [DataGroupID.dg3.fileID]),
            configuration: configuration
        )
        var handler: any APDUHandler =
            options.wireFaults.isEmpty ? chip : FaultInjectingCard(inner: chip, faults: options.wireFaults)
        if let timing = options.timing {
            handler = TimedCard(inner: handler, timing: timing)
        }
        return Card(handler: handler, fileSet: fileSet)
    }

    /// The chip alone, for callers that do not verify.
    public static func make(profile: CitizenProfile, options: Options = Options()) throws -> any APDUHandler {
        try build(profile: profile, options: options).handler
    }

    /// The file system under the access control: EF.CardAccess in the MF, the LDS files in the
    /// eMRTD application; `SELECT MF` answers `6D00` like the real chip.
    public static func fileSystem(
        files: [DataGroupID: [UInt8]],
        cardAccess: [UInt8],
        options: Options
    ) -> FileSystemCard {
        var lds: [UInt16: [UInt8]] = [:]
        for (dg, bytes) in files where dg != .cardAccess { lds[dg.fileID] = bytes }
        return FileSystemCard(
            masterFiles: [DataGroupID.cardAccess.fileID: cardAccess],
            applications: [.init(aid: DocumentReader.emrtdAID, files: lds)],
            configuration: .init(maxResponseData: options.maxResponseData, latency: options.latency)
        )
    }
}

/// Every card `cancuoc sim --fault NAME` can simulate: forged documents (signatures, chains,
/// data groups) and chips that do not hold the keys their data groups publish.
public enum SimulatedForgery: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case document(Forgery)
    case chipKey(ChipKeys.Forgery)

    public static var allCases: [SimulatedForgery] {
        Forgery.allCases.map { .document($0) } + [.chipKey(.dg14WrongKey), .chipKey(.dg15WrongKey)]
    }

    public init?(name: String) {
        guard let f = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = f
    }

    public var description: String {
        switch self {
        case .document(let f): return f.rawValue
        case .chipKey(let f): return f.rawValue
        }
    }
}
