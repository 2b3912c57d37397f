import CV4L2
import FaceCheck
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's camera: grabs a few frames for one face check and lets the device go. Blocking
/// work runs on a thread of its own, one capture at a time; every wait is bounded by the
/// source's `frameTimeout`, so a vanished camera ends as a `CameraFailure`, never a hang. Frames
/// are copied into `FaceCheckImage`s (zeroed when released) exactly as the device gave them:
/// YUYV or YUV 4:2:0 with their layout, MJPEG as JPEG. Nothing here decodes an image.
public final class FaceCamera: Sendable {
    public let source: CameraSource
    private let oneAtATime = Mutex<Void>(())

    public init(source: CameraSource) { self.source = source }

    public func capture() async -> Result<[FaceCheckImage], CameraFailure> {
        await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(returning: oneAtATime.withLock { _ in captureBlocking() })
            }
            thread.name = "cancuoc-face-camera"
            thread.start()
        }
    }

    func captureBlocking() -> Result<[FaceCheckImage], CameraFailure> {
        do {
            switch source.kind {
            case .v4l2: return .success(try captureV4L2())
            case .y4m: return .success(try captureY4M())
            }
        } catch let failure as CameraFailure {
            return .failure(failure)
        } catch {
            return .failure(CameraFailure(.failed, "\(error)"))
        }
    }

    /// Which frames to keep: the first after the warm-up, then one per interval.
    struct Picker {
        let warmup: Duration
        let interval: Duration
        var last: Duration?

        mutating func keep(at time: Duration) -> Bool {
            guard time >= warmup else { return false }
            if let last, time - last < interval { return false }
            last = time
            return true
        }
    }

    static func milliseconds(_ d: Duration) -> Int32 {
        Int32(clamping: d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    // MARK: V4L2

    private func captureV4L2() throws -> [FaceCheckImage] {
        var camera: OpaquePointer?
        var format = cv4l2_format()
        var error = [CChar](repeating: 0, count: 256)
        let opened = cv4l2_open(
            source.path,
            UInt32(source.width),
            UInt32(source.height),
            CameraSource.maxFrameBytes,
            &camera,
            &format,
            &error,
            error.count
        )
        guard opened == CV4L2_OK, let camera else { throw Self.failure(opened, error) }
        defer { cv4l2_close(camera) }
        let width = Int(format.width)
        let height = Int(format.height)
        let mjpeg = format.pixel_format != RawFrameLayout.PixelFormat.yuyv.rawValue
        let layout = RawFrameLayout(width: width, height: height, format: .yuyv)
        let rowBytes = ((width + 1) / 2) * 4
        let stride = Int(format.bytes_per_line)
        var picker = Picker(warmup: source.warmup, interval: source.interval)
        let start = ContinuousClock.now
        var frames: [FaceCheckImage] = []
        // Past warm-up and intervals, the whole capture is bounded too (a camera at 1 frame a minute).
        let limit = source.warmup + (source.interval + source.frameTimeout) * source.frames
        while frames.count < source.frames {
            guard ContinuousClock.now - start < limit else {
                throw CameraFailure(.timedOut, "the camera gave too few frames in \(limit)")
            }
            var bytes: UnsafePointer<UInt8>?
            var length = 0
            var index: UInt32 = 0
            let status = cv4l2_next(
                camera,
                Self.milliseconds(source.frameTimeout),
                &bytes,
                &length,
                &index,
                &error,
                error.count
            )
            guard status == CV4L2_OK, let bytes else { throw Self.failure(status, error) }
            defer { cv4l2_release(camera, index) }
            guard picker.keep(at: ContinuousClock.now - start) else { continue }
            let given = UnsafeRawBufferPointer(start: bytes, count: length)
            if mjpeg {
                frames.append(FaceCheckImage(copying: given))
            } else if stride == rowBytes, length >= rowBytes * height {
                frames.append(
                    FaceCheckImage(
                        copying: UnsafeRawBufferPointer(rebasing: given[0..<(rowBytes * height)]),
                        layout: layout
                    )
                )
            } else if stride > rowBytes, length >= stride * (height - 1) + rowBytes {
                // Rows padded by the driver: the rows without their padding.
                let packed = UnsafeMutableRawBufferPointer.allocate(byteCount: rowBytes * height, alignment: 16)
                defer {
                    packed.initializeMemory(as: UInt8.self, repeating: 0)
                    packed.deallocate()
                }
                for row in 0..<height {
                    packed.baseAddress!.advanced(by: row * rowBytes)
                        .copyMemory(from: given.baseAddress!.advanced(by: row * stride), byteCount: rowBytes)
                }
                frames.append(FaceCheckImage(copying: UnsafeRawBufferPointer(packed), layout: layout))
            } else {
                continue  // a short frame: the next one
            }
        }
        return frames
    }

    private static func failure(_ status: cv4l2_status, _ error: [CChar]) -> CameraFailure {
        let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch status {
        case CV4L2_MISSING: return CameraFailure(.missing, reason)
        case CV4L2_DENIED: return CameraFailure(.denied, reason)
        case CV4L2_NOT_A_CAMERA: return CameraFailure(.notACamera, reason)
        case CV4L2_UNSUPPORTED: return CameraFailure(.unsupported, reason)
        case CV4L2_TIMED_OUT: return CameraFailure(.timedOut, reason)
        default: return CameraFailure(.failed, reason)
        }
    }

    // MARK: Y4M file or pipe

    private func captureY4M() throws -> [FaceCheckImage] {
        // Non-blocking: opening a pipe nobody writes to returns at once, and reads are polled.
        let fd = open(source.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            let reason = "cannot open \(source.path): \(String(cString: strerror(e)))"
            throw CameraFailure(e == ENOENT ? .missing : (e == EACCES || e == EPERM) ? .denied : .failed, reason)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw CameraFailure(.failed, "cannot stat \(source.path)") }
        let isFile = (status.st_mode & S_IFMT) == S_IFREG
        guard isFile || (status.st_mode & S_IFMT) == S_IFIFO else {
            throw CameraFailure(.notACamera, "\(source.path) is neither a file nor a pipe")
        }

        var decoder = Y4MStreamDecoder(maxFrameBytes: CameraSource.maxFrameBytes)
        defer { decoder.zero() }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        defer { chunk.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = 0 } } }
        var frames: [FaceCheckImage] = []
        var frameNumber = 0
        var picker = Picker(warmup: source.warmup, interval: source.interval)
        var loops = 0
        while frames.count < source.frames {
            let next: [UInt8]?
            do {
                next = try decoder.next()
            } catch {
                throw CameraFailure(.notACamera, "\(source.path): \(error.reason)")
            }
            if var frame = next, let header = decoder.header {
                // A file's time is its frame rate (30 fps unless it says); a pipe's too.
                let fps = header.framesPerSecond ?? 30
                let time = Duration.seconds(Double(frameNumber) / fps)
                frameNumber += 1
                if picker.keep(at: time) {
                    frames.append(frame.withUnsafeBytes { FaceCheckImage(copying: $0, layout: header.layout) })
                }
                frame.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = 0 } }
                continue
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Self.milliseconds(source.frameTimeout))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                throw CameraFailure(.timedOut, "\(source.path) gave no frame in \(source.frameTimeout)")
            }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard n >= 0 else { throw CameraFailure(.failed, "cannot read \(source.path)") }
            if n == 0 {
                // The end: a file starts again (as a looped video), a pipe has ended.
                guard isFile, decoder.header != nil, frameNumber > 0, loops < 1000 else {
                    throw CameraFailure(.ended, "\(source.path) ended after \(frameNumber) frames")
                }
                loops += 1
                decoder.zero()
                decoder = Y4MStreamDecoder(maxFrameBytes: CameraSource.maxFrameBytes)
                guard lseek(fd, 0, SEEK_SET) == 0 else { throw CameraFailure(.failed, "cannot rewind \(source.path)") }
                continue
            }
            decoder.append(chunk[0..<n])
        }
        return frames
    }
}
