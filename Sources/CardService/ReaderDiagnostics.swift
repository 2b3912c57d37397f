import CCCD
import Foundation
import MRTD
import PCSC
import SmartCard

/// `cancuoc diag` and the API's `reader.diagnose`: a checklist a clinic technician can act
/// on, from "is pcscd there" to a full test read, each step with its fix in Vietnamese and
/// English. Never prints personal data unless asked (`showPersonalData`).
public struct ReaderDiagnostics: Sendable {
    public var reader: String?
    public var key: KeySpec?
    public var showPersonalData: Bool
    /// Harmless commands timed for the latency figure.
    public var latencyProbes: Int

    public init(reader: String? = nil, key: KeySpec? = nil, showPersonalData: Bool = false, latencyProbes: Int = 20) {
        self.reader = reader
        self.key = key
        self.showPersonalData = showPersonalData
        self.latencyProbes = latencyProbes
    }

    public func run() async -> DiagnosticReport {
        var steps: [DiagnosticStep] = []
        let context: PCSCContext
        do {
            context = try await PCSCContext.establish()
            steps.append(DiagnosticStep(id: "pcscd", title: "Smart-card service", titleVi: "Dịch vụ thẻ thông minh (pcscd)",
                                        status: .ok, detail: "reachable at \(Self.pcscdSocket)"))
        } catch {
            steps.append(Self.pcscdFailure(error))
            return DiagnosticReport(reader: reader, steps: steps)
        }
        defer { Task { await context.release() } }

        // Readers.
        let names = (try? await context.listReaders()) ?? []
        guard !names.isEmpty else {
            steps.append(DiagnosticStep(
                id: "readers", title: "Card readers", titleVi: "Đầu đọc thẻ", status: .fail, detail: "pcscd sees no reader",
                fix: "Plug the reader in (try another USB port). If `lsusb` lists it but it is not seen here, pcscd has no driver for it: check that its VID:PID is supported by libccid.",
                fixVi: "Cắm đầu đọc vào máy (thử cổng USB khác). Nếu `lsusb` thấy thiết bị mà ở đây không thấy, pcscd chưa có trình điều khiển cho đầu đọc này.",
                failure: .noReader("none connected")))
            return DiagnosticReport(reader: reader, steps: steps)
        }
        var infos: [ReaderInfo] = []
        for name in names {
            let identity = await ReaderIdentity.read(from: context.reader(named: name))
            infos.append(ReaderInfo(name: name, id: ReaderID(name: name, identity: identity), identity: identity))
        }
        let states = (try? await context.currentStates(of: names)) ?? []
        let chosen: ReaderInfo
        do {
            chosen = try ReaderSelection.choose(reader, among: infos) { n in states.first { $0.name == n }?.isPresent ?? false }
        } catch {
            steps.append(DiagnosticStep(id: "readers", title: "Card readers", titleVi: "Đầu đọc thẻ", status: .fail,
                                        detail: "\(error.message); connected: \(names.joined(separator: ", "))",
                                        fix: "Name the reader with --reader (its id or name, as listed).",
                                        fixVi: "Chọn đầu đọc bằng --reader (mã hoặc tên như trong danh sách).", failure: error))
            return DiagnosticReport(reader: reader, steps: steps)
        }
        steps.append(DiagnosticStep(id: "readers", title: "Card readers", titleVi: "Đầu đọc thẻ", status: .ok,
                                    detail: "\(names.count) connected; checking \(chosen.name)", data: ["reader": chosen.name, "id": chosen.id.rawValue]))
        steps += Self.identitySteps(chosen)

        // The card.
        let state = states.first { $0.name == chosen.name }
        guard let state, state.isPresent, !state.isMute else {
            let mute = state?.isMute == true
            steps.append(DiagnosticStep(
                id: "card", title: "Card on the reader", titleVi: "Thẻ trên đầu đọc", status: key == nil ? .warning : .fail,
                detail: mute ? "a card is present but does not answer (mute)" : "no card",
                fix: mute ? "Take the card off and place it again, flat and centred; a card that stays mute may be damaged."
                    : "Place the ID card flat on the reader and leave it there during the whole read.",
                fixVi: mute ? "Nhấc thẻ ra và đặt lại ngay ngắn; thẻ vẫn không phản hồi có thể đã hỏng."
                    : "Đặt thẻ căn cước nằm phẳng trên đầu đọc và giữ nguyên trong suốt quá trình đọc.",
                failure: key == nil ? nil : .noCard))
            return DiagnosticReport(reader: chosen.name, steps: steps)
        }
        steps.append(DiagnosticStep(id: "card", title: "Card on the reader", titleVi: "Thẻ trên đầu đọc", status: .ok, detail: "present"))
        steps.append(Self.atrStep(state.atr))
        steps += await cardSteps(context.reader(named: chosen.name))
        if let key {
            steps.append(await testRead(context.reader(named: chosen.name), identity: chosen.identity, key: key))
        }
        return DiagnosticReport(reader: chosen.name, steps: steps)
    }

    static var pcscdSocket: String {
        ProcessInfo.processInfo.environment["PCSCLITE_CSOCK_NAME"] ?? "/run/pcscd/pcscd.comm"
    }
}
