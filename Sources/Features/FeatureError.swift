import CSVParsing

/// Why a table could not be turned into features: where the problem is and what to do.
///
/// Messages name the file, the line (1-based, the header is line 1) and the column.
public enum FeatureError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The CSV itself is malformed or unreadable.
    case csv(CSVError)
    /// A column named on the command line or in a model is not in the file.
    case missingColumn(file: String, column: String, role: String, available: [String])
    /// A value in a numeric column is not a number.
    case notANumber(file: String, line: Int, column: String, value: String)
    /// A numeric value is NaN or infinite.
    case nonFiniteValue(file: String, line: Int, column: String, value: String)
    /// A cell that must hold a value is empty.
    case missingValue(file: String, line: Int, column: String, role: String)
    /// A label that is neither 0/1 nor true/false, and no positive value was named.
    case unrecognizedLabel(file: String, line: Int, column: String, value: String)
    /// The named positive label value never occurs.
    case positiveValueAbsent(file: String, column: String, positive: String, seen: [String])
    /// A sample weight that is negative or not a finite number.
    case invalidWeight(file: String, line: Int, column: String, value: String)
    /// The file has a header but no data rows.
    case noRows(file: String)
    /// Apart from the label and weight, the file has no columns.
    case noFeatureColumns(file: String)
    /// A feature column has a name that reports use for something else.
    case reservedColumnName(file: String, column: String)

    public var description: String {
        switch self {
        case .csv(let error):
            return error.description
        case .missingColumn(let file, let column, let role, let available):
            return "\(file) has no column `\(column)` (named as the \(role)). "
                + "Its columns are: \(available.map { "`\($0)`" }.joined(separator: ", "))."
        case .notANumber(let file, let line, let column, let value):
            return "Column `\(column)` on line \(line) of \(file) is not a number: `\(value)`. "
                + "Fix the value (write numbers like 12500 or 0.25, without thousands separators), "
                + "or pass --categorical \(column) if the column holds text."
        case .nonFiniteValue(let file, let line, let column, let value):
            return "Column `\(column)` on line \(line) of \(file) is `\(value)`, which is not a finite number. "
                + "Replace it with a real value or remove the row."
        case .missingValue(let file, let line, let column, let role):
            return "Column `\(column)` on line \(line) of \(file) is empty; every \(role) needs a value. "
                + "Fill it in or remove the row."
        case .unrecognizedLabel(let file, let line, let column, let value):
            return "The label `\(column)` on line \(line) of \(file) is `\(value)`; labels must be 0/1 or true/false. "
                + "For text outcomes, name the winning value with --positive (for example --positive \(value))."
        case .positiveValueAbsent(let file, let column, let positive, let seen):
            return "The positive value `\(positive)` never occurs in column `\(column)` of \(file). "
                + "Values seen: \(seen.map { "`\($0)`" }.joined(separator: ", "))."
        case .invalidWeight(let file, let line, let column, let value):
            return "The weight `\(column)` on line \(line) of \(file) is `\(value)`; weights must be finite numbers ≥ 0."
        case .noRows(let file):
            return "\(file) has a header but no data rows."
        case .noFeatureColumns(let file):
            return "\(file) has no feature columns besides the label and weight."
        case .reservedColumnName(let file, let column):
            return "\(file) has a feature column named `\(column)`, which reports use for the model's own \(column). "
                + "Rename the column."
        }
    }
}
