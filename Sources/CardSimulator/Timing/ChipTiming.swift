import SmartCard

/// How long a real CCCD chip on a real contactless reader takes to answer one APDU (docs/design.md §5):
/// the reader's turnaround (USB CCID and pcscd), the ISO/IEC 14443-4 link both ways (bytes ×
/// bits per byte / bit rate, frames of at most `maxFrameBytes` each with its header, CRC and
/// frame delay, chained frames acknowledged), and the chip's own work for the command
/// (PACE's point multiplications, chip and active authentication, READ BINARY). The figures
/// and where each comes from: docs/performance.md. `TimedCard` applies it to a simulated chip.
public struct ChipTiming: Sendable, Hashable, Codable {
    /// A short name (`424-short`) for `cancuoc sim --timing` and the benchmark.
    public var name: String
    /// Link bit rate in bit/s, the same both ways (106, 212, 424 or 848 kbit/s).
    public var bitRate: Double
    /// Bit periods per byte on the air: 9 for Type A (8 data bits and odd parity), 10 for
    /// Type B (start and stop bits).
    public var bitsPerByte: Double
    /// Bytes of each ISO 14443-4 block besides its information field: PCB and CRC (3).
    public var frameOverheadBytes: Int
    /// The largest frame either side accepts (FSD/FSC, 256 for FSDI 8); longer APDUs are
    /// chained, and every chained frame but the last is acknowledged by an R(ACK) block.
    public var maxFrameBytes: Int
    /// Per frame: start and end of frame and the frame delay time before the answer, in µs.
    public var frameGapMicroseconds: Double
    /// Per APDU outside the air: USB CCID transfer, the reader's firmware, pcscd, in ms.
    public var turnaroundMs: Double
    /// Whether the card (and reader) take extended-length APDUs.
    public var extendedLength: Bool
    /// The chip's own work per kind of command, in ms.
    public var compute: Compute

    public struct Compute: Sendable, Hashable, Codable {
        /// PACE step 1, the encrypted nonce (a random and one block cipher).
        public var paceNonceMs: Double
        /// PACE step 2, generic mapping: an ephemeral key pair and a point multiplication,
        /// then the mapped generator (a multiplication and an addition).
        public var paceMappingMs: Double
        /// PACE step 3, key agreement: an ephemeral key pair on the mapped generator and ECDH.
        public var paceKeyAgreementMs: Double
        /// PACE step 4, authentication tokens (CMAC) and session keys.
        public var paceMutualAuthenticationMs: Double
        /// BAC: GET CHALLENGE and EXTERNAL AUTHENTICATE (3DES).
        public var bacMs: Double
        /// Chip authentication: ECDH with the DG14 key and new session keys.
        public var chipAuthenticationMs: Double
        /// Active authentication: a signature with the DG15 key.
        public var activeAuthenticationMs: Double
        /// SELECT and MSE: a file or key reference.
        public var selectMs: Double
        /// READ BINARY: fixed part (the command's MAC check, the file access).
        public var readBinaryMs: Double
        /// READ BINARY: per KiB answered (memory read, encryption and MAC of the answer).
        public var readBinaryPerKiBMs: Double
        /// Anything else.
        public var otherMs: Double
    }

    /// What the chip does for a command, told from the bytes on the wire (INS, the CLA's
    /// secure-messaging bits, PACE's dynamic authentication data): what a timing model needs.
    public enum Step: String, Sendable, Hashable, CaseIterable {
        case paceNonce, paceMapping, paceKeyAgreement, paceMutualAuthentication
        case bac, chipAuthentication, activeAuthentication, select, readBinary, other

        public init(_ command: CommandAPDU) {
            let secured = command.cla & 0x0C != 0
            switch command.instruction {
            case .readBinary, .readBinaryOdd: self = .readBinary
            case .select, .manageSecurityEnvironment: self = .select
            case .getChallenge, .externalAuthenticate: self = .bac
            case .internalAuthenticate: self = .activeAuthentication
            case .generalAuthenticate where secured: self = .chipAuthentication
            case .generalAuthenticate:
                // Dynamic authentication data `7C`: empty (step 1), `81` mapping, `83` key
                // agreement, `85` token (ICAO 9303-11 §4.4.4).
                let inner = command.data.count > 2 && command.data[0] == 0x7C ? command.data[2] : 0
                switch inner {
                case 0x81: self = .paceMapping
                case 0x83: self = .paceKeyAgreement
                case 0x85: self = .paceMutualAuthentication
                default: self = .paceNonce
                }
            case .getResponse, nil: self = .other
            }
        }
    }

