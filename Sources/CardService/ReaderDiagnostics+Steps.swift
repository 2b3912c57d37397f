import CCCD
import Foundation
import MRTD
import PCSC
import SmartCard

extension ReaderDiagnostics {
    static func pcscdFailure(_ error: any Error) -> DiagnosticStep {
        let failure = ReadFailure.classify(error)
        let denied = (error as? PCSCError)?.category == .permissionDenied
        let socketExists = FileManager.default.fileExists(atPath: pcscdSocket)
        return DiagnosticStep(
            .pcscd,
            status: .fail,
            detail: "\(failure.message); socket \(pcscdSocket) \(socketExists ? "exists" : "does not exist")",
            fix: denied
                ? "pcscd (polkit) refuses this user: install polkit/60-cancuoc.rules (make install) or run as a user polkit allows."
                : "Start the service: sudo systemctl enable --now pcscd.socket (Debian package pcscd), then check: systemctl status pcscd.",
            fixVi: denied
                ? "pcscd (polkit) từ chối người dùng này: cài polkit/60-cancuoc.rules (make install) hoặc chạy bằng người dùng được phép."
                : "Khởi động dịch vụ: sudo systemctl enable --now pcscd.socket (gói pcscd), rồi kiểm tra: systemctl status pcscd.",
            failure: failure
        )
    }

    /// What the reader is for (docs/design.md §9.5): a technician sees at once which reader is the ID-card
    /// reader and which is a signature token.
    static func kindStep(_ c: ReaderClassification, isIDCardReader: Bool, failing: Bool = false) -> DiagnosticStep {
        let because: String
        switch c.basis {
        case .contactlessCardSeen: because = "a contactless card was seen on it"
        case .contactlessATR: because = "the card on it answers as a contactless card"
        case .contactATR: because = "the card on it answers as a contact card"
        case .name: because = "its name says so"
        case .pinPad: because = "it has a PIN pad"
        case .nothing: because = "nothing tells until a card is placed on it"
        }
        let data = ["kind": c.kind.rawValue, "idCardReader": "\(isIDCardReader)"]
        switch c.kind {
        case .contactless:
            return DiagnosticStep(
                .kind,
                status: .ok,
                detail: "contactless: reads chip ID cards (\(because))"
                    + (isIDCardReader ? "; this is the ID-card reader" : ""),
                data: data
            )
        case .contactOnly:
            return DiagnosticStep(
                .kind,
                status: failing ? .fail : isIDCardReader ? .warning : .ok,
                detail:
                    "contact cards only, such as a digital-signature token (\(because)): not used for ID cards and never sent a command",
                fix: isIDCardReader ? "Chip ID cards are read contactless: plug in a contactless ID-card reader." : nil,
                fixVi: isIDCardReader
                    ? "Thẻ căn cước gắn chip được đọc không tiếp xúc: hãy cắm đầu đọc thẻ căn cước (không tiếp xúc)."
                    : nil,
                failure: failing ? .noReader("a contact-only reader cannot read a chip ID card") : nil,
                data: data
            )
        case .unknown:
            return DiagnosticStep(
                .kind,
                status: .ok,
                detail: "not known yet (\(because))" + (isIDCardReader ? "; taken as the ID-card reader" : ""),
                data: data
            )
        }
    }

    static func identitySteps(_ reader: ReaderInfo) -> [DiagnosticStep] {
        let i = reader.identity
        func show(_ s: String?) -> String { s ?? "unknown" }
        let vidpid = i.vendorID.flatMap { v in i.productID.map { CCIDSupportList.key(v, $0) } }
        var steps = [
            DiagnosticStep(
                .identity,
                status: .ok,
                detail:
                    "vendor \(show(i.vendor)), product \(show(i.product)), VID:PID \(show(vidpid)), serial \(show(i.serialNumber)), firmware \(show(i.firmware))"
                    + (vidpid == nil && i.vendor == nil
                        ? " (the driver reports no identity, as virtual readers do)" : ""),
                data: ["id": reader.id.rawValue]
            )
        ]
        if let v = i.vendorID, let p = i.productID {
            if let list = CCIDSupportList.installed() {
                if let name = list.name(vendorID: v, productID: p) {
                    steps.append(
                        DiagnosticStep(
                            .ccidSupport,
                            status: .ok,
                            detail: "libccid supports \(CCIDSupportList.key(v, p)) as \"\(name)\""
                        )
                    )
                } else {
                    steps.append(
                        DiagnosticStep(
                            .ccidSupport,
                            status: .warning,
                            detail:
                                "\(CCIDSupportList.key(v, p)) is not in libccid's list; pcscd drives it with another driver",
                            fix:
                                "If reads fail, ask the vendor for a Linux PC/SC driver or use a reader from the CCID list.",
                            fixVi:
                                "Nếu đọc thẻ lỗi, hãy xin nhà cung cấp trình điều khiển PC/SC cho Linux hoặc dùng đầu đọc trong danh sách CCID."
                        )
                    )
                }
            } else {
                steps.append(
                    DiagnosticStep(
                        .ccidSupport,
                        status: .warning,
                        detail: "libccid is not installed",
                        fix: "sudo apt install libccid",
                        fixVi: "sudo apt install libccid"
                    )
                )
            }
        } else {
            steps.append(
                DiagnosticStep(
                    .ccidSupport,
                    status: .skipped,
                    detail: "VID:PID unknown: cannot look it up"
                )
            )
        }
        let apdu: String
        switch i.maxAPDUDataSize {
        case nil: apdu = "the reader does not say its APDU size (the card is probed)"
        case 0?: apdu = "short APDUs only (a full read needs about 100 commands)"
        case let n?: apdu = "extended APDUs up to \(n) bytes"
        }
        let pinPad = i.features[ReaderFeatures.Tag.verifyPINDirect] != nil
        steps.append(
            DiagnosticStep(
                .features,
                status: .ok,
                detail: apdu + (pinPad ? "; PIN pad" : ""),
                data: ["maxAPDUDataSize": i.maxAPDUDataSize.map(String.init) ?? "unknown", "pinPad": "\(pinPad)"]
            )
        )
        return steps
    }

