import Dispatch
import Foundation
import LinearAlgebra
import Synchronization
import Training

/// Scores rows of a model matrix with a fitted logistic regression: the probability of a win,
/// its 90% range, and the feature groups that push each score up and down.
///
/// For a row `x` (the model's `d` columns), with intercept `b`, coefficients `β`, covariance
/// `Σ` of `(b, β)` and column centers `μ` (the weighted training means):
///
/// - `η = b + x·β` and `p = 1 / (1 + exp(−η))`, evaluated without overflow for any `η`;
/// - `se = √(x̃ᵀΣx̃)` with `x̃ = (1, x)`, the delta-method standard error of `η`, and the 90%
///   range `(σ(η − z·se), σ(η + z·se))` with `z = 1.6448536269514722`, the 95% normal
///   quantile (a range on the logit scale, mapped through `σ`, so it stays inside [0, 1]);
/// - for each group `g` of columns (one per spec feature: a categorical feature's one-hot
///   columns form one group), `c_g = Σ_{j∈g} βⱼ(xⱼ − μⱼ)`: how far the feature moves the
///   log-odds from those of the average training lead, so `η = b + μ·β + Σ_g c_g`; and the
///   three largest positive and three most negative `c_g`, ties going to the lower group index.
///
/// Rows are processed in blocks of `blockRows`. Each block is centered once into a buffer
/// `Z = [1 | X − μ]`, which serves the contributions and the variance: with the covariance
/// moved to the centered parametrization, `Σ_c = AΣAᵀ` for the intercept `a = b + μ·β`,
/// `x̃ᵀΣx̃ = zᵀΣ_c z`, evaluated as `‖U·z‖²` for the Cholesky factor `Σ_c = UᵀU` with one BLAS
/// `dtrmm` per block (see `QuadraticForm`, which falls back to an eigen factor when `Σ_c` is
/// not numerically positive definite). Centering first keeps the variance accurate for columns
/// with large means, where the uncentered terms would cancel.
///
///     let scorer = try LinearScorer(fit: model.fit, groups: [0..<1, 1..<6, 6..<9])
///     let scores = scorer.score(rows, threads: 2)
///     print(scores.probability[0], scores.low[0], scores.high[0], scores.reasons(forRow: 0))
public struct LinearScorer: Sendable {
    /// `z` of the 90% range: the 95% quantile of the standard normal distribution.
    public static let rangeQuantile = 1.6448536269514722
    /// The number of positive and of negative reasons kept per row.
    public static let reasonCount = 3
    /// Rows per block: the variance of a block of rows costs one BLAS call.
    public static let blockRows = 1024

    /// The model's column groups, consecutive and covering `0..<d`.
    public let groups: [Range<Int>]
    /// The coefficients `β`.
    public let coefficients: [Double]
    /// The column centers `μ`.
    public let centers: [Double]
    /// `η` at the centers, `b + μ·β`.
    public let centeredIntercept: Double
    /// How the centered covariance was factored: `.cholesky` unless it is not numerically
    /// positive definite.
    public var covarianceFactorization: QuadraticForm.Factorization { form.factorization }
    private let form: QuadraticForm
    /// `groupEnds[g]` is `groups[g].upperBound`, for the kernel.
    private let groupEnds: [Int]