    public func computeMs(_ step: Step, responseBytes: Int) -> Double {
        switch step {
        case .paceNonce: compute.paceNonceMs
        case .paceMapping: compute.paceMappingMs
        case .paceKeyAgreement: compute.paceKeyAgreementMs
        case .paceMutualAuthentication: compute.paceMutualAuthenticationMs
        case .bac: compute.bacMs
        case .chipAuthentication: compute.chipAuthenticationMs
        case .activeAuthentication: compute.activeAuthenticationMs
        case .select: compute.selectMs
        case .readBinary: compute.readBinaryMs + compute.readBinaryPerKiBMs * Double(responseBytes) / 1024
        case .other: compute.otherMs
        }
    }

    /// Air time of `bytes` one way, in ms, with their frames and the other side's R(ACK)s.
    public func linkMs(bytes: Int) -> Double {
        let payload = max(1, maxFrameBytes - frameOverheadBytes)
        let frames = max(1, (bytes + payload - 1) / payload)
        let acks = frames - 1
        let onAir = Double(bytes + (frames + acks) * frameOverheadBytes) * bitsPerByte / bitRate * 1000
        return onAir + Double(frames + acks) * frameGapMicroseconds / 1000
    }

    /// The time one APDU takes, command sent to answer received.
    public func duration(of command: CommandAPDU, responseBytes: Int) -> Duration {
        let ms =
            turnaroundMs + linkMs(bytes: command.bytes.count) + linkMs(bytes: responseBytes)
            + computeMs(Step(command), responseBytes: responseBytes)
        return .microseconds(Int64((ms * 1000).rounded()))
    }
}

extension ChipTiming {
    /// The chip's work, the same in every profile (the reader does not change it). Sources and
    /// which figures are assumptions: docs/performance.md.
    /// A current secure element (NXP P71 / Infineon SECORA class, JCAlgTest's measurements):
    /// PACE generic mapping about five P-256 point multiplications at ~20–27 ms, chip
    /// authentication one ECDH and key derivation, active authentication one ECDSA-256
    /// signature (the simulator's key), READ BINARY ~4 ms per 223 bytes of secure messaging.
    public static let cccdChip = Compute(
        paceNonceMs: 5,
        paceMappingMs: 55,
        paceKeyAgreementMs: 65,
        paceMutualAuthenticationMs: 5,
        bacMs: 8,
        chipAuthenticationMs: 30,
        activeAuthenticationMs: 35,
        selectMs: 2,
        readBinaryMs: 1.5,
        readBinaryPerKiBMs: 10,
        otherMs: 2
    )

    /// ISO 14443 Type A framing: 9 bit periods a byte, PCB and CRC, FSD/FSC 256; between frames
    /// the card's frame delay (1172/fc, 86 µs) and the reader's turnaround (1620/fc, 119 µs);
    /// 3 ms of USB CCID, reader firmware and pcscd per APDU (an assumption: no public figure).
    private static func reader(_ name: String, kbits: Double, extendedLength: Bool) -> ChipTiming {
        ChipTiming(
            name: name,
            bitRate: kbits * 1000,
            bitsPerByte: 9,
            frameOverheadBytes: 3,
            maxFrameBytes: 256,
            frameGapMicroseconds: 205,
            turnaroundMs: 3,
            extendedLength: extendedLength,
            compute: cccdChip
        )
    }

    /// A reader at 106 kbit/s (the ISO 14443 base rate; older and cheaper readers), short APDUs.
    public static let reader106Short = reader("106-short", kbits: 106, extendedLength: false)
    /// A reader at 424 kbit/s with short APDUs only: the common reception-desk case.
    public static let reader424Short = reader("424-short", kbits: 424, extendedLength: false)
    /// A reader at 848 kbit/s whose card takes extended-length APDUs.
    public static let reader848Extended = reader("848-extended", kbits: 848, extendedLength: true)

    public static let profiles: [ChipTiming] = [reader106Short, reader424Short, reader848Extended]

    public static func profile(named name: String) -> ChipTiming? { profiles.first { $0.name == name } }
}
