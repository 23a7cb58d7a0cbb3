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
        let available = table.columns.map(\.name)
        guard let labelColumn = table.column(named: label) else {
            throw .missingColumn(file: table.file, column: label, role: "label", available: available)
        }
        self.labels = try Self.labels(labelColumn, positive: positive, table: table)
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

    private static func labels(_ column: FlatTable.Column, positive: String?, table: FlatTable) throws(FeatureError) -> [Double] {
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
        if let positive, !labels.contains(1) {
            let seen: [String]
            switch column.values {
            case .numeric(let values): seen = Set(values.compactMap { $0 }).sorted().map(format)
            case .text(let values): seen = Set(values.compactMap { $0 }).sorted()
            }
            throw .positiveValueAbsent(file: table.file, column: column.name, positive: positive, seen: Array(seen.prefix(10)))
        }
        return labels
    }

    private static func weights(_ column: FlatTable.Column, table: FlatTable) throws(FeatureError) -> [Double] {
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

/// A number as a person would write it: integers without `.0`.
func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
}
