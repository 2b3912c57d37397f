/// How the bytes of an uncompressed camera frame are laid out (the daemon's camera: V4L2's YUYV,
/// a Y4M file's 4:2:0 planes). The daemon passes such bytes on as they came, with this layout;
/// only the sandboxed matcher turns them into pixels (docs/face-check.md § The daemon's camera).
public struct RawFrameLayout: Sendable, Hashable {
    /// The pixel formats the matcher converts, by their V4L2 fourcc (linux/videodev2.h).
    public enum PixelFormat: UInt32, Sendable, CaseIterable {
        /// V4L2_PIX_FMT_YUYV: packed 4:2:2, Y0 U Y1 V per two pixels; what UVC webcams give.
        case yuyv = 0x5659_5559
        /// V4L2_PIX_FMT_YUV420 ('YU12'): the Y plane, then U and V at half width and height
        /// (rounded up); a Y4M file's 4:2:0.
        case yuv420 = 0x3231_5559
        /// V4L2_PIX_FMT_GREY: one luma byte per pixel; a Y4M file's `Cmono`.
        case grey = 0x5945_5247
    }

    public var width: Int
    public var height: Int
    public var format: PixelFormat

    public init(width: Int, height: Int, format: PixelFormat) {
        self.width = width
        self.height = height
        self.format = format
    }

    /// Largest side the matcher takes raw (a 4K frame is far more than a face check needs).
    public static let maxSide = 4096

    /// The frame's size in bytes; nil when a side is 0 or over `maxSide`.
    public var byteCount: Int? {
        guard (1...Self.maxSide).contains(width), (1...Self.maxSide).contains(height) else { return nil }
        switch format {
        case .yuyv: return ((width + 1) / 2) * 4 * height
        case .yuv420: return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2)
        case .grey: return width * height
        }
    }
}
