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

    init(line: Int, storage: [UInt8], spans: [CSVFieldSpan]) {
        self.line = line
        self.storage = storage
        self.spans = spans
    }

    /// The number of fields, which equals the number of header columns.
    public var count: Int { spans.count }

    /// Whether the field at `index` is missing: empty and not quoted.
    ///
    /// - Parameter index: A field index, `0..<count`.
    /// - Returns: `true` for `a,,b`'s middle field; `false` for `a,"",b`'s.
    @inlinable
    public func isMissing(_ index: Int) -> Bool {
        let span = spans[index]
        return !span.isQuoted && span.start == span.end
    }

    /// The text of the field at `index`, with quoting removed; `""` when the field is missing.
    ///
    /// - Parameter index: A field index, `0..<count`.
    /// - Complexity: O(*m*) in the length of the field; fields of up to 15 bytes allocate nothing.
    public subscript(_ index: Int) -> String {
        let span = spans[index]
        return storage.withUnsafeBufferPointer { buffer in
            let bytes = UnsafeBufferPointer(rebasing: buffer[span.start..<span.end])
            guard span.hasEscapedQuotes else { return String(decoding: bytes, as: UTF8.self) }
            return Self.unescaping(bytes)
        }
    }

    /// The text of the field at `index`, or `nil` when it is missing.
    ///
    /// - Parameter index: A field index, `0..<count`.
    public func value(at index: Int) -> String? {
        isMissing(index) ? nil : self[index]
    }

    /// Every field's text, `nil` for missing ones.
    public var values: [String?] {
        (0..<count).map { value(at: $0) }
    }

    /// Runs `body` on the raw UTF-8 bytes of the field at `index` as they stand in the file,
    /// between the quotes if quoted (so `""` pairs are still doubled).
    func withFieldBytes<Result>(
        at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        let span = spans[index]
        return storage.withUnsafeBufferPointer { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[span.start..<span.end]))
        }
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
        let span = spans[index]
        if span.hasEscapedQuotes {
            return try Array(self[index].utf8).withUnsafeBufferPointer { try body($0) }
        }
        return try storage.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[span.start..<span.end]))
        }
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
