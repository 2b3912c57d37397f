import Logging
import SmartCard

/// The MRTD module's access logger: protocol steps, ciphers and status words only, never
/// keys, passwords, nonces or data bytes (docs/design.md §9.6).
let accessLogger = Logger(label: "cancuoc.mrtd")

/// Why BAC or PACE did not open the chip, as a caller must act on it (docs/design.md §9.2–9.3: an
/// error says what the user must do): ask for the key again, maybe fall back to BAC, or give up.
public enum AccessError: Error, Sendable, Equatable {
    /// The chip refused the password (6300 / 63Cx / 6982 at mutual authentication, or the
    /// authentication token did not verify). Never fall back to another protocol on this.
    case wrongKey
    /// The protocol broke for a reason other than the key: an unexpected status, a malformed
    /// answer, a bad point. Falling back to BAC is reasonable.
    case protocolFailure(step: String, reason: String)
    /// The chip or the key asks for something this implementation does not do (DH, integrated
    /// or chip-authentication mapping, explicit domain parameters, a CAN with BAC).
    case unsupported(String)
}
