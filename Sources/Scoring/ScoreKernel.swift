import Dispatch
import Foundation
import LinearAlgebra
import Synchronization
import Training

/// The arithmetic of scoring a matrix of leads: probabilities, their 90% ranges, and each
/// feature's contribution to the log-odds with the largest ones up and down.
///
/// For a row `x` with `x̃ = (1, x)`:
/// - `η = b + x·β`, `p = σ(η)`;
/// - `se(η) = √(x̃ᵀΣx̃)` with `Σ` the fit's covariance, and the range `σ(η ∓ z·se)` with
///   `z = 1.6448536269514722` (the 95th percentile of the standard normal);
/// - feature `g`'s contribution `c_g = Σ_{j∈g} βⱼ(xⱼ − μⱼ)`, with `μ` the training column means.
///
/// `x̃ᵀΣx̃` is summed for blocks of rows from one BLAS matrix product `X̃·Σ` per block.
struct ScoreKernel: Sendable {
    /// The 95th percentile of the standard normal distribution.
    static let z95 = 1.6448536269514722

    let fit: LogisticRegressionFit
    /// The model columns of each feature.
    let groups: [Range<Int>]
    /// Factors kept per lead and direction.
    let topCount: Int
    private let covariance: Matrix
    private let groupOfColumn: [Int32]

    init(fit: LogisticRegressionFit, groups: [Range<Int>], topCount: Int) {
        self.fit = fit
        self.groups = groups
        self.topCount = topCount
        covariance = fit.covarianceMatrix
        var groupOfColumn = [Int32](repeating: -1, count: fit.coefficients.count)
        for (g, columns) in groups.enumerated() {
            for j in columns { groupOfColumn[j] = Int32(g) }
        }
        precondition(!groupOfColumn.contains(-1), "Every column must belong to a feature.")
        self.groupOfColumn = groupOfColumn
    }

    /// Scores of a block of rows, column by column.
    struct Scores: Sendable {
        var probability: [Double] = []
        var low: [Double] = []
        var high: [Double] = []
        var topCount = 0
        /// `topCount` slots per row: feature indices (-1 = none) and contributions.
        var raising: [Int32] = []
        var raisingBy: [Double] = []
        var lowering: [Int32] = []
        var loweringBy: [Double] = []

        mutating func append(_ other: Scores) {
            probability += other.probability
            low += other.low
            high += other.high
            raising += other.raising
            raisingBy += other.raisingBy
            lowering += other.lowering
            loweringBy += other.loweringBy
        }
    }

    /// Scores every row of `x`, in blocks of 1,024 rows shared among `threads` threads; the
    /// result does not depend on the thread count.
    func score(_ x: Matrix, threads: Int = 1) -> Scores {
        precondition(x.columns == fit.coefficients.count, "Expected \(fit.coefficients.count) columns.")
        let blockRows = 1024
        let blocks = (x.rows + blockRows - 1) / blockRows
        guard blocks > 1 && threads > 1 else {
            var result = Scores(topCount: topCount)
            for b in 0..<blocks { result.append(score(x, rows: b * blockRows..<min(x.rows, (b + 1) * blockRows))) }
            return result
        }
        let parts = Mutex([Scores?](repeating: nil, count: blocks))
        let next = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: min(threads, blocks)) { _ in
            while true {
                let b = next.add(1, ordering: .relaxed).oldValue
                guard b < blocks else { return }
                let part = score(x, rows: b * blockRows..<min(x.rows, (b + 1) * blockRows))
                parts.withLock { $0[b] = part }
            }
        }
        var result = Scores(topCount: topCount)
        parts.withLock { for part in $0 { result.append(part!) } }
        return result
    }

    /// Scores one block of consecutive rows.
    private func score(_ x: Matrix, rows: Range<Int>) -> Scores {
        let d = x.columns, p = d + 1, n = rows.count
        var result = Scores(topCount: topCount)
        // X̃ for the block: a column of ones, then the features.
        var tilde = [Double](repeating: 1, count: n * p)
        for (r, row) in rows.enumerated() {
            for j in 0..<d { tilde[r * p + 1 + j] = x[row, j] }
        }
        let block = Matrix(rows: n, columns: p, elements: tilde)
        let eta = x.product(rows: rows, vector: fit.coefficients, adding: fit.intercept)
        let product = block.product(covariance)  // X̃·Σ
        result.probability.reserveCapacity(n)
        result.low.reserveCapacity(n)
        result.high.reserveCapacity(n)
        for r in 0..<n {
            var variance = 0.0
            for k in 0..<p { variance += product[r, k] * tilde[r * p + k] }
            let se = max(0, variance).squareRoot()
            result.probability.append(LogisticLoss.probability(eta: eta[r]))
            result.low.append(LogisticLoss.probability(eta: eta[r] - Self.z95 * se))
            result.high.append(LogisticLoss.probability(eta: eta[r] + Self.z95 * se))
        }
        guard topCount > 0 else { return result }

        let beta = fit.coefficients, mu = fit.centers
        var contributions = [Double](repeating: 0, count: groups.count)
        result.raising = [Int32](repeating: -1, count: n * topCount)
        result.raisingBy = [Double](repeating: 0, count: n * topCount)
        result.lowering = result.raising
        result.loweringBy = result.raisingBy
        for (r, row) in rows.enumerated() {
            for g in contributions.indices { contributions[g] = 0 }
            for j in 0..<d { contributions[Int(groupOfColumn[j])] += beta[j] * (x[row, j] - mu[j]) }
            let base = r * topCount
            for (g, c) in contributions.enumerated() {
                if c > 0 {
                    Self.insert(Int32(g), c, into: &result.raising, &result.raisingBy, base: base, count: topCount, larger: true)
                } else if c < 0 {
                    Self.insert(Int32(g), c, into: &result.lowering, &result.loweringBy, base: base, count: topCount, larger: false)
                }
            }
        }
        return result
    }

    /// Keeps the `count` largest (or smallest) values in slots `base..<base + count`, sorted,
    /// earlier features first among equal values.
    @inline(__always)
    private static func insert(_ feature: Int32, _ value: Double, into features: inout [Int32], _ values: inout [Double],
                               base: Int, count: Int, larger: Bool) {
        var slot = base + count
        while slot > base {
            let previous = slot - 1
            let occupied = features[previous] >= 0
            if occupied && !(larger ? value > values[previous] : value < values[previous]) { break }
            if slot < base + count {
                features[slot] = features[previous]
                values[slot] = values[previous]
            }
            slot = previous
        }
        guard slot < base + count else { return }
        features[slot] = feature
        values[slot] = value
    }
}
