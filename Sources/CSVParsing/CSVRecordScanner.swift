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
        let end = bytes.count
        var i = start
        guard i < end else { return isFinal ? .endOfInput : .needMoreInput }
        if bytes[i] == lineFeed { return .blankLine(end: i + 1) }
        if bytes[i] == carriageReturn {
            if i + 1 == end { return isFinal ? .blankLine(end: i + 1) : .needMoreInput }
            if bytes[i + 1] == lineFeed { return .blankLine(end: i + 2) }
        }

        // Fields overwrite the previous record's in place; `spans` is cut to length at the end.
        var fieldCount = 0
        func append(_ span: CSVFieldSpan) {
            if fieldCount < spans.count {
                spans[fieldCount] = span
            } else {
                spans.append(span)
            }
            fieldCount += 1
        }
        func finish(end: Int, nextLine: Int, highBits: UInt8) -> Outcome {
            if spans.count > fieldCount { spans.removeLast(spans.count - fieldCount) }
            return .record(end: end, nextLine: nextLine, sawNonASCII: highBits >= 0x80)
        }
        var line = firstLine
        var highBits: UInt8 = 0
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
                        if !isFinal { return .needMoreInput }
                        return .malformed(.unterminatedQuote, line: openingLine, field: fieldCount + 1)
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
                    highBits |= byte
                    i += 1
                }
                append(CSVFieldSpan(
                    start: contentStart, end: contentEnd, isQuoted: true, hasEscapedQuotes: hasEscapedQuotes))
                guard i < end else {
                    if !isFinal { return .needMoreInput }
                    return finish(end: i, nextLine: line + 1, highBits: highBits)
                }
                let byte = bytes[i]
                if byte == comma {
                    i += 1
                    continue
                }
                if byte == lineFeed {
                    return finish(end: i + 1, nextLine: line + 1, highBits: highBits)
                }
                if byte == carriageReturn {
                    if i + 1 == end {
                        if !isFinal { return .needMoreInput }
                        return finish(end: i + 1, nextLine: line + 1, highBits: highBits)
                    }
                    if bytes[i + 1] == lineFeed {
                        return finish(end: i + 2, nextLine: line + 1, highBits: highBits)
                    }
                }
                return .malformed(.textAfterClosingQuote, line: line, field: fieldCount)
            } else {
                // An unquoted field: runs to the next comma or line break.
                let fieldStart = i
                while i < end {
                    let byte = bytes[i]
                    if byte == comma || byte == lineFeed || byte == quote { break }
                    highBits |= byte
                    i += 1
                }
                if i == end && !isFinal { return .needMoreInput }
                let byte: UInt8 = i < end ? bytes[i] : lineFeed
                if byte == quote {
                    return .malformed(.quoteInUnquotedField, line: line, field: fieldCount + 1)
                }
                var fieldEnd = i
                if byte == lineFeed && fieldEnd > fieldStart && bytes[fieldEnd - 1] == carriageReturn {
                    fieldEnd -= 1
                }
                append(CSVFieldSpan(start: fieldStart, end: fieldEnd, isQuoted: false, hasEscapedQuotes: false))
                if byte == comma {
                    i += 1
                    continue
                }
                return finish(end: min(i + 1, end), nextLine: line + 1, highBits: highBits)
            }
        }
    }
}
