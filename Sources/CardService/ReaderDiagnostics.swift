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
    /// How the test read runs: as every read does, a `ReadJob` (one deadline, its own PC/SC
    /// context). The daemon runs it under the reader's claim, like `card.read`, so that it is
    /// refused while another read runs and counted in the usage log.
    public var runRead: TestRead

    /// One read on the named reader, as its owner runs reads.
    public typealias TestRead = @Sendable (ReaderInfo, CardReadRequest) async -> Result<CitizenRecord, ReadFailure>

    /// A read with nobody else to share the reader with (`cancuoc diag`): a `ReadJob`.
    public static let readJob: TestRead = { reader, request in
        await ReadJob(readerName: reader.name, identity: reader.identity, request: request).run()
    }

    /// How long the test read waits for the card that the checklist has just seen.
    static let testReadCardWait: Duration = .seconds(2)

    public init(
        reader: String? = nil,
        key: KeySpec? = nil,
        showPersonalData: Bool = false,
        latencyProbes: Int = 20,
        runRead: @escaping TestRead = ReaderDiagnostics.readJob
    ) {
        self.reader = reader
        self.key = key
        self.showPersonalData = showPersonalData
        self.latencyProbes = latencyProbes
        self.runRead = runRead
    }

    public func run() async -> DiagnosticReport {
        var steps: [DiagnosticStep] = []
        let context: PCSCContext
        do {
            context = try await PCSCContext.establish()
            steps.append(
                DiagnosticStep(
                    .pcscd,
                    status: .ok,
                    detail: "reachable at \(Self.pcscdSocket)"
                )
            )
        } catch {
            steps.append(Self.pcscdFailure(error))
            return DiagnosticReport(reader: reader, steps: steps)
        }
        defer { Task { await context.release() } }

        // Readers.
        let names = (try? await context.listReaders()) ?? []
        guard !names.isEmpty else {
            steps.append(
                DiagnosticStep(
                    .readers,
                    status: .fail,
                    detail: "pcscd sees no reader",
                    fix:
                        "Plug the reader in (try another USB port). If `lsusb` lists it but it is not seen here, pcscd has no driver for it: check that its VID:PID is supported by libccid.",
                    fixVi:
                        "Cắm đầu đọc vào máy (thử cổng USB khác). Nếu `lsusb` thấy thiết bị mà ở đây không thấy, pcscd chưa có trình điều khiển cho đầu đọc này.",
                    failure: .noReader("none connected")
                )
            )
            return DiagnosticReport(reader: reader, steps: steps)
        }
        var candidates: [ReaderSelection.Candidate] = []
        let states = (try? await context.currentStates(of: names)) ?? []
        for name in names {
            let identity = await ReaderIdentity.read(from: context.reader(named: name))
            let info = ReaderInfo(name: name, id: ReaderID(name: name, identity: identity), identity: identity)
            let state = states.first { $0.name == name }
            candidates.append(
                ReaderSelection.Candidate(info: info, cardPresent: state?.isPresent ?? false, atr: state?.atr)
            )
        }

        // A named reader, or the only one: its checklist.
        if reader != nil || candidates.count == 1 {
            guard
                let chosen = reader.map({ wanted in candidates.first { $0.info.matches(wanted) } }) ?? candidates.first
            else {
                let failure = ReadFailure.noReader("no reader named \(reader ?? "")")
                steps.append(
                    DiagnosticStep(
                        .readers,
                        status: .fail,
                        detail: "\(failure.message); connected: \(names.joined(separator: ", "))",
                        fix: "Name the reader with --reader (its id or name, as listed).",
                        fixVi: "Chọn đầu đọc bằng --reader (mã hoặc tên như trong danh sách).",
                        failure: failure
                    )
                )
                return DiagnosticReport(reader: reader, steps: steps)
            }
            steps.append(
                DiagnosticStep(
                    .readers,
                    status: .ok,
                    detail: "\(names.count) connected; checking \(chosen.info.name)",
                    data: ["reader": chosen.info.name, "id": chosen.info.id.rawValue]
                )
            )
            steps += await readerSteps(chosen, context: context, isIDCardReader: true)
            return DiagnosticReport(reader: chosen.info.name, steps: steps, kind: chosen.classification.kind)
        }

        // Several readers and none named: every one, and which is the ID-card reader.
        let idCardReader: ReaderInfo?
        do {
            idCardReader = try ReaderSelection.choose(nil, among: candidates)
        } catch {
            idCardReader = nil
            let noneEligible = !candidates.contains { $0.classification.mayReadIDCards }
            steps.append(
                DiagnosticStep(
                    .readers,
                    status: noneEligible ? .fail : .warning,
                    detail: "\(names.count) connected: \(error.message)",
                    fix: noneEligible
                        ? "Plug in the ID-card reader (a contactless reader): the readers connected read contact cards only."
                        : "Place the ID card on the reader you want checked, or name it with --reader (its id or name, as listed below).",
                    fixVi: noneEligible
                        ? "Cắm đầu đọc thẻ căn cước (đầu đọc không tiếp xúc): các đầu đọc đang cắm chỉ đọc thẻ tiếp xúc."
                        : "Đặt thẻ căn cước lên đầu đọc cần kiểm tra, hoặc chọn đầu đọc bằng --reader (mã hoặc tên như bên dưới).",
                    failure: noneEligible ? error : nil
                )
            )
        }
        if let idCardReader {
            let others = candidates.filter { $0.info.name != idCardReader.name }.map(\.info.name)
            steps.append(
                DiagnosticStep(
                    .readers,
                    status: .ok,
                    detail:
                        "\(names.count) connected; the ID-card reader is \(idCardReader.name); also checked: \(others.joined(separator: ", "))",
                    data: ["reader": idCardReader.name, "id": idCardReader.id.rawValue]
                )
            )
        }
        var reports: [DiagnosticReport] = []
        for candidate in candidates {
            let isIDCardReader = candidate.info.name == idCardReader?.name
            let readerSteps = await readerSteps(candidate, context: context, isIDCardReader: isIDCardReader)
            reports.append(
                DiagnosticReport(
                    reader: candidate.info.name,
                    steps: readerSteps,
                    kind: candidate.classification.kind,
                    isIDCardReader: isIDCardReader
                )
            )
        }
        return DiagnosticReport(reader: idCardReader?.name, steps: steps, readers: reports)
    }

    /// One reader's checklist: its kind, identity and features, then the card. A reader holding a
    /// contact card (a signature token) is never sent a command; only the ID-card reader gets
    /// the test read.
    func readerSteps(
        _ candidate: ReaderSelection.Candidate,
        context: PCSCContext,
        isIDCardReader: Bool
    ) async -> [DiagnosticStep] {
        let chosen = candidate.info
        // A test read asked on a reader that cannot do one fails (exit 2), with the reason.
        let testReadImpossible = key != nil && isIDCardReader
        var steps = [
            Self.kindStep(
                candidate.classification,
                isIDCardReader: isIDCardReader,
                failing: testReadImpossible && candidate.classification.kind == .contactOnly
            )
        ]
        steps += Self.identitySteps(chosen)
        let state = (try? await context.currentStates(of: [chosen.name]))?.first
        let classification = ReaderClassification.classify(
            name: chosen.name,
            identity: chosen.identity,
            atr: state?.isPresent == true ? state?.atr : nil
        )
        if let state, state.isPresent, classification.holdsContactCard {
            steps.append(
                DiagnosticStep(
                    .card,
                    status: testReadImpossible ? .fail : .ok,
                    detail: "a contact card (a digital-signature token, for example): not touched",
                    fix: isIDCardReader
                        ? "Place the chip ID card on the contactless ID-card reader; this reader holds a contact card."
                        : "Nothing to do: this reader is not used for ID cards.",
                    fixVi: isIDCardReader
                        ? "Đặt thẻ căn cước gắn chip lên đầu đọc không tiếp xúc; đầu đọc này đang giữ một thẻ tiếp xúc."
                        : "Không cần làm gì: đầu đọc này không dùng để đọc thẻ căn cước.",
                    failure: testReadImpossible ? .noReader(ReaderSelection.holdsContactCard(chosen.name)) : nil
                )
            )
            steps.append(Self.atrStep(state.atr))
            return steps
        }
        guard let state, state.isPresent, !state.isMute else {
            let mute = state?.isMute == true
            let notForIDCards = candidate.classification.kind == .contactOnly
            steps.append(
                DiagnosticStep(
                    .card,
                    status: !isIDCardReader || notForIDCards ? .skipped : key == nil ? .warning : .fail,
                    detail: mute ? "a card is present but does not answer (mute)" : "no card",
                    fix: !isIDCardReader
                        ? nil
                        : mute
                            ? "Take the card off and place it again, flat and centred; a card that stays mute may be damaged."
                            : "Place the ID card flat on the reader and leave it there during the whole read.",
                    fixVi: !isIDCardReader
                        ? nil
                        : mute
                            ? "Nhấc thẻ ra và đặt lại ngay ngắn; thẻ vẫn không phản hồi có thể đã hỏng."
                            : "Đặt thẻ căn cước nằm phẳng trên đầu đọc và giữ nguyên trong suốt quá trình đọc.",
                    failure: key == nil || !isIDCardReader ? nil : .noCard
                )
            )
            return steps
        }
        steps.append(
            DiagnosticStep(
                .card,
                status: .ok,
                detail: "present"
            )
        )
        steps.append(Self.atrStep(state.atr))
        steps += await cardSteps(context.reader(named: chosen.name))
        if let key, isIDCardReader {
            steps.append(await testRead(chosen, key: key))
        }
        return steps
    }

    static var pcscdSocket: String {
        ProcessInfo.processInfo.environment["PCSCLITE_CSOCK_NAME"] ?? "/run/pcscd/pcscd.comm"
    }
}
