/// Weighted means, variances and ranges of the columns of a matrix, accumulated block by block.
///
/// Blocks are merged with Chan, Golub and LeVeque's pairwise update, so the result does not
/// depend on a running sum of squares that cancels, and partial results from separate chunks
/// or machines add up exactly as one pass would.
///
///     var moments = ColumnMoments(columns: x.columns)
///     moments.add(rows: 0..<x.rows, of: x, weights: w)
///     let sd = moments.standardDeviations
public struct ColumnMoments: Equatable, Sendable {
    /// The sum of the weights seen.
    public private(set) var weightSum: Double = 0
    /// The number of rows with a positive weight seen.
    public private(set) var count: Int = 0
    /// The weighted mean of each column.
    public private(set) var means: [Double]
    /// The weighted sum of squared deviations from the mean of each column.
    public private(set) var sumsOfSquares: [Double]
    /// The smallest value of each column among rows with a positive weight.
    public private(set) var minimums: [Double]
    /// The largest value of each column among rows with a positive weight.
    public private(set) var maximums: [Double]

    /// Creates empty moments for `columns` columns.
    public init(columns: Int) {
        means = [Double](repeating: 0, count: columns)
        sumsOfSquares = means
        minimums = [Double](repeating: .infinity, count: columns)
        maximums = [Double](repeating: -.infinity, count: columns)
    }

    /// Adds a block of rows.
    ///
    /// - Parameters:
    ///   - rows: Rows of `source`.
    ///   - source: The matrix.
    ///   - weights: One non-negative weight per row of the block, or `nil` for all ones. Rows
    ///     with weight 0 do not count.
    /// - Complexity: O(`rows.count` × `columns`), two passes over the block.
    public mutating func add(rows: Range<Int>, of source: Matrix, weights: ArraySlice<Double>?) {
        let d = means.count
        precondition(source.columns == d, "Expected \(d) columns, found \(source.columns).")
        precondition(weights == nil || weights!.count == rows.count, "Expected one weight per row.")
        var block = ColumnMoments(columns: d)
        var blockMeans = [Double](repeating: 0, count: d)
        var blockSquares = blockMeans
        var blockMin = minimums
        var blockMax = maximums
        var w: Double = 0
        var n = 0
        source.elements.withUnsafeBufferPointer { x in
            for i in rows {
                let s = weights.map { $0[$0.startIndex + i - rows.lowerBound] } ?? 1
                guard s > 0 else { continue }
                w += s
                n += 1
                let row = x.baseAddress! + i * d
                let f = s / w
                for j in 0..<d {
                    // West's weighted update of mean and sum of squares.
                    let v = row[j]
                    let delta = v - blockMeans[j]
                    blockMeans[j] += f * delta
                    blockSquares[j] += s * delta * (v - blockMeans[j])
                    if v < blockMin[j] { blockMin[j] = v }
                    if v > blockMax[j] { blockMax[j] = v }
                }
            }
        }
        block.weightSum = w
        block.count = n
        block.means = blockMeans
        block.sumsOfSquares = blockSquares
        block.minimums = blockMin
        block.maximums = blockMax
        merge(block)
    }

    /// Adds moments accumulated elsewhere, as if their rows had been added here.
    public mutating func merge(_ other: ColumnMoments) {
        precondition(other.means.count == means.count, "Cannot merge moments of different widths.")
        guard other.weightSum > 0 else { return }
        guard weightSum > 0 else { self = other; return }
        let total = weightSum + other.weightSum
        for j in means.indices {
            let delta = other.means[j] - means[j]
            means[j] += delta * other.weightSum / total
            sumsOfSquares[j] += other.sumsOfSquares[j] + delta * delta * weightSum * other.weightSum / total
            minimums[j] = min(minimums[j], other.minimums[j])
            maximums[j] = max(maximums[j], other.maximums[j])
        }
        weightSum = total
        count += other.count
    }

    /// The weighted population standard deviation of each column: `√(Σ sᵢ(xᵢ − x̄)² / Σ sᵢ)`.
    public var standardDeviations: [Double] {
        sumsOfSquares.map { weightSum > 0 ? ($0 / weightSum).squareRoot() : 0 }
    }
}
