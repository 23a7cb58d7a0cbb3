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
        // Pass 1: how many non-empty values each column has and how many of them are numbers.
        let (header, file, nonEmpty, numeric) = try Self.survey(url)
        for name in categorical.sorted() where !header.contains(name) {
            throw .missingColumn(file: file, column: name, role: "--categorical column", available: header)
        }
        let isNumeric = header.indices.map { j in
            !categorical.contains(header[j]) && nonEmpty[j] > 0 && 2 * numeric[j] > nonEmpty[j]
        }

        // Pass 2: typed values.
        var numbers = header.map { _ in [Double?]() }
        var texts = header.map { _ in [String?]() }
        var lines: [Int] = []
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
            }
        } catch let error as FeatureError {
            throw error
        } catch let error as CSVError {
            throw .csv(error)
        } catch {
            preconditionFailure("Unexpected error \(error)")
        }
        guard !lines.isEmpty else { throw .noRows(file: file) }
        self.file = file
        self.lines = lines
        self.columns = header.indices.map { j in
            Column(name: header[j], values: isNumeric[j] ? .numeric(numbers[j]) : .text(texts[j]))
        }
    }

    private static func survey(_ url: URL) throws(FeatureError) -> (header: [String], file: String, nonEmpty: [Int], numeric: [Int]) {
        do {
            let reader = try CSVReader(contentsOf: url)
            let header = reader.header
            var nonEmpty = [Int](repeating: 0, count: header.count)
            var numeric = nonEmpty
            try reader.forEachRecord { record in
                for j in header.indices where !record.isMissing(j) {
                    nonEmpty[j] += 1
                    if record.double(at: j) != nil { numeric[j] += 1 }
                }
            }
            return (header, reader.name, nonEmpty, numeric)
        } catch let error as CSVError {
            throw .csv(error)
        } catch {
            preconditionFailure("Unexpected error \(error)")
        }
    }
}