    static func atrStep(_ bytes: [UInt8]) -> DiagnosticStep {
        do {
            let atr = try ATR(bytes)
            let kind = atr.isContactless ? "contactless (PC/SC part 3)" : "contact"
            let tck = atr.checksumValid == false ? "; TCK wrong" : ""
            return DiagnosticStep(
                .atr,
                status: atr.checksumValid == false ? .warning : .ok,
                detail:
                    "\(atr.hex): \(kind), T=\(atr.protocols.map(String.init).joined(separator: ",T=")), historical bytes \(Hex.encode(atr.historicalBytes))\(tck)",
                data: ["atr": atr.hex]
            )
        } catch {
            return DiagnosticStep(
                .atr,
                status: .warning,
                detail: "\(Hex.encode(bytes)): not a valid ATR (\(error))",
                data: ["atr": Hex.encode(bytes)]
            )
        }
    }

    /// Steps over a plain connection: EF.CardAccess, latency, extended length, the eMRTD application.
    func cardSteps(_ reader: Reader) async -> [DiagnosticStep] {
        do {
            return try await reader.withCard { card in
                try await card.withTransaction { try await plainCardSteps(card) }
            }
        } catch {
            let failure = ReadFailure.classify(error)
            return [
                DiagnosticStep(
                    .application,
                    status: .fail,
                    detail: failure.message,
                    fix:
                        "Place the card again and keep it still; if it repeats, try another card to tell card from reader.",
                    fixVi: "Đặt lại thẻ và giữ yên; nếu lỗi lặp lại, thử thẻ khác để biết lỗi do thẻ hay đầu đọc.",
                    failure: failure
                )
            ]
        }
    }

