import Foundation

/// Reads an RFC 4180 CSV file with a header row, streaming it in chunks.
///
/// The header is read when the reader is created; data rows are read one at a time, so a file
/// of tens of millions of rows is read in memory bounded by the buffer (1 MiB, more only for a
/// single record longer than that):
///
/// ```swift
/// let reader = try CSVReader(contentsOf: URL(filePath: "events.csv"))
/// guard let amount = reader.column(named: "amount") else { ... }
/// var total = 0.0
/// try reader.forEachRecord { record in
///     total += record.double(at: amount) ?? 0
/// }
/// ```
///
/// The format, as RFC 4180 with the additions real exports need:
/// - Fields are separated by commas and records by LF or CRLF; the last record may end
///   without a line break. Lines with nothing on them are skipped (but counted).
/// - A field that starts with `"` is quoted: it may hold commas and line breaks, writes `"` as
///   `""`, and must be followed by a comma or a line break. A `"` anywhere else is an error.
/// - An empty unquoted field is missing; `""` is a present empty string. Field text is not
///   trimmed.
/// - The text is UTF-8; a leading byte order mark is dropped.
/// - The first record is the header. Its names are trimmed of surrounding ASCII whitespace and
///   must be non-empty and distinct. Every later record must have as many fields.
///
/// A reader is a single pass over its input and is not meant to be shared between tasks.
public final class CSVReader {
    /// The name errors give for the input: the file's name, or the name passed with bytes.
    public let name: String
    /// The column names from the header row, trimmed, in file order.
    public var header: [String] { headerNames }

    private var stream: CSVRecordStream
    // Set once, by `init`, after the header has been scanned with the reader's own machinery.
    private var headerNames: [String] = []
    private var columnIndices: [String: Int] = [:]
    /// The error last thrown; a reader that has failed keeps failing the same way.
    private var failure: CSVError?

    /// The default buffer size, 1 MiB: large enough that refills and record rescans are rare.
    static let defaultBufferSize = 1 << 20

    /// Opens a CSV file and reads its header.
    ///
    /// - Parameter url: A `file:` URL. Errors name the file by its last path component.
    /// - Throws: `CSVError.unreadableFile` when the file cannot be opened or read, and any
    ///   `CSVError` that the header row holds.
    public convenience init(contentsOf url: URL) throws(CSVError) {
        try self.init(contentsOf: url, bufferSize: Self.defaultBufferSize)
    }

    /// Reads CSV text held in memory.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 bytes of the whole input.
    ///   - name: The name errors give for the input, such as a file name.
    /// - Throws: Any `CSVError` that the header row holds.
    public convenience init(bytes: [UInt8], name: String) throws(CSVError) {
        try self.init(bytes: bytes, name: name, bufferSize: Self.defaultBufferSize)
    }

    /// Reads CSV text held in a string.
    ///
    /// - Parameters:
    ///   - text: The whole input.
    ///   - name: The name errors give for the input, such as a file name.
    /// - Throws: Any `CSVError` that the header row holds.
    public convenience init(text: String, name: String) throws(CSVError) {
        try self.init(bytes: Array(text.utf8), name: name)
    }

    /// Opens a file with a buffer of `bufferSize` bytes (tests use tiny ones).
    convenience init(contentsOf url: URL, bufferSize: Int) throws(CSVError) {
        let path = url.path
        // `withUnsafeFileSystemRepresentation` rethrows untyped errors, so the result carries
        // the typed one out.
        let opened = url.withUnsafeFileSystemRepresentation { fileSystemPath -> Result<CSVFileSource, CSVError> in
            guard let fileSystemPath else {
                return .failure(.unreadableFile(path: path, reason: "the path cannot be represented on this file system"))
            }
            return Result { () throws(CSVError) in try CSVFileSource(path: path, fileSystemPath: fileSystemPath) }
        }
        try self.init(source: opened.get(), name: url.lastPathComponent, bufferSize: bufferSize)
    }

    /// Readers over consecutive parts of one file, split at line breaks, so that several
    /// threads can read it at once.
    ///
    /// The first part reads the header (and a byte order mark) as usual; the others share its
    /// header and start at a line break roughly `1/count` of the way further. Each part's
    /// `record.line` counts from the part's own first line: add the `linesRead` of every part
    /// before it to get the line in the file.
    ///
    /// A split can land inside a quoted field that holds a line break. Then the part before it
    /// ends inside the quotes and throws `CSVError.unterminatedQuote` at its end
    /// (`endsInsideQuotes(_:)` tells that case apart): read the file in one part instead.
    ///
    /// - Parameters:
    ///   - url: A `file:` URL.
    ///   - count: The number of parts wanted; small files get fewer.
    /// - Throws: `CSVError.unreadableFile`, and any error of the header row.
    public static func parts(of url: URL, count: Int) throws(CSVError) -> [CSVReader] {
        try parts(of: url, count: count, minimumPartBytes: 1 << 20)
    }

