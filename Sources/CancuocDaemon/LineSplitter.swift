/// Cuts a scanner's byte stream into lines: CR, LF or CRLF ends a line (scanners are set
/// to any of them), empty lines are skipped, and a line longer than `maxLength` bytes is
/// dropped whole and counted, so a babbling device or line noise never grows memory.
///
/// Pure state machine, fed by `SerialLineSource` and tested on its own.
struct LineSplitter: Sendable {
    let maxLength: Int
    private var buffer: [UInt8] = []
    /// Inside a line that already went over `maxLength`: discard up to its end.
    private var discarding = false
    /// Lines dropped for length since the start.
    private(set) var droppedLines = 0

    init(maxLength: Int = 1024) {
        self.maxLength = maxLength
    }

    /// The complete lines in `bytes` (with what came before), decoded as UTF-8 (invalid
    /// sequences become U+FFFD: the QR parser refuses them later).
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == 0x0A || byte == 0x0D {
                if discarding {
                    discarding = false
                } else if !buffer.isEmpty {
                    lines.append(String(decoding: buffer, as: UTF8.self))
                }
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            if discarding { continue }
            if buffer.count >= maxLength {
                buffer.removeAll(keepingCapacity: true)
                discarding = true
                droppedLines += 1
                continue
            }
            buffer.append(byte)
        }
        return lines
    }

    /// Forgets a partial line (the device went away mid-line).
    mutating func reset() {
        buffer.removeAll()
        discarding = false
    }
}
