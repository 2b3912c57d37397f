import CCCD
import MRTD

/// The access key as a user or an HIS gives it (docs/design.md §9.7 `key`): the 12-digit ID,
/// the CAN, the card's QR text, the MRZ text, or the three BAC fields.
public struct KeySpec: Sendable, Hashable, Codable {
    public var id: String?
    public var can: String?
    public var qr: String?
    public var mrz: String?
    public var documentNumber: String?
    public var dateOfBirth: String?
    public var dateOfExpiry: String?
    /// `"BAC"` forces BAC; `"PACE"` or absent lets the chip decide.
    public var method: String?

    public init(
        id: String? = nil,
        can: String? = nil,
        qr: String? = nil,
        mrz: String? = nil,
        documentNumber: String? = nil,
        dateOfBirth: String? = nil,
        dateOfExpiry: String? = nil,
        method: String? = nil
    ) {
        self.id = id
        self.can = can
        self.qr = qr
        self.mrz = mrz
        self.documentNumber = documentNumber
        self.dateOfBirth = dateOfBirth
        self.dateOfExpiry = dateOfExpiry
        self.method = method
    }

    /// The keys to try, first one first; BAC candidates from an ID + birth date come after.
    /// Every refusal is a `KeyError` (as `ReadFailure.badKey`), whose sentences say what to fix.
    public func resolve() throws(ReadFailure) -> ResolvedKey {
        do {
            let (key, alternatives, forceBAC) = try resolveKey()
            return ResolvedKey(key: key, alternatives: alternatives, forceBAC: forceBAC)
        } catch {
            throw .badKey(error)
        }
    }

    func resolveKey() throws(KeyError) -> (key: AccessKey, alternatives: [AccessKey], forceBAC: Bool) {
        let forceBAC: Bool
        switch method?.uppercased() {
        case nil, "PACE": forceBAC = false
        case "BAC": forceBAC = true
        default: throw .unknownMethod
        }
        let given = [id, can, qr, mrz, documentNumber].compactMap { $0 }.count
        guard given == 1 else { throw given == 0 ? .missing : .several }
        if let id {
            let resolved: (key: AccessKey, alternatives: [AccessKey], forceBAC: Bool)?
            do throws(CCCDError) {
                resolved = try Self.idKey(id, dateOfBirth: dateOfBirth, dateOfExpiry: dateOfExpiry, forceBAC: forceBAC)
            } catch {
                throw KeyError(error)
            }
            guard let resolved else { throw .bacNeedsBirthDate }
            return resolved
        }
        if let can {
            guard can.count == 6, can.allSatisfy(\.isASCIIDigit) else { throw .can }
            if forceBAC { throw .bacWithCAN }
            return (.can(can), [], false)
        }
        if let qr {
            if forceBAC { throw .bacWithQR }
            do throws(CCCDError) {
                return (try CCCDQRCode(qr).accessKey, [], false)
            } catch {
                throw KeyError(error, scanned: true)
            }
        }
        if let mrz {
            do throws(MRZError) {
                return (try MRZ(text: mrz).accessKey, [], forceBAC)
            } catch {
                throw .mrz(error)
            }
        }
        if let documentNumber {
            guard let birth = dateOfBirth, let expiry = dateOfExpiry else { throw .documentNumberNeedsDates }
            guard birth.count == 6, expiry.count == 6,
                birth.allSatisfy(\.isASCIIDigit), expiry.allSatisfy(\.isASCIIDigit)
            else { throw .date }
            let key = AccessKey.mrz(documentNumber: documentNumber, dateOfBirth: birth, dateOfExpiry: expiry)
            guard key.mrzInformation != nil else { throw .documentNumberCharacters }
            return (key, [], forceBAC)
        }
        throw .missing
    }

    /// The keys from an ID number; nil when BAC was asked without the date of birth.
    static func idKey(
        _ id: String,
        dateOfBirth: String?,
        dateOfExpiry: String?,
        forceBAC: Bool
    ) throws(CCCDError)
        -> (key: AccessKey, alternatives: [AccessKey], forceBAC: Bool)?
    {
        if let birth = dateOfBirth, let expiry = dateOfExpiry {
            return (try CCCDKeys.bac(idNumber: id, dateOfBirth: birth, dateOfExpiry: expiry), [], forceBAC)
        }
        let pace = try CCCDKeys.can(idNumber: id)  // a malformed ID is said first
        guard forceBAC else { return (pace, [], false) }
        guard let birth = dateOfBirth else { return nil }
        let candidates = try CCCDKeys.bacCandidates(idNumber: id, dateOfBirth: birth)
        guard let first = candidates.first else { throw .invalidDate }
        return (first, Array(candidates.dropFirst()), true)
    }
}

/// A key checked and turned into what the chip takes: resolved once per read, before a
/// reader is claimed.
public struct ResolvedKey: Sendable, Hashable {
    public var key: AccessKey
    /// BAC candidates tried after `key` (an ID number with a birth date but no expiry).
    public var alternatives: [AccessKey]
    public var forceBAC: Bool
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
