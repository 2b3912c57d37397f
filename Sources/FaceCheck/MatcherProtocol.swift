/// The wire between `cancuoc`/`cancuocd` and `cancuoc-face-matcher` (docs/face-check.md): the one
/// definition, used by both ends. The matcher reads requests on its stdin and answers on its
/// stdout, one answer per request, in order.
///
///     frame    = length (UInt32, big-endian, 1 ... maxFrameLength) payload
///     request  = version (1) kind (1: analyse) image bytes (JPEG, PNG or JPEG 2000)
///              | version (1) kind (2: analyse raw) width height pixelFormat (UInt32 each; the
///                V4L2 fourcc of a `RawFrameLayout.PixelFormat`) pixel bytes (exactly
///                `RawFrameLayout.byteCount` of them: the daemon's camera)
///     response = version (1) kind (1: analysis | 2: failure) body
///     analysis = width height faceCount (UInt32 each) left top (Int32 each) faceWidth faceHeight
///                (UInt32 each) sharpness (Float32 bits, UInt32) hasDescriptor (0 or 1)
///                [128 × Float32 bits when hasDescriptor] thumbnail (16 × 16 grey bytes)
///     failure  = code (1: undecodable, 2: too large, 3: internal)
///
/// Everything here is in memory; nothing of a face is written anywhere.
package enum MatcherProtocol {
    package static let version: UInt8 = 1
    /// An image larger than this is refused before it is sent (a chip portrait is ~20 KB, a
    /// 640×480 JPEG frame ~50–150 KB).
    package static let maxFrameLength = 8 * 1024 * 1024
    package static let descriptorLength = 128
    package static let thumbnailSide = 16
}

/// A malformed frame or message: the peer is not a matcher of this version (or is broken).
package struct MatcherProtocolError: Error, Equatable, Sendable {
    package let reason: String
    package init(_ reason: String) { self.reason = reason }
}

/// Where the largest face is, in image pixels.
package struct FaceBox: Equatable, Sendable {
    package var left: Int
    package var top: Int
    package var width: Int
    package var height: Int
    package init(left: Int, top: Int, width: Int, height: Int) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }
}

/// What the matcher found in one image.
package struct FaceAnalysis: Equatable, Sendable {
    package var width: Int
    package var height: Int
    package var faceCount: Int
    package var face: FaceBox?
    package var sharpness: Float
    /// dlib's 128-number face descriptor, when exactly one face was found.
    package var descriptor: [Float]?
    /// The whole image, grey, 16 × 16: enough to tell a still picture from a live one.
    package var thumbnail: [UInt8]

    package init(
        width: Int,
        height: Int,
        faceCount: Int,
        face: FaceBox?,
        sharpness: Float,
        descriptor: [Float]?,
        thumbnail: [UInt8]
    ) {
        self.width = width
        self.height = height
        self.faceCount = faceCount
        self.face = face
        self.sharpness = sharpness
        self.descriptor = descriptor
        self.thumbnail = thumbnail
    }

    /// Overwrites the descriptor and the thumbnail (biometric data) with zeros.
    package mutating func zero() {
        if descriptor != nil {
            descriptor!.withUnsafeMutableBufferPointer { buffer in
                for i in buffer.indices { buffer[i] = 0 }
            }
        }
        thumbnail.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = 0 }
        }
    }
}

/// Why the matcher could not analyse an image.
public enum MatcherFailure: UInt8, Equatable, Sendable {
    case undecodable = 1
    case tooLarge = 2
    case internalError = 3
}

