import Foundation
import LinearAlgebra

/// A flat table split into features, a 0/1 label and optional sample weights.
///
///     let table = try FlatTable(contentsOf: url)
///     let set = try LabelledFlatTable(table, label: "outcome", positive: "won")
///     // set.features, set.labels, set.encoding.featureNames
public struct LabelledFlatTable: Sendable {
    /// The table read from the file.
    public let table: FlatTable
    /// How the feature columns are encoded.
    public let encoding: FlatTableEncoding
    /// The encoded features, one row per table row.
    public let features: Matrix
    /// The labels, 1 for the positive outcome and 0 otherwise.
    public let labels: [Double]
    /// The sample weights, or `nil` when no weight column was named.
    public let weights: [Double]?

    /// Splits `table` into label, weights and features; every other column is a feature.
    ///
    /// The label column holds 0/1 or true/false (any case); or, when `positive` is given, any
    /// values, of which `positive` marks a win and every other value a loss.
    ///
    /// - Parameters:
    ///   - table: The table.
    ///   - label: The label column's name.
    ///   - positive: The value that marks a win, or `nil`.
    ///   - weight: The weight column's name, or `nil` for weights of 1.
    ///   - excluding: Columns that are neither features nor label nor weight (ids, columns that
    ///     leak the outcome); ignored when `encoding` is given.
    ///   - encoding: The encoding to apply (a saved model's); `nil` learns one from the table.
    /// - Throws: `FeatureError` naming the file, line and column of the first bad cell.
    public init(_ table: FlatTable, label: String, positive: String? = nil, weight: String? = nil,
                excluding: Set<String> = [], encoding: FlatTableEncoding? = nil) throws(FeatureError) {
        try self.init(table, label: label, positive: positive, weight: weight, excluding: excluding, encoding: encoding,
                      requiringPositive: true)
    }

    /// As the public initializer; `requiringPositive` false accepts a table without a row
    /// labelled `positive` (one part of a larger table).
    init(_ table: FlatTable, label: String, positive: String?, weight: String?,
         excluding: Set<String>, encoding: FlatTableEncoding?, requiringPositive: Bool) throws(FeatureError) {
        let available = table.columns.map(\.name)
        guard let labelColumn = table.column(named: label) else {
            throw .missingColumn(file: table.file, column: label, role: "label", available: available)
        }
        self.labels = try Self.labels(labelColumn, positive: positive, table: table, requiringPositive: requiringPositive)
        if let weight {
            guard let weightColumn = table.column(named: weight) else {
                throw .missingColumn(file: table.file, column: weight, role: "weight", available: available)
            }
            self.weights = try Self.weights(weightColumn, table: table)
        } else {
            self.weights = nil
        }
        let chosen: FlatTableEncoding
        if let encoding {
            chosen = encoding
        } else {
            for name in excluding.sorted() where table.column(named: name) == nil {
                throw .missingColumn(file: table.file, column: name, role: "--exclude column", available: available)
            }
            chosen = try FlatTableEncoding(learningFrom: table,
                                           excluding: excluding.union([label, weight].compactMap { $0 }))
        }
        self.table = table
        self.encoding = chosen
        self.features = try chosen.encode(table)
    }

    static func labels(_ column: FlatTable.Column, positive: String?, table: FlatTable,
                       requiringPositive: Bool) throws(FeatureError) -> [Double] {
        var labels = [Double](repeating: 0, count: table.rowCount)
        for i in 0..<table.rowCount {
            let text: String
            switch column.values {
            case .numeric(let values):
                guard let value = values[i] else {
                    throw .missingValue(file: table.file, line: table.lines[i], column: column.name, role: "label")
                }
                if let positive {
                    labels[i] = Double(positive) == value ? 1 : 0
                    continue
                }
                guard value == 0 || value == 1 else {
                    throw .unrecognizedLabel(file: table.file, line: table.lines[i], column: column.name, value: format(value))
                }
                labels[i] = value
                continue
            case .text(let values):
                guard let value = values[i] else {
                    throw .missingValue(file: table.file, line: table.lines[i], column: column.name, role: "label")
                }
                text = value
            }
            if let positive {
                labels[i] = text == positive ? 1 : 0
            } else {
                switch text.lowercased() {
                case "1", "true": labels[i] = 1
                case "0", "false": labels[i] = 0
                default:
                    throw .unrecognizedLabel(file: table.file, line: table.lines[i], column: column.name, value: text)
                }
            }
        }
        if requiringPositive, let positive, !labels.contains(1) {
            throw .positiveValueAbsent(file: table.file, column: column.name, positive: positive,
                                       seen: Array(column.values.distinctTexts.sorted().prefix(10)))
        }
        return labels
    }

    static func weights(_ column: FlatTable.Column, table: FlatTable) throws(FeatureError) -> [Double] {
        switch column.values {
        case .numeric(let values):
            return try values.indices.map { i throws(FeatureError) in
                guard let value = values[i] else {
                    throw .missingValue(file: table.file, line: table.lines[i], column: column.name, role: "weight")
                }
                guard value >= 0 else {
                    throw .invalidWeight(file: table.file, line: table.lines[i], column: column.name, value: format(value))
                }
                return value
            }
        case .text(let values):
            let i = values.firstIndex { $0 == nil || Double($0!) == nil } ?? 0
            guard let value = values[i] else {
                throw .missingValue(file: table.file, line: table.lines[i], column: column.name, role: "weight")
            }
            throw .invalidWeight(file: table.file, line: table.lines[i], column: column.name, value: value)
        }
    }
}

