import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the matcher and its models are, and how long and how much it may take.
public struct FaceMatcherConfiguration: Sendable, Equatable {
    public var executable: String
    public var modelsDirectory: String
    /// The whole check, from starting the matcher to the last answer.
    public var deadline: Duration
    /// The matcher's address-space limit (RLIMIT_AS), in MiB.
    public var memoryLimitMB: Int
    /// The matcher exits after this long without a request.
    public var idleSeconds: Int

    public init(
        executable: String = FaceMatcherConfiguration.installedExecutable,
        modelsDirectory: String = FaceMatcherConfiguration.installedModels,
        deadline: Duration = .seconds(10),
        memoryLimitMB: Int = 1024,
        idleSeconds: Int = FaceMatcherConfiguration.defaultIdleSeconds
    ) {
        self.executable = executable
        self.modelsDirectory = modelsDirectory
        self.deadline = deadline
        self.memoryLimitMB = memoryLimitMB
        self.idleSeconds = idleSeconds
    }

    /// The matcher's idle time unless configured (cancuocd.json `face.matcherIdleSeconds`).
    public static let defaultIdleSeconds = 60

    /// Where the cancuoc-face package installs them.
    public static let installedExecutable = "/usr/lib/cancuoc/cancuoc-face-matcher"
    public static let installedModels = "/usr/share/cancuoc-face/models"

    /// The installed paths, unless CANCUOC_FACE_MATCHER / CANCUOC_FACE_MODELS name others
    /// (a development build, the tests).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> FaceMatcherConfiguration
    {
        FaceMatcherConfiguration(
            executable: environment["CANCUOC_FACE_MATCHER"] ?? installedExecutable,
            modelsDirectory: environment["CANCUOC_FACE_MODELS"] ?? installedModels
        )
    }
}

/// Why the matcher gave no answer. Every case ends as `FaceDecision.unavailable`; the reason
/// is for the technician (a log line without personal data), not for the desk.
public enum FaceMatcherFailure: Error, Equatable, Sendable {
    case notInstalled
    case couldNotStart(errno: Int32)
    case exited(status: Int32)
    case killed(signal: Int32)
    case closedConnection
    case timedOut
    case protocolError(String)
    case imageRefused(MatcherFailure)

    public var reason: String {
        switch self {
        case .notInstalled: return "the face matcher is not installed (package cancuoc-face)"
        case .couldNotStart(let e): return "the face matcher could not start (errno \(e))"
        case .exited(let s): return "the face matcher exited with status \(s)"
        case .killed(let s): return "the face matcher was killed by signal \(s)"
        case .closedConnection: return "the face matcher closed its connection"
        case .timedOut: return "the face matcher did not answer in time"
        case .protocolError(let r): return "the face matcher's answer was malformed (\(r))"
        case .imageRefused(.undecodable):
            return "an image is not a JPEG, PNG, JPEG 2000 or camera frame the matcher can decode"
        case .imageRefused(.tooLarge): return "an image has too many pixels"
        case .imageRefused(.internalError): return "the matcher failed on an image"
        }
    }
}

/// Runs one face check: starts the sandboxed matcher on a socketpair, sends the portrait and
/// the frames, decides, and stops it. Blocking work runs on a thread of its own, never on the
/// cooperative pool. Whatever goes wrong, the answer is a result (`unavailable` at worst).
public struct FaceChecker: Sendable {
    public var configuration: FaceMatcherConfiguration
    public var thresholds: FaceThresholds

    public init(configuration: FaceMatcherConfiguration = .fromEnvironment(), thresholds: FaceThresholds = .defaults) {
        self.configuration = configuration
        self.thresholds = thresholds
    }

    /// The result, and the failure behind an `unavailable` (for the technician's log).
    public func check(
        portrait: FaceCheckImage,
        frames: [FaceCheckImage],
        source: FaceSource
    ) async -> (
        FaceCheckResult, FaceMatcherFailure?
    ) {
        let configuration = self.configuration
        let thresholds = self.thresholds
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: FaceChecker.checkBlocking(
                        configuration: configuration,
                        thresholds: thresholds,
                        portrait: portrait,
                        frames: frames,
                        source: source
                    )
                )
            }
            thread.name = "cancuoc-face-check"
            thread.start()
        }
    }

    static func checkBlocking(
        configuration: FaceMatcherConfiguration,
        thresholds: FaceThresholds,
        portrait: FaceCheckImage,
        frames: [FaceCheckImage],
        source: FaceSource
    ) -> (FaceCheckResult, FaceMatcherFailure?) {
        let deadline = ContinuousClock.now.advanced(by: configuration.deadline)
        var analyses: [FaceAnalysis] = []
        defer {
            for i in analyses.indices { analyses[i].zero() }
        }
        do {
            let process = try MatcherProcess.start(configuration)
            defer { process.stop(deadline: deadline) }
            for image in [portrait] + frames {
                try process.send(image, deadline: deadline)
                switch try process.receive(deadline: deadline) {
                case .analysis(let analysis): analyses.append(analysis)
                case .failure(let failure): throw FaceMatcherFailure.imageRefused(failure)
                }
            }
        } catch let failure as FaceMatcherFailure {
            let checks: [FaceCheckStep] =
                analyses.isEmpty && failure == .imageRefused(.undecodable) ? [.init(.portraitFace, .failed)] : []
            return (.without(.unavailable, source: source, thresholds: thresholds, checks: checks), failure)
        } catch {
            return (.without(.unavailable, source: source, thresholds: thresholds), .closedConnection)
        }
        let result = FaceCheckPolicy.decide(
            portrait: analyses[0],
            frames: Array(analyses.dropFirst()),
            source: source,
            thresholds: thresholds
        )
        return (result, nil)
    }
}