package enum MatcherRequest: Equatable, Sendable {
    case analyse(image: [UInt8])
    case analyseRaw(layout: RawFrameLayout, pixels: [UInt8])

    package func encodedPayload() -> [UInt8] {
        switch self {
        case .analyse(let image): return [MatcherProtocol.version, 1] + image
        case .analyseRaw(let layout, let pixels): return Self.rawHeader(layout) + pixels
        }
    }

    /// The payload's first bytes for a raw frame (the client writes the pixels after them).
    package static func rawHeader(_ layout: RawFrameLayout) -> [UInt8] {
        var out: [UInt8] = [MatcherProtocol.version, 2]
        out.appendUInt32(UInt32(clamping: layout.width))
        out.appendUInt32(UInt32(clamping: layout.height))
        out.appendUInt32(layout.format.rawValue)
        return out
    }

    package init(payload: ArraySlice<UInt8>) throws {
        guard payload.count >= 2 else { throw MatcherProtocolError("request shorter than its header") }
        guard payload[payload.startIndex] == MatcherProtocol.version else {
            throw MatcherProtocolError("request of an unknown version")
        }
        switch payload[payload.startIndex + 1] {
        case 1:
            let image = payload.dropFirst(2)
            guard !image.isEmpty else { throw MatcherProtocolError("request without an image") }
            self = .analyse(image: Array(image))
        case 2:
            var reader = ByteReader(payload.dropFirst(2))
            let width = Int(try reader.uint32())
            let height = Int(try reader.uint32())
            guard let format = RawFrameLayout.PixelFormat(rawValue: try reader.uint32()) else {
                throw MatcherProtocolError("raw frame of an unknown pixel format")
            }
            let layout = RawFrameLayout(width: width, height: height, format: format)
            guard let expected = layout.byteCount else { throw MatcherProtocolError("raw frame of an impossible size") }
            let pixels = payload.dropFirst(14)
            guard pixels.count == expected else {
                throw MatcherProtocolError("raw frame whose length does not match its size")
            }
            self = .analyseRaw(layout: layout, pixels: Array(pixels))
        default:
            throw MatcherProtocolError("request of an unknown kind")
        }
    }
}

package enum MatcherResponse: Equatable, Sendable {
    case analysis(FaceAnalysis)
    case failure(MatcherFailure)

    package func encodedPayload() -> [UInt8] {
        var out: [UInt8] = [MatcherProtocol.version]
        switch self {
        case .failure(let failure):
            out += [2, failure.rawValue]
        case .analysis(let a):
            out.append(1)
            for value in [a.width, a.height, a.faceCount] { out.appendUInt32(UInt32(clamping: value)) }
            let box = a.face ?? FaceBox(left: 0, top: 0, width: 0, height: 0)
            out.appendUInt32(UInt32(bitPattern: Int32(clamping: box.left)))
            out.appendUInt32(UInt32(bitPattern: Int32(clamping: box.top)))
            out.appendUInt32(UInt32(clamping: box.width))
            out.appendUInt32(UInt32(clamping: box.height))
            out.appendUInt32(a.sharpness.bitPattern)
            if let descriptor = a.descriptor, descriptor.count == MatcherProtocol.descriptorLength {
                out.append(1)
                for value in descriptor { out.appendUInt32(value.bitPattern) }
            } else {
                out.append(0)
            }
            var thumbnail = a.thumbnail
            let side = MatcherProtocol.thumbnailSide
            if thumbnail.count != side * side { thumbnail = [UInt8](repeating: 0, count: side * side) }
            out += thumbnail
        }
        return out
    }

    package init(payload: ArraySlice<UInt8>) throws {
        var reader = ByteReader(payload)
        guard try reader.byte() == MatcherProtocol.version else {
            throw MatcherProtocolError("answer of an unknown version")
        }
        switch try reader.byte() {
        case 2:
            guard let failure = MatcherFailure(rawValue: try reader.byte()) else {
                throw MatcherProtocolError("failure of an unknown kind")
            }
            self = .failure(failure)
        case 1:
            let width = Int(try reader.uint32())
            let height = Int(try reader.uint32())
            let faceCount = Int(try reader.uint32())
            let left = Int(Int32(bitPattern: try reader.uint32()))
            let top = Int(Int32(bitPattern: try reader.uint32()))
            let faceWidth = Int(try reader.uint32())
            let faceHeight = Int(try reader.uint32())
            let sharpness = Float(bitPattern: try reader.uint32())
            guard sharpness.isFinite, sharpness >= 0 else { throw MatcherProtocolError("sharpness out of range") }
            var descriptor: [Float]? = nil
            switch try reader.byte() {
            case 0: break
            case 1:
                var values = [Float]()
                values.reserveCapacity(MatcherProtocol.descriptorLength)
                for _ in 0..<MatcherProtocol.descriptorLength {
                    let value = Float(bitPattern: try reader.uint32())
                    guard value.isFinite else { throw MatcherProtocolError("descriptor not finite") }
                    values.append(value)
                }
                descriptor = values
            default: throw MatcherProtocolError("descriptor flag out of range")
            }
            let thumbnail = try reader.bytes(MatcherProtocol.thumbnailSide * MatcherProtocol.thumbnailSide)
            guard reader.isAtEnd else { throw MatcherProtocolError("answer longer than an analysis") }
            guard faceCount == 0 || (faceWidth > 0 && faceHeight > 0) else {
                throw MatcherProtocolError("a face without a size")
            }
            guard descriptor == nil || faceCount == 1 else {
                throw MatcherProtocolError("a descriptor for no single face")
            }
            self = .analysis(
                FaceAnalysis(
                    width: width,
                    height: height,
                    faceCount: faceCount,
                    face: faceCount > 0 ? FaceBox(left: left, top: top, width: faceWidth, height: faceHeight) : nil,
                    sharpness: sharpness,
                    descriptor: descriptor,
                    thumbnail: thumbnail
                )
            )
        default:
            throw MatcherProtocolError("answer of an unknown kind")
        }
    }
}

