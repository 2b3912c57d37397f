import CCCD
import MRTD

/// Why the access key a person typed or scanned cannot open a card, one case per thing to
/// correct. The one place these sentences are written: `cancuoc` prints them, the API sends
/// `message` and `data.messageVi` (through `ReadFailure.badKey`), the reception page shows them.
/// Sentences for people, never field or enum names, never the key itself (it is personal data).
public enum KeyError: Error, Sendable, Equatable {
    /// No key at all.
    case missing
    /// More than one of id, can, qr, mrz, documentNumber.
    case several
    /// `method` is neither PACE nor BAC.
    case unknownMethod
    /// The ID number is not 12 digits.
    case idNumber
    /// The CAN is not 6 digits.
    case can
    /// A BAC date is not `YYMMDD`, or the birth date does not fit the ID's birth year.
    case date
    /// BAC with an ID number but without the date of birth.
    case bacNeedsBirthDate
    /// BAC was asked with a CAN.
    case bacWithCAN
    /// BAC was asked with the QR text (it has no expiry date).
    case bacWithQR
    /// A document number without both dates.
    case documentNumberNeedsDates
    /// A document number with characters no MRZ holds.
    case documentNumberCharacters
    /// Scanned text that is not the QR of an ID card (its first field is not a 12-digit ID).
    case qrNotIDCard
    /// The QR of a health-insurance (BHYT) card.
    case healthInsuranceCard
    /// The MRZ text did not parse or a check digit failed.
    case mrz(MRZError)

    /// From the CCCD parsers. `scanned`: the text came as a QR code (an ID that is not 12
    /// digits then means "not an ID card's QR").
    public init(_ error: CCCDError, scanned: Bool = false) {
        switch error {
        case .invalidIDNumber: self = scanned ? .qrNotIDCard : .idNumber
        case .qrNotIDCard: self = .qrNotIDCard
        case .healthInsuranceCard: self = .healthInsuranceCard
        case .invalidDate: self = .date
        }
    }

    /// English: what is wrong and what to type or scan instead.
    public var message: String {
        switch self {
        case .missing:
            return "No access key was given: type the 12-digit ID number, or scan the QR code on the ID card."
        case .several:
            return "Give only one access key: the ID number, the CAN, the QR code, the MRZ or the document number."
        case .unknownMethod:
            return "The access method must be PACE or BAC; leave it out to let the card choose."
        case .idNumber:
            return "The ID number must be the 12 digits printed on the ID card: check it and type it again."
        case .can:
            return "The card access number (CAN) must be the 6 digits printed on the card: check it and type it again."
        case .date:
            return
                "A date is not valid: give the date of birth and date of expiry as six digits, year month day (for example 900215)."
        case .bacNeedsBirthDate:
            return "Opening the card with BAC needs the date of birth as well as the ID number."
        case .bacWithCAN:
            return
                "BAC cannot use a card access number: type the ID number with the dates of birth and expiry, or leave BAC out."
        case .bacWithQR:
            return
                "BAC cannot use the QR code, which has no expiry date: leave BAC out, or type the ID number with the dates."
        case .documentNumberNeedsDates:
            return
                "A document number needs the date of birth and the date of expiry, each as six digits, year month day."
        case .documentNumberCharacters:
            return "The document number may hold only capital letters and digits: check it against the card."
        case .qrNotIDCard:
            return
                "The scanned code is not the QR code of a chip ID card: scan the QR code on the ID card, or type the 12-digit ID number."
        case .healthInsuranceCard:
            return
                "This is the QR code of a health-insurance card, not of an ID card: scan the QR code on the chip ID card instead."
        case .mrz(let e):
            return Self.mrzMessage(e)
        }
    }

