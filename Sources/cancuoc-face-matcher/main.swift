// cancuoc-face-matcher (docs/face-check.md): the sandboxed process that decodes untrusted images and runs
// dlib. Started by cancuoc or cancuocd on demand with its stdin and stdout as the only channel
// (MatcherProtocol); loads the models, enters its sandbox (no new privileges, an address-space
// limit, a seccomp allow list: no sockets, no file opened, no exec), answers requests,
// and exits when its stdin closes or after an idle time. It writes nothing but answers, and no
// image, descriptor or person's data reaches its stderr.
//
//   cancuoc-face-matcher --models DIR [--idle-seconds N] [--memory-mb N] [--max-pixels N]
import CFaceMatcher
import FaceCheck

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String, code: Int32) -> Never {
    let line = Array("cancuoc-face-matcher: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(code)
}

var modelsDirectory = "/usr/share/cancuoc-face/models"
var idleSeconds = 60
var memoryMB = 1024
var maxPixels: Int64 = 16_000_000
var checkSandbox = false
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    if option == "--check-sandbox" {
        checkSandbox = true
        continue
    }
    guard let value = arguments.popFirst() else { fail("\(option) needs a value", code: 64) }
    switch option {
    case "--models": modelsDirectory = value
    case "--idle-seconds":
        guard let n = Int(value), n > 0 else { fail("--idle-seconds takes a positive number", code: 64) }
        idleSeconds = n
    case "--memory-mb":
        guard let n = Int(value), n >= 0 else { fail("--memory-mb takes a number", code: 64) }
        memoryMB = n
    case "--max-pixels":
        guard let n = Int64(value), n > 0 else { fail("--max-pixels takes a positive number", code: 64) }
        maxPixels = n
    default: fail("unknown option \(option)", code: 64)
    }
}

var error = [CChar](repeating: 0, count: 512)
func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
guard let matcher = cfm_open(modelsDirectory, &error, error.count) else {
    fail(text(error), code: 66)
}
if cfm_sandbox_enter(UInt64(memoryMB) * 1024 * 1024, &error, error.count) != 0 {
    fail("cannot enter the sandbox: \(text(error))", code: 71)
}

// `--check-sandbox`: after entering the sandbox, try what it must refuse; exit 0 only if all
// of it was refused (the tests and `make system-test` run this on the installed matcher).
if checkSandbox {
    var allowed: [String] = []
    if socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) >= 0 { allowed.append("an IPv4 socket") }
    if socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) >= 0 { allowed.append("a Unix socket") }
    if open("/tmp/cancuoc-face-matcher-sandbox-check", O_WRONLY | O_CREAT, 0o600) >= 0 {
        allowed.append("creating a file")
    }
    if open("/dev/null", O_RDWR) >= 0 { allowed.append("opening a file for writing") }
    if open("/etc/passwd", O_RDONLY) >= 0 { allowed.append("opening a file for reading") }
    if fork() >= 0 { allowed.append("a new process") }
    if mmap(nil, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED {
        allowed.append("executable memory")
    }
    if write(3, "x", 1) >= 0 || write(0, "x", 1) >= 0 { allowed.append("writing beside stdout and stderr") }
    if allowed.isEmpty {
        print("sandbox: sockets, opening files, executable memory and new processes are refused")
        exit(0)
    }
    fail("sandbox allowed " + allowed.joined(separator: ", "), code: 70)
}

@MainActor func writeAll(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

@MainActor func analyse(_ image: inout [UInt8], layout: RawFrameLayout? = nil) -> MatcherResponse {
    var raw = cfm_analysis()
    let status = image.withUnsafeBufferPointer { bytes in
        if let layout {
            // A camera frame of the daemon's camera: raw pixels, converted here in the sandbox.
            return cfm_analyze_raw(
                matcher,
                bytes.baseAddress,
                bytes.count,
                Int32(layout.width),
                Int32(layout.height),
                layout.format.rawValue,
                maxPixels,
                &raw
            )
        }
        return cfm_analyze(matcher, bytes.baseAddress, bytes.count, maxPixels, &raw)
    }
    image.withUnsafeMutableBytes { cfm_zero($0.baseAddress, $0.count) }
    defer { withUnsafeMutableBytes(of: &raw) { cfm_zero($0.baseAddress, $0.count) } }
    switch status {
    case CFM_OK: break
    case CFM_UNDECODABLE: return .failure(.undecodable)
    case CFM_TOO_LARGE: return .failure(.tooLarge)
    default: return .failure(.internalError)
    }
    let descriptor: [Float]? =
        raw.has_descriptor == 1
        ? withUnsafeBytes(of: raw.descriptor) { Array($0.bindMemory(to: Float.self)) } : nil
    let thumbnail = withUnsafeBytes(of: raw.thumbnail) { Array($0) }
    return .analysis(
        FaceAnalysis(
            width: Int(raw.width),
            height: Int(raw.height),
            faceCount: Int(raw.face_count),
            face: raw.face_count > 0
                ? FaceBox(
                    left: Int(raw.face_left),
                    top: Int(raw.face_top),
                    width: Int(raw.face_width),
                    height: Int(raw.face_height)
                ) : nil,
            sharpness: raw.sharpness,
            descriptor: descriptor,
            thumbnail: thumbnail
        )
    )
}

var decoder = MatcherFrameDecoder()
var chunk = [UInt8](repeating: 0, count: 64 * 1024)
serving: while true {
    var poller = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
    let ready = poll(&poller, 1, Int32(idleSeconds * 1000))
    if ready == 0 { break serving }  // idle: gone until the next check starts it again
    if ready < 0 {
        if errno == EINTR { continue }
        break serving
    }
    let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if n == 0 { break serving }
    if n < 0 {
        if errno == EINTR { continue }
        break serving
    }
    decoder.append(chunk[0..<n])
    chunk.withUnsafeMutableBytes { cfm_zero($0.baseAddress, n) }
    do {
        while var payload = try decoder.next() {
            var response: MatcherResponse
            do {
                let request = try MatcherRequest(payload: payload[...])
                payload.withUnsafeMutableBytes { cfm_zero($0.baseAddress, $0.count) }
                switch request {
                case .analyse(var image): response = analyse(&image)
                case .analyseRaw(let layout, var pixels): response = analyse(&pixels, layout: layout)
                }
            }
            guard writeAll(MatcherFrameDecoder.frame(response.encodedPayload())) else { break serving }
            if case .analysis(var analysis) = response {
                analysis.zero()
                response = .analysis(analysis)
            }
        }
    } catch let error as MatcherProtocolError {
        decoder.zero()
        fail("protocol error: \(error.reason)", code: 65)
    } catch {
        decoder.zero()
        fail("protocol error", code: 65)
    }
}
decoder.zero()
cfm_close(matcher)
exit(0)
