import Foundation
import LinearAlgebra

/// A logistic regression trainer with an optional L2 penalty and sample weights.
///
/// It minimizes, over the intercept `b` (never penalized) and the coefficients `β`,
///
///     Σᵢ sᵢ·[log(1 + exp(ηᵢ)) − yᵢηᵢ] + (λ/2)·‖β‖²,   ηᵢ = b + xᵢ·β
///
/// With `λ = 1/C` and `standardize == false` this is scikit-learn's
/// `LogisticRegression(C=C)`; with `λ = 0` it is statsmodels' `Logit`. With `standardize`
/// (the default) the penalty applies to the coefficients of the columns scaled to unit
/// weighted standard deviation; the coefficients are still reported on the original scale.
///
///     let fit = try LogisticRegression(l2: 1).fit(data)
///     print(fit.coefficientTable)
public struct LogisticRegression: Codable, Equatable, Sendable {
    /// The L2 penalty strength `λ ≥ 0`; default 0 (maximum likelihood).
    public var l2: Double
    /// Whether the penalty applies to standardized coefficients; default true.
    public var standardize: Bool
    /// Convergence tolerance on `max|gradient|` of the objective divided by `Σ sᵢ`, in
    /// standardized coordinates; default 1e-10.
    public var tolerance: Double
    /// The most Newton steps; default 100.
    public var maxIterations: Int

