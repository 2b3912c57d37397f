import ArgumentParser
import CardService

/// The ways to give a card's access key, shared by `read` and `diag`.
struct KeyOptions: ParsableArguments {
    @Option(name: .customLong("id"), help: "The 12-digit ID number (PACE with its last six digits).")
    var idNumber: String?
    @Option(help: "The 6-digit card access number.")
    var can: String?
    @Option(help: "The text of the QR code on the card's front.")
    var qr: String?
    @Option(help: "The MRZ on the card's back (lines separated by newlines).")
    var mrz: String?
    @Option(
        name: .customLong("document-number"),
        help: "BAC: the document number (for a CCCD, the last 9 digits of the ID)."
    )
    var documentNumber: String?
    @Option(help: "BAC: date of birth, YYMMDD.")
    var birth: String?
    @Option(help: "BAC: date of expiry, YYMMDD (991231 for a card that never expires).")
    var expiry: String?
    @Flag(name: .customLong("bac-only"), help: "Use BAC even when the chip offers PACE.")
    var bacOnly = false

    var count: Int { [idNumber, can, qr, mrz, documentNumber].compactMap { $0 }.count }

    /// The key, or nil when none was given.
    var spec: KeySpec? {
        count == 0
            ? nil
            : KeySpec(
                id: idNumber,
                can: can,
                qr: qr,
                mrz: mrz,
                documentNumber: documentNumber,
                dateOfBirth: birth,
                dateOfExpiry: expiry,
                method: bacOnly ? "BAC" : nil
            )
    }

    func validate() throws {
        guard count <= 1 else {
            throw ValidationError("give only one key: --id, --can, --qr, --mrz or --document-number")
        }
    }
}
