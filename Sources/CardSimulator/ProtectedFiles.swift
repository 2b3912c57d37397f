import SmartCard

/// Files behind Terminal Authentication (DG3 fingerprints on a CCCD): SELECT and READ BINARY
/// of them answer `6982`, as the real chip does for a terminal without TA certificates.
public actor ProtectedFiles: APDUHandler {
    let inner: any APDUHandler
    let fileIDs: Set<UInt16>

    public init(inner: any APDUHandler, fileIDs: Set<UInt16>) {
        self.inner = inner
        self.fileIDs = fileIDs
    }

    public func powerOn() async -> [UInt8] { await inner.powerOn() }
    public func powerOff() async { await inner.powerOff() }

    public func process(_ command: CommandAPDU) async -> ResponseAPDU {
        let denied: Bool
        switch command.ins {
        case 0xA4 where command.p1 == 0x02 && command.data.count == 2:
            denied = fileIDs.contains(UInt16(command.data[0]) << 8 | UInt16(command.data[1]))
        case 0xB0 where command.p1 & 0x80 != 0:
            denied = fileIDs.contains { $0 & 0x1F == UInt16(command.p1 & 0x1F) && $0 >> 8 == 0x01 }
        default:
            denied = false
        }
        return denied ? ResponseAPDU(status: .securityStatusNotSatisfied) : await inner.process(command)
    }
}
