import Foundation
import LinearAlgebra

/// A logistic regression trainer with an optional L2 or elastic-net penalty and sample weights.
///
/// It minimizes, over the intercept `b` (never penalized) and the coefficients `β`,
///
///     Σᵢ sᵢ·[log(1 + exp(ηᵢ)) − yᵢηᵢ] + λ·(α‖β‖₁ + (1 − α)/2·‖β‖²),   ηᵢ = b + xᵢ·β
///
/// With `α = 0` (the default) the penalty is `(λ/2)·‖β‖²`. With `λ = 1/C` and
/// `standardize == false` this is scikit-learn's `LogisticRegression(C=C, l1_ratio=α)`;
/// with `λ = 0` it is statsmodels' `Logit`. With `standardize` (the default) the penalty
/// applies to the coefficients of the columns scaled to unit weighted standard deviation; the
/// coefficients are still reported on the original scale.
///
/// With `α > 0` the L1 part sets some coefficients exactly to zero (`droppedFeatures` of the
/// fit) and the solver is proximal Newton with coordinate descent (`ProximalNewtonSolver`);
/// otherwise it is Newton's method with a Cholesky-factored Hessian. Above `hessianFreeWidth`
/// features (wide data: hashed or one-hot columns) neither forms the `(d + 1)²` Hessian: the
/// solver is L-BFGS, or OWL-QN with an L1 part (`QuasiNewtonSolver`), and the fit has no
/// covariance.
///
///     let fit = try LogisticRegression(l2: 1).fit(data)
///     print(fit.coefficientTable)
///     let sparse = try LogisticRegression(lambda: 20, l1Ratio: 0.5).fit(data)
///     print(sparse.droppedFeatures)
public struct LogisticRegression: Codable, Equatable, Sendable {
    /// The penalty strength `λ ≥ 0`; default 0 (maximum likelihood). With `l1Ratio == 0` the
    /// penalty is `(λ/2)·‖β‖²`, hence the name.
    public var l2: Double
    /// The elastic-net mixing `α ∈ [0, 1]`: the share of the penalty that is L1; default 0
    /// (pure L2). scikit-learn calls it `l1_ratio`, glmnet `alpha`.
    public var l1Ratio: Double = 0
    /// Whether the penalty applies to standardized coefficients; default true.
    public var standardize: Bool
    /// Convergence tolerance on `max|gradient|` of the objective divided by `Σ sᵢ`, in
    /// standardized coordinates; default 1e-10.
    public var tolerance: Double
    /// The most Newton steps; default 100.
    public var maxIterations: Int
    /// The most rows of the sample a fit on many rows starts from; default 100,000.
    ///
    /// A fit on `n` rows samples `m = min(hessianSampleRows, n/8)` rows in evenly spread
    /// blocks, if `m` is at least `min(hessianSampleRows, 10,000)` (so from 80,000 rows on,
    /// by default): it first minimizes the objective on the sample, then takes steps over all
    /// rows with the sample's Hessian until the gradient meets the tolerance, and computes the
    /// exact Hessian once at the end to certify convergence and give the covariance. The
    /// gradient of the steps over all rows is always exact, so the solution is the same. 0
    /// turns sampling off. (With an L1 part, proximal Newton steps sum their Hessian over a
    /// sample of this many rows on more than four times as many.)
    public var hessianSampleRows: Int
    /// Above this many features the fit never forms the `(d + 1)²` Hessian: it uses L-BFGS
    /// (OWL-QN with an L1 part, `QuasiNewtonSolver`) on values and gradients, with the same
    /// objective, tolerance and convergence report, and the fit has no covariance (so no
    /// standard errors and no score ranges); default 1,000 (`defaultHessianFreeWidth`).
    public var hessianFreeWidth: Int = Self.defaultHessianFreeWidth
    /// The most L-BFGS steps of a fit above `hessianFreeWidth`; default 5,000.
    public var quasiNewtonIterations: Int = Self.defaultQuasiNewtonIterations
    /// The smallest sample a `hessianSampleRows` above it allows (see there); 10,000. Not
    /// written with the settings: tests lower it to make samples of samples on few rows.
    var minimumSampleRows = 10_000

    /// The default `hessianFreeWidth`. Past 1,000 features the covariance alone is a million
    /// numbers in the model file and `d²` operations per scored row for its range, and a Newton
    /// step's `dsyrk` pass costs as much as a whole L-BFGS fit (Benchmarks/README.md).
    public static let defaultHessianFreeWidth = 1000
    /// The default `quasiNewtonIterations`.
    public static let defaultQuasiNewtonIterations = 5000

