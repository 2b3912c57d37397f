import FaceCheck

/// YUV4MPEG2 (".y4m"), the uncompressed video that ffmpeg writes and Chromium's fake camera reads:
/// the daemon's camera reads it from a file or a pipe for tests and demonstrations (docs/face-check.md
/// § The daemon's camera). One header line, then per frame a `FRAME` line and the planes:
///
///     stream = "YUV4MPEG2" (" " parameter)* "\n" frame*
///     frame  = "FRAME" (" " parameter)* "\n" planes (width × height luma, then two chroma planes)
///
/// Parameters: `W` width, `H` height, `F` rate (num:den), `C` colour space (only 8-bit `420*` and
/// `mono` are taken), `I`, `A`, `X` (ignored). The parser cuts frames and checks every length;
/// the pixels themselves are not looked at here (the sandboxed matcher converts them).
public struct Y4MHeader: Sendable, Equatable {
    public var layout: RawFrameLayout
    /// Frames per second, when the header says (`F30:1`); nil otherwise.
    public var framesPerSecond: Double?
}

/// Why a Y4M stream was refused: for the technician's log (English), never shown to a patient.
public struct Y4MError: Error, Sendable, Equatable {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Cuts a Y4M byte stream into frames; fed whatever a file or a pipe gives. Holds at most one
/// frame and its line (bounded by `maxFrameBytes`).
public struct Y4MStreamDecoder: Sendable {
    public private(set) var header: Y4MHeader?
    private var buffer: [UInt8] = []
    public let maxFrameBytes: Int
    /// A header or `FRAME` line longer than this is not Y4M.
    public static let maxLineLength = 1024
    static let magic = Array("YUV4MPEG2".utf8)

    public init(maxFrameBytes: Int) { self.maxFrameBytes = maxFrameBytes }

    public mutating func append(_ bytes: some Collection<UInt8>) { buffer.append(contentsOf: bytes) }

    /// How many bytes are waiting (the caller stops feeding a stream that sends more than a frame).
    public var bufferedCount: Int { buffer.count }

    /// The next whole frame's bytes (laid out as `header.layout`), nil when more bytes are needed.
    public mutating func next() throws(Y4MError) -> [UInt8]? {
        if header == nil {
            guard let line = try takeLine() else { return nil }
            let parsed = try Self.parseHeader(line)
            if let bytes = parsed.layout.byteCount, bytes > maxFrameBytes {
                throw Y4MError("frames of \(bytes) bytes, over the limit of \(maxFrameBytes)")
            }
            header = parsed
        }
        guard let header, let frameBytes = header.layout.byteCount else { return nil }
        guard let end = lineEnd() else {
            if buffer.count > Self.maxLineLength {
                throw Y4MError("a FRAME line longer than \(Self.maxLineLength) bytes")
            }
            return nil
        }
        guard end >= 5, buffer[0..<5].elementsEqual("FRAME".utf8), end == 5 || buffer[5] == UInt8(ascii: " ") else {
            throw Y4MError("a frame that does not start with FRAME")
        }
        guard buffer.count >= end + 1 + frameBytes else { return nil }
        let frame = Array(buffer[(end + 1)..<(end + 1 + frameBytes)])
        zeroPrefix(end + 1 + frameBytes)
        return frame
    }

    /// Zeroes what is buffered (it may hold part of a face) and forgets it.
    public mutating func zero() {
        zeroPrefix(buffer.count)
    }

    private func lineEnd() -> Int? {
        buffer.prefix(Self.maxLineLength + 1).firstIndex(of: UInt8(ascii: "\n"))
    }

    private mutating func takeLine() throws(Y4MError) -> ArraySlice<UInt8>? {
        guard let end = lineEnd() else {
            if buffer.count > Self.maxLineLength {
                throw Y4MError("a header line longer than \(Self.maxLineLength) bytes")
            }
            return nil
        }
        let line = buffer[0..<end]
        let copy = ArraySlice(Array(line))
        buffer.removeFirst(end + 1)
        return copy
    }

    private mutating func zeroPrefix(_ count: Int) {
        buffer.withUnsafeMutableBufferPointer { b in
            for i in 0..<count { b[i] = 0 }
        }
        buffer.removeFirst(count)
    }

    /// The stream header line (without its newline).
    public static func parseHeader(_ line: ArraySlice<UInt8>) throws(Y4MError) -> Y4MHeader {
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard let first = fields.first, first.elementsEqual(magic) else {
            throw Y4MError("not a YUV4MPEG2 stream (the first bytes are not YUV4MPEG2)")
        }
        var width: Int?
        var height: Int?
        var rate: Double?
        var format = RawFrameLayout.PixelFormat.yuv420
        for field in fields.dropFirst() {
            let tag = field[field.startIndex]
            let value = String(decoding: field.dropFirst(), as: UTF8.self)
            switch tag {
            case UInt8(ascii: "W"): width = try number(value, "W")
            case UInt8(ascii: "H"): height = try number(value, "H")
            case UInt8(ascii: "F"):
                let parts = value.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), n >= 0, d >= 0 else {
                    throw Y4MError("a frame rate that is not num:den")
                }
                rate = n > 0 && d > 0 ? Double(n) / Double(d) : nil
            case UInt8(ascii: "C"):
                if ["420", "420jpeg", "420paldv", "420mpeg2"].contains(value) {
                    format = .yuv420  // 420jpeg, 420paldv, 420mpeg2, 420: the same planes
                } else if value == "mono" {
                    format = .grey
                } else {
                    throw Y4MError("colour space C\(value): only 8-bit 4:2:0 and mono are taken")
                }
            case UInt8(ascii: "I"), UInt8(ascii: "A"), UInt8(ascii: "X"):
                continue
            default:
                throw Y4MError("an unknown header parameter")
            }
        }
        guard let width, let height else { throw Y4MError("a header without W and H") }
        let layout = RawFrameLayout(width: width, height: height, format: format)
        guard layout.byteCount != nil else {
            throw Y4MError("a frame of \(width)x\(height): sides must be 1 to \(RawFrameLayout.maxSide)")
        }
        return Y4MHeader(layout: layout, framesPerSecond: rate)
    }

    private static func number(_ text: String, _ name: String) throws(Y4MError) -> Int {
        guard let n = Int(text), n > 0, n <= RawFrameLayout.maxSide else {
            throw Y4MError("\(name) must be 1 to \(RawFrameLayout.maxSide)")
        }
        return n
    }
}