    private func plainCardSteps(_ card: Card) async throws -> [DiagnosticStep] {
        var steps: [DiagnosticStep] = []
        let sfi = DataGroupID.cardAccess.shortFileID
        // EF.CardAccess (MF level, before any SELECT).
        var reader = LDSFileReader(channel: card, chunkSize: 256)
        do {
            let bytes = try await reader.readFile(fid: DataGroupID.cardAccess.fileID, sfi: sfi, name: "CardAccess")
            let infos = try SecurityInfos(derEncoded: bytes)
            let pace = infos.paceInfos.map { "\($0)" + (PACE.supports($0) ? "" : " (not supported)") }
            let usable = PACE.preferredInfo(in: infos) != nil
            steps.append(
                DiagnosticStep(
                    .cardAccess,
                    status: usable ? .ok : .warning,
                    detail: pace.isEmpty
                        ? "no PACE offered: BAC only (needs the MRZ data)"
                        : pace.joined(separator: "; ")
                            + (infos.chipAuthenticationInfos.isEmpty ? "" : "; chip authentication offered"),
                    fix: usable ? nil : "Read this card with the MRZ (--mrz) instead of the ID number.",
                    fixVi: usable ? nil : "Đọc thẻ này bằng dòng MRZ (--mrz) thay vì số định danh."
                )
            )
        } catch {
            steps.append(
                DiagnosticStep(
                    .cardAccess,
                    status: .warning,
                    detail: "no readable EF.CardAccess (\(error)): the chip offers BAC only, or this is not an ID card",
                    fix: "Read with the MRZ (--mrz).",
                    fixVi: "Đọc bằng dòng MRZ (--mrz)."
                )
            )
        }
        // Latency over harmless commands.
        var times: [Double] = []
        for _ in 0..<max(1, latencyProbes) {
            let start = monotonicNanoseconds()
            _ = try await card.transmit(.readBinary(sfi: sfi, ne: 4))
            times.append(Double(monotonicNanoseconds() &- start) / 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        let worst = times[times.count - 1]
        steps.append(
            DiagnosticStep(
                .latency,
                status: worst > 200 ? .warning : .ok,
                detail: String(format: "median %.2f ms, worst %.2f ms over %d commands", median, worst, times.count),
                fix: worst > 200
                    ? "Slow answers: keep the card still and centred; a USB hub or a long cable can slow a reader."
                    : nil,
                fixVi: worst > 200
                    ? "Phản hồi chậm: giữ thẻ yên ở giữa đầu đọc; hub USB hoặc cáp dài có thể làm chậm." : nil,
                data: ["medianMs": String(format: "%.2f", median), "worstMs": String(format: "%.2f", worst)]
            )
        )
        // Extended length.
        let probe = try await card.transmit(.readBinary(sfi: sfi, ne: 65536))
        let extended = probe.status == .success || probe.status == .endOfFileReached
        steps.append(
            DiagnosticStep(
                .extendedLength,
                status: .ok,
                detail: extended
                    ? "the card and reader carry extended-length APDUs (a full read in about 15 commands)"
                    : "short APDUs only: at most 223 bytes per secure read (about 100 commands per card)",
                data: ["extendedLength": "\(extended)", "maxSecureReadBytes": extended ? "65503" : "223"]
            )
        )
        // The eMRTD application.
        let select = try await card.transmit(.selectApplication(DocumentReader.emrtdAID))
        switch select.status {
        case .success, .securityStatusNotSatisfied:
            steps.append(
                DiagnosticStep(
                    .application,
                    status: .ok,
                    detail: "the ICAO eMRTD application answers: a chip ID card (CCCD) or passport"
                )
            )
        default:
            steps.append(
                DiagnosticStep(
                    .application,
                    status: .fail,
                    detail: "SELECT eMRTD answered \(select.status): this card is not a chip ID card or passport",
                    fix: "Use the citizen's chip ID card (CCCD); bank and health-insurance cards cannot be read.",
                    fixVi: "Hãy dùng thẻ căn cước gắn chip; thẻ ngân hàng hay thẻ BHYT không đọc được.",
                    failure: .unreadableCard("no eMRTD application")
                )
            )
        }
        return steps
    }

    func testRead(_ reader: ReaderInfo, key: KeySpec) async -> DiagnosticStep {
        let start = monotonicNanoseconds()
        do throws(ReadFailure) {
            let request = try CardReadRequest(key: key, options: ReadOptions(waitForCard: Self.testReadCardWait))
            let record = try await runRead(reader, request).get()
            let ms = (monotonicNanoseconds() &- start) / 1_000_000
            let files = record.stats.files.map { "\($0.name) \($0.bytes) B/\($0.apdus) APDU/\($0.durationMs) ms" }
                .joined(separator: ", ")
            var detail =
                "\(record.access.method): \(record.stats.apdus) APDUs in \(ms) ms (\(files)); verification \(record.verification.status.rawValue)"
            if showPersonalData {
                detail += "; \(record.person.fullName ?? "?"), \(record.person.idNumber ?? "?")"
            }
            return DiagnosticStep(
                .testRead,
                status: record.verification.status == .failed ? .fail : .ok,
                detail: detail,
                data: [
                    "apdus": "\(record.stats.apdus)", "ms": "\(ms)", "access": record.access.method.rawValue,
                    "verification": record.verification.status.rawValue,
                ]
            )
        } catch {
            let (fix, fixVi) = Self.advice(error)
            return DiagnosticStep(
                .testRead,
                status: .fail,
                detail: error.message,
                fix: fix,
                fixVi: fixVi,
                failure: error
            )
        }
    }

    static func advice(_ failure: ReadFailure) -> (String, String) {
        switch failure {
        case .wrongKey:
            return (
                "Check the 12-digit ID number on the card's front (the chip takes its last six digits).",
                "Kiểm tra lại 12 số định danh in trên mặt trước thẻ (chip dùng 6 số cuối)."
            )
        case .cardRemoved:
            return (
                "Keep the card still on the reader until the read ends.",
                "Giữ yên thẻ trên đầu đọc cho đến khi đọc xong."
            )
        case .noCard: return ("Place the card on the reader.", "Đặt thẻ lên đầu đọc.")
        case .readerBusy:
            return (
                "Another program is using the reader: close it, or wait.",
                "Một chương trình khác đang dùng đầu đọc: đóng nó hoặc chờ."
            )
        default:
            return (
                "Try another card to tell card from reader; report the detail line to support.",
                "Thử thẻ khác để biết lỗi do thẻ hay đầu đọc; gửi dòng chi tiết cho bộ phận hỗ trợ."
            )
        }
    }
}
