import SmartCard

/// A plain ISO 7816-4 card: applications selected by AID, transparent EFs by FID, READ
/// BINARY with even (`B0`) and odd (`B1`) INS. Generic on purpose: the CCCD chip is this
/// card behind a secure-messaging decorator.
///
/// Short EF identifiers: an EF with FID `01xx` answers to SFI `xx` (ICAO LDS: `011C`
/// EF.CardAccess is SFI `1C`, `0101` DG1 is SFI `01`).
public actor FileSystemCard: APDUHandler {
    /// A dedicated file selected by AID, holding EFs by FID.
    public struct Application: Sendable, Hashable {
        public var aid: [UInt8]
        public var files: [UInt16: [UInt8]]

        public init(aid: [UInt8], files: [UInt16: [UInt8]]) {
            self.aid = aid
            self.files = files
        }
    }

    /// Behaviour switches for tests: ATR, how SELECT MF answers, length limits, latency.
    public struct Configuration: Sendable, Hashable {
        public var atr: [UInt8]
        /// Answer to SELECT MF (`00A4 0000` / FID 3F00). CCCD chips answer `6D00`; `9000` selects the MF.
        public var selectMFStatus: StatusWord
        /// Largest response data field: 256 for a short-only card, up to 65536 with extended length.
        /// An extended-length command to a short-only card answers `6700`.
        public var maxResponseData: Int
        /// Time taken by every APDU, to make benchmarks realistic.
        public var latency: Duration?

        public init(
            atr: [UInt8] = FileSystemCard.defaultATR,
            selectMFStatus: StatusWord = .insNotSupported,
            maxResponseData: Int = 256,
            latency: Duration? = nil
        ) {
            self.atr = atr
            self.selectMFStatus = selectMFStatus
            self.maxResponseData = maxResponseData
            self.latency = latency
        }
    }

    /// A contactless ICAO chip seen through a PC/SC reader: `3B 88 80 01` + 8 historical
    /// bytes (ISO 14443-B ATQB data) + TCK (PC/SC part 3 §3.1.3.2.3).
    public static let defaultATR = atr(historicalBytes: [0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x81, 0x00])

    /// Builds a PC/SC contactless ATR around historical bytes (at most 15), with its TCK.
    public static func atr(historicalBytes: [UInt8]) -> [UInt8] {
        let k = UInt8(min(historicalBytes.count, 15))
        var atr: [UInt8] = [0x3B, 0x80 | k, 0x80, 0x01] + historicalBytes.prefix(Int(k))
        atr.append(atr.dropFirst().reduce(0, ^))  // TCK: XOR of T0 … last historical byte
        return atr
    }

    public let configuration: Configuration
    private let masterFiles: [UInt16: [UInt8]]
    private let applications: [Application]
    /// nil: the MF is the current DF.
    private var currentApplication: Int?
    private var currentFile: UInt16?

    public init(
        masterFiles: [UInt16: [UInt8]] = [:],
        applications: [Application] = [],
        configuration: Configuration = Configuration()
    ) {
        self.masterFiles = masterFiles
        self.applications = applications
        self.configuration = configuration
    }

    public func powerOn() async -> [UInt8] {
        resetState()
        return configuration.atr
    }

    public func powerOff() async { resetState() }

    private func resetState() {
        currentApplication = nil
        currentFile = nil
    }

    public func process(_ command: CommandAPDU) async -> ResponseAPDU {
        if let latency = configuration.latency { try? await Task.sleep(for: latency) }
        if command.requiresExtendedLength && configuration.maxResponseData <= CommandAPDU.maxShortNe {
            return ResponseAPDU(status: .wrongLength)
        }
        guard command.cla & 0xE0 == 0 else { return ResponseAPDU(status: .claNotSupported) }
        switch command.instruction {
        case .select: return select(command)
        case .readBinary: return readBinary(command)
        case .readBinaryOdd: return readBinaryOdd(command)
        default: return ResponseAPDU(status: .insNotSupported)
        }
    }

    private var currentFiles: [UInt16: [UInt8]] {
        currentApplication.map { applications[$0].files } ?? masterFiles
    }

    private func select(_ command: CommandAPDU) -> ResponseAPDU {
        switch command.p1 {
        case 0x04:
            guard let index = applications.firstIndex(where: { $0.aid == command.data }) else {
                return ResponseAPDU(status: .fileNotFound)
            }
            currentApplication = index
            currentFile = nil
            if command.p2 & 0x0C == 0x0C { return ResponseAPDU(status: .success) }
            let aid = TLV(tag: 0x84, value: command.data)
            return ResponseAPDU(data: TLV(tag: 0x6F, value: aid.encoded).encoded, status: .success)
        case 0x00 where command.data.isEmpty || command.data == [0x3F, 0x00]:
            guard configuration.selectMFStatus == .success else {
                return ResponseAPDU(status: configuration.selectMFStatus)
            }
            currentApplication = nil
            currentFile = nil
            return ResponseAPDU(status: .success)
        case 0x00, 0x02:
            guard command.data.count == 2 else { return ResponseAPDU(status: .wrongLength) }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            guard currentFiles[fid] != nil else { return ResponseAPDU(status: .fileNotFound) }
            currentFile = fid
            return ResponseAPDU(status: .success)
        default:
            return ResponseAPDU(status: .incorrectP1P2)
        }
    }

    /// `B0`: offset in P1-P2 (15 bits), or P1 bit 8 set = SFI in bits 1-5 and offset in P2.
    private func readBinary(_ command: CommandAPDU) -> ResponseAPDU {
        let offset: Int
        if command.p1 & 0x80 != 0 {
            guard command.p1 & 0x60 == 0 else { return ResponseAPDU(status: .incorrectP1P2) }
            let sfi = command.p1 & 0x1F
            guard let fid = currentFiles.keys.first(where: { $0 >> 8 == 0x01 && UInt8($0 & 0xFF) == sfi }) else {
                return ResponseAPDU(status: .fileNotFound)
            }
            currentFile = fid
            offset = Int(command.p2)
        } else {
            offset = Int(command.p1) << 8 | Int(command.p2)
        }
        guard let fid = currentFile, let file = currentFiles[fid] else {
            return ResponseAPDU(status: .commandNotAllowedNoEF)
        }
        guard offset <= file.count else { return ResponseAPDU(status: .wrongP1P2) }
        let limit = min(command.ne ?? CommandAPDU.maxShortNe, configuration.maxResponseData)
        let end = min(file.count, offset + limit)
        let data = Array(file[offset..<end])
        return ResponseAPDU(data: data, status: data.count < limit ? .endOfFileReached : .success)
    }

    /// `B1`: offset in DO'54' of the data field; the answer is wrapped in DO'53'
    /// (ISO 7816-4 §11.3.3; ICAO 9303-10 for offsets beyond 32767).
    private func readBinaryOdd(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0, command.p2 == 0 else { return ResponseAPDU(status: .incorrectP1P2) }
        guard let tlv = try? TLV.decode(command.data), tlv.tag == 0x54, (1...3).contains(tlv.value.count) else {
            return ResponseAPDU(status: .wrongData)
        }
        let offset = tlv.value.reduce(0) { $0 << 8 | Int($1) }
        guard let fid = currentFile, let file = currentFiles[fid] else {
            return ResponseAPDU(status: .commandNotAllowedNoEF)
        }
        guard offset <= file.count else { return ResponseAPDU(status: .wrongP1P2) }
        let limit = min(command.ne ?? CommandAPDU.maxShortNe, configuration.maxResponseData)
        // The DO'53' header counts against Ne: shrink the chunk until header + chunk fit.
        var chunk = min(file.count - offset, limit)
        while chunk > 0 && TLV.encodeLength(chunk).count + 1 + chunk > limit { chunk -= 1 }
        let data = Array(file[offset..<(offset + chunk)])
        let atEnd = offset + chunk == file.count
        let full = TLV.encodeLength(chunk).count + 1 + chunk == limit
        return ResponseAPDU(
            data: TLV(tag: 0x53, value: data).encoded,
            status: atEnd && !full ? .endOfFileReached : .success
        )
    }
}