    /// Vietnamese, for reception staff (`data.messageVi`).
    public var messageVi: String {
        switch self {
        case .missing:
            return "Chưa có khóa truy cập: hãy nhập số định danh cá nhân 12 chữ số, hoặc quét mã QR trên thẻ căn cước."
        case .several:
            return "Chỉ nhập một khóa truy cập: số định danh, số CAN, mã QR, dòng MRZ hoặc số giấy tờ."
        case .unknownMethod:
            return "Phương thức truy cập phải là PACE hoặc BAC; bỏ trống để thẻ tự chọn."
        case .idNumber:
            return "Số định danh cá nhân phải gồm đúng 12 chữ số in trên thẻ căn cước: hãy kiểm tra và nhập lại."
        case .can:
            return "Số truy cập thẻ (CAN) phải gồm đúng 6 chữ số in trên thẻ: hãy kiểm tra và nhập lại."
        case .date:
            return "Ngày không hợp lệ: nhập ngày sinh và ngày hết hạn dạng sáu chữ số năm tháng ngày (ví dụ 900215)."
        case .bacNeedsBirthDate:
            return "Mở thẻ bằng BAC cần cả ngày sinh, ngoài số định danh."
        case .bacWithCAN:
            return "BAC không dùng được số CAN: hãy nhập số định danh kèm ngày sinh và ngày hết hạn, hoặc bỏ chọn BAC."
        case .bacWithQR:
            return
                "BAC không dùng được mã QR vì mã QR không có ngày hết hạn: hãy bỏ chọn BAC, hoặc nhập số định danh kèm các ngày."
        case .documentNumberCharacters:
            return "Số giấy tờ chỉ gồm chữ in hoa và chữ số: hãy đối chiếu lại với thẻ."
        case .documentNumberNeedsDates:
            return "Số giấy tờ cần kèm ngày sinh và ngày hết hạn, mỗi ngày sáu chữ số năm tháng ngày."
        case .qrNotIDCard:
            return
                "Mã vừa quét không phải mã QR của thẻ căn cước gắn chip: hãy quét mã QR trên thẻ căn cước, hoặc nhập số định danh 12 chữ số."
        case .healthInsuranceCard:
            return
                "Đây là mã QR của thẻ bảo hiểm y tế, không phải thẻ căn cước: hãy quét mã QR trên thẻ căn cước gắn chip."
        case .mrz(let e):
            return Self.mrzMessageVi(e)
        }
    }

    static func mrzMessage(_ e: MRZError) -> String {
        switch e {
        case .unsupportedFormat:
            return
                "The MRZ must be the three lines of 30 characters on the back of the ID card (or the two lines of 44 of a passport): scan or type all of it."
        case .wrongLineLength(let line, let expected, let actual):
            return "Line \(line) of the MRZ has \(actual) characters instead of \(expected): check it against the card."
        case .invalidCharacter(let line, let column):
            return
                "Line \(line) of the MRZ has a character other than A to Z, 0 to 9 or < at position \(column): check it against the card."
        case .badCheckDigit(let field):
            return
                "The check digit of the \(fieldName(field)) in the MRZ does not match: a character was misread, check the MRZ against the card."
        case .invalidField(let field):
            return "The \(fieldName(field)) in the MRZ is not valid: check it against the card."
        }
    }

    static func mrzMessageVi(_ e: MRZError) -> String {
        switch e {
        case .unsupportedFormat:
            return
                "Dòng MRZ phải gồm ba dòng, mỗi dòng 30 ký tự, ở mặt sau thẻ căn cước (hộ chiếu: hai dòng 44 ký tự): hãy quét hoặc nhập đủ."
        case .wrongLineLength(let line, let expected, let actual):
            return "Dòng \(line) của MRZ có \(actual) ký tự thay vì \(expected): hãy đối chiếu lại với thẻ."
        case .invalidCharacter(let line, let column):
            return
                "Dòng \(line) của MRZ có ký tự không phải A đến Z, 0 đến 9 hoặc < ở vị trí \(column): hãy đối chiếu lại với thẻ."
        case .badCheckDigit(let field):
            return
                "Số kiểm tra của \(fieldNameVi(field)) trong MRZ không khớp: có ký tự bị đọc sai, hãy đối chiếu MRZ với thẻ."
        case .invalidField(let field):
            return
                "\(fieldNameVi(field).prefix(1).uppercased() + fieldNameVi(field).dropFirst()) trong MRZ không hợp lệ: hãy đối chiếu lại với thẻ."
        }
    }

    static func fieldName(_ field: MRZ.Field) -> String {
        switch field {
        case .documentCode: return "document code"
        case .issuingState: return "issuing state"
        case .documentNumber: return "document number"
        case .dateOfBirth: return "date of birth"
        case .sex: return "sex"
        case .dateOfExpiry: return "date of expiry"
        case .nationality: return "nationality"
        case .optionalData: return "optional data"
        case .composite: return "whole MRZ"
        }
    }

    static func fieldNameVi(_ field: MRZ.Field) -> String {
        switch field {
        case .documentCode: return "mã loại giấy tờ"
        case .issuingState: return "quốc gia cấp"
        case .documentNumber: return "số giấy tờ"
        case .dateOfBirth: return "ngày sinh"
        case .sex: return "giới tính"
        case .dateOfExpiry: return "ngày hết hạn"
        case .nationality: return "quốc tịch"
        case .optionalData: return "dữ liệu tùy chọn"
        case .composite: return "toàn bộ MRZ"
        }
    }
}
