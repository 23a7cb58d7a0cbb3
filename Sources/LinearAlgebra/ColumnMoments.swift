/// Weighted means, variances and ranges of the columns of a matrix, accumulated block by block.
///
/// Each block's moments are computed around the block's own mean and blocks are merged with
/// Chan, Golub and LeVeque's pairwise update, so no running sum of squares cancels, and partial
/// results from separate chunks or machines add up as one pass would.
///
///     var moments = ColumnMoments(columns: x.columns)
///     moments.add(rows: 0..<x.rows, of: x, weights: w)
///     let sd = moments.standardDeviations
public struct ColumnMoments: Codable, Equatable, Sendable {
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
    /// The block's own moments are computed in two passes (sums, then squared deviations from
    /// the block mean, both in loops over contiguous columns that the compiler vectorizes) and
    /// merged into the running ones.
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
        precondition(rows.lowerBound >= 0 && rows.upperBound <= source.rows, "Row range \(rows) is outside 0..<\(source.rows).")
        var block = ColumnMoments(columns: d)
        let rowWeights = weights.map(Array.init) ?? [Double](repeating: 1, count: rows.count)
        // Both passes run across the columns four at a time: each column's sums still add
        // the rows in order, with the same roundings as one column at a time.
        let wide = d - d % 4
        source.elements.withUnsafeBufferPointer { x in
            block.means.withUnsafeMutableBufferPointer { sums in
                block.minimums.withUnsafeMutableBufferPointer { lo in
                    block.maximums.withUnsafeMutableBufferPointer { hi in
                        let (sums, lo, hi) = (sums.baseAddress!, lo.baseAddress!, hi.baseAddress!)
                        for (k, i) in rows.enumerated() where rowWeights[k] > 0 {
                            let s = rowWeights[k]
                            let row = x.baseAddress! + i * d
                            block.weightSum += s
                            block.count += 1
                            var j = 0
                            while j < wide {
                                let v = SIMD4(loading: row + j)
                                (SIMD4(loading: sums + j) + s * v).store(to: sums + j)
                                let low = SIMD4(loading: lo + j), high = SIMD4(loading: hi + j)
                                low.replacing(with: v, where: v .< low).store(to: lo + j)
                                high.replacing(with: v, where: v .> high).store(to: hi + j)
                                j += 4
                            }
                            while j < d {
                                let v = row[j]
                                sums[j] += s * v
                                lo[j] = v < lo[j] ? v : lo[j]
                                hi[j] = v > hi[j] ? v : hi[j]
                                j += 1
                            }
                        }
                    }
                }
            }
            guard block.weightSum > 0 else { return }
            for j in 0..<d { block.means[j] /= block.weightSum }
            block.means.withUnsafeBufferPointer { mean in
                block.sumsOfSquares.withUnsafeMutableBufferPointer { squares in
                    let (mean, squares) = (mean.baseAddress!, squares.baseAddress!)
                    for (k, i) in rows.enumerated() where rowWeights[k] > 0 {
                        let s = rowWeights[k]
                        let row = x.baseAddress! + i * d
                        var j = 0
                        while j < wide {
                            let delta = SIMD4(loading: row + j) - SIMD4(loading: mean + j)
                            (SIMD4(loading: squares + j) + s * delta * delta).store(to: squares + j)
                            j += 4
                        }
                        while j < d {
                            let delta = row[j] - mean[j]
                            squares[j] += s * delta * delta
                            j += 1
                        }
                    }
                }
            }
        }
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

extension SIMD4 where Scalar == Double {
    /// The four doubles at `pointer`, which need not be aligned.
    @inline(__always)
    init(loading pointer: UnsafePointer<Double>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Double>.self)
    }

    /// Writes the four lanes to `pointer`, which need not be aligned.
    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD4<Double>.self)
    }
}