    /// `parts(of:count:)` with parts of at least `minimumPartBytes` (tests use small ones).
    static func parts(of url: URL, count: Int, minimumPartBytes: Int) throws(CSVError) -> [CSVReader] {
        let first = try CSVReader(contentsOf: url)
        guard count > 1, let source = first.stream.source as? CSVFileSource else { return [first] }
        let size = try source.size()
        let dataStart = first.stream.offset
        let parts = max(1, min(count, (size - dataStart) / max(1, minimumPartBytes)))
        guard parts > 1 else { return [first] }
        var boundaries = [dataStart]
        for k in 1..<parts {
            let nominal = dataStart + (size - dataStart) / parts * k
            boundaries.append(max(boundaries[k - 1], try source.lineStart(atOrAfter: nominal, size: size)))
        }
        boundaries.append(size)
        first.stream.close()
        return try (0..<parts).map { k throws(CSVError) in
            // The first part's lines go on from the header's.
            try CSVReader(part: url, range: boundaries[k]..<boundaries[k + 1], header: first,
                          firstLine: k == 0 ? first.linesRead + 1 : 1)
        }
    }

    /// A reader of the bytes `range` of `url`, with `header`'s columns and no header row.
    private init(part url: URL, range: Range<Int>, header: CSVReader, firstLine: Int) throws(CSVError) {
        let path = url.path
        let opened = url.withUnsafeFileSystemRepresentation { fileSystemPath -> Result<CSVFileSource, CSVError> in
            guard let fileSystemPath else {
                return .failure(.unreadableFile(path: path, reason: "the path cannot be represented on this file system"))
            }
            return Result { () throws(CSVError) in try CSVFileSource(path: path, fileSystemPath: fileSystemPath) }
        }
        let source = try opened.get()
        try source.limit(to: range)
        name = url.lastPathComponent
        stream = try CSVRecordStream(source: source, bufferSize: Self.defaultBufferSize, skipsByteOrderMark: false,
                                     firstLine: firstLine)
        headerNames = header.headerNames
        columnIndices = header.columnIndices
    }

    /// The line of the file (or, for a part other than the first, of the part) before the next
    /// record: the number of physical lines read so far.
    public var linesRead: Int { stream.linesRead }

    /// Whether `error`, thrown by a part of `parts(of:count:)` other than the last, means that
    /// the split fell inside a quoted field (so the file must be read in one part).
    public static func endsInsideQuotes(_ error: CSVError) -> Bool {
        if case .unterminatedQuote = error { return true }
        return false
    }

    /// Reads CSV text held in memory through a buffer of `bufferSize` bytes.
    ///
    /// The records and errors are the same for any buffer size; a buffer smaller than a
    /// record grows. Tests and the fuzz targets use tiny ones, to exercise the refills.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 bytes of the whole input.
    ///   - name: The name errors give for the input.
    ///   - bufferSize: At least 1; `init(bytes:name:)` uses 1 MiB.
    /// - Throws: Any `CSVError` that the header row holds.
    public convenience init(bytes: [UInt8], name: String, bufferSize: Int) throws(CSVError) {
        try self.init(source: CSVMemorySource(bytes), name: name, bufferSize: bufferSize)
    }

    /// Reads CSV text that `source` produces, through a 1 MiB buffer.
    ///
    /// - Parameter name: The name errors give for the input.
    /// - Throws: Any `CSVError` that `source` or the header row throws.
    public convenience init(source: any CSVByteSource, name: String) throws(CSVError) {
        try self.init(source: source, name: name, bufferSize: Self.defaultBufferSize)
    }

    /// Reads the byte order mark and the header from `source`.
    init(source: any CSVByteSource, name: String, bufferSize: Int) throws(CSVError) {
        self.name = name
        stream = try CSVRecordStream(source: source, bufferSize: bufferSize)

        guard let headerLine = try scanRecord() else { throw CSVError.noHeader(file: name) }
        var names: [String] = []
        var indices: [String: Int] = [:]
        let headerRecord = CSVRecord(line: headerLine, storage: stream.buffer, spans: stream.spans)
        for index in 0..<headerRecord.count {
            let trimmed = Self.trimmingASCIIWhitespace(headerRecord[index])
            guard !trimmed.isEmpty else {
                throw CSVError.emptyHeaderName(file: name, line: headerLine, column: index + 1)
            }
            if let first = indices[trimmed] {
                throw CSVError.duplicateHeaderName(
                    file: name, line: headerLine, name: trimmed, firstColumn: first + 1, secondColumn: index + 1)
            }
            indices[trimmed] = index
            names.append(trimmed)
        }
        headerNames = names
        columnIndices = indices
    }

    /// The 0-based index of the column whose (trimmed) header name is `name`, if any.
    ///
    /// - Parameter name: A column name, compared exactly.
    /// - Complexity: O(1) on average.
    public func column(named name: String) -> Int? {
        columnIndices[name]
    }