/// The matcher as a child process on one end of a socketpair (its stdin and stdout).
package final class MatcherProcess {
    package let pid: pid_t
    let socket: Int32
    /// The executable file it was started from (an upgrade or removal of cancuoc-face replaces
    /// or deletes it: the warm matcher is then stale).
    let executable: String
    private let executableFile: InstalledFile?
    private var decoder = MatcherFrameDecoder()
    private var exitStatus: Int32? = nil

    private init(pid: pid_t, socket: Int32, executable: String, executableFile: InstalledFile?) {
        self.pid = pid
        self.socket = socket
        self.executable = executable
        self.executableFile = executableFile
    }

    /// False once the file it was started from was replaced (a new inode: dpkg renames the new
    /// one over it) or removed.
    var isCurrent: Bool { executableFile != nil && InstalledFile(path: executable) == executableFile }

    package static func start(_ configuration: FaceMatcherConfiguration) throws -> MatcherProcess {
        guard access(configuration.executable, X_OK) == 0 else { throw FaceMatcherFailure.notInstalled }
        let executableFile = InstalledFile(path: configuration.executable)
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw FaceMatcherFailure.couldNotStart(errno: errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        let arguments = [
            configuration.executable,
            "--models", configuration.modelsDirectory,
            "--idle-seconds", String(configuration.idleSeconds),
            "--memory-mb", String(configuration.memoryLimitMB),
        ]
        // One BLAS thread: the machine is a clinic PC doing other work, and the memory limit
        // holds for a known number of thread stacks.
        let environment = ["OPENBLAS_NUM_THREADS=1", "PATH=/usr/bin:/bin"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, configuration.executable, &actions, nil, &argv, &envp)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw rc == ENOENT ? FaceMatcherFailure.notInstalled : FaceMatcherFailure.couldNotStart(errno: rc)
        }
        let flags = fcntl(fds[0], F_GETFL)
        _ = fcntl(fds[0], F_SETFL, flags | O_NONBLOCK)
        return MatcherProcess(
            pid: pid,
            socket: fds[0],
            executable: configuration.executable,
            executableFile: executableFile
        )
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) throws {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw FaceMatcherFailure.timedOut }
            let ms = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1
            )
            var p = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&p, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw FaceMatcherFailure.closedConnection }
            if ready > 0 { return }
        }
    }

    private func sendAll(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                try wait(for: Int16(POLLOUT), until: deadline)
            } else {
                throw reapedFailure()
            }
        }
    }

    package func send(_ image: FaceCheckImage, deadline: ContinuousClock.Instant) throws {
        // An encoded image, or a raw camera frame with its layout (MatcherProtocol).
        let kind: [UInt8] = image.layout.map { MatcherRequest.rawHeader($0) } ?? [MatcherProtocol.version, 1]
        let payloadLength = image.count + kind.count
        guard image.count > 0, payloadLength <= MatcherProtocol.maxFrameLength else {
            throw FaceMatcherFailure.imageRefused(.tooLarge)
        }
        if let layout = image.layout, layout.byteCount != image.count {
            throw FaceMatcherFailure.imageRefused(.undecodable)
        }
        let header: [UInt8] =
            [
                UInt8(payloadLength >> 24 & 0xFF), UInt8(payloadLength >> 16 & 0xFF), UInt8(payloadLength >> 8 & 0xFF),
                UInt8(payloadLength & 0xFF),
            ] + kind
        try header.withUnsafeBytes { try sendAll($0, deadline: deadline) }
        try image.withBytes { try sendAll($0, deadline: deadline) }
    }

    package func receive(deadline: ContinuousClock.Instant) throws -> MatcherResponse {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            do {
                if let payload = try decoder.next() {
                    return try MatcherResponse(payload: payload[...])
                }
            } catch let error as MatcherProtocolError {
                throw FaceMatcherFailure.protocolError(error.reason)
            }
            let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                decoder.append(chunk[0..<n])
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                try wait(for: Int16(POLLIN), until: deadline)
            } else {
                throw reapedFailure()
            }
        }
    }

    /// The connection broke: how the matcher ended (it is reaped here).
    private func reapedFailure() -> FaceMatcherFailure {
        var status: Int32 = 0
        for _ in 0..<50 {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                exitStatus = status
                let signal = status & 0x7F
                if signal != 0 { return .killed(signal: signal) }
                return .exited(status: (status >> 8) & 0xFF)
            }
            usleep(10_000)
        }
        return .closedConnection
    }

    /// Closes the socket (the matcher exits on end of input); kills it if it lingers.
    package func stop(deadline: ContinuousClock.Instant) {
        decoder.zero()
        close(socket)
        guard exitStatus == nil else { return }
        var status: Int32 = 0
        // A matcher past the deadline is hung: killed at once; otherwise it has a moment to exit.
        let grace = min(deadline, ContinuousClock.now.advanced(by: .seconds(2)))
        while ContinuousClock.now < grace {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(5_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }
}

/// Which file a path names now: device, inode, size and modification time.
struct InstalledFile: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int
    let modifiedNanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
    }
}
