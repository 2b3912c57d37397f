import SmartCard

/// A card that can leave the reader in the middle of a command: the vpcd transport asks after
/// each command and, when it says yes, closes the link without answering, exactly as a card
/// pulled off a contactless reader.
public protocol RemovableCard: APDUHandler {
    func isRemoved() async -> Bool
}

/// What a misbehaving card or a reception desk does to a read (docs/design.md §7). Indexes count the
/// APDUs of one card session, from 0 at power-on.
public enum CardFault: Sendable, Hashable {
    /// The card is pulled while answering APDU `index`.
    case pullAt(Int)
    /// The last byte of the answer to APDU `index` is flipped (inside DO'8E' under secure messaging).
    case corruptAt(Int)
    /// The answer to APDU `index` is replaced by a bare status word.
    case statusAt(Int, StatusWord)
    /// The answer's data is cut in half.
    case truncateAt(Int)
    /// 300 bytes of garbage are appended to the answer's data.
    case oversizeAt(Int)
    /// The card stops answering at APDU `index` (for `seconds`, then the link drops).
    case silentAt(Int, seconds: Int)
    /// Any command for this file (SELECT by FID or READ BINARY by short EF id) answers `status`:
    /// apply it under secure messaging, around the file system.
    case fileStatus(fid: UInt16, StatusWord)
    /// SELECT by AID answers `status` (`6D00` / `6A82` for a card without the application).
    case selectAIDStatus(StatusWord)
}

/// Wraps a card and injects faults, each once: after a fault fired, the card behaves (the next
/// read on a re-placed card must succeed).
public actor FaultInjectingCard: RemovableCard {
    let inner: any APDUHandler
    var faults: [CardFault]
    var index = 0
    var removed = false
    /// Faults that fired, for the test's own assertions.
    public private(set) var fired: [CardFault] = []

    public init(inner: any APDUHandler, faults: [CardFault]) {
        self.inner = inner
        self.faults = faults
    }

    public func powerOn() async -> [UInt8] {
        index = 0
        return await inner.powerOn()
    }

    public func powerOff() async { await inner.powerOff() }

    public func isRemoved() async -> Bool { removed }

    public func process(_ command: CommandAPDU) async -> ResponseAPDU {
        let i = index
        index += 1
        if let f = take({
            if case .fileStatus(let fid, _) = $0 { return Self.addresses(command, fid: fid) } else { return false }
        }),
            case .fileStatus(_, let sw) = f
        {
            return ResponseAPDU(status: sw)
        }
        if command.instruction == .select, command.p1 == 0x04,
            let f = take({ if case .selectAIDStatus = $0 { return true } else { return false } }),
            case .selectAIDStatus(let sw) = f
        {
            return ResponseAPDU(status: sw)
        }
        var answer = await inner.process(command)
        guard let fault = take({ $0.index == i }) else { return answer }
        switch fault {
        case .silentAt(_, let seconds):
            try? await Task.sleep(for: .seconds(seconds))
            removed = true
        case .pullAt:
            removed = true
        case .corruptAt:
            if answer.data.isEmpty {
                answer.status = StatusWord(answer.status.value ^ 0x0001)
            } else {
                answer.data[answer.data.count - 1] ^= 0xFF
            }
        case .statusAt(_, let sw):
            answer = ResponseAPDU(status: sw)
        case .truncateAt:
            answer.data = Array(answer.data.prefix(answer.data.count / 2))
        case .oversizeAt:
            answer.data += (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        case .fileStatus, .selectAIDStatus:
            break
        }
        return answer
    }

    private func take(_ matches: (CardFault) -> Bool) -> CardFault? {
        guard let k = faults.firstIndex(where: matches) else { return nil }
        let f = faults.remove(at: k)
        fired.append(f)
        return f
    }

    static func addresses(_ c: CommandAPDU, fid: UInt16) -> Bool {
        switch c.instruction {
        case .select: return c.p1 == 0x02 && c.data == [UInt8(fid >> 8), UInt8(fid & 0xFF)]
        case .readBinary: return c.p1 & 0x80 != 0 && UInt16(c.p1 & 0x1F) == fid & 0x1F && fid >> 8 == 0x01
        default: return false
        }
    }
}

extension CardFault {
    /// The APDU index a wire-level fault fires at; nil for file and application faults.
    var index: Int? {
        switch self {
        case .pullAt(let i), .corruptAt(let i), .statusAt(let i, _), .truncateAt(let i), .oversizeAt(let i),
            .silentAt(let i, _):
            return i
        case .fileStatus, .selectAIDStatus: return nil
        }
    }
}
