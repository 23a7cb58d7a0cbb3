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
    /// Rows per block: the variance of a block costs one BLAS call. 512 rows of 146 columns
    /// (600 KB) stay in a 1 MB L2 cache from centering to `dtrmm`; a multiple of 4.
    public static let blockRows = 512

    /// The model's column groups, consecutive and covering `0..<d`.
    public let groups: [Range<Int>]
    /// The coefficients `β`.
    public let coefficients: [Double]
    /// The column centers `μ`.
    public let centers: [Double]
    /// `η` at the centers, `b + μ·β`.
    public let centeredIntercept: Double
    /// How the centered covariance was factored: `.cholesky` unless it is not numerically
    /// positive definite; `nil` for a fit without covariance.
    public var covarianceFactorization: QuadraticForm.Factorization? { form?.factorization }
    /// Whether scores have ranges: false for a fit without covariance (`hasCovariance`), whose
    /// standard errors and range ends are NaN.
    public var hasRanges: Bool { form != nil }
    private let form: QuadraticForm?
    /// `groupEnds[g]` is `groups[g].upperBound`, for the kernel.
    private let groupEnds: [Int]

    /// Prepares a scorer: checks the grouping, centers the covariance and factors it.
    ///
    /// - Parameters:
    ///   - fit: The fitted model; its `covariance` (when it has one), `centers` and
    ///     `coefficients` are used.
    ///   - groups: Consecutive column ranges covering `0..<d` in order, one per feature (empty
    ///     ranges allowed); `nil` puts each column in a group of its own.
    /// - Throws: `LinearScorerError` for a grouping that does not cover the columns in order,
    ///   an inconsistent fit, or a non-finite covariance.
    /// - Complexity: O(d³) for the factorization.
    public init(fit: LogisticRegressionFit, groups: [Range<Int>]? = nil) throws(LinearScorerError) {
        let d = fit.coefficients.count
        let m = d + 1
        guard fit.centers.count == d, fit.covariance.count == m * m || !fit.hasCovariance else {
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
        self.groups = groups
        self.groupEnds = groups.map(\.upperBound)
        coefficients = fit.coefficients
        centers = mu
        centeredIntercept = fit.intercept + zip(mu, fit.coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        guard fit.hasCovariance else {
            form = nil
            return
        }
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
    /// - Complexity: O(n·d²): per block of `blockRows` rows, one BLAS `dtrmm` of order d + 1, and
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
        let m = coefficients.count + 1
        let groupCount = groups.count
        var out = LinearScores(groupCount: groupCount, capacity: rows.count, includeContributions: includeContributions)
        var block = BlockScores(blockRows: Self.blockRows, columns: m, groupCount: groupCount, keepsCenteredRows: form != nil)
        var start = rows.lowerBound
        while start < rows.upperBound {
            let count = min(Self.blockRows, rows.upperBound - start)
            centerAndExplain(features, rows: start..<(start + count), into: &block)
            let variances = form?.evaluate(rowsOf: &block.centered, rowCount: count)
                ?? [Double](repeating: .nan, count: count)
            block.finish(rowCount: count, variances: variances)
            out.linearPredictor.append(contentsOf: block.eta[0..<count])
            out.standardError.append(contentsOf: block.standardError[0..<count])
            out.probability.append(contentsOf: block.probability[0..<count])
            out.low.append(contentsOf: block.low[0..<count])
            out.high.append(contentsOf: block.high[0..<count])
            if includeContributions { block.appendContributions(rowCount: count, groupCount: groupCount, to: &out.contributions!) }
            block.appendReasons(rowCount: count, to: &out)
            out.count += count
            start += count
        }
        return out
    }

    /// For each row of a block: writes `[1 | x − μ]` into `block.centered`, each group's
    /// contribution, `η`, and the top reasons each way.
    private func centerAndExplain(_ features: Matrix, rows: Range<Int>, into block: inout BlockScores) {
        let d = coefficients.count
        let groupCount = groups.count
        let stride = block.blockRows
        let rowStride = block.centeredRowStride
        let a = centeredIntercept
        features.elements.withUnsafeBufferPointer { x in
        centers.withUnsafeBufferPointer { mu in
        coefficients.withUnsafeBufferPointer { beta in
        groupEnds.withUnsafeBufferPointer { ends in
        block.centered.withUnsafeMutableBufferPointer { z in
        block.eta.withUnsafeMutableBufferPointer { eta in
        block.groupContributions.withUnsafeMutableBufferPointer { c in
            for (i, row) in rows.enumerated() {
                let source = x.baseAddress! + row * d
                let target = z.baseAddress! + i * rowStride
                target[0] = 1
                var total = 0.0
                var j = 0
                for g in 0..<groupCount {
                    var sum = 0.0
                    let end = ends[g]
                    while j < end {
                        let centered = source[j] - mu[j]
                        target[j + 1] = centered
                        sum += beta[j] * centered
                        j += 1
                    }
                    c[g * stride + i] = sum
                    total += sum
                }
                eta[i] = a + total
            }
        }}}}}}}
        block.selectReasons(rowCount: rows.count, groupCount: groupCount)
    }
}

/// The workspace and results of one block of rows.
private struct BlockScores {
    let blockRows: Int
    /// `[1 | x − μ]` row by row, then overwritten by `QuadraticForm`; without a covariance (no
    /// ranges) a single row that each row overwrites, as nothing reads it.
    var centered: [Double]
    /// How far apart the rows of `centered` are: the column count, or 0 for the single row.
    let centeredRowStride: Int
    var eta, standardError, probability, low, high: [Double]
    /// The contributions group by group: group `g`, row `i` at `g * blockRows + i`.
    var groupContributions: [Double]
    /// The reasons, slot by slot: slot `s`, row `i` at `s * blockRows + i`; groups as doubles
    /// so that the selection runs on one vector type.
    var positiveSlots, positiveSlotGroups, negativeSlots, negativeSlotGroups: [Double]

    init(blockRows: Int, columns: Int, groupCount: Int, keepsCenteredRows: Bool) {
        precondition(blockRows % 4 == 0, "Reasons are selected four rows at a time.")
        self.blockRows = blockRows
        centeredRowStride = keepsCenteredRows ? columns : 0
        centered = [Double](repeating: 0, count: (keepsCenteredRows ? blockRows : 1) * columns)
        eta = [Double](repeating: 0, count: blockRows)
        standardError = eta
        probability = eta
        low = eta
        high = eta
        groupContributions = [Double](repeating: 0, count: blockRows * groupCount)
        positiveSlots = [Double](repeating: 0, count: blockRows * LinearScorer.reasonCount)
        positiveSlotGroups = positiveSlots
        negativeSlots = positiveSlots
        negativeSlotGroups = positiveSlots
    }

    /// The three largest positive and three most negative contributions of each row.
    ///
    /// Groups are visited in order, and each is merged into every row's sorted slots with
    /// compares and selects instead of branches (a row's signs are unpredictable), across rows
    /// so that the compiler can vectorize. Empty slots hold group −1 and value 0, so `v > slot`
    /// alone asks for a strictly positive value; strict comparisons keep the lower group first
    /// among equals.
    mutating func selectReasons(rowCount: Int, groupCount: Int) {
        let n = blockRows
        groupContributions.withUnsafeBufferPointer { c in
        positiveSlots.withUnsafeMutableBufferPointer { pv in
        positiveSlotGroups.withUnsafeMutableBufferPointer { pg in
        negativeSlots.withUnsafeMutableBufferPointer { nv in
        negativeSlotGroups.withUnsafeMutableBufferPointer { ng in
            let p0 = pv.baseAddress!, p1 = p0 + n, p2 = p1 + n
            let q0 = pg.baseAddress!, q1 = q0 + n, q2 = q1 + n
            let m0 = nv.baseAddress!, m1 = m0 + n, m2 = m1 + n
            let r0 = ng.baseAddress!, r1 = r0 + n, r2 = r1 + n
            // Whole vectors of 4 rows; `blockRows` is a multiple of 4, and the rows past
            // `rowCount` in the last vector are computed but never read.
            let lanes = (rowCount + 3) / 4 * 4
            let zero = SIMD4<Double>(repeating: 0), none = SIMD4<Double>(repeating: -1)
            @inline(__always) func load(_ p: UnsafeMutablePointer<Double>, _ i: Int) -> SIMD4<Double> {
                UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
            }
            @inline(__always) func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>, _ i: Int) {
                UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD4<Double>.self)
            }
            for i in stride(from: 0, to: lanes, by: 4) {
                store(zero, p0, i); store(zero, p1, i); store(zero, p2, i)
                store(zero, m0, i); store(zero, m1, i); store(zero, m2, i)
                store(none, q0, i); store(none, q1, i); store(none, q2, i)
                store(none, r0, i); store(none, r1, i); store(none, r2, i)
            }
            for g in 0..<groupCount {
                let values = c.baseAddress! + g * n
                let group = SIMD4<Double>(repeating: Double(g))
                for i in stride(from: 0, to: lanes, by: 4) {
                    let v = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD4<Double>.self)
                    let a0 = load(p0, i), a1 = load(p1, i), a2 = load(p2, i)
                    let b0 = load(q0, i), b1 = load(q1, i), b2 = load(q2, i)
                    let above0 = v .> a0, above1 = v .> a1, above2 = v .> a2
                    store(a2.replacing(with: v, where: above2).replacing(with: a1, where: above1), p2, i)
                    store(b2.replacing(with: group, where: above2).replacing(with: b1, where: above1), q2, i)
                    store(a1.replacing(with: v, where: above1).replacing(with: a0, where: above0), p1, i)
                    store(b1.replacing(with: group, where: above1).replacing(with: b0, where: above0), q1, i)
                    store(a0.replacing(with: v, where: above0), p0, i)
                    store(b0.replacing(with: group, where: above0), q0, i)
                    let e0 = load(m0, i), e1 = load(m1, i), e2 = load(m2, i)
                    let f0 = load(r0, i), f1 = load(r1, i), f2 = load(r2, i)
                    let below0 = v .< e0, below1 = v .< e1, below2 = v .< e2
                    store(e2.replacing(with: v, where: below2).replacing(with: e1, where: below1), m2, i)
                    store(f2.replacing(with: group, where: below2).replacing(with: f1, where: below1), r2, i)
                    store(e1.replacing(with: v, where: below1).replacing(with: e0, where: below0), m1, i)
                    store(f1.replacing(with: group, where: below1).replacing(with: f0, where: below0), r1, i)
                    store(e0.replacing(with: v, where: below0), m0, i)
                    store(f0.replacing(with: group, where: below0), r0, i)
                }
            }
        }}}}}
    }

    /// Appends the first `rowCount` rows' reasons, row by row, to the output arrays.
    func appendReasons(rowCount: Int, to out: inout LinearScores) {
        out.topPositiveGroups += rowMajor(positiveSlotGroups, rowCount: rowCount, columns: LinearScorer.reasonCount) { Int32($0) }
        out.topPositiveContributions += rowMajor(positiveSlots, rowCount: rowCount, columns: LinearScorer.reasonCount) { $0 }
        out.topNegativeGroups += rowMajor(negativeSlotGroups, rowCount: rowCount, columns: LinearScorer.reasonCount) { Int32($0) }
        out.topNegativeContributions += rowMajor(negativeSlots, rowCount: rowCount, columns: LinearScorer.reasonCount) { $0 }
    }

    /// Appends the first `rowCount` rows' contributions, row by row.
    func appendContributions(rowCount: Int, groupCount: Int, to out: inout [Double]) {
        out += rowMajor(groupContributions, rowCount: rowCount, columns: groupCount) { $0 }
    }

    /// The first `rowCount` rows of a column-by-column array (column `c`, row `i` at
    /// `c * blockRows + i`), row by row, converted by `convert`.
    private func rowMajor<T>(_ columnMajor: [Double], rowCount: Int, columns: Int,
                             _ convert: (Double) -> T) -> [T] {
        let n = blockRows
        return columnMajor.withUnsafeBufferPointer { source in
            [T](unsafeUninitializedCapacity: rowCount * columns) { target, initialized in
                for i in 0..<rowCount {
                    for c in 0..<columns { (target.baseAddress! + i * columns + c).initialize(to: convert(source[c * n + i])) }
                }
                initialized = rowCount * columns
            }
        }
    }

    /// The standard errors, probabilities and ranges from `eta` and the variances.
    mutating func finish(rowCount: Int, variances: [Double]) {
        let z = LinearScorer.rangeQuantile
        eta.withUnsafeBufferPointer { eta in
        standardError.withUnsafeMutableBufferPointer { se in
        probability.withUnsafeMutableBufferPointer { p in
        low.withUnsafeMutableBufferPointer { low in
        high.withUnsafeMutableBufferPointer { high in
            for i in 0..<rowCount {
                let e = eta[i]
                let s = variances[i].isNaN ? .nan : max(variances[i], 0).squareRoot()
                se[i] = s
                p[i] = LogisticLoss.probability(eta: e)
                low[i] = LogisticLoss.probability(eta: e - z * s)
                high[i] = LogisticLoss.probability(eta: e + z * s)
            }
        }}}}}
    }
}
