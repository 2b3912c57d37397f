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

    public init(id: String? = nil, can: String? = nil, qr: String? = nil, mrz: String? = nil,
                documentNumber: String? = nil, dateOfBirth: String? = nil, dateOfExpiry: String? = nil,
                method: String? = nil) {
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
    public func resolve() throws(ReadFailure) -> ResolvedKey {
        let (key, alternatives, forceBAC) = try candidates()
        return ResolvedKey(key: key, alternatives: alternatives, forceBAC: forceBAC)
    }

    private func candidates() throws(ReadFailure) -> (key: AccessKey, alternatives: [AccessKey], forceBAC: Bool) {
        let forceBAC: Bool
        switch method?.uppercased() {
        case nil, "PACE": forceBAC = false
        case "BAC": forceBAC = true
        case let other?: throw .badKey("unknown method \(other): use PACE or BAC")
        }
        let given = [id, can, qr, mrz, documentNumber].compactMap { $0 }.count
        guard given == 1 else {
            throw .badKey(given == 0 ? "give one of id, can, qr, mrz or documentNumber" : "give only one of id, can, qr, mrz or documentNumber")
        }
        do {
            if let id {
                if let birth = dateOfBirth, let expiry = dateOfExpiry {
                    return (try CCCDKeys.bac(idNumber: id, dateOfBirth: birth, dateOfExpiry: expiry), [], forceBAC)
                }
                if forceBAC, let birth = dateOfBirth {
                    let candidates = try CCCDKeys.bacCandidates(idNumber: id, dateOfBirth: birth)
                    guard let first = candidates.first else { throw ReadFailure.badKey("no plausible expiry date") }
                    return (first, Array(candidates.dropFirst()), true)
                }
                if forceBAC { throw ReadFailure.badKey("BAC with an ID number needs dateOfBirth (and dateOfExpiry)") }
                return (try CCCDKeys.can(idNumber: id), [], false)
            }
            if let can {
                guard can.count == 6, can.allSatisfy(\.isASCIIDigit) else { throw ReadFailure.badKey("a CAN is 6 digits") }
                if forceBAC { throw ReadFailure.badKey("BAC cannot use a CAN") }
                return (.can(can), [], false)
            }
            if let qr {
                if forceBAC { throw ReadFailure.badKey("BAC cannot use the QR code (it carries no expiry date)") }
                return (try CCCDQRCode(qr).accessKey, [], false)
            }
            if let mrz {
                return (try MRZ(text: mrz).accessKey, [], forceBAC)
            }
            if let documentNumber {
                guard let birth = dateOfBirth, let expiry = dateOfExpiry,
                      birth.count == 6, expiry.count == 6,
                      birth.allSatisfy(\.isASCIIDigit), expiry.allSatisfy(\.isASCIIDigit) else {
                    throw ReadFailure.badKey("documentNumber needs dateOfBirth and dateOfExpiry as YYMMDD")
                }
                let key = AccessKey.mrz(documentNumber: documentNumber, dateOfBirth: birth, dateOfExpiry: expiry)
                guard key.mrzInformation != nil else { throw ReadFailure.badKey("documentNumber has characters no MRZ holds") }
                return (key, [], forceBAC)
            }
        } catch let failure as ReadFailure {
            throw failure
        } catch {
            throw .badKey(String(describing: error))
        }
        throw .badKey("no key")
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
