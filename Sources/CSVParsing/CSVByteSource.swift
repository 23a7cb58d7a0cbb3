#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a `CSVReader` gets its bytes from, one chunk at a time: a file, bytes in memory, or
/// anything else that produces CSV text (a database query streamed as CSV).
///
/// The reader owns one buffer and asks the source to fill the free part of it, so an input of
/// any size is read with memory bounded by the buffer (plus the longest record).
public protocol CSVByteSource: AnyObject {
    /// Copies up to `buffer.count` bytes into `buffer` and returns how many; 0 means the input is
    /// exhausted. May block until bytes arrive.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int
    /// Releases whatever the source holds (a file descriptor, a query); later reads return 0.
    func close()
}

/// Bytes held in memory, handed out in chunks like a file's.
final class CSVMemorySource: CSVByteSource {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }

    func close() { position = bytes.count }
}

/// A file read with POSIX `read(2)` straight into the reader's buffer.
final class CSVFileSource: CSVByteSource {
    private let path: String
    private var descriptor: Int32
    /// The bytes left to read before the end of the range, when reading a part of the file.
    private var remaining = Int.max

    /// Opens `path` for reading.
    ///
    /// - Parameters:
    ///   - path: The path shown in errors.
    ///   - fileSystemPath: The path handed to `open(2)`.
    /// - Throws: `CSVError.unreadableFile` with the system's reason when `open(2)` fails.
    init(path: String, fileSystemPath: UnsafePointer<CChar>) throws(CSVError) {
        self.path = path
        var fd: Int32
        repeat { fd = open(fileSystemPath, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw CSVError.unreadableFile(path: path, reason: Self.systemReason(errno)) }
        descriptor = fd
    }

    deinit { close() }

    /// Restricts reading to the bytes `range` of the file.
    func limit(to range: Range<Int>) throws(CSVError) {
        guard lseek(descriptor, off_t(range.lowerBound), SEEK_SET) >= 0 else {
            throw CSVError.unreadableFile(path: path, reason: Self.systemReason(errno))
        }
        remaining = range.count
    }

    /// The file's size in bytes.
    func size() throws(CSVError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CSVError.unreadableFile(path: path, reason: Self.systemReason(errno))
        }
        return Int(status.st_size)
    }

    /// The offset of the first byte after the first line feed at or after `offset`, or the
    /// file's size when there is none.
    func lineStart(atOrAfter offset: Int, size: Int) throws(CSVError) -> Int {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var position = offset
        while position < size {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) }
            guard count > 0 else {
                throw CSVError.unreadableFile(path: path, reason: count < 0 ? Self.systemReason(errno) : "the file shrank while it was read")
            }
            if let index = chunk[0..<count].firstIndex(of: CSVRecordScanner.lineFeed) { return position + index + 1 }
            position += count
        }
        return size
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        guard descriptor >= 0, buffer.count > 0, remaining > 0 else { return 0 }
        while true {
            let count = systemRead(descriptor, buffer.baseAddress, min(buffer.count, remaining))
            if count >= 0 {
                remaining -= count
                return count
            }
            let code = errno
            if code == EINTR { continue }
            close()
            throw CSVError.unreadableFile(path: path, reason: Self.systemReason(code))
        }
    }

    func close() {
        if descriptor >= 0 {
            systemClose(descriptor)
            descriptor = -1
        }
    }

    private static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

// Free functions, because inside `CSVFileSource` the names `read` and `close` mean its methods.
private func systemRead(_ descriptor: Int32, _ address: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, address, count)
}

private func systemClose(_ descriptor: Int32) {
    _ = close(descriptor)
}
