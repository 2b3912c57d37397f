import CardSimulator
import SmartCard

/// A tiny plain card for tests: SELECT by FID (or the AID) answers 9000, READ BINARY reads
/// the selected file or a file by SFI (the FID's low byte).
actor MemoryCard: APDUHandler {
    let files: [UInt16: [UInt8]]
    var selected: [UInt8]?

    init(files: [UInt16: [UInt8]]) { self.files = files }

    func powerOn() async -> [UInt8] {
        selected = nil
        return [0x3B, 0x80, 0x80, 0x01, 0x01]
    }
    func powerOff() async { selected = nil }

    func process(_ command: CommandAPDU) async -> ResponseAPDU {
        switch command.ins {
        case 0xA4:
            if command.p1 == 0x04 { return ResponseAPDU(status: .success) }
            guard command.data.count == 2 else { return ResponseAPDU(status: .wrongLength) }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            guard let file = files[fid] else { return ResponseAPDU(status: .fileNotFound) }
            selected = file
            return ResponseAPDU(status: .success)
        case 0xB0:
            var offset: Int
            if command.p1 & 0x80 != 0 {
                guard let entry = files.first(where: { UInt8($0.key & 0xFF) == command.p1 & 0x1F }) else {
                    return ResponseAPDU(status: .fileNotFound)
                }
                selected = entry.value
                offset = Int(command.p2)
            } else {
                offset = Int(command.p1) << 8 | Int(command.p2)
            }
            guard let file = selected else { return ResponseAPDU(status: .commandNotAllowedNoEF) }
            guard offset <= file.count else { return ResponseAPDU(status: .incorrectP1P2) }
            let end = min(file.count, offset + (command.ne ?? 256))
            return ResponseAPDU(
                data: Array(file[offset..<end]),
                status: end - offset < (command.ne ?? 256) ? .endOfFileReached : .success
            )
        default:
            return ResponseAPDU(status: .insNotSupported)
        }
    }
}

/// Flips one bit of the next response that carries data, to check MAC verification.
actor TamperingCard: APDUHandler {
    let inner: any APDUHandler
    var armed = false

    init(inner: any APDUHandler) { self.inner = inner }

    func arm() { armed = true }
    func powerOn() async -> [UInt8] { await inner.powerOn() }
    func powerOff() async { await inner.powerOff() }

    func process(_ command: CommandAPDU) async -> ResponseAPDU {
        var answer = await inner.process(command)
        if armed, !answer.data.isEmpty {
            armed = false
            answer.data[answer.data.count / 2] ^= 0x01
        }
        return answer
    }
}
