import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file whole: the bytes go to a hidden temporary file in the same directory
/// (`TrustStore` skips names starting with "."), are flushed to disk, and the temporary file
/// is renamed over the target; the directory is flushed too. A reader (the daemon's trust
/// directory watch) sees the old file or the new one, never half of one, also after a power cut.
enum AtomicFile {
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o644) throws(AtomicFileError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw AtomicFileError(step: "create", path: temporary, errno: errno) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let error = errno
                close(fd)
                unlink(temporary)
                throw AtomicFileError(step: "write", path: temporary, errno: error)
            }
            written += n
        }
        // The mode asked for, whatever the umask.
        fchmod(fd, mode)
        if fsync(fd) != 0 {
            let error = errno
            close(fd)
            unlink(temporary)
            throw AtomicFileError(step: "fsync", path: temporary, errno: error)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = errno
            unlink(temporary)
            throw AtomicFileError(step: "rename", path: path, errno: error)
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }
}

/// A file system error while replacing a file.
struct AtomicFileError: Error, Sendable, CustomStringConvertible {
    var step: String
    var path: String
    var errno: Int32

    var description: String {
        let reason = String(cString: strerror(errno))
        return "Không ghi được \(path) (\(step): \(reason)) — could not write \(path) (\(step): \(reason))."
    }
}
