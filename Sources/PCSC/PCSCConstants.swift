import CPCSCLite

/// pcsc-lite's useful constants are C macros, which Swift does not import (docs/design.md §8).
/// The values are those of `/usr/include/PCSC/pcsclite.h` and `reader.h` (pcsc-lite 1.9.9).
public enum PCSCConstants {
    // Scopes, sharing, protocols, dispositions.
    static let scopeSystem: UInt = 0x0002
    static let shareExclusive: UInt = 0x0001
    static let shareShared: UInt = 0x0002
    static let shareDirect: UInt = 0x0003
    static let protocolUndefined: UInt = 0x0000
    static let protocolT0: UInt = 0x0001
    static let protocolT1: UInt = 0x0002
    static let leaveCard: UInt = 0x0000
    static let resetCard: UInt = 0x0001
    static let unpowerCard: UInt = 0x0002
    static let ejectCard: UInt = 0x0003

    // Reader states (SCARD_READERSTATE.dwCurrentState / dwEventState).
    static let stateUnaware: UInt = 0x0000
    static let stateIgnore: UInt = 0x0001
    static let stateChanged: UInt = 0x0002
    static let stateUnknown: UInt = 0x0004
    static let stateUnavailable: UInt = 0x0008
    static let stateEmpty: UInt = 0x0010
    static let statePresent: UInt = 0x0020
    static let stateMute: UInt = 0x0200

    /// `SCARD_AUTOALLOCATE` is `(DWORD)-1`; we never use it (we size our own buffers).
    static let infinite: UInt = 0xFFFF_FFFF

    /// The special reader name whose event state changes when readers come and go.
    public static let pnpNotification = "\\\\?PnP?\\Notification"

    /// Largest extended response: 65536 data bytes + SW1 SW2.
    public static let maxResponseLength = 65538
    /// `MAX_ATR_SIZE`.
    static let maxATRSize = 33
    /// `MAX_BUFFER_SIZE_EXTENDED`: largest attribute / control answer we accept.
    static let maxBufferSize = 65548

    /// `SCARD_CTL_CODE(code)` = `0x42000000 + code`.
    public static func controlCode(_ code: UInt32) -> UInt32 { 0x4200_0000 + code }
    /// PC/SC part 10: ask the reader which features it supports.
    public static let getFeatureRequest: UInt32 = controlCode(3400)  // 0x42000D48
}
