/// One data row of a CSV file, read without copying its fields.
///
/// A record refers to the bytes its reader read; a field becomes a `String` only when asked
/// (`record[2]`), and a number is parsed straight from the bytes (`record.double(at: 2)`):
///
/// ```swift
/// let reader = try CSVReader(contentsOf: url)
/// let amount = reader.column(named: "amount")!
/// var total = 0.0
/// try reader.forEachRecord { record in
///     total += record.double(at: amount) ?? 0
/// }
/// ```
///
/// Field indices are 0-based and match the header's. An empty unquoted field is *missing*
/// (`isMissing(_:)` is `true`); a quoted empty field (`""`) is an empty string that is present.
///
/// A record is a value: keeping one after the reader has moved on is safe. It shares the reader's
/// buffer (about 1 MiB) until then, so to keep many rows, copy out their `values` instead.
public struct CSVRecord: Sendable {
    /// The 1-based physical line on which the record starts.
    public let line: Int
    /// The reader's buffer when the record was read.
    @usableFromInline let storage: [UInt8]
    /// Where each field lies in `storage`.
    @usableFromInline let spans: [CSVFieldSpan]

    /// The number of fields, which equals the number of header columns.
    public var count: Int { spans.count }

    /// Whether the field at `index` is missing: empty and not quoted.
    ///
    /// - Parameter index: A field index, `0..<count`.
    /// - Returns: `true` for `a,,b`'s middle field; `false` for `a,"",b`'s.
    @inlinable
    public func isMissing(_ index: Int) -> Bool {
        withView { $0.isMissing(index) }
    }

    /// The text of the field at `index`, with quoting removed; `""` when the field is missing.
    ///
    /// - Parameter index: A field index, `0..<count`.
    /// - Complexity: O(*m*) in the length of the field; fields of up to 15 bytes allocate nothing.
    public subscript(_ index: Int) -> String {
        withView { $0[index] }
    }

    /// Calls `body` with the record as a view of the same fields.
    @inlinable
    func withView<Result>(_ body: (borrowing CSVRecordView) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { bytes in
            try spans.withUnsafeBufferPointer { spans in try body(CSVRecordView(line: line, storage: bytes, spans: spans)) }
        }
    }

    /// The text of the field at `index`, or `nil` when it is missing.
    ///
    /// - Parameter index: A field index, `0..<count`.
    public func value(at index: Int) -> String? {
        withView { $0.value(at: index) }
    }

    /// Every field's text, `nil` for missing ones.
    public var values: [String?] {
        (0..<count).map { value(at: $0) }
    }

    /// Runs `body` on the UTF-8 bytes of the field at `index` with quoting removed, without
    /// copying them when the field holds no escaped quote (nearly always): the way to look a
    /// field up in a table keyed by bytes, or to parse it, without making a `String`.
    ///
    /// - Parameters:
    ///   - index: A field index, `0..<count`.
    ///   - body: Receives the bytes, empty for a missing field; they are valid only during the call.
    // Inlinable so that the event pass's calls, once per field of tens of millions of rows, are
    // specialized and inlined instead of going through a generic closure.
    @inlinable
    public func withBytes<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withView { try $0.withBytes(at: index, body) }
    }
}

/// One data row of a CSV file as `CSVReader.forEachRecordView(_:)` hands it over: its fields
/// where the reader's buffer holds them, lent for the call. A view cannot be copied or kept,
/// so handing one over retains nothing (a `CSVRecord` retains the reader's buffer and field
/// list, and releases them, for every row: a tenth of the work of a pass over short rows).
///
/// It reads fields as `CSVRecord` does:
///
/// ```swift
/// try reader.forEachRecordView { record in
///     total += record.double(at: amount) ?? 0
/// }
/// ```
public struct CSVRecordView: ~Copyable {
    /// The 1-based physical line on which the record starts.
    public let line: Int
    /// The reader's buffer.
    @usableFromInline let storage: UnsafeBufferPointer<UInt8>
    /// Where each field lies in `storage`.
    @usableFromInline let spans: UnsafeBufferPointer<CSVFieldSpan>

    @usableFromInline
    init(line: Int, storage: UnsafeBufferPointer<UInt8>, spans: UnsafeBufferPointer<CSVFieldSpan>) {
        self.line = line
        self.storage = storage
        self.spans = spans
    }

    /// The number of fields, which equals the number of header columns.
    public var count: Int { spans.count }

    /// Whether the field at `index` is missing: empty and not quoted.
    @inlinable
    public func isMissing(_ index: Int) -> Bool {
        let span = spans[index]
        return !span.isQuoted && span.start == span.end
    }

    /// The text of the field at `index`, with quoting removed; `""` when the field is missing.
    public subscript(_ index: Int) -> String {
        let span = spans[index]
        let bytes = UnsafeBufferPointer(rebasing: storage[span.start..<span.end])
        guard span.hasEscapedQuotes else { return String(decoding: bytes, as: UTF8.self) }
        return Self.unescaping(bytes)
    }

    /// The text of the field at `index`, or `nil` when it is missing.
    public func value(at index: Int) -> String? {
        isMissing(index) ? nil : self[index]
    }

    /// The field at `index` as a `Double`, as `CSVRecord.double(at:)` reads it.
    public func double(at index: Int) -> Double? {
        if isMissing(index) { return nil }
        return withFieldBytes(at: index) { CSVNumberParser.double(from: $0) }
    }

    /// Runs `body` on the raw UTF-8 bytes of the field at `index` as they stand in the file.
    func withFieldBytes<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let span = spans[index]
        return body(UnsafeBufferPointer(rebasing: storage[span.start..<span.end]))
    }

    /// Runs `body` on the UTF-8 bytes of the field at `index` with quoting removed, as
    /// `CSVRecord.withBytes(at:_:)` does.
    @inlinable
    public func withBytes<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let span = spans[index]
        if span.hasEscapedQuotes {
            return try Array(self[index].utf8).withUnsafeBufferPointer { try body($0) }
        }
        return try body(UnsafeBufferPointer(rebasing: storage[span.start..<span.end]))
    }

    /// Decodes a quoted field's text, turning each `""` into `"`.
    private static func unescaping(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { output in
            var written = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                output[written] = byte
                written += 1
                // The scanner only accepts a quote inside a quoted field as half of a pair.
                i += byte == CSVRecordScanner.quote ? 2 : 1
            }
            return written
        }
    }
}