    /// Reads the next data record.
    ///
    /// - Returns: The record, or `nil` once the input is exhausted.
    /// - Throws: The first `CSVError` in the record. Reading stops there: every later call
    ///   throws the same error.
    /// - Complexity: O(*n*) in the length of the record.
    public func nextRecord() throws(CSVError) -> CSVRecord? {
        if let failure { throw failure }
        do throws(CSVError) {
            guard let recordLine = try scanRecord() else { return nil }
            let record = CSVRecord(line: recordLine, storage: stream.buffer, spans: stream.spans)
            guard record.count == headerNames.count else {
                throw CSVError.raggedRow(file: name, line: recordLine, expected: headerNames.count, found: record.count)
            }
            return record
        } catch {
            failure = error
            throw error
        }
    }

    /// Calls `body` with every remaining data record, in file order.
    ///
    /// - Parameter body: Called once per record. The record may be kept, but see `CSVRecord`
    ///   on memory.
    /// - Throws: The first `CSVError` in the input, or what `body` throws; either stops reading.
    /// - Complexity: O(*n*) in the length of the input.
    public func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
        try forEachScanned { stream, line in try body(CSVRecord(line: line, storage: stream.buffer, spans: stream.spans)) }
    }

    /// Calls `body` with a view of every remaining data record, in file order: as
    /// `forEachRecord(_:)`, without retaining anything per record (a view cannot be kept).
    ///
    /// - Throws: The first `CSVError` in the input, or what `body` throws; either stops reading.
    public func forEachRecordView(_ body: (borrowing CSVRecordView) throws -> Void) throws {
        try forEachScanned { stream, line in
            try stream.buffer.withUnsafeBufferPointer { bytes in
                try stream.spans.withUnsafeBufferPointer { spans in
                    try body(CSVRecordView(line: line, storage: bytes, spans: spans))
                }
            }
        }
    }

    /// Scans every remaining record and calls `body` with the stream holding it and its line.
    private func forEachScanned(_ body: (inout CSVRecordStream, Int) throws -> Void) throws {
        if let failure { throw failure }
        // The loop works on a local copy of the stream, put back at the end: every access to a
        // class's stored property is checked for exclusivity at run time, and once per record
        // that cost more than scanning short records (the buffer is copied once instead).
        var local = stream
        defer { stream = local }
        let count = headerNames.count
        while true {
            let recordLine: Int
            do throws(CSVError) {
                guard let line = try Self.scanRecord(&local, name: name, header: headerNames) else { return }
                recordLine = line
            } catch {
                failure = error
                throw error
            }
            guard local.spans.count == count else {
                let error = CSVError.raggedRow(file: name, line: recordLine, expected: count, found: local.spans.count)
                failure = error
                throw error
            }
            try body(&local, recordLine)
        }
    }

    /// Reads every remaining data record into memory as strings, `nil` for missing fields.
    ///
    /// Meant for small tables; for large ones iterate with `forEachRecord(_:)`.
    ///
    /// - Returns: One array per record, each with `header.count` entries.
    /// - Throws: The first `CSVError` in the input.
    public func readAll() throws(CSVError) -> [[String?]] {
        var rows: [[String?]] = []
        while let record = try nextRecord() {
            rows.append(record.values)
        }
        return rows
    }

    /// Scans the next non-blank record and turns a problem in it into a `CSVError`.
    ///
    /// - Returns: The line on which the record starts, or `nil` at the end of input.
    private func scanRecord() throws(CSVError) -> Int? {
        try Self.scanRecord(&stream, name: name, header: headerNames)
    }

    /// `scanRecord()` on a stream held outside the reader.
    private static func scanRecord(_ stream: inout CSVRecordStream, name: String, header: [String]) throws(CSVError) -> Int? {
        // The column at a 1-based field position, named when the header is known and that wide.
        func column(number: Int) -> CSVColumn {
            CSVColumn(number: number, name: number <= header.count ? header[number - 1] : nil)
        }
        switch try stream.next() {
        case nil:
            return nil
        case .record(let line):
            return line
        case .malformed(.unterminatedQuote, let line, let field):
            throw CSVError.unterminatedQuote(file: name, line: line, column: column(number: field))
        case .malformed(.quoteInUnquotedField, let line, let field):
            throw CSVError.quoteInUnquotedField(file: name, line: line, column: column(number: field))
        case .malformed(.textAfterClosingQuote, let line, let field):
            throw CSVError.textAfterClosingQuote(file: name, line: line, column: column(number: field))
        case .invalidUTF8(let line, let field):
            throw CSVError.invalidUTF8(file: name, line: line, column: column(number: field))
        }
    }

    /// `text` without the ASCII whitespace (space, tab, LF, VT, FF, CR) around it.
    private static func trimmingASCIIWhitespace(_ text: String) -> String {
        let isWhitespace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        let utf8 = Array(text.utf8)
        guard let first = utf8.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isWhitespace($0) })!
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}
