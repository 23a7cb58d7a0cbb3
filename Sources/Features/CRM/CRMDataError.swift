import CSVParsing

/// A problem in the data a spec names: which file, line and column, which spec entry needed it,
/// and what to do.
///
/// ```
/// leads.csv, line 12, column `amount` (features[3] (amount)): `12k` is not a number. …
/// ```
public struct CRMDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data file's name.
    public let file: String
    /// The 1-based line (the header is line 1), when the problem is in one row.
    public let line: Int?
    /// The column's name, when the problem is in one column.
    public let column: String?
    /// The spec entry that needs the value, such as `features[3] (amount)` or `tables.leads.id`.
    public let entry: String?
    /// What is wrong and what to do.
    public let message: String

    public init(file: String, line: Int? = nil, column: String? = nil, entry: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.entry = entry
        self.message = message
    }

    /// A CSV error met reading `file`, with its line.
    public init(reading error: CSVError, file: String) {
        self = LoadedTable.dataError(error, file: file)
    }

    /// A column the spec names that the file's header lacks.
    static func missingColumn(file: String, column: String, entry: String, header: [String]) -> CRMDataError {
        let who = entry.hasPrefix("grouping by ") ? "the grouping names" : "the spec names"
        return CRMDataError(file: file, column: column, entry: entry,
                     message: "\(who) this column, which the \(file.hasPrefix("table ") ? "table" : "file") lacks. Its columns are: "
                         + header.map { "`\($0)`" }.joined(separator: ", ") + ".")
    }

    public var description: String {
        var place = file
        if let line { place += ", line \(line)" }
        if let column { place += ", column `\(column)`" }
        if let entry { place += " (\(entry))" }
        return "\(place): \(message)"
    }
}

/// Rows left out because the user chose to skip bad rows rather than stop, counted by reason.
public struct SkippedRows: Codable, Equatable, Sendable {
    /// Reason → number of rows, e.g. "events.csv: event for an unknown lead" → 12.
    public private(set) var counts: [String: Int] = [:]
    /// The first line skipped for each reason, to look at.
    public private(set) var firstLines: [String: Int] = [:]

    public init() {}

    /// The number of rows skipped for every reason.
    public var total: Int { counts.values.reduce(0, +) }

    mutating func record(_ reason: String, line: Int) {
        counts[reason, default: 0] += 1
        if firstLines[reason] == nil { firstLines[reason] = line }
    }

    /// Adds the counts of `other`, whose line numbers are `lineOffset` lines further down.
    public mutating func merge(_ other: SkippedRows, lineOffset: Int = 0) {
        for (reason, count) in other.counts { counts[reason, default: 0] += count }
        for (reason, line) in other.firstLines where firstLines[reason] == nil || line + lineOffset < firstLines[reason]! {
            firstLines[reason] = line + lineOffset
        }
    }

    /// One line per reason, most frequent first.
    public var lines: [String] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { reason, count in
            "\(reason): \(count) row\(count == 1 ? "" : "s") skipped (first on line \(firstLines[reason]!))"
        }
    }
}
