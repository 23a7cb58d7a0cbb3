import LinearAlgebra

/// How the columns of a flat table become numeric features.
///
/// Numeric columns pass through. Categorical columns are one-hot encoded with the most
/// frequent level as the reference (no column of its own; ties go to the level that sorts
/// first), and one feature `column=level` per other level, in sorted order. A level not seen
/// in training counts as the reference. The encoding is saved with the model, so scoring
/// encodes exactly as training did.
public struct FlatTableEncoding: Codable, Equatable, Sendable {
    /// One source column's encoding.
    public enum ColumnEncoding: Codable, Equatable, Sendable {
        /// A numeric column, used as is.
        case numeric(name: String)
        /// A categorical column: `reference` has no feature; each of `levels` has one.
        case categorical(name: String, reference: String, levels: [String])

        /// The source column's name.
        public var name: String {
            switch self {
            case .numeric(let name), .categorical(let name, _, _): return name
            }
        }
    }

    /// The encodings, in feature order.
    public let columns: [ColumnEncoding]

    /// The source columns encoded as categorical: read them with
    /// `FlatTable(contentsOf:categorical:)` when applying this encoding, so that codes such as
    /// `02139` keep their spelling.
    public var categoricalColumns: Set<String> {
        Set(columns.compactMap { if case .categorical(let name, _, _) = $0 { name } else { nil } })
    }

    /// The feature names: numeric columns by name, dummies as `column=level`.
    public var featureNames: [String] {
        columns.flatMap { encoding -> [String] in
            switch encoding {
            case .numeric(let name): return [name]
            case .categorical(let name, _, let levels): return levels.map { "\(name)=\($0)" }
            }
        }
    }

    /// The encoding of the given columns, in order: for rows that arrive already encoded
    /// (numeric columns), or an encoding fitted elsewhere.
    public init(columns: [ColumnEncoding]) {
        self.columns = columns
    }

    /// Learns the encoding of every column of `table` except those in `excluding`.
    ///
    /// - Throws: `FeatureError.noFeatureColumns` when no column is left.
    public init(learningFrom table: FlatTable, excluding: Set<String>) throws(FeatureError) {
        var learner = Learner(excluding: excluding)
        learner.add(table)
        self = try learner.encoding()
    }

    /// Learns an encoding from a table read in parts (`FlatTableFile.forEachBatch(rows:_:)`):
    /// the same encoding `init(learningFrom:excluding:)` learns from the whole table.
    ///
    ///     var learner = FlatTableEncoding.Learner(excluding: ["lead_id"])
    ///     try file.forEachBatch(rows: 65_536) { learner.add($0) }
    ///     let encoding = try learner.encoding()
    public struct Learner: Sendable {
        /// Columns left out.
        public let excluding: Set<String>
        private var file = ""
        private var started = false
        /// The feature columns in order, with their level counts when categorical.
        private var columns: [(name: String, levels: [String: Int]?)] = []

        /// A learner that has seen no rows.
        public init(excluding: Set<String>) {
            self.excluding = excluding
        }

        /// Counts the levels of `table`'s categorical columns. Every part must have the same
        /// columns, typed alike.
        public mutating func add(_ table: FlatTable) {
            let kept = table.columns.filter { !excluding.contains($0.name) }
            if !started {
                started = true
                file = table.file
                columns = kept.map { column in
                    if case .numeric = column.values { (column.name, nil) } else { (column.name, [:]) }
                }
            }
            precondition(kept.map(\.name) == columns.map(\.name), "Every part of a table has the same columns.")
            for (k, column) in kept.enumerated() {
                guard case .text(let values) = column.values else { continue }
                for value in values { columns[k].levels![value ?? FlatTable.missingLevel, default: 0] += 1 }
            }
        }

        /// The encoding: numeric columns as they are, categorical ones with their most frequent
        /// level as the reference (ties to the level that sorts first).
        ///
        /// - Throws: `FeatureError.noFeatureColumns` when no column is left,
        ///   `.reservedColumnName` for a column named `intercept`.
        public func encoding() throws(FeatureError) -> FlatTableEncoding {
            guard !columns.isEmpty else { throw .noFeatureColumns(file: file) }
            if columns.contains(where: { $0.name == "intercept" }) {
                throw .reservedColumnName(file: file, column: "intercept")
            }
            return FlatTableEncoding(columns: columns.map { column in
                guard let counts = column.levels else { return .numeric(name: column.name) }
                let reference = counts.min { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }!.key
                return .categorical(name: column.name, reference: reference, levels: counts.keys.filter { $0 != reference }.sorted())
            })
        }
    }

    /// Encodes `table` into a feature matrix, one row per table row.
    ///
    /// - Throws: `FeatureError.missingColumn` if a column is absent, `.missingValue` for an
    ///   empty numeric cell, `.notANumber` if a column that was numeric is now text.
    /// - Complexity: O(rows × features).
    public func encode(_ table: FlatTable) throws(FeatureError) -> Matrix {
        let names = featureNames
        var x = Matrix(rows: table.rowCount, columns: names.count)
        var offset = 0
        for encoding in columns {
            guard let column = table.column(named: encoding.name) else {
                throw .missingColumn(file: table.file, column: encoding.name, role: "model's feature",
                                     available: table.columns.map(\.name))
            }
            switch (encoding, column.values) {
            case (.numeric, .numeric(let values)):
                for (i, value) in values.enumerated() {
                    guard let value else {
                        throw .missingValue(file: table.file, line: table.lines[i], column: encoding.name, role: "numeric feature")
                    }
                    x[i, offset] = value
                }
                offset += 1
            case (.numeric, .text(let values)):
                // Read as text: either some value is not a number, or every cell is empty.
                if let i = values.firstIndex(where: { $0 != nil && Double($0!) == nil }) {
                    throw .notANumber(file: table.file, line: table.lines[i], column: encoding.name, value: values[i]!)
                }
                let i = values.firstIndex { $0 == nil } ?? 0
                throw .missingValue(file: table.file, line: table.lines[i], column: encoding.name, role: "numeric feature")
            case (.categorical(_, _, let levels), _):
                let position = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
                for i in 0..<table.rowCount {
                    if let k = position[column.values.text(at: i)] { x[i, offset + k] = 1 }
                }
                offset += levels.count
            }
        }
        return x
    }
}

extension FlatTable.Values {
    /// The value at `row` as text, empty cells as `FlatTable.missingLevel`.
    func text(at row: Int) -> String {
        switch self {
        case .text(let values): return values[row] ?? FlatTable.missingLevel
        // A code column that reads as numbers in a later file must still find its levels:
        // `7` is the level "7", not "7.0".
        case .numeric(let values): return values[row].map(format) ?? FlatTable.missingLevel
        }
    }
}
