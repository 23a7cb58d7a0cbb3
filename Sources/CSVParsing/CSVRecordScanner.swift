/// Where one field's text lies in the reader's buffer.
///
/// For a quoted field the range excludes the enclosing quotes, and `hasEscapedQuotes` says
/// whether it still holds `""` pairs that stand for one `"` each.
@usableFromInline
struct CSVFieldSpan: Sendable {
    @usableFromInline var start: Int
    @usableFromInline var end: Int
    @usableFromInline var isQuoted: Bool
    @usableFromInline var hasEscapedQuotes: Bool

    init(start: Int, end: Int, isQuoted: Bool, hasEscapedQuotes: Bool) {
        self.start = start
        self.end = end
        self.isQuoted = isQuoted
        self.hasEscapedQuotes = hasEscapedQuotes
    }
}

/// The RFC 4180 state machine that finds one record's fields in a buffer, without copying them.
///
/// It is restartable rather than resumable: when a record runs past the bytes read so far it
/// reports `needMoreInput`, and the reader rescans the record from its start once more bytes are
/// in. Records are short next to the buffer, so the rescans cost little.
enum CSVRecordScanner {
    /// What one call of `scan` found.
    enum Outcome {
        /// A record ends just before `end`; the next one starts on `nextLine`. `sawNonASCII` is set
        /// when some field byte has its high bit set, so UTF-8 must be checked.
        case record(end: Int, nextLine: Int, sawNonASCII: Bool)
        /// A line with nothing on it, which is skipped; the next record starts at `end`.
        case blankLine(end: Int)
        /// No bytes are left and none will come.
        case endOfInput
        /// The record continues past the bytes read so far.
        case needMoreInput
        /// The record breaks RFC 4180 at `line`, in its 1-based field `field`.
        case malformed(Malformation, line: Int, field: Int)
    }

    /// The ways a record can break RFC 4180's quoting rules.
    enum Malformation {
        case unterminatedQuote
        case quoteInUnquotedField
        case textAfterClosingQuote
    }

    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D