    /// Prepares a scorer: checks the grouping, centers the covariance and factors it.
    ///
    /// - Parameters:
    ///   - fit: The fitted model; its `covariance`, `centers` and `coefficients` are used.
    ///   - groups: Consecutive column ranges covering `0..<d` in order, one per feature (empty
    ///     ranges allowed); `nil` puts each column in a group of its own.
    /// - Throws: `LinearScorerError` for a grouping that does not cover the columns in order,
    ///   an inconsistent fit, or a non-finite covariance.
    /// - Complexity: O(d³) for the factorization.
    public init(fit: LogisticRegressionFit, groups: [Range<Int>]? = nil) throws(LinearScorerError) {
        let d = fit.coefficients.count
        let m = d + 1
        guard fit.centers.count == d, fit.covariance.count == m * m else {
            throw .inconsistentFit(coefficients: d, centers: fit.centers.count, covarianceEntries: fit.covariance.count)
        }
        let groups = groups ?? (0..<d).map { $0..<($0 + 1) }
        var next = 0
        for (g, range) in groups.enumerated() {
            guard range.lowerBound == next else { throw .groupNotContiguous(group: g, start: range.lowerBound, expected: next) }
            next = range.upperBound
        }
        guard next == d else { throw .groupsDoNotCoverColumns(covered: next, columns: d) }

        let mu = fit.centers
        let s = fit.covariance
        // Σ_c = AΣAᵀ with A = [[1, μᵀ], [0, I]]: only row and column 0 change.
        var centered = Matrix(rows: m, columns: m, elements: s)
        var v = [Double](repeating: 0, count: m)
        for j in 0..<m {
            var sum = s[j]
            for k in 0..<d { sum += mu[k] * s[(k + 1) * m + j] }
            v[j] = sum
        }
        var corner = v[0]
        for k in 0..<d { corner += mu[k] * v[k + 1] }
        centered[0, 0] = corner
        for j in 1..<m {
            centered[0, j] = v[j]
            centered[j, 0] = v[j]
        }
        do {
            form = try QuadraticForm(centered)
        } catch {
            throw .covariance(error)
        }
        self.groups = groups
        self.groupEnds = groups.map(\.upperBound)
        coefficients = fit.coefficients
        centers = mu
        centeredIntercept = fit.intercept + zip(mu, fit.coefficients).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Scores every row of `features`.
    ///
    /// - Parameters:
    ///   - features: Rows of the model's `d` columns.
    ///   - threads: Threads sharing the blocks, at least 1; default 1. Each calls BLAS, so set
    ///     `BLASThreads` to 1 when using more than one. The blocks are the same for any thread
    ///     count, so the results are identical, bit for bit.
    ///   - includeContributions: Whether to return every group's contribution for every row
    ///     (`count × groupCount` values) besides the top three each way; default `false`.
    /// - Returns: The scores, in row order.
    /// - Complexity: O(n·d²): per block of 1024 rows, one BLAS `dtrmm` of order d + 1, and
    ///   O(d + groups) work per row.
    public func score(_ features: Matrix, threads: Int = 1, includeContributions: Bool = false) -> LinearScores {
        precondition(features.columns == coefficients.count,
                     "The model has \(coefficients.count) columns; the rows have \(features.columns).")
        precondition(threads >= 1, "Scoring needs at least one thread.")
        let n = features.rows
        let blockCount = (n + Self.blockRows - 1) / Self.blockRows
        let runCount = max(1, min(threads, blockCount))
        // Contiguous runs of whole blocks: the block boundaries do not depend on the thread count.
        let runs = (0..<runCount).map { r in
            (r * blockCount / runCount * Self.blockRows)..<min(n, (r + 1) * blockCount / runCount * Self.blockRows)
        }
        if runCount == 1 {
            return scoreRun(features, rows: 0..<n, includeContributions: includeContributions)
        }
        let parts = Mutex([LinearScores?](repeating: nil, count: runCount))
        DispatchQueue.concurrentPerform(iterations: runCount) { r in
            let part = scoreRun(features, rows: runs[r], includeContributions: includeContributions)
            parts.withLock { $0[r] = part }
        }
        return parts.withLock { parts in
            var all = LinearScores(groupCount: groups.count, capacity: n, includeContributions: includeContributions)
            for part in parts { all.append(part!) }
            return all
        }
    }

    /// Scores a run of rows, block by block.
    private func scoreRun(_ features: Matrix, rows: Range<Int>, includeContributions: Bool) -> LinearScores {
        let d = coefficients.count
        let m = d + 1
        let groupCount = groups.count
        let k = Self.reasonCount
        let z = Self.rangeQuantile
        var out = LinearScores(groupCount: groupCount, capacity: rows.count, includeContributions: includeContributions)
        var buffer = [Double](repeating: 0, count: Self.blockRows * m)
        var eta = [Double](repeating: 0, count: Self.blockRows)
        var contributions = [Double](repeating: 0, count: Self.blockRows * groupCount)
        var positiveGroups = [Int32](repeating: -1, count: Self.blockRows * k)
        var positiveValues = [Double](repeating: 0, count: Self.blockRows * k)
        var negativeGroups = [Int32](repeating: -1, count: Self.blockRows * k)
        var negativeValues = [Double](repeating: 0, count: Self.blockRows * k)

        var start = rows.lowerBound
        while start < rows.upperBound {
            let count = min(Self.blockRows, rows.upperBound - start)
            centerBlock(features, rows: start..<(start + count), into: &buffer)
            contributionsAndReasons(
                of: buffer, rowCount: count, eta: &eta, contributions: &contributions,
                positiveGroups: &positiveGroups, positiveValues: &positiveValues,
                negativeGroups: &negativeGroups, negativeValues: &negativeValues)
            let variances = form.evaluate(rowsOf: &buffer, rowCount: count)
            for i in 0..<count {
                let e = eta[i]
                let se = max(variances[i], 0).squareRoot()
                out.linearPredictor.append(e)
                out.standardError.append(se)
                out.probability.append(LogisticLoss.probability(eta: e))
                out.low.append(LogisticLoss.probability(eta: e - z * se))
                out.high.append(LogisticLoss.probability(eta: e + z * se))
            }
            if includeContributions { out.contributions!.append(contentsOf: contributions[0..<(count * groupCount)]) }
            out.topPositiveGroups.append(contentsOf: positiveGroups[0..<(count * k)])
            out.topPositiveContributions.append(contentsOf: positiveValues[0..<(count * k)])
            out.topNegativeGroups.append(contentsOf: negativeGroups[0..<(count * k)])
            out.topNegativeContributions.append(contentsOf: negativeValues[0..<(count * k)])
            out.count += count
            start += count
        }
        return out
    }

    /// Writes `[1 | x − μ]` for each row of a block into `buffer`, `d + 1` values per row.
    private func centerBlock(_ features: Matrix, rows: Range<Int>, into buffer: inout [Double]) {
        let d = coefficients.count
        features.elements.withUnsafeBufferPointer { x in
            centers.withUnsafeBufferPointer { mu in
                buffer.withUnsafeMutableBufferPointer { z in
                    for (i, row) in rows.enumerated() {
                        let source = x.baseAddress! + row * d
                        let target = z.baseAddress! + i * (d + 1)
                        target[0] = 1
                        for j in 0..<d { target[j + 1] = source[j] - mu[j] }
                    }
                }
            }
        }
    }

    /// From centered rows `[1 | x − μ]`: each group's contribution, `η`, and the top reasons.
    private func contributionsAndReasons(
        of buffer: [Double], rowCount: Int, eta: inout [Double], contributions: inout [Double],
        positiveGroups: inout [Int32], positiveValues: inout [Double],
        negativeGroups: inout [Int32], negativeValues: inout [Double]
    ) {
        let d = coefficients.count
        let groupCount = groups.count
        let k = Self.reasonCount
        let a = centeredIntercept
        buffer.withUnsafeBufferPointer { z in
        coefficients.withUnsafeBufferPointer { beta in
        groupEnds.withUnsafeBufferPointer { ends in
        eta.withUnsafeMutableBufferPointer { eta in
        contributions.withUnsafeMutableBufferPointer { c in
        positiveGroups.withUnsafeMutableBufferPointer { pg in
        positiveValues.withUnsafeMutableBufferPointer { pv in
        negativeGroups.withUnsafeMutableBufferPointer { ng in
        negativeValues.withUnsafeMutableBufferPointer { nv in
            for i in 0..<rowCount {
                let row = z.baseAddress! + i * (d + 1) + 1
                let rowContributions = c.baseAddress! + i * groupCount
                let pGroups = pg.baseAddress! + i * k, pValues = pv.baseAddress! + i * k
                let nGroups = ng.baseAddress! + i * k, nValues = nv.baseAddress! + i * k
                for slot in 0..<k {
                    pGroups[slot] = -1
                    pValues[slot] = 0
                    nGroups[slot] = -1
                    nValues[slot] = 0
                }
                var total = 0.0
                var j = 0
                for g in 0..<groupCount {
                    var sum = 0.0
                    let end = ends[g]
                    while j < end {
                        sum += beta[j] * row[j]
                        j += 1
                    }
                    rowContributions[g] = sum
                    total += sum
                    // Strict comparisons: a later group never displaces an equal earlier one.
                    if sum > 0 && (pGroups[k - 1] < 0 || sum > pValues[k - 1]) {
                        var slot = k - 1
                        while slot > 0 && (pGroups[slot - 1] < 0 || sum > pValues[slot - 1]) {
                            pGroups[slot] = pGroups[slot - 1]
                            pValues[slot] = pValues[slot - 1]
                            slot -= 1
                        }
                        pGroups[slot] = Int32(truncatingIfNeeded: g)
                        pValues[slot] = sum
                    } else if sum < 0 && (nGroups[k - 1] < 0 || sum < nValues[k - 1]) {
                        var slot = k - 1
                        while slot > 0 && (nGroups[slot - 1] < 0 || sum < nValues[slot - 1]) {
                            nGroups[slot] = nGroups[slot - 1]
                            nValues[slot] = nValues[slot - 1]
                            slot -= 1
                        }
                        nGroups[slot] = Int32(truncatingIfNeeded: g)
                        nValues[slot] = sum
                    }
                }
                eta[i] = a + total
            }
        }}}}}}}}}
    }
}
