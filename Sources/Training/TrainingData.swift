import LinearAlgebra

/// A block of consecutive rows handed to a pass over the data.
///
/// A pass (value, gradient, Hessian) is a sum over rows, so it can be computed block by block
/// and the partial sums added: the same code serves data in memory, read from disk in chunks,
/// or spread over machines.
public struct RowBlock: Sendable {
    /// The feature matrix holding the block; the block is `features[rows, ...]`.
    public let features: Matrix
    /// The rows of `features` that form the block.
    public let rows: Range<Int>
    /// Labels (0 or 1), one per row of the block.
    public let labels: ArraySlice<Double>
    /// Sample weights, one per row of the block; `nil` means every weight is 1.
    public let weights: ArraySlice<Double>?

    /// Creates a block over `rows` of `features`.
    public init(features: Matrix, rows: Range<Int>, labels: ArraySlice<Double>, weights: ArraySlice<Double>?) {
        precondition(labels.count == rows.count && (weights?.count ?? rows.count) == rows.count,
                     "A block needs one label and one weight per row.")
        self.features = features
        self.rows = rows
        self.labels = labels
        self.weights = weights
    }

    /// The weight of row `i` of the block (0-based within the block).
    @inline(__always)
    func weight(_ i: Int) -> Double {
        guard let weights else { return 1 }
        return weights[weights.startIndex + i]
    }

    /// The label of row `i` of the block (0-based within the block).
    @inline(__always)
    func label(_ i: Int) -> Double { labels[labels.startIndex + i] }
}

/// A source of training rows that can be visited block by block, any number of times.
///
/// Solvers see the data only through this protocol, so a source may keep its rows in memory,
/// stream them from a file, or gather them from elsewhere.
public protocol RowBlockSource {
    /// The number of feature columns (the intercept is not a column).
    var featureCount: Int { get }
    /// The total number of rows.
    var rowCount: Int { get }
    /// Calls `body` once per block, in row order, covering every row exactly once.
    func forEachBlock(_ body: (RowBlock) throws -> Void) rethrows
}

/// A source whose blocks can be fetched by index, so that a pass can be split among threads.
public protocol IndexedRowBlockSource: RowBlockSource, Sendable {
    /// The number of blocks `forEachBlock` visits.
    var blockCount: Int { get }
    /// The block `forEachBlock` visits at position `index`, in `0..<blockCount`.
    func block(at index: Int) -> RowBlock
}

/// Labelled rows in memory: a feature matrix, 0/1 labels and optional sample weights.
///
///     let data = try TrainingData(features: x, labels: y, featureNames: ["gpa", "tuce", "psi"])
public struct TrainingData: IndexedRowBlockSource {
    /// The features, one row per example.
    public let features: Matrix
    /// The labels, 0 or 1.
    public let labels: [Double]
    /// The sample weights, non-negative; `nil` means every weight is 1.
    public let weights: [Double]?
    /// A name per feature column, used in reports and error messages.
    public let featureNames: [String]
    /// Rows per block in a pass; chosen so a block of features is about 1 MiB.
    public let blockRows: Int

    /// Creates and validates labelled training data.
    ///
    /// - Parameters:
    ///   - features: An n × d matrix; every value must be finite.
    ///   - labels: n values, each 0 or 1.
    ///   - weights: n finite, non-negative values, or `nil` for all ones.
    ///   - featureNames: d distinct names; default `x1`, `x2`, ….
    ///   - blockRows: Rows per block in a pass; default about 1 MiB of features.
    /// - Throws: `TrainingError.nonFiniteFeature`, `.invalidLabel`, `.invalidWeight`, or
    ///   `.shapeMismatch` describing the first problem found.
    /// - Complexity: O(n × d).
    public init(features: Matrix, labels: [Double], weights: [Double]? = nil,
                featureNames: [String]? = nil, blockRows: Int? = nil) throws(TrainingError) {
        let names = featureNames ?? (0..<features.columns).map { "x\($0 + 1)" }
        guard labels.count == features.rows else {
            throw .shapeMismatch("There are \(features.rows) feature rows but \(labels.count) labels.")
        }
        if let weights, weights.count != features.rows {
            throw .shapeMismatch("There are \(features.rows) feature rows but \(weights.count) weights.")
        }
        guard names.count == features.columns else {
            throw .shapeMismatch("There are \(features.columns) feature columns but \(names.count) names.")
        }
        for (i, y) in labels.enumerated() where y != 0 && y != 1 {
            throw .invalidLabel(row: i, value: y)
        }
        if let weights {
            for (i, s) in weights.enumerated() where !(s.isFinite && s >= 0) {
                throw .invalidWeight(row: i, value: s)
            }
        }
        // One fast sweep; only data that fails it is searched for the first bad cell.
        let d = features.columns
        if !features.elements.allSatisfy(\.isFinite) {
            let k = features.elements.firstIndex { !$0.isFinite }!
            throw .nonFiniteFeature(row: k / d, column: names[k % d], value: features.elements[k])
        }
        self.features = features
        self.labels = labels
        self.weights = weights
        self.featureNames = names
        self.blockRows = blockRows ?? max(256, min(8192, 131_072 / max(1, d)))
    }

    public var featureCount: Int { features.columns }
    public var rowCount: Int { features.rows }

    public var blockCount: Int { (features.rows + blockRows - 1) / blockRows }

    public func block(at index: Int) -> RowBlock {
        let start = index * blockRows
        let end = min(start + blockRows, features.rows)
        return RowBlock(features: features, rows: start..<end, labels: labels[start..<end], weights: weights?[start..<end])
    }

    public func forEachBlock(_ body: (RowBlock) throws -> Void) rethrows {
        for index in 0..<blockCount { try body(block(at: index)) }
    }
}