    /// Creates a trainer.
    ///
    /// - Parameters:
    ///   - l2: The penalty strength `λ`, finite and ≥ 0; default 0.
    ///   - standardize: Penalize standardized coefficients; default true.
    ///   - tolerance: See the property; default 1e-10.
    ///   - maxIterations: See the property; default 100.
    ///   - hessianSampleRows: See the property; default 100,000.
    public init(l2: Double = 0, standardize: Bool = true, tolerance: Double = 1e-10, maxIterations: Int = 100,
                hessianSampleRows: Int = 100_000) {
        self.l2 = l2
        self.standardize = standardize
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.hessianSampleRows = hessianSampleRows
    }

    /// Creates an elastic-net trainer: penalty `λ·(α‖β‖₁ + (1 − α)/2·‖β‖²)`.
    ///
    /// - Parameters:
    ///   - lambda: The penalty strength `λ`, finite and ≥ 0 (`1/C` in scikit-learn).
    ///   - l1Ratio: The mixing `α` in `[0, 1]`; 1 is the lasso, 0 ridge.
    ///   - standardize: Penalize standardized coefficients; default true.
    ///   - tolerance: See the property; default 1e-10.
    ///   - maxIterations: See the property; default 100.
    public init(lambda: Double, l1Ratio: Double, standardize: Bool = true, tolerance: Double = 1e-10,
                maxIterations: Int = 100) {
        self.init(l2: lambda, standardize: standardize, tolerance: tolerance, maxIterations: maxIterations)
        self.l1Ratio = l1Ratio
    }

    /// The penalty strength `λ` (the stored `l2`), under its elastic-net name.
    public var lambda: Double {
        get { l2 }
        set { l2 = newValue }
    }

    private enum CodingKeys: String, CodingKey {
        case l2, l1Ratio, standardize, tolerance, maxIterations, hessianSampleRows, hessianFreeWidth, quasiNewtonIterations
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        l2 = try container.decode(Double.self, forKey: .l2)
        // Absent in files written before the elastic net: those are pure L2.
        l1Ratio = try container.decodeIfPresent(Double.self, forKey: .l1Ratio) ?? 0
        standardize = try container.decode(Bool.self, forKey: .standardize)
        tolerance = try container.decode(Double.self, forKey: .tolerance)
        maxIterations = try container.decode(Int.self, forKey: .maxIterations)
        hessianSampleRows = try container.decode(Int.self, forKey: .hessianSampleRows)
        hessianFreeWidth = try container.decodeIfPresent(Int.self, forKey: .hessianFreeWidth) ?? Self.defaultHessianFreeWidth
        quasiNewtonIterations = try container.decodeIfPresent(Int.self, forKey: .quasiNewtonIterations)
            ?? Self.defaultQuasiNewtonIterations
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(l2, forKey: .l2)
        // Written only when used, so that L2 models keep their bytes.
        if l1Ratio != 0 { try container.encode(l1Ratio, forKey: .l1Ratio) }
        try container.encode(standardize, forKey: .standardize)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(maxIterations, forKey: .maxIterations)
        try container.encode(hessianSampleRows, forKey: .hessianSampleRows)
        // Likewise written only when not the default.
        if hessianFreeWidth != Self.defaultHessianFreeWidth { try container.encode(hessianFreeWidth, forKey: .hessianFreeWidth) }
        if quasiNewtonIterations != Self.defaultQuasiNewtonIterations {
            try container.encode(quasiNewtonIterations, forKey: .quasiNewtonIterations)
        }
    }

    /// Whether a fit on `features` columns goes without the Hessian (more than `hessianFreeWidth`).
    public func isHessianFree(features: Int) -> Bool { features > hessianFreeWidth }

    /// Whether the fit uses the L1 part of the penalty (`λ > 0` and `α > 0`).
    public var usesL1: Bool { l2 > 0 && l1Ratio > 0 }

    /// Fits the model to labelled rows in memory.
    ///
    /// - Parameters:
    ///   - data: The rows.
    ///   - threads: Threads for each pass over the rows; default 1. The result is the same,
    ///     bit for bit, for any count. With more than one, set `BLASThreads` to 1.
    ///   - onStep: Called after each Newton step, for progress reports; default none.
    /// - Throws: `TrainingError` for degenerate data (see `fit(_:featureNames:)`).
    public func fit(_ data: TrainingData, threads: Int = 1,
                    onStep: ((NewtonStep) -> Void)? = nil) throws(TrainingError) -> LogisticRegressionFit {
        try fit(data, featureNames: data.featureNames, threads: threads, onStep: onStep)
    }

