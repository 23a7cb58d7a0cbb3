import CSVParsing
import Foundation

/// A flat CSV table read into typed columns: one row per lead, one column per property.
///
/// A column is numeric when most of its non-empty values (more than half) are numbers;
/// then every value must be a finite number and a stray text value is an error naming its
/// line. Otherwise it is categorical, with empty cells as the level `(missing)`. A column can
/// be forced to be categorical (zip codes, numeric codes).
///
///     let table = try FlatTable(contentsOf: url, categorical: ["region_code"])
public struct FlatTable: Sendable {
    /// The values of one column.
    public enum Values: Equatable, Sendable {
        /// Numbers; `nil` where the cell is empty.
        case numeric([Double?])
        /// Text; `nil` where the cell is empty.
        case text([String?])
    }

    /// A named column.
    public struct Column: Equatable, Sendable {
        /// The header name.
        public let name: String
        /// The values, one per row.
        public let values: Values
    }

    /// The file name, for messages.
    public let file: String
    /// The columns, in file order.
    public let columns: [Column]
    /// The physical line on which each row starts (the header is line 1).
    public let lines: [Int]

    /// The number of data rows.
    public var rowCount: Int { lines.count }

    /// The column with the given name.
    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }

    /// The level used for an empty cell of a categorical column.
    public static let missingLevel = "(missing)"

    /// Reads a CSV file in two passes: the first decides each column's type, the second reads
    /// the values.
    ///
    /// - Parameters:
    ///   - url: The file.
    ///   - categorical: Columns to read as text whatever they hold.
    /// - Throws: `FeatureError.csv` for malformed CSV, `.notANumber` and `.nonFiniteValue`
    ///   for bad cells in numeric columns, `.missingColumn` for an unknown `categorical`
    ///   name, `.noRows` for a file with a header only.
    /// - Complexity: O(file size), two reads.
    public init(contentsOf url: URL, categorical: Set<String> = []) throws(FeatureError) {
        let file = try FlatTableFile(contentsOf: url, categorical: categorical)
        var whole: FlatTable?
        do {
            try file.forEachBatch(rows: .max) { whole = $0 }
        } catch let error as FeatureError {
            throw error
        } catch {
            preconditionFailure("Unexpected error \(error)")
        }
        self = whole!
    }

    /// A table of the given columns, each with one value per entry of `lines`.
    init(file: String, columns: [Column], lines: [Int]) {
        self.file = file
        self.columns = columns
        self.lines = lines
    }
}

/// A flat CSV table whose column types are known, read in batches of rows: for tables larger
/// than memory.
///
/// Opening it reads the file once to type the columns as `FlatTable` does (numeric when more
/// than half of the non-empty values are numbers); `forEachBatch(rows:_:)` then reads it again,
/// handing over consecutive rows as `FlatTable`s typed alike, so that a column keeps its type
/// and a bad cell is named by its line, whichever batch it falls in.
///
///     let file = try FlatTableFile(contentsOf: url)
///     try file.forEachBatch(rows: 65_536) { batch in … }
public struct FlatTableFile: Sendable {
    /// The file.
    public let url: URL
    /// The file name, for messages.
    public let file: String
    /// The column names, in file order.
    public let header: [String]
    /// Whether each column (in header order) is read as numbers; the others are text.
    public let isNumeric: [Bool]
    /// The number of data rows.
    public let rowCount: Int

    /// Reads the file once to type its columns.
    ///
    /// - Parameters:
    ///   - url: The file.
    ///   - categorical: Columns to read as text whatever they hold.
    ///   - progress: Called with the rows read so far, every 2²⁰ rows; default none.
    /// - Throws: `FeatureError.csv` for malformed CSV, `.missingColumn` for an unknown
    ///   `categorical` name, `.noRows` for a file with a header only.
    public init(contentsOf url: URL, categorical: Set<String> = [], progress: ((Int) -> Void)? = nil) throws(FeatureError) {
        let header: [String]
        var nonEmpty: [Int] = []
        var numeric: [Int] = []
        var rows = 0
        do {
            let reader = try CSVReader(contentsOf: url)
            header = reader.header
            file = reader.name
            nonEmpty = [Int](repeating: 0, count: header.count)
            numeric = nonEmpty
            try reader.forEachRecord { record in
                rows += 1
                if rows & 0xF_FFFF == 0 { progress?(rows) }
                for j in header.indices where !record.isMissing(j) {
                    nonEmpty[j] += 1
                    if record.double(at: j) != nil { numeric[j] += 1 }
                }
            }
        } catch let error as CSVError {
            throw .csv(error)
        } catch {
            preconditionFailure("Unexpected error \(error)")
        }
        for name in categorical.sorted() where !header.contains(name) {
            throw .missingColumn(file: file, column: name, role: "--categorical column", available: header)
        }
        guard rows > 0 else { throw .noRows(file: file) }
        self.url = url
        self.header = header
        self.rowCount = rows
        self.isNumeric = header.indices.map { j in
            !categorical.contains(header[j]) && nonEmpty[j] > 0 && 2 * numeric[j] > nonEmpty[j]
        }
    }

    /// Reads the rows again, `rows` at a time, in file order.
    ///
    /// - Parameters:
    ///   - rows: Rows per batch, at least 1; the last batch holds what is left.
    ///   - body: Called with each batch; what it throws stops the reading.
    /// - Throws: `FeatureError.csv` for malformed CSV (the file changed since it was opened,
    ///   say), `.notANumber` and `.nonFiniteValue` for bad cells in numeric columns, or what
    ///   `body` throws.
    /// - Complexity: O(file size); memory holds one batch.
    public func forEachBatch(rows: Int, _ body: (FlatTable) throws -> Void) throws {
        precondition(rows >= 1, "A batch holds at least one row.")
        let header = header, isNumeric = isNumeric, file = file
        var numbers = header.map { _ in [Double?]() }
        var texts = header.map { _ in [String?]() }
        var lines: [Int] = []
        func flush() throws {
            let columns = header.indices.map { j in
                FlatTable.Column(name: header[j], values: isNumeric[j] ? .numeric(numbers[j]) : .text(texts[j]))
            }
            let batch = FlatTable(file: file, columns: columns, lines: lines)
            for j in header.indices {
                numbers[j].removeAll(keepingCapacity: true)
                texts[j].removeAll(keepingCapacity: true)
            }
            lines.removeAll(keepingCapacity: true)
            try body(batch)
        }
        do {
            let reader = try CSVReader(contentsOf: url)
            try reader.forEachRecord { record in
                lines.append(record.line)
                for j in header.indices {
                    if record.isMissing(j) {
                        if isNumeric[j] { numbers[j].append(nil) } else { texts[j].append(nil) }
                    } else if isNumeric[j] {
                        guard let value = record.double(at: j) else {
                            throw FeatureError.notANumber(file: file, line: record.line, column: header[j], value: record[j])
                        }
                        guard value.isFinite else {
                            throw FeatureError.nonFiniteValue(file: file, line: record.line, column: header[j], value: record[j])
                        }
                        numbers[j].append(value)
                    } else {
                        texts[j].append(record[j])
                    }
                }
                if lines.count == rows { try flush() }
            }
            if !lines.isEmpty { try flush() }
        } catch let error as CSVError {
            throw FeatureError.csv(error)
        }
    }
}