/// Cuts the byte stream into frames. Fed whatever the pipe gives; hands out whole payloads.
package struct MatcherFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    package let maxFrameLength: Int

    package init(maxFrameLength: Int = MatcherProtocol.maxFrameLength) { self.maxFrameLength = maxFrameLength }

    package mutating func append(_ bytes: some Collection<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next whole payload, nil when more bytes are needed; throws on a length of 0 or
    /// over the limit (the stream cannot be resynchronised after that).
    package mutating func next() throws -> [UInt8]? {
        guard buffer.count >= 4 else { return nil }
        let length = Int(buffer[0]) << 24 | Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
        guard length > 0 else { throw MatcherProtocolError("empty frame") }
        guard length <= maxFrameLength else { throw MatcherProtocolError("frame over the limit") }
        guard buffer.count >= 4 + length else { return nil }
        let payload = Array(buffer[4..<(4 + length)])
        // The consumed bytes may hold an image: zeroed before the buffer lets them go.
        buffer.withUnsafeMutableBufferPointer { b in
            for i in 0..<(4 + length) { b[i] = 0 }
        }
        buffer.removeFirst(4 + length)
        return payload
    }

    package var bufferedCount: Int { buffer.count }

    package mutating func zero() {
        buffer.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = 0 }
        }
        buffer.removeAll()
    }

    package static func frame(_ payload: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(payload.count + 4)
        out.appendUInt32(UInt32(payload.count))
        out += payload
        return out
    }
}

private struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    mutating func byte() throws -> UInt8 {
        guard index < bytes.endIndex else { throw MatcherProtocolError("answer cut short") }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func uint32() throws -> UInt32 {
        guard bytes.endIndex - index >= 4 else { throw MatcherProtocolError("answer cut short") }
        defer { index += 4 }
        return UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard bytes.endIndex - index >= count else { throw MatcherProtocolError("answer cut short") }
        defer { index += count }
        return Array(bytes[index..<(index + count)])
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(value >> 16 & 0xFF))
        append(UInt8(value >> 8 & 0xFF))
        append(UInt8(value & 0xFF))
    }
}