    /// Fits the model to rows from any source.
    ///
    /// Passes over the data: one for column moments, then one per Newton step (value,
    /// gradient and Hessian together), plus value-only passes when a step is shortened, and
    /// without a penalty one more to look for rows fitted with certainty. On many rows (see
    /// `hessianSampleRows`), Newton steps on a sample of evenly spread blocks, each reading a
    /// fraction of the rows, find a start; from there each step over all rows is a quasi-Newton
    /// step seeded with the sample's Hessian (`SeededBFGSSolver`), which takes one value and
    /// gradient pass; one exact Hessian pass, which usually also takes the last step, ends the
    /// fit. Above
    /// `hessianFreeWidth` features, each L-BFGS step takes one pass for value and gradient
    /// (more when the step is shortened), and no pass forms the Hessian.
    ///
    /// - Parameters:
    ///   - source: The rows.
    ///   - featureNames: One name per feature, for messages and reports.
    ///   - threads: Threads for each pass when `source` is an `IndexedRowBlockSource`;
    ///     default 1. The result is the same, bit for bit, for any count.
    ///   - onStep: Called after each Newton step, for progress reports; default none.
    /// - Returns: The fit, with coefficients on the original scale and their covariance (none
    ///   above `hessianFreeWidth` features).
    /// - Throws: `TrainingError.noRows`, `.singleClass`, `.constantColumns`; without a penalty
    ///   also `.fewerRowsThanParameters`, `.collinearColumns`, `.perfectSeparation` and
    ///   `.quasiCompleteSeparation`; `.invalidSetting` for a bad `l2`, or for no penalty above
    ///   `hessianFreeWidth` features.
    /// - Complexity: O(n·d²) per exact Newton step (BLAS `dsyrk`); on many rows, O(m·d²) per
    ///   step on a sample of m rows, O(n·d) per step over all rows and O(n·d²) once;
    ///   typically 3–10 steps. Above `hessianFreeWidth`,
    ///   O(n·d) per L-BFGS step; typically 20–100 steps.
    public func fit<Source: RowBlockSource>(_ source: Source, featureNames: [String], threads: Int = 1,
                                            onStep: ((NewtonStep) -> Void)? = nil) throws(TrainingError) -> LogisticRegressionFit {
        try validateSettings()
        let d = source.featureCount
        precondition(featureNames.count == d, "Expected \(d) feature names.")
        if !usesL1 && !isHessianFree(features: d),
           let fit = try fitFromSample(source, featureNames: featureNames, threads: max(1, threads), onStep: onStep) {
            return fit
        }

        let (moments, positiveWeight) = try Self.columnMoments(of: source, featureNames: featureNames, threads: threads)
        let penalized = l2 > 0
        let (scales, penalties, rate, start) = try setup(moments, positiveWeight: positiveWeight)
        let sd = moments.standardDeviations
        let objective = LogisticObjective(source: source, centers: moments.means, scales: scales,
                                          penalties: penalties, rejectsSeparation: !penalized,
                                          threads: max(1, threads))
        if isHessianFree(features: d) {
            guard penalized else {
                throw .invalidSetting("\(d) features are more than the \(hessianFreeWidth) for which the Hessian is formed, "
                    + "and without it a fit cannot check for collinear columns or give standard errors; "
                    + "set a penalty (an L2 penalty or the elastic net) for this many features.")
            }
            let lasso = usesL1 ? l2 * l1Ratio : 0
            let l1 = [0] + scales.map { standardize ? lasso : lasso * $0 }
            let problem = ElasticNetProblem(objective: objective, l1: l1, featureNames: featureNames,
                                            moments: moments, rate: rate)
            return try fitWithoutHessian(problem, from: start, free: nil, onStep: onStep)
        }
        if usesL1 {
            let lasso = l2 * l1Ratio
            let l1 = [0] + scales.map { standardize ? lasso : lasso * $0 }
            let problem = ElasticNetProblem(objective: objective, l1: l1, featureNames: featureNames,
                                            moments: moments, rate: rate)
            // The elastic net keeps its own rule: Hessians sampled on more than 4 × hessianSampleRows rows.
            let hessianStride = hessianSampleRows > 0 ? source.rowCount / hessianSampleRows : 0
            return try fitElasticNet(problem, from: start, free: nil, hessianBlockStride: hessianStride, onStep: onStep)
        }
        // Few rows, or a sample that cannot stand for them (`fitFromSample` declined it: the rows'
        // steps would go astray on its Hessian): Newton steps with the exact Hessian from the start.
        let initial = try objective.evaluate(at: start, order: .hessian)
        if !penalized, let dependency = linearDependency(initial.hessian!) {
            // At the start every row has the same weight p̄(1 − p̄)sᵢ, so the Hessian is the
            // weighted Gram matrix of the centered columns: its rank shows exact collinearity.
            throw collinearityError(dependency, featureNames: featureNames, standardDeviations: sd)
        }
        let solution = try newtonSolver(weightSum: moments.weightSum).minimize(objective, from: start, initial: initial,
                                                                               onStep: onStep)
        return try newtonFit(solution, iterations: solution.iterations, objective: objective,
                             moments: moments, rate: rate, featureNames: featureNames)
    }

