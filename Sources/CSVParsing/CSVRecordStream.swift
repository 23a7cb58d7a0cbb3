/// The refilling loop around `CSVRecordScanner`: owns the input buffer and the position in it,
/// and yields one record's fields at a time.
///
/// It is a struct, held by `CSVReader`, so that a record's worth of buffer and position updates
/// is one access to the reader's storage rather than one per property.
struct CSVRecordStream {
    /// What `next()` found.
    enum Event {
        /// A record starting on `line`, whose fields are in `spans`.
        case record(line: Int)
        /// A record that breaks RFC 4180's quoting rules.
        case malformed(CSVRecordScanner.Malformation, line: Int, field: Int)
        /// A record whose 1-based field `field` is not UTF-8, first going wrong on `line`.
        case invalidUTF8(line: Int, field: Int)
    }

    let source: any CSVByteSource
    /// Holds input from `start` to `end`; grows only when a record does not fit.
    private(set) var buffer: [UInt8]
    private var start = 0
    /// Bytes dropped from the front of the buffer by refills, so that `discarded + start` is
    /// the position in the input.
    private var discarded = 0
    private var end = 0
    private var isSourceExhausted = false
    /// The physical line on which the byte at `start` lies.
    private var line = 1
    /// Stops reading: the source is closed and later calls find the end of input.
    mutating func close() {
        source.close()
        isSourceExhausted = true
        start = end
    }

    /// The position in the input of the next unread byte.
    var offset: Int { discarded + start }
    /// The number of physical lines read so far (the line of the next byte, minus one).
    var linesRead: Int { line - 1 }

    /// The fields of the record last returned.
    private(set) var spans: [CSVFieldSpan] = []

    /// Starts reading `source` through a buffer of `bufferSize` bytes, dropping a byte order
    /// mark.
    init(source: any CSVByteSource, bufferSize: Int, skipsByteOrderMark: Bool = true, firstLine: Int = 1) throws(CSVError) {
        precondition(bufferSize > 0, "The buffer size must be positive.")
        self.source = source
        line = firstLine
        buffer = [UInt8](repeating: 0, count: bufferSize)
        guard skipsByteOrderMark else { return }
        while end < 3 && !isSourceExhausted { try refill() }
        if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
    }

    /// Scans the next non-blank record, refilling the buffer as needed, and checks its UTF-8.
    ///
    /// - Returns: The event, or `nil` at the end of input.
    /// - Throws: `CSVError.unreadableFile` when the source fails.
    mutating func next() throws(CSVError) -> Event? {
        while true {
            let outcome = buffer.withUnsafeBufferPointer { all in
                CSVRecordScanner.scan(
                    UnsafeBufferPointer(rebasing: all[0..<end]),
                    from: start, isFinal: isSourceExhausted, firstLine: line, into: &spans)
            }
            switch outcome {
            case .needMoreInput:
                try refill()
            case .endOfInput:
                source.close()
                return nil
            case .blankLine(let blankEnd):
                start = blankEnd
                line += 1
            case .malformed(let malformation, let errorLine, let field):
                return .malformed(malformation, line: errorLine, field: field)
            case .record(let recordEnd, let nextLine, let sawNonASCII):
                let recordLine = line
                let recordStart = start
                start = recordEnd
                line = nextLine
                if sawNonASCII, let failure = firstInvalidUTF8(recordStart: recordStart, recordLine: recordLine) {
                    return .invalidUTF8(line: failure.line, field: failure.field)
                }
                return .record(line: recordLine)
            }
        }
    }

    /// The first field of the scanned record that is not well-formed UTF-8, and the line of its
    /// first bad byte.
    private func firstInvalidUTF8(recordStart: Int, recordLine: Int) -> (line: Int, field: Int)? {
        buffer.withUnsafeBufferPointer { all in
            for (index, span) in spans.enumerated() {
                let bytes = UnsafeBufferPointer(rebasing: all[span.start..<span.end])
                if let offset = UTF8Validation.firstInvalidOffset(in: bytes) {
                    let before = all[recordStart..<(span.start + offset)]
                    let lineBreaks = before.reduce(0) { $0 + ($1 == CSVRecordScanner.lineFeed ? 1 : 0) }
                    return (recordLine + lineBreaks, index + 1)
                }
            }
            return nil
        }
    }

    /// Moves the unread bytes to the front of the buffer, grows it if they fill it, and reads
    /// more input after them.
    private mutating func refill() throws(CSVError) {
        if start > 0 {
            let unread = end - start
            let start = self.start
            buffer.withUnsafeMutableBytes { bytes in
                let base = bytes.baseAddress!
                base.copyMemory(from: base + start, byteCount: unread)
            }
            discarded += start
            self.start = 0
            end = unread
        }
        if end == buffer.count {
            // A record longer than the buffer: doubling keeps the rescans linear overall.
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let source = self.source
        let end = self.end
        // `withUnsafeMutableBytes` rethrows untyped errors, so the result carries the typed one.
        let count = try buffer.withUnsafeMutableBytes { bytes -> Result<Int, CSVError> in
            Result { () throws(CSVError) in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[end...]))
            }
        }.get()
        if count == 0 {
            isSourceExhausted = true
            source.close()
        } else {
            self.end += count
        }
    }
}
