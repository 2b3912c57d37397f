/// `SCardGetAttrib` tags worth asking for (pcsc-lite `reader.h`).
public enum PCSCAttribute: UInt32, Sendable, CaseIterable {
    case vendorName = 0x10100
    case vendorIFDType = 0x10101
    case vendorIFDVersion = 0x10102
    case vendorIFDSerialNumber = 0x10103
    case channelID = 0x20110
    case maxInput = 0x7A007
    case atrString = 0x90303
}