    /// The settings' ranges, checked before any pass.
    func validateSettings() throws(TrainingError) {
        guard l2.isFinite && l2 >= 0 else {
            throw .invalidSetting("The L2 penalty must be a finite number ≥ 0, not \(format(l2)).")
        }
        guard l1Ratio >= 0 && l1Ratio <= 1 else {
            throw .invalidSetting("The elastic-net mixing α (l1 ratio) must be between 0 and 1, not \(format(l1Ratio)).")
        }
    }

    /// What every fit derives from pass 1: the scale factors of the standardized coordinates,
    /// the ridge penalty's weight on each coordinate, the positive rate, and the start (the
    /// intercept-only fit).
    ///
    /// - Throws: `.fewerRowsThanParameters` for an unpenalized fit with no more rows than
    ///   parameters.
    func setup(_ moments: ColumnMoments, positiveWeight: Double) throws(TrainingError)
        -> (scales: [Double], penalties: [Double], rate: Double, start: [Double])
    {
        let d = moments.means.count
        if !(l2 > 0) && moments.count <= d {
            throw .fewerRowsThanParameters(rows: moments.count, parameters: d + 1)
        }
        let scales = moments.standardDeviations.map { 1 / $0 }
        let ridge = usesL1 ? l2 * (1 - l1Ratio) : l2
        let penalties = scales.map { standardize ? ridge : ridge * $0 * $0 }
        let rate = positiveWeight / moments.weightSum
        return (scales, penalties, rate, [log(rate / (1 - rate))] + [Double](repeating: 0, count: d))
    }

    /// The exact Newton solver of a fit over rows of total weight `weightSum`.
    func newtonSolver(weightSum: Double) -> NewtonCholeskySolver {
        NewtonCholeskySolver(gradientTolerance: tolerance * weightSum, decrementTolerance: 1e-4 * tolerance * weightSum,
                             maxIterations: maxIterations)
    }

    /// The fit at the minimum a Newton solver reached: the separation check of an unpenalized
    /// fit, the covariance from the Hessian's factor, and the statistics.
    func newtonFit<Objective: LogisticPointPasses>(_ solution: NewtonSolution, iterations: Int, objective: Objective,
                                                  moments: ColumnMoments, rate: Double,
                                                  featureNames: [String]) throws(TrainingError) -> LogisticRegressionFit {
        let (scales, penalties) = (objective.scales, objective.penalties)
        let sd = moments.standardDeviations
        let weightSum = moments.weightSum
        if !(l2 > 0) {
            // Coefficients running off to infinity fit some rows with certainty (and may end
            // with a Hessian too close to singular to factor).
            let stats = try objective.passStatistics(at: solution.parameters, order: .value)
            if stats.certainRows > 0 {
                let gamma = Array(solution.parameters.dropFirst())
                let largest = gamma.indices.max { abs(gamma[$0]) < abs(gamma[$1]) }!
                throw .quasiCompleteSeparation(rows: stats.certainRows, largestCoefficient: featureNames[largest])
            }
        }
        guard let factor = solution.hessianFactor else {
            throw .numerical(solution.failure ?? .notPositiveDefinite(leadingMinor: 0))
        }

        let covariance: Matrix
        do {
            covariance = try factor.inverse()
        } catch {
            throw .numerical(error)
        }
        let (intercept, beta) = objective.originalScale(solution.parameters)
        let penalty = zip(penalties, solution.parameters.dropFirst()).reduce(0) { $0 + 0.5 * $1.0 * $1.1 * $1.1 }
        let nullLogLikelihood = weightSum * (rate * log(rate) + (1 - rate) * log1p(-rate))
        return LogisticRegressionFit(
            featureNames: featureNames, intercept: intercept, coefficients: beta,
            covariance: originalScaleCovariance(covariance, centers: objective.centers, scales: scales).elements,
            settings: self, centers: moments.means, standardDeviations: sd,
            observationCount: moments.count, weightSum: weightSum, positiveRate: rate,
            objective: solution.evaluation.value,
            logLikelihood: -(solution.evaluation.value - penalty),
            nullLogLikelihood: nullLogLikelihood,
            iterations: iterations, converged: solution.converged,
            maxAbsGradient: solution.maxAbsGradient, newtonDecrement: solution.newtonDecrement)
    }