    /// Creates a trainer.
    ///
    /// - Parameters:
    ///   - l2: The penalty strength `λ`, finite and ≥ 0; default 0.
    ///   - standardize: Penalize standardized coefficients; default true.
    ///   - tolerance: See the property; default 1e-10.
    ///   - maxIterations: See the property; default 100.
    public init(l2: Double = 0, standardize: Bool = true, tolerance: Double = 1e-10, maxIterations: Int = 100) {
        self.l2 = l2
        self.standardize = standardize
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// Fits the model to labelled rows in memory.
    ///
    /// - Parameters:
    ///   - data: The rows.
    ///   - onStep: Called after each Newton step, for progress reports; default none.
    /// - Throws: `TrainingError` for degenerate data (see `fit(_:featureNames:)`).
    public func fit(_ data: TrainingData, onStep: ((NewtonStep) -> Void)? = nil) throws(TrainingError) -> LogisticRegressionFit {
        try fit(data, featureNames: data.featureNames, onStep: onStep)
    }

    /// Fits the model to rows from any source.
    ///
    /// Passes over the data: one for column moments, then one per Newton step (value,
    /// gradient and Hessian together), plus value-only passes when a step is shortened.
    ///
    /// - Parameters:
    ///   - source: The rows.
    ///   - featureNames: One name per feature, for messages and reports.
    ///   - onStep: Called after each Newton step, for progress reports; default none.
    /// - Returns: The fit, with coefficients on the original scale and their covariance.
    /// - Throws: `TrainingError.noRows`, `.singleClass`, `.constantColumns`; without a penalty
    ///   also `.fewerRowsThanParameters`, `.collinearColumns`, `.perfectSeparation` and
    ///   `.quasiCompleteSeparation`; `.invalidSetting` for a bad `l2`.
    /// - Complexity: O(n·d²) per Newton step, BLAS `dsyrk`; typically 5–10 steps.
    public func fit<Source: RowBlockSource>(_ source: Source, featureNames: [String],
                                            onStep: ((NewtonStep) -> Void)? = nil) throws(TrainingError) -> LogisticRegressionFit {
        guard l2.isFinite && l2 >= 0 else {
            throw .invalidSetting("The L2 penalty must be a finite number ≥ 0, not \(format(l2)).")
        }
        let d = source.featureCount
        precondition(featureNames.count == d, "Expected \(d) feature names.")

        // Pass 1: weighted column moments and label counts.
        var moments = ColumnMoments(columns: d)
        var positiveWeight = 0.0
        source.forEachBlock { block in
            moments.add(rows: block.rows, of: block.features, weights: block.weights)
            for i in 0..<block.rows.count where block.weight(i) > 0 {
                positiveWeight += block.weight(i) * block.label(i)
            }
        }
        let weightSum = moments.weightSum
        guard moments.count > 0, weightSum > 0 else { throw .noRows }
        if positiveWeight == 0 || positiveWeight == weightSum {
            throw .singleClass(label: positiveWeight == 0 ? 0 : 1, rows: moments.count)
        }
        let constant = (0..<d).filter { moments.minimums[$0] == moments.maximums[$0] }
        if !constant.isEmpty {
            throw .constantColumns(constant.map { featureNames[$0] }, values: constant.map { moments.minimums[$0] })
        }
        let penalized = l2 > 0
        if !penalized && moments.count <= d {
            throw .fewerRowsThanParameters(rows: moments.count, parameters: d + 1)
        }

        let sd = moments.standardDeviations
        let scales = sd.map { 1 / $0 }
        let penalties = scales.map { standardize ? l2 : l2 * $0 * $0 }
        let objective = LogisticObjective(source: source, centers: moments.means, scales: scales,
                                          penalties: penalties, rejectsSeparation: !penalized)
        let rate = positiveWeight / weightSum
        let start = [log(rate / (1 - rate))] + [Double](repeating: 0, count: d)
        let initial = try objective.evaluate(at: start, order: .hessian)
        if !penalized {
            // At the start every row has the same weight p̄(1 − p̄)sᵢ, so the Hessian is the
            // weighted Gram matrix of the centered columns: its rank shows exact collinearity.
            try checkCollinearity(initial.hessian!, featureNames: featureNames, standardDeviations: sd)
        }

        let solver = NewtonCholeskySolver(gradientTolerance: tolerance * weightSum,
                                          decrementTolerance: 1e-14 * weightSum,
                                          maxIterations: maxIterations)
        let solution = try solver.minimize(objective, from: start, initial: initial, onStep: onStep)
        if !penalized {
            // Coefficients running off to infinity fit some rows with certainty (and may end
            // with a Hessian too close to singular to factor).
            let stats = objective.passStatistics(at: solution.parameters, order: .value)
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
            covariance: originalScaleCovariance(covariance, centers: moments.means, scales: scales).elements,
            settings: self, centers: moments.means, standardDeviations: sd,
            observationCount: moments.count, weightSum: weightSum, positiveRate: rate,
            objective: solution.evaluation.value,
            logLikelihood: -(solution.evaluation.value - penalty),
            nullLogLikelihood: nullLogLikelihood,
            iterations: solution.iterations, converged: solution.converged,
            maxAbsGradient: solution.maxAbsGradient, newtonDecrement: solution.newtonDecrement)
    }

    /// Throws `collinearColumns` if the Gram matrix of the centered columns is rank-deficient.
    private func checkCollinearity(_ hessian: Matrix, featureNames: [String], standardDeviations sd: [Double]) throws(TrainingError) {
        let d = featureNames.count
        guard d > 1 else { return }
        // The feature block, scaled to a unit diagonal: the weighted correlation matrix.
        var correlation = Matrix(rows: d, columns: d)
        for i in 0..<d {
            for j in 0..<d {
                correlation[i, j] = hessian[i + 1, j + 1] / (hessian[i + 1, i + 1] * hessian[j + 1, j + 1]).squareRoot()
            }
        }
        let pivoted: PivotedCholesky
        do {
            pivoted = try PivotedCholesky(factoring: correlation, tolerance: 1e-10)
        } catch {
            throw .numerical(error)
        }
        guard let dependency = pivoted.dependencies.first else { return }
        // zₖ = Σ aⱼzⱼ in standardized columns means xₖ = const + Σ (σₖaⱼ/σⱼ)·xⱼ.
        let k = dependency.column
        let terms = dependency.combination
            .map { (column: featureNames[$0.column], coefficient: sd[k] * $0.coefficient / sd[$0.column]) }
        throw .collinearColumns(column: featureNames[k], combination: terms)
    }

    /// Maps a covariance of standardized coordinates `(b, γ)` to the original `(b, β)`:
    /// `T·Σ·Tᵀ` with `βⱼ = cⱼγⱼ` and intercept `b − Σ μⱼcⱼγⱼ`.
    private func originalScaleCovariance(_ sigma: Matrix, centers: [Double], scales: [Double]) -> Matrix {
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
