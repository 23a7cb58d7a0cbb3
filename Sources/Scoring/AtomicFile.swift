import Foundation

/// Writes files so that a reader sees either the old file or the complete new one, never a
/// part: the bytes go to a temporary file in the same folder, are flushed to disk, and the
/// temporary file is renamed over the destination (and the folder flushed, so that the rename
/// survives a power cut).
///
/// A process killed while writing (SIGKILL, out of memory) leaves its temporary file,
/// `.NAME.PID.N.tmp`, beside the untouched destination; the next writer of the same
/// destination removes those whose process no longer runs.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    ///
    /// - Throws: `AtomicFileError` naming the path and the operating system's reason; the
    ///   destination is then untouched and the temporary file removed.
    public static func write(_ data: Data, to url: URL) throws(AtomicFileError) {
        let writer = try Writer(url)
        do {
            try writer.append(data)
            try writer.commit()
        } catch {
            writer.discard()
            throw error
        }
    }

    /// A file written in pieces that appears at its destination, complete, only on `commit()`.
    ///
    /// ```swift
    /// let writer = try AtomicFile.Writer(url)
    /// defer { writer.discard() }  // a no-op after commit
    /// for chunk in chunks { try writer.append(chunk) }
    /// try writer.commit()
    /// ```
    public final class Writer {
        /// The destination.
        public let url: URL
        private let temporary: URL
        private var fd: Int32

        /// Creates the temporary file next to `url`.
        ///
        /// - Throws: `AtomicFileError` when the folder is missing or not writable.
        public init(_ url: URL) throws(AtomicFileError) {
            self.url = url
            let directory = url.deletingLastPathComponent()
            AtomicFile.removeAbandonedTemporaries(of: url)
            temporary = directory.appendingPathComponent(
                ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
            fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else { throw .cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
        }

        deinit { discard() }

        /// Appends bytes to the temporary file.
        public func append(_ data: Data) throws(AtomicFileError) {
            precondition(fd >= 0, "The writer was committed or discarded.")
            let ok = data.withUnsafeBytes { bytes -> Bool in
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
            if !ok { try fail(String(cString: strerror(errno))) }
        }

        /// Flushes the temporary file to disk and renames it over the destination.
        public func commit() throws(AtomicFileError) {
            precondition(fd >= 0, "The writer was committed or discarded.")
            if fsync(fd) != 0 { try fail(String(cString: strerror(errno))) }
            close(fd)
            fd = -1
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                unlink(temporary.path)
                throw .cannotWrite(path: url.path, reason: reason)
            }
            // The new name lives in the folder's entry: flush it too, or a power cut could
            // bring back the old file (never a partial one). Some file systems refuse to
            // fsync a folder; the rename has happened either way.
            let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
            if folder >= 0 {
                _ = fsync(folder)
                close(folder)
            }
        }

        /// Removes the temporary file, leaving the destination as it was; a no-op after
        /// `commit()`.
        public func discard() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(temporary.path)
        }

        private func fail(_ reason: String) throws(AtomicFileError) -> Never {
            discard()
            throw .cannotWrite(path: url.path, reason: reason)
        }
    }
}

extension AtomicFile {
    /// Removes the temporary files of `url` that processes which no longer run left behind.
    ///
    /// A temporary file is `.NAME.PID.N.tmp` beside `url`; one whose PID names no running
    /// process (`kill(pid, 0)` fails with `ESRCH`) was abandoned by a killed writer. Files of
    /// running processes, including this one, are left alone.
    static func removeAbandonedTemporaries(of url: URL) {
        let directory = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let middle = name.dropFirst(prefix.count).dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
            guard middle.count == 2, let pid = Int32(middle[0]), pid > 0, UInt32(middle[1]) != nil,
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(directory.appendingPathComponent(name).path)
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