    /// Pass 1 of every fit: the weighted column moments and the weight of the positive labels,
    /// with the checks that need nothing else (no rows, a single class, constant columns).
    static func columnMoments<Source: RowBlockSource>(of source: Source, featureNames: [String],
                                                      threads: Int) throws(TrainingError) -> (ColumnMoments, Double) {
        let (moments, positiveWeight) = Self.moments(of: source, threads: threads)
        try checkMoments(moments, positiveWeight: positiveWeight, featureNames: featureNames)
        return (moments, positiveWeight)
    }

    /// The weighted column moments and the weight of the positive labels of every block, or of
    /// every `blockStride`-th one.
    static func moments<Source: RowBlockSource>(of source: Source, threads: Int,
                                                blockStride: Int = 1) -> (ColumnMoments, Double) {
        let d = source.featureCount
        return StrandedPass.sum(
            over: source, threads: threads, blockStride: blockStride,
            empty: { FirstPass(featureCount: d, order: nil) },
            add: { sum, block, _ in sum.add(block, intercept: 0, coefficients: []) },
            merge: { $0.merge($1) }).momentsAndPositiveWeight
    }

    /// The checks pass 1 allows: no rows, a single class, constant columns.
    static func checkMoments(_ moments: ColumnMoments, positiveWeight: Double, featureNames: [String]) throws(TrainingError) {
        let d = featureNames.count
        let weightSum = moments.weightSum
        guard moments.count > 0, weightSum > 0 else { throw .noRows }
        if positiveWeight == 0 || positiveWeight == weightSum {
            throw .singleClass(label: positiveWeight == 0 ? 0 : 1, rows: moments.count)
        }
        let constant = (0..<d).filter { moments.minimums[$0] == moments.maximums[$0] }
        if !constant.isEmpty {
            throw .constantColumns(constant.map { featureNames[$0] }, values: constant.map { moments.minimums[$0] })
        }
    }

    /// A column that is a linear combination of others, in the Gram matrix of the centered
    /// columns (the feature block of `hessian`), if there is one.
    func linearDependency(_ hessian: Matrix) -> LinearDependency? {
        let d = hessian.rows - 1
        // A column constant on these rows (possible on a sample) depends on the intercept.
        if let j = (0..<d).first(where: { !(hessian[$0 + 1, $0 + 1] > 0) }) {
            return LinearDependency(column: j, combination: [])
        }
        guard d > 1 else { return nil }
        // The feature block, scaled to a unit diagonal: the weighted correlation matrix.
        var correlation = Matrix(rows: d, columns: d)
        for i in 0..<d {
            for j in 0..<d {
                correlation[i, j] = hessian[i + 1, j + 1] / (hessian[i + 1, i + 1] * hessian[j + 1, j + 1]).squareRoot()
            }
        }
        // The matrix is finite and square, so the factorization cannot fail.
        return try! PivotedCholesky(factoring: correlation, tolerance: 1e-10).dependencies.first
    }

    /// The error naming a dependent column and the combination it equals, on the original scale.
    func collinearityError(_ dependency: LinearDependency, featureNames: [String],
                                   standardDeviations sd: [Double]) -> TrainingError {
        // zₖ = Σ aⱼzⱼ in standardized columns means xₖ = const + Σ (σₖaⱼ/σⱼ)·xⱼ.
        let k = dependency.column
        let terms = dependency.combination
            .map { (column: featureNames[$0.column], coefficient: sd[k] * $0.coefficient / sd[$0.column]) }
        return .collinearColumns(column: featureNames[k], combination: terms)
    }

    /// Maps a covariance of standardized coordinates `(b, γ)` to the original `(b, β)`:
    /// `T·Σ·Tᵀ` with `βⱼ = cⱼγⱼ` and intercept `b − Σ μⱼcⱼγⱼ`.
    func originalScaleCovariance(_ sigma: Matrix, centers: [Double], scales: [Double]) -> Matrix {
        let p = sigma.rows
        var t = Matrix(rows: p, columns: p)
        t[0, 0] = 1
        for j in 0..<(p - 1) {
            t[0, j + 1] = -centers[j] * scales[j]
            t[j + 1, j + 1] = scales[j]
        }
        return t.product(sigma).product(t.transposed)
    }
}
