/// One face from DG2: an ISO/IEC 19794-5:2005 facial record (§5.4–5.8) with its image.
///
/// The record: header "FAC\0", version "010\0", record length (4), image count (2); then
/// per image a facial information block (20 bytes: data length (4), feature point count (2),
/// gender, eye colour, hair colour, feature mask (3), expression (2), pose (3), pose
/// uncertainty (3)), 8 bytes per feature point, image information (12 bytes: face image
/// type, image data type, width (2), height (2), colour space, source type, device type (2),
/// quality (2)) and the image bytes.
public struct FaceImage: Sendable, Hashable {
    /// The encoded image (JPEG or JPEG 2000), exactly as stored.
    public let imageData: [UInt8]
    /// `image/jpeg`, `image/jp2`, or `application/octet-stream` when neither signature matches.
    public let mimeType: String
    /// Pixels, from the record, or from the JPEG frame header when the record says 0.
    public let width: Int
    public let height: Int
    /// ISO/IEC 19794-5 §5.7.1: 0 basic, 1 full frontal, 2 token frontal.
    public let faceImageType: UInt8
    /// ISO/IEC 19794-5 §5.7.2: 0 JPEG, 1 JPEG 2000 (unless given, from the data's signature).
    public let imageDataType: UInt8
    /// ISO/IEC 19794-5 §5.5.3: 0 unspecified, 1 male, 2 female, 0xFF unknown.
    public let gender: UInt8
    public let featurePointCount: Int

    public init(
        imageData: [UInt8],
        width: Int,
        height: Int,
        faceImageType: UInt8 = 1,
        imageDataType: UInt8? = nil,
        gender: UInt8 = 0,
        featurePointCount: Int = 0
    ) {
        self.imageData = imageData
        self.mimeType = FaceImage.mimeType(of: imageData)
        self.width = width
        self.height = height
        self.faceImageType = faceImageType
        self.imageDataType = imageDataType ?? FaceImage.imageDataType(of: imageData)
        self.gender = gender
        self.featurePointCount = featurePointCount
    }

    /// Parses the first facial image of a 19794-5 record (the content of `5F2E`/`7F2E`).
    public init(record bytes: some Collection<UInt8>) throws(LDSError) {
        var r = ByteReader(Array(bytes))
        guard try r.bytes(4) == [0x46, 0x41, 0x43, 0x00] else { throw .malformed("face record: no FAC header") }
        let version = try r.bytes(4)
        guard version.last == 0 else { throw .malformed("face record: version") }
        let recordLength = try r.uint(4)
        guard recordLength <= r.count else { throw .malformed("face record: length beyond data") }
        let images = try r.uint(2)
        guard images >= 1 else { throw .missing("facial image") }
        let blockStart = r.offset
        let dataLength = try r.uint(4)
        guard dataLength >= 32, dataLength <= r.count - blockStart else {
            throw .malformed("facial record data length")
        }
        let points = try r.uint(2)
        gender = try r.byte()
        try r.skip(1 + 1 + 3 + 2 + 3 + 3)
        guard points <= (dataLength - 32) / 8 else { throw .malformed("feature points") }
        try r.skip(points * 8)
        faceImageType = try r.byte()
        imageDataType = try r.byte()
        let w = try r.uint(2)
        let h = try r.uint(2)
        try r.skip(1 + 1 + 2 + 2)
        let imageLength = blockStart + dataLength - r.offset
        imageData = try r.bytes(imageLength)
        featurePointCount = points
        mimeType = FaceImage.mimeType(of: imageData)
        if w > 0, h > 0 {
            (width, height) = (w, h)
        } else if let dims = FaceImage.jpegDimensions(imageData) {
            (width, height) = dims
        } else {
            (width, height) = (w, h)
        }
    }

    /// Builds a 19794-5 record with one frontal image and no feature points.
    public func record() -> [UInt8] {
        let dataLength = 20 + 12 + imageData.count
        let total = 14 + dataLength
        var out: [UInt8] = [0x46, 0x41, 0x43, 0x00, 0x30, 0x31, 0x30, 0x00]
        out += ByteReader.be(total, 4) + ByteReader.be(1, 2)
        out += ByteReader.be(dataLength, 4) + ByteReader.be(0, 2)
        out += [gender, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        out += [faceImageType, imageDataType] + ByteReader.be(width, 2) + ByteReader.be(height, 2)
        out += [1, 2, 0, 0, 0, 0]  // sRGB, digital still camera; device type and quality unspecified
        return out + imageData
    }

    /// From the signature: JPEG `FF D8`, JP2 box `00 00 00 0C 6A 50`, J2K codestream `FF 4F FF 51`.
    public static func mimeType(of data: [UInt8]) -> String {
        if data.starts(with: [0xFF, 0xD8]) { return "image/jpeg" }
        if data.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]) || data.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            return "image/jp2"
        }
        return "application/octet-stream"
    }

    /// ISO/IEC 19794-5 §5.7.2's image data type from the signature: 1 for JPEG 2000 (JP2 or a
    /// J2K codestream), else 0 (JPEG).
    public static func imageDataType(of data: [UInt8]) -> UInt8 {
        mimeType(of: data) == "image/jp2" ? 1 : 0
    }

    /// Width and height from the first JPEG start-of-frame marker (ITU-T T.81 §B.2.2), or `nil`.
    public static func jpegDimensions(_ data: [UInt8]) -> (width: Int, height: Int)? {
        guard data.starts(with: [0xFF, 0xD8]) else { return nil }
        var i = 2
        while i + 4 <= data.count {
            guard data[i] == 0xFF else { return nil }
            let marker = data[i + 1]
            if marker == 0xFF {
                i += 1
                continue
            }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                i += 2
                continue
            }
            if marker == 0xD9 || marker == 0xDA { return nil }
            let length = Int(data[i + 2]) << 8 | Int(data[i + 3])
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard i + 9 <= data.count else { return nil }
                let h = Int(data[i + 5]) << 8 | Int(data[i + 6])
                let w = Int(data[i + 7]) << 8 | Int(data[i + 8])
                return (w, h)
            }
            i += 2 + length
        }
        return nil
    }
}
