import FaceCamera
import FaceCheck

/// The daemon camera's parser (docs/face-check.md § The daemon's camera): a Y4M stream as a file or
/// pipe gives it.
enum FaceCameraTargets {
    /// Byte 0 picks the chunk size the stream arrives in; the rest is the stream. Every frame
    /// handed out has its layout's size, and what stays buffered is at most a line and a frame
    /// beyond the chunk just fed (the capture's memory bound).
    static func y4mStream(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let chunk = Int(first % 128) + 1
        var decoder = Y4MStreamDecoder(maxFrameBytes: 1 << 16)
        var index = 1
        while index < data.count {
            decoder.append(data[index..<min(index + chunk, data.count)])
            index += chunk
            do {
                while let frame = try decoder.next() {
                    precondition(frame.count == decoder.header?.layout.byteCount, "a frame of the wrong size")
                }
            } catch {
                return
            }
            let frameBytes = decoder.header?.layout.byteCount ?? 0
            precondition(
                decoder.bufferedCount <= Y4MStreamDecoder.maxLineLength + 1 + frameBytes + chunk,
                "the decoder holds more than a line and a frame"
            )
        }
        decoder.zero()
    }
}
