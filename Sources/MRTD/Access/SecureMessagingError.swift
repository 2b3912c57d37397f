import SmartCard

/// Why a secure-messaging exchange failed (ICAO 9303-11 §9.8). After any of these except
/// `concurrentUse` the session is broken: the terminal must run BAC/PACE again.
public enum SecureMessagingError: Error, Sendable, Equatable {
    /// The response (or command, chip side) MAC did not verify: tampering or lost sync.
    case badMAC
    /// A successful response carried no DO'8E'.
    case missingMAC
    /// The protected data objects are not well formed.
    case malformed(String)
    /// The card answered 6987/6988 unprotected: it has dropped the session (§9.8.6).
    case sessionAborted(StatusWord)
    /// An earlier failure broke this session.
    case sessionBroken
    /// A second command was sent while one was in flight; SM is strictly sequential.
    case concurrentUse
}
