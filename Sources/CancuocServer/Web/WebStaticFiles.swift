#if canImport(Glibc)
import Glibc
#endif

/// The few files served over HTTP beside `/api`: the reception page and `cancuoc.js`. A fixed
/// list read once at start (never a path taken from a request), from the `clients/` folder of
/// the source tree or its installed copy (`$PREFIX/share/cancuoc/clients`).
public struct WebStaticFiles: Sendable, Hashable {
    public struct File: Sendable, Hashable {
        public var contentType: String
        public var body: [UInt8]
    }

    /// URL path → file under the clients folder. `/cancuoc.js` is the fixed path HIS pages
    /// import the client from (docs/integration.md).
    public static let routes: [(path: String, file: String, contentType: String)] = [
        ("/", "web/index.html", "text/html; charset=utf-8"),
        ("/reception.js", "web/reception.js", "text/javascript; charset=utf-8"),
        ("/reception.css", "web/reception.css", "text/css; charset=utf-8"),
        ("/cancuoc.js", "js/cancuoc.js", "text/javascript; charset=utf-8"),
    ]

    public var files: [String: File]

    public init(files: [String: File] = [:]) {
        self.files = files
    }

    /// Reads every route's file under `directory`; returns the files and the ones missing.
    public static func load(directory: String) -> (files: WebStaticFiles, missing: [String]) {
        var files: [String: File] = [:]
        var missing: [String] = []
        for route in routes {
            let path = directory + "/" + route.file
            if let body = readFile(path, limit: 1 << 20) {
                files[route.path] = File(contentType: route.contentType, body: body)
            } else {
                missing.append(path)
            }
        }
        return (WebStaticFiles(files: files), missing)
    }

    private static func readFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while result.count <= limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return result }
            result += chunk[0..<n]
        }
        return nil
    }
}