    /// Finds the fields of the record that starts at `start`.
    ///
    /// A line ends at LF or CRLF; a CR right before the end of input also ends it, and a CR
    /// anywhere else is field text.
    ///
    /// - Parameters:
    ///   - bytes: The bytes read so far; indices in `spans` are indices into it.
    ///   - start: Where the record starts.
    ///   - isFinal: Whether the input ends after `bytes`.
    ///   - firstLine: The physical line on which the record starts.
    ///   - spans: Receives the record's fields, replacing what it held (its storage is reused).
    /// - Returns: What was found; `spans` is meaningful only for `.record`.
    /// - Complexity: O(*n*) in the length of the record.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        isFinal: Bool,
        firstLine: Int,
        into spans: inout [CSVFieldSpan]
    ) -> Outcome {
        // Fields are written in place through a pointer (one uniqueness check per record, not
        // per field); a record with more fields than `spans` holds grows it and is rescanned.
        while true {
            let (outcome, fieldCount) = spans.withUnsafeMutableBufferPointer { output in
                scan(bytes, from: start, isFinal: isFinal, firstLine: firstLine, into: output)
            }
            guard let outcome else {
                spans.append(contentsOf: repeatElement(
                    CSVFieldSpan(start: 0, end: 0, isQuoted: false, hasEscapedQuotes: false), count: max(8, spans.count)))
                continue
            }
            if case .record = outcome, spans.count > fieldCount { spans.removeLast(spans.count - fieldCount) }
            return outcome
        }
    }

    /// `scan(_:from:isFinal:firstLine:into:)` writing into `output`: `nil` when the record
    /// has more fields than `output` holds, and otherwise the outcome and the field count.
    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        isFinal: Bool,
        firstLine: Int,
        into output: UnsafeMutableBufferPointer<CSVFieldSpan>
    ) -> (Outcome?, Int) {
        let end = bytes.count
        var i = start
        guard i < end else { return (isFinal ? .endOfInput : .needMoreInput, 0) }
        if bytes[i] == lineFeed { return (.blankLine(end: i + 1), 0) }
        if bytes[i] == carriageReturn {
            if i + 1 == end { return (isFinal ? .blankLine(end: i + 1) : .needMoreInput, 0) }
            if bytes[i + 1] == lineFeed { return (.blankLine(end: i + 2), 0) }
        }
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        if let found = scanPlainRecord(bytes, raw, from: start, firstLine: firstLine, into: output) { return found }

        var fieldCount = 0
        var line = firstLine
        // Every field byte OR-ed together, eight at a time: a set high bit means non-ASCII.
        var highBits: UInt64 = 0
        while true {
            if i < end && bytes[i] == quote {
                // A quoted field: runs to the next quote that is not doubled, across commas and
                // line breaks.
                let openingLine = line
                i += 1
                let contentStart = i
                var hasEscapedQuotes = false
                let contentEnd: Int
                while true {
                    guard i < end else {
                        if !isFinal { return (.needMoreInput, fieldCount) }
                        return (.malformed(.unterminatedQuote, line: openingLine, field: fieldCount + 1), fieldCount)
                    }
                    let byte = bytes[i]
                    if byte == quote {
                        // A quote as the last byte read is taken as closing for now; the check
                        // after the field then asks for more input, and the rescan decides.
                        if i + 1 < end && bytes[i + 1] == quote {
                            hasEscapedQuotes = true
                            i += 2
                            continue
                        }
                        contentEnd = i
                        i += 1
                        break
                    }
                    if byte == lineFeed { line += 1 }
                    highBits |= UInt64(byte)
                    i += 1
                }
                guard fieldCount < output.count else { return (nil, fieldCount) }
                output[fieldCount] = CSVFieldSpan(
                    start: contentStart, end: contentEnd, isQuoted: true, hasEscapedQuotes: hasEscapedQuotes)
                fieldCount += 1
                guard i < end else {
                    if !isFinal { return (.needMoreInput, fieldCount) }
                    return (record(end: i, nextLine: line + 1, highBits: highBits), fieldCount)
                }
                let byte = bytes[i]
                if byte == comma {
                    i += 1
                    continue
                }
                if byte == lineFeed {
                    return (record(end: i + 1, nextLine: line + 1, highBits: highBits), fieldCount)
                }
                if byte == carriageReturn {
                    if i + 1 == end {
                        if !isFinal { return (.needMoreInput, fieldCount) }
                        return (record(end: i + 1, nextLine: line + 1, highBits: highBits), fieldCount)
                    }
                    if bytes[i + 1] == lineFeed {
                        return (record(end: i + 2, nextLine: line + 1, highBits: highBits), fieldCount)
                    }
                }
                return (.malformed(.textAfterClosingQuote, line: line, field: fieldCount), fieldCount)
            } else {
                // An unquoted field: runs to the next comma, line break or (misplaced) quote,
                // found eight bytes at a time while eight remain, then byte by byte. All three
                // are below `-` (0x2D), which ids, dates and names rarely hold: one test per
                // word finds the first such byte, and only that byte is checked exactly.
                let fieldStart = i
                while i + 8 <= end {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let candidates = bytesBelowDash(word)
                    if candidates == 0 {
                        highBits |= word
                        i += 8
                        continue
                    }
                    let offset = candidates.trailingZeroBitCount / 8
                    highBits |= word & ((1 << UInt64(offset * 8)) &- 1)
                    i += offset
                    let byte = bytes[i]
                    if byte == comma || byte == lineFeed || byte == quote { break }
                    i += 1  // a space, say: field text (and ASCII)
                }
                while i < end {
                    let byte = bytes[i]
                    if byte == comma || byte == lineFeed || byte == quote { break }
                    highBits |= UInt64(byte)
                    i += 1
                }
                if i == end && !isFinal { return (.needMoreInput, fieldCount) }
                let byte: UInt8 = i < end ? bytes[i] : lineFeed
                if byte == quote {
                    return (.malformed(.quoteInUnquotedField, line: line, field: fieldCount + 1), fieldCount)
                }
                var fieldEnd = i
                if byte == lineFeed && fieldEnd > fieldStart && bytes[fieldEnd - 1] == carriageReturn {
                    fieldEnd -= 1
                }
                guard fieldCount < output.count else { return (nil, fieldCount) }
                output[fieldCount] = CSVFieldSpan(start: fieldStart, end: fieldEnd, isQuoted: false, hasEscapedQuotes: false)
                fieldCount += 1
                if byte == comma {
                    i += 1
                    continue
                }
                return (record(end: min(i + 1, end), nextLine: line + 1, highBits: highBits), fieldCount)
            }
        }
    }

    /// The common case, read a word at a time: a record with no quote that ends with a line
    /// break at least eight bytes before the end of `bytes`. Every comma, line feed and quote
    /// is below `-`, so each word's bytes below `-` are visited (usually one per field) and
    /// fields are cut there, instead of each field's end being searched for on its own.
    ///
    /// - Returns: What `scan` returns, or `nil` when the record is not of that kind (a quote,
    ///   more fields than `output` holds, or near the end of the bytes read): the general scan
    ///   then reads it from its start.
    @inline(__always)
    private static func scanPlainRecord(
        _ bytes: UnsafeBufferPointer<UInt8>, _ raw: UnsafeRawPointer, from start: Int, firstLine: Int,
        into output: UnsafeMutableBufferPointer<CSVFieldSpan>
    ) -> (Outcome?, Int)? {
        let end = bytes.count
        var fieldCount = 0
        var fieldStart = start
        var highBits: UInt64 = 0
        var i = start
        while i + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            // Every byte below `-` is flagged (bytes above the first may also be, falsely).
            var candidates = bytesBelowDash(word)
            while candidates != 0 {
                let offset = candidates.trailingZeroBitCount / 8
                candidates &= candidates &- 1
                let position = i + offset
                let byte = bytes[position]
                if byte == comma {
                    guard fieldCount < output.count else { return nil }
                    output[fieldCount] = CSVFieldSpan(start: fieldStart, end: position, isQuoted: false, hasEscapedQuotes: false)
                    fieldCount += 1
                    fieldStart = position + 1
                } else if byte == lineFeed {
                    guard fieldCount < output.count else { return nil }
                    var fieldEnd = position
                    if fieldEnd > fieldStart && bytes[fieldEnd - 1] == carriageReturn { fieldEnd -= 1 }
                    output[fieldCount] = CSVFieldSpan(start: fieldStart, end: fieldEnd, isQuoted: false, hasEscapedQuotes: false)
                    highBits |= word & ((1 << UInt64(offset * 8)) &- 1)
                    return (record(end: position + 1, nextLine: firstLine + 1, highBits: highBits), fieldCount + 1)
                } else if byte == quote {
                    return nil
                }
            }
            highBits |= word
            i += 8
        }
        return nil
    }

    @inline(__always)
    private static func record(end: Int, nextLine: Int, highBits: UInt64) -> Outcome {
        .record(end: end, nextLine: nextLine, sawNonASCII: highBits & 0x8080_8080_8080_8080 != 0)
    }

    /// The high bit of each byte of `word` below 0x2D (`-`), and possibly of bytes above the
    /// first such byte (a borrow runs upward from it): exact up to and including the lowest
    /// one. Bytes of 0x80 and above are never flagged.
    @inline(__always)
    private static func bytesBelowDash(_ word: UInt64) -> UInt64 {
        (word &- 0x2D2D_2D2D_2D2D_2D2D) & ~word & 0x8080_8080_8080_8080
    }
}
