import CCCD
import MRTD
import PCSC
import SmartCard

/// Entry point of every fuzz target and of the regression suite that replays saved inputs.
public enum FuzzHarness {
    /// Feeds `data` to the parser behind `target`; thrown errors are expected and ignored.
    public static func run(_ target: FuzzTarget, _ data: [UInt8]) {
        switch target {
        case .tlv: SmartCardTargets.tlv(data)
        case .commandAPDU: SmartCardTargets.commandAPDU(data)
        case .responseAPDU: SmartCardTargets.responseAPDU(data)
        case .mrz: MRTDTargets.mrz(data)
        case .cardAccess: MRTDTargets.securityInfos(data)
        case .dg14: MRTDTargets.dg14(data)
        case .efCOM: MRTDTargets.efCOM(data)
        case .dg1: MRTDTargets.dg1(data)
        case .dg2: MRTDTargets.dg2(data)
        case .smResponse: SecureMessagingTarget.run(data)
        case .fileReader: FileReaderTarget.run(data)
        case .pace: AccessTarget.pace(data)
        case .bac: AccessTarget.bac(data)
        case .qr: CCCDTargets.qr(data)
        case .dg13: CCCDTargets.dg13(data)
        case .citizenRecord: CCCDTargets.citizenRecord(data)
        case .jsonRPC: ServiceTargets.jsonRPC(data)
        case .keySpec: ServiceTargets.keySpec(data)
        case .prometheusQuery: ServiceTargets.prometheusQuery(data)
        case .readerFeatures: _ = try? ReaderFeatures(parsing: data)
        case .tlvProperties: PCSCTargets.tlvProperties(data)
        case .smartcardList: PCSCTargets.smartcardList(data)
        case .sod: VerificationTargets.sod(data)
        case .certificate: VerificationTargets.certificate(data)
        case .dg15: VerificationTargets.dg15(data)
        case .crlUpdate: CRLUpdateTarget.run(data)
        case .address: AddressTarget.run(data)
        case .matcherStream: FaceTargets.matcherStream(data)
        case .imageDimensions: FaceTargets.imageDimensions(data)
        case .y4mStream: FaceCameraTargets.y4mStream(data)
        }
    }

    /// The target named by `FUZZ_TARGET`, read once: how the single fuzz executable knows
    /// which parser to drive.
    public static let targetFromEnvironment: FuzzTarget? = {
        guard let name = Environment.value("FUZZ_TARGET") else { return nil }
        return FuzzTarget(rawValue: name)
    }()
}
