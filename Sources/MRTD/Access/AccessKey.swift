/// The password that opens a chip: the CAN (PACE only) or the MRZ data (BAC and PACE).
///
/// For a CCCD the CAN is the last six digits of the 12-digit ID number and the MRZ
/// document number its last nine (docs/design.md §4); `CCCD` builds these from an ID or QR text.
public enum AccessKey: Hashable, Sendable {
    case can(String)
    /// Document number as printed (any length; padded with `<` to at least 9), dates YYMMDD.
    case mrz(documentNumber: String, dateOfBirth: String, dateOfExpiry: String)

    /// ICAO 9303-11 §9.7.2 / Appendix D.2: document number + check, birth + check, expiry + check.
    /// `nil` for a CAN or characters no MRZ holds.
    public var mrzInformation: String? {
        guard case .mrz(let number, let birth, let expiry) = self else { return nil }
        var doc = number.uppercased()
        while doc.count < 9 { doc += "<" }
        guard let c1 = CheckDigit.compute(doc), let c2 = CheckDigit.compute(birth),
            let c3 = CheckDigit.compute(expiry),
            birth.count == 6, expiry.count == 6
        else { return nil }
        return doc + String(c1) + birth + String(c2) + expiry + String(c3)
    }

    /// PACE password reference (ICAO 9303-11 §9.2): 1 = MRZ, 2 = CAN.
    public var pacePasswordReference: UInt8 {
        switch self {
        case .can: return 0x02
        case .mrz: return 0x01
        }
    }

    /// The bytes PACE derives K_π from: the CAN as digits, or SHA-1 of the MRZ information
    /// (applied by the PACE implementation). Raw text here.
    public var isCAN: Bool {
        if case .can = self { return true }
        return false
    }
}
