import MRTD
import SmartCard

/// The chip side of access control and secure messaging for the simulated CCCD: a decorator
/// around a plain file-system card (`inner`). It answers PACE (ICAO 9303-11 §4.4, generic
/// mapping on the configured curve and cipher, CAN and MRZ passwords) and BAC (§4.3); once a
/// session is up it unwraps SM commands (§9.8), forwards the plain command to `inner` and
/// wraps the answer. Before access control it allows only what a real chip allows: SELECT of
/// the eMRTD application and SELECT/READ of EF.CardAccess; everything else answers `6982`.
/// A bad command MAC answers `6988` (`6987` when DO'8E' is missing) and drops the session;
/// a wrong password answers `6300`.
public actor SecureChip: APDUHandler {
    /// What the chip offers and which passwords open it.
    public struct Configuration: Sendable {
        /// The 6-digit CAN (on a CCCD: the last six digits of the ID number, docs/design.md §4).
        public var can: String
        /// The MRZ key (document number, dates): BAC and PACE with the MRZ password.
        public var mrz: AccessKey?
        /// ICAO standardized domain parameter id of the PACE curve (13 = brainpoolP256r1).
        public var paceParameterId: Int
        public var paceCipher: SecureMessagingCipher
        public var supportsBAC: Bool
        public var supportsPACE: Bool
        /// Keys for chip and active authentication (ICAO 9303-11 §6); nil: the chip offers neither.
        public var chipKeys: ChipKeys?

        public init(
            can: String,
            mrz: AccessKey? = nil,
            paceParameterId: Int = 13,
            paceCipher: SecureMessagingCipher = .aes128,
            supportsBAC: Bool = true,
            supportsPACE: Bool = true,
            chipKeys: ChipKeys? = nil
        ) {
            self.chipKeys = chipKeys
            self.can = can
            self.mrz = mrz
            self.paceParameterId = paceParameterId
            self.paceCipher = paceCipher
            self.supportsBAC = supportsBAC
            self.supportsPACE = supportsPACE
        }

        /// The PACEInfo this chip would list in EF.CardAccess.
        public var paceInfo: PACEInfo { .ecdhGenericMapping(cipher: paceCipher, parameterId: paceParameterId) }
    }

    /// Chip randomness, injectable so a test can replay Appendix G.1 (or D) from the card side.
    /// Each value is used once, by the next run of the protocol, then random values take over.
    public struct TestKeys: Sendable {
        public var paceNonce: [UInt8]?
        public var mappingPrivateKey: [UInt8]?
        public var agreementPrivateKey: [UInt8]?
        public var rndIC: [UInt8]?
        public var kIC: [UInt8]?
        public init(
            paceNonce: [UInt8]? = nil,
            mappingPrivateKey: [UInt8]? = nil,
            agreementPrivateKey: [UInt8]? = nil,
            rndIC: [UInt8]? = nil,
            kIC: [UInt8]? = nil
        ) {
            self.paceNonce = paceNonce
            self.mappingPrivateKey = mappingPrivateKey
            self.agreementPrivateKey = agreementPrivateKey
            self.rndIC = rndIC
            self.kIC = kIC
        }
    }

    /// The eMRTD application identifier (ICAO 9303-10 §3.11.2).
    public static let emrtdAID: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
    static let cardAccessFID: [UInt8] = [0x01, 0x1C]
    static let cardAccessSFI: UInt8 = 0x1C

    public let configuration: Configuration
    let inner: any APDUHandler
    var testKeys: TestKeys?
    var pace: PACEState = .idle
    var bacChallenge: [UInt8]?
    var session: Session?
    var cardAccessSelected = false
    /// Chip authentication: MSE:Set AT seen, GENERAL AUTHENTICATE expected.
    var chipAuthenticationSelected = false
    /// The session chip authentication switches to once its answer is out (§6.2.3).
    var pendingSession: Session?

    struct Session {
        let codec: SecureMessagingCodec
        var ssc: [UInt8]
    }

    public init(inner: any APDUHandler, configuration: Configuration, testKeys: TestKeys? = nil) {
        self.inner = inner
        self.configuration = configuration
        self.testKeys = testKeys
    }

    /// Whether a secure-messaging session is up (for tests and the simulator's status).
    public var hasSession: Bool { session != nil }

    public func powerOn() async -> [UInt8] {
        resetAccess()
        return await inner.powerOn()
    }

    public func powerOff() async {
        resetAccess()
        await inner.powerOff()
    }

    public func process(_ command: CommandAPDU) async -> ResponseAPDU {
        if session != nil {
            if command.cla & 0x0C == 0x0C { return await processProtected(command) }
            // A plain command ends secure messaging (ICAO 9303-11 §9.8.6).
            session = nil
        }
        switch command.instruction {
        case .manageSecurityEnvironment where command.p1 == 0xC1 && command.p2 == 0xA4:
            return configuration.supportsPACE ? paceSetAT(command) : ResponseAPDU(status: .insNotSupported)
        case .generalAuthenticate:
            return configuration.supportsPACE
                ? paceGeneralAuthenticate(command) : ResponseAPDU(status: .insNotSupported)
        case .getChallenge:
            return bacGetChallenge(command)
        case .externalAuthenticate:
            return bacExternalAuthenticate(command)
        case .select:
            return await selectBeforeAccess(command)
        case .readBinary:
            return await readBeforeAccess(command)
        default:
            return ResponseAPDU(status: .securityStatusNotSatisfied)
        }
    }

    // MARK: Secure messaging

    func startSession(keys: SessionKeys, ssc: [UInt8]) {
        session = Session(codec: SecureMessagingCodec(keys: keys), ssc: ssc)
        pace = .idle
        pendingSession = nil
        chipAuthenticationSelected = false
        bacChallenge = nil
    }

    private func processProtected(_ command: CommandAPDU) async -> ResponseAPDU {
        guard var s = session else { return ResponseAPDU(status: .securityStatusNotSatisfied) }
        SecureMessagingCodec.increment(&s.ssc)
        let plain: CommandAPDU
        do {
            plain = try s.codec.unprotect(command, ssc: s.ssc)
        } catch SecureMessagingError.missingMAC {
            session = nil
            return ResponseAPDU(status: .smDataObjectsMissing)
        } catch {
            session = nil
            return ResponseAPDU(status: .smDataObjectsIncorrect)
        }
        session = s
        let answer: ResponseAPDU
        if let own = authenticationCommand(plain) { answer = own } else { answer = await inner.process(plain) }
        // The session may have been dropped while the inner card answered (power off).
        guard var current = session else { return ResponseAPDU(status: .securityStatusNotSatisfied) }
        SecureMessagingCodec.increment(&current.ssc)
        session = current
        do {
            let protected = try current.codec.protect(answer, ssc: current.ssc)
            if let next = pendingSession {
                session = next
                pendingSession = nil
            }
            return protected
        } catch {
            session = nil
            pendingSession = nil
            return ResponseAPDU(status: .noPreciseDiagnosis)
        }
    }

    // MARK: Before access control

    private func selectBeforeAccess(_ command: CommandAPDU) async -> ResponseAPDU {
        cardAccessSelected = false
        switch command.p1 {
        case 0x04 where command.data == Self.emrtdAID:
            return await inner.process(command)
        case 0x00 where command.data == Self.cardAccessFID, 0x02 where command.data == Self.cardAccessFID:
            let answer = await inner.process(command)
            cardAccessSelected = answer.status.isSuccess
            return answer
        default:
            return ResponseAPDU(status: .securityStatusNotSatisfied)
        }
    }

    private func readBeforeAccess(_ command: CommandAPDU) async -> ResponseAPDU {
        let bySFI = command.p1 & 0x80 != 0
        if bySFI {
            guard command.p1 & 0x1F == Self.cardAccessSFI else {
                return ResponseAPDU(status: .securityStatusNotSatisfied)
            }
            let answer = await inner.process(command)
            cardAccessSelected = answer.status.isSuccess || cardAccessSelected
            return answer
        }
        guard cardAccessSelected else { return ResponseAPDU(status: .securityStatusNotSatisfied) }
        return await inner.process(command)
    }

    func resetAccess() {
        session = nil
        pace = .idle
        bacChallenge = nil
        cardAccessSelected = false
        chipAuthenticationSelected = false
        pendingSession = nil
    }
}
