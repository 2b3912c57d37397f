import FaceCheck
import Testing

@testable import FaceCamera

/// YUV4MPEG2 as ffmpeg writes it (`-pix_fmt yuv420p`, `-f yuv4mpegpipe`): the header, FRAME lines
/// and planes cut into frames whatever the pieces the pipe gives.
@Suite struct Y4MStreamParsing {
    static func stream(width: Int, height: Int, colour: String = "C420jpeg", frames: [UInt8]) -> [UInt8] {
        let layout = RawFrameLayout(width: width, height: height, format: colour == "Cmono" ? .grey : .yuv420)
        var out = Array(
            "YUV4MPEG2 W\(width) H\(height) F15:1 Ip A0:0 \(colour) XYSCSS=420JPEG XCOLORRANGE=LIMITED\n".utf8
        )
        for value in frames {
            out += Array("FRAME\n".utf8)
            out += [UInt8](repeating: value, count: layout.byteCount!)
        }
        return out
    }

    @Test func ffmpegsHeaderGivesTheLayoutAndTheRate() throws {
        let header = try Y4MStreamDecoder.parseHeader(
            Array("YUV4MPEG2 W640 H480 F15:1 Ip A0:0 C420jpeg XYSCSS=420JPEG XCOLORRANGE=LIMITED".utf8)[...]
        )
        #expect(header.layout == RawFrameLayout(width: 640, height: 480, format: .yuv420))
        #expect(header.framesPerSecond == 15)
        #expect(header.layout.byteCount == 640 * 480 * 3 / 2)
    }

    @Test func oddSidesRoundTheChromaPlanesUp() {
        #expect(RawFrameLayout(width: 3, height: 3, format: .yuv420).byteCount == 9 + 2 * 4)
        #expect(RawFrameLayout(width: 3, height: 2, format: .yuyv).byteCount == 2 * 4 * 2)
        #expect(RawFrameLayout(width: 0, height: 2, format: .grey).byteCount == nil)
        #expect(RawFrameLayout(width: 4097, height: 2, format: .grey).byteCount == nil)
    }

    @Test func framesArriveWholeWhateverThePieces() throws {
        let bytes = Self.stream(width: 4, height: 2, frames: [1, 2, 3])
        for pieceSize in [1, 7, 64, bytes.count] {
            var decoder = Y4MStreamDecoder(maxFrameBytes: 1 << 20)
            var frames: [[UInt8]] = []
            var offset = 0
            while offset < bytes.count {
                decoder.append(bytes[offset..<min(offset + pieceSize, bytes.count)])
                offset += pieceSize
                while let frame = try decoder.next() { frames.append(frame) }
            }
            #expect(
                frames == [
                    [UInt8](repeating: 1, count: 12), [UInt8](repeating: 2, count: 12),
                    [UInt8](repeating: 3, count: 12),
                ]
            )
            #expect(decoder.bufferedCount == 0)
        }
    }

    @Test func monoIsGreyAndFrameParametersAreSkipped() throws {
        var bytes = Array("YUV4MPEG2 W2 H2 Cmono\nFRAME Ixyz\n".utf8) + [9, 9, 9, 9]
        var decoder = Y4MStreamDecoder(maxFrameBytes: 100)
        decoder.append(bytes)
        #expect(try decoder.next() == [9, 9, 9, 9])
        #expect(decoder.header?.layout.format == .grey)
        #expect(decoder.header?.framesPerSecond == nil)
        bytes.removeAll()
    }

    @Test(arguments: [
        ("P6 640 480 255\n", "not a YUV4MPEG2 stream"),
        ("YUV4MPEG2 W640 F30:1\n", "without W and H"),
        ("YUV4MPEG2 W0 H480\n", "W must be"),
        ("YUV4MPEG2 W640 H99999\n", "H must be"),
        ("YUV4MPEG2 W640 H480 C444\n", "only 8-bit 4:2:0 and mono"),
        ("YUV4MPEG2 W640 H480 C420p10\n", "only 8-bit 4:2:0 and mono"),
        ("YUV4MPEG2 W640 H480 F30\n", "num:den"),
        ("YUV4MPEG2 W640 H480 Z1\n", "unknown header parameter"),
        ("YUV4MPEG2 W2 H2 Cmono\nFRAMX\n", "does not start with FRAME"),
        ("YUV4MPEG2 W2 H2 Cmono\nFRAMES\n", "does not start with FRAME"),
        ("YUV4MPEG2 W4096 H4096\n", "over the limit"),
    ])
    func malformedStreamsAreRefusedWithAReason(text: String, reason: String) {
        var decoder = Y4MStreamDecoder(maxFrameBytes: 1 << 20)
        decoder.append(Array(text.utf8) + [UInt8](repeating: 0, count: 8))
        #expect {
            _ = try decoder.next()
        } throws: { error in
            (error as? Y4MError)?.reason.contains(reason) == true
        }
    }

    @Test func aLineWithoutItsEndIsRefusedOnceItIsTooLong() throws {
        var decoder = Y4MStreamDecoder(maxFrameBytes: 1 << 20)
        decoder.append(Array("YUV4MPEG2 W2 H2".utf8))
        #expect(try decoder.next() == nil, "more bytes may come")
        decoder.append([UInt8](repeating: UInt8(ascii: "X"), count: Y4MStreamDecoder.maxLineLength))
        #expect(throws: Y4MError.self) { _ = try decoder.next() }
    }
}

/// Which frames a capture keeps: none in the warm-up, then one per interval.
@Suite struct CameraFramePicking {
    @Test func warmupThenOnePerInterval() {
        var picker = FaceCamera.Picker(warmup: .milliseconds(500), interval: .milliseconds(200))
        let kept = stride(from: 0, through: 1400, by: 100).filter { picker.keep(at: .milliseconds($0)) }
        #expect(kept == [500, 700, 900, 1100, 1300])
    }
}
