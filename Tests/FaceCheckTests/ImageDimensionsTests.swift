import FaceCheck
import Foundation
import Testing

/// The header reader behind `cancuoc sim --portrait`, on images ImageMagick makes at test time.
@Suite struct PortraitImageHeaders {
    @Test(arguments: ["jpg", "jp2", "j2k"])
    func sizesAreReadFromTheHeader(format: String) async throws {
        let image = try await FaceAssets.convertTo(format, ["-size", "123x45", "xc:gray50"])
        let bytes = image.withBytes { Array($0) }
        let read = try ImageDimensions.read(bytes)
        #expect(read.width == 123 && read.height == 45)
        #expect(read.kind == (format == "jpg" ? .jpeg : .jpeg2000))
    }

    @Test func otherBytesAreRefused() {
        for bytes: [UInt8] in [[], [0xFF, 0xD8, 0xFF], Array("GIF89a".utf8), [0xFF, 0x4F, 0xFF, 0x51, 0, 0]] {
            #expect(throws: ImageDimensions.Unrecognised.self) { try ImageDimensions.read(bytes) }
        }
    }
}
