/// A field of a CSV row, named the way a person looking at the file would name it.
///
/// `number` counts fields from 1 at the left of the row; `name` is the header's name for that
/// column when the header is known and has one (it is `nil` for errors in the header row itself
/// and for surplus fields of a row longer than the header).
public struct CSVColumn: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based position of the field in its row.
    public let number: Int
    /// The header's name for the column, when known.
    public let name: String?

    /// Creates a column reference.
    ///
    /// - Parameters:
    ///   - number: The 1-based field position, at least 1.
    ///   - name: The header's name for the column, or `nil` when unknown.
    public init(number: Int, name: String? = nil) {
        self.number = number
        self.name = name
    }

    /// `field 3 (`age`)`, or `field 3` when the name is unknown.
    public var description: String {
        if let name { return "field \(number) (`\(name)`)" }
        return "field \(number)"
    }
}

/// An error found while reading a CSV file: where it is and how to fix it.
///
/// Every case carries the file's name and, where the problem is inside the file, the 1-based
/// physical line number (line breaks inside quoted fields count), so a person can open the file
/// at the right place. Each `description` is a full sentence that says what to change:
///
/// ```
/// data.csv, line 7: expected 5 fields as in the header, found 4. Every row needs one value per
/// column; quote values that contain commas.
/// ```
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read; `reason` is the operating system's explanation.
    case unreadableFile(path: String, reason: String)
    /// The input holds no header row: it is empty, holds only a byte order mark, or holds only
    /// blank lines.
    case noHeader(file: String)
    /// A column of the header row has no name (or only whitespace).
    case emptyHeaderName(file: String, line: Int, column: Int)
    /// Two columns of the header row have the same name (after trimming whitespace);
    /// `firstColumn` and `secondColumn` are their 1-based positions.
    case duplicateHeaderName(file: String, line: Int, name: String, firstColumn: Int, secondColumn: Int)
    /// A quoted field opens on `line` and the input ends before its closing quote.
    case unterminatedQuote(file: String, line: Int, column: CSVColumn)
    /// A `"` appears inside a field that does not start with a quote.
    case quoteInUnquotedField(file: String, line: Int, column: CSVColumn)
    /// A quoted field's closing quote is followed by something other than a comma or a line
    /// break.
    case textAfterClosingQuote(file: String, line: Int, column: CSVColumn)
    /// A row starting on `line` has `found` fields where the header has `expected`.
    case raggedRow(file: String, line: Int, expected: Int, found: Int)
    /// The bytes of a field are not valid UTF-8; `line` is the line of the first bad byte.
    case invalidUTF8(file: String, line: Int, column: CSVColumn)
    /// A source other than a file (a database query) failed; `message` says what happened and
    /// what to do, in full.
    case sourceFailed(file: String, message: String)

    /// The 1-based line of the problem, when it is inside the file.
    public var line: Int? {
        switch self {
        case .unreadableFile, .noHeader, .sourceFailed: return nil
        case .emptyHeaderName(_, let line, _), .duplicateHeaderName(_, let line, _, _, _), .unterminatedQuote(_, let line, _),
             .quoteInUnquotedField(_, let line, _), .textAfterClosingQuote(_, let line, _), .raggedRow(_, let line, _, _),
             .invalidUTF8(_, let line, _):
            return line
        }
    }

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "Cannot read \(path): \(reason). Check that the path names a readable file."
        case .noHeader(let file):
            return "\(file) has no header row. Put the column names on the first line, separated by commas."
        case .emptyHeaderName(let file, let line, let column):
            return "\(file), line \(line): column \(column) of the header has no name. "
                + "Give every column a name in the header row."
        case .duplicateHeaderName(let file, let line, let name, let first, let second):
            return "\(file), line \(line): the header names columns \(first) and \(second) both `\(name)`. "
                + "Give every column a distinct name."
        case .unterminatedQuote(let file, let line, let column):
            return "\(file), line \(line), \(column): the quoted field that opens here is never closed. "
                + "End it with a quote, and write a quote inside a quoted field as two quotes (\"\")."
        case .quoteInUnquotedField(let file, let line, let column):
            return "\(file), line \(line), \(column): a quote appears inside a field that does not start with one. "
                + "Enclose the whole field in quotes and write each quote inside it as two quotes (\"\")."
        case .textAfterClosingQuote(let file, let line, let column):
            return "\(file), line \(line), \(column): text follows the closing quote of a quoted field. "
                + "Put a comma or a line break right after the closing quote, "
                + "and write a quote inside a quoted field as two quotes (\"\")."
        case .raggedRow(let file, let line, let expected, let found):
            return "\(file), line \(line): expected \(Self.fields(expected)) as in the header, found \(found). "
                + "Every row needs one value per column; quote values that contain commas."
        case .invalidUTF8(let file, let line, let column):
            return "\(file), line \(line), \(column): the text is not valid UTF-8. "
                + "Save the file as UTF-8 (with or without a byte order mark)."
        case .sourceFailed(let file, let message):
            return "\(file): \(message)"
        }
    }

    private static func fields(_ count: Int) -> String {
        count == 1 ? "1 field" : "\(count) fields"
    }
}
