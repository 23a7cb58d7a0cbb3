import Foundation

/// Writes files so that a reader sees either the old file or the complete new one, never a
/// part: the bytes go to a temporary file in the same folder, are flushed to disk, and the
/// temporary file is renamed over the destination.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    ///
    /// - Throws: `AtomicFileError` naming the path and the operating system's reason; the
    ///   destination is then untouched and the temporary file removed.
    public static func write(_ data: Data, to url: URL) throws(AtomicFileError) {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
        var ok = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        var reason = ok ? "" : String(cString: strerror(errno))
        if ok && fsync(fd) != 0 { ok = false; reason = String(cString: strerror(errno)) }
        close(fd)
        if ok && rename(temporary.path, url.path) != 0 { ok = false; reason = String(cString: strerror(errno)) }
        if !ok {
            unlink(temporary.path)
            throw .cannotWrite(path: url.path, reason: reason)
        }
    }
}

/// A file could not be written.
public enum AtomicFileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Writing `path` failed for `reason`; nothing was written there.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason):
            return "Cannot write \(path): \(reason). Nothing was written; check that the folder exists and is writable."
        }
    }
}