extension FlatTable.Values {
    /// The distinct non-empty values, as text (numbers as a person would write them).
    var distinctTexts: Set<String> {
        switch self {
        case .numeric(let values): Set(values.compactMap { $0.map(format) })
        case .text(let values): Set(values.compactMap { $0 })
        }
    }
}

/// A labelled flat CSV table larger than memory, read as `LabelledFlatTable`s of a few rows at
/// a time, all encoded alike: what `LabelledFlatTable` is for a table that fits.
///
/// Opening it reads the file once to type the columns (`FlatTableFile`) and, when a feature
/// column is categorical or `positive` is given, once more to learn the levels and check every
/// label and weight, so that an error in the last row stops the work before any batch is
/// handed over. `forEachBatch(rows:_:)` reads it a last time. The encoding is the one
/// `LabelledFlatTable` learns from the whole table, and so are the messages.
///
///     let file = try LabelledFlatTableFile(contentsOf: url, label: "won")
///     try file.forEachBatch(rows: 32_768) { batch in
///         try writer.append(features: batch.features, labels: batch.labels)
///     }
public struct LabelledFlatTableFile: Sendable {
    /// The table, its columns typed.
    public let table: FlatTableFile
    /// The label column, the value marking a win (if any) and the weight column (if any).
    public let label: String
    public let positive: String?
    public let weight: String?
    /// How the feature columns are encoded.
    public let encoding: FlatTableEncoding

    /// Opens a table and learns its encoding.
    ///
    /// - Parameters:
    ///   - url, categorical: As `FlatTable(contentsOf:categorical:)`'s.
    ///   - label, positive, weight, excluding: As `LabelledFlatTable`'s.
    ///   - progress: Called about every 2²⁰ rows of each reading with the reading's number (1 to
    ///     type the columns, 2 to learn the levels) and the rows read so far; default none.
    /// - Throws: `FeatureError` naming the file, line and column of the first bad cell, or the
    ///   column that is missing.
    public init(contentsOf url: URL, label: String, positive: String? = nil, weight: String? = nil,
                categorical: Set<String> = [], excluding: Set<String> = [],
                progress: ((_ reading: Int, _ rows: Int) -> Void)? = nil) throws(FeatureError) {
        let table = try FlatTableFile(contentsOf: url, categorical: categorical, progress: progress.map { report in { report(1, $0) } })
        let header = table.header
        let named: [(String?, String)] = [(label, "label"), (weight, "weight")] + excluding.sorted().map { ($0, "--exclude column") }
        for (name, role) in named {
            if let name, !header.contains(name) {
                throw .missingColumn(file: table.file, column: name, role: role, available: header)
            }
        }
        let excluded = excluding.union([label, weight].compactMap { $0 })
        var learner = FlatTableEncoding.Learner(excluding: excluded)
        // The columns and their types, before any row.
        learner.add(FlatTable(file: table.file, columns: header.indices.map { j in
            FlatTable.Column(name: header[j], values: table.isNumeric[j] ? .numeric([]) : .text([]))
        }, lines: []))
        let categoricalFeature = header.indices.contains { !table.isNumeric[$0] && !excluded.contains(header[$0]) }
        if categoricalFeature || positive != nil {
            var positives = 0, rows = 0
            var seen = Set<String>()
            do {
                try table.forEachBatch(rows: 1 << 16) { batch throws(FeatureError) in
                    let labelColumn = batch.column(named: label)!
                    let labels = try LabelledFlatTable.labels(labelColumn, positive: positive, table: batch, requiringPositive: false)
                    if let weight { _ = try LabelledFlatTable.weights(batch.column(named: weight)!, table: batch) }
                    positives += labels.reduce(0) { $0 + Int($1) }
                    // For the message if no row is a win; a label column has a few values.
                    if positive != nil && positives == 0 && seen.count < 1_000 { seen.formUnion(labelColumn.values.distinctTexts) }
                    learner.add(batch)
                    rows += batch.rowCount
                    if rows >> 20 > (rows - batch.rowCount) >> 20 { progress?(2, rows) }
                }
            } catch let error as FeatureError {
                throw error
            } catch {
                preconditionFailure("Unexpected error \(error)")
            }
            if let positive, positives == 0 {
                throw .positiveValueAbsent(file: table.file, column: label, positive: positive, seen: Array(seen.sorted().prefix(10)))
            }
        }
        self.table = table
        self.label = label
        self.positive = positive
        self.weight = weight
        self.encoding = try learner.encoding()
    }

    /// Reads the table `rows` at a time, in file order, each batch split and encoded as
    /// `LabelledFlatTable` does.
    ///
    /// - Parameters:
    ///   - rows: Rows per batch, at least 1.
    ///   - body: Called with each batch; what it throws stops the reading.
    /// - Throws: `FeatureError` for a bad cell, or what `body` throws.
    /// - Complexity: O(file size); memory holds one batch.
    public func forEachBatch(rows: Int, _ body: (LabelledFlatTable) throws -> Void) throws {
        try table.forEachBatch(rows: rows) { batch in
            try body(LabelledFlatTable(batch, label: label, positive: positive, weight: weight, excluding: [],
                                       encoding: encoding, requiringPositive: false))
        }
    }
}

/// A number as a person would write it: integers without `.0`.
func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
}
