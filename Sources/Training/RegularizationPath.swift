import Foundation
import LinearAlgebra

/// Elastic-net fits along a decreasing grid of penalties, each warm-started from the last, as
/// glmnet computes them.
///
/// The grid runs from `λ_max`, the smallest penalty at which every coefficient is zero, down
/// to `minimumRatio·λ_max` in `lambdaCount` log-spaced steps. At each `λₖ` only the strong set
/// moves: the coefficients already non-zero and those whose loss gradient at the previous
/// solution passes the sequential strong rule, `|gⱼ| ≥ α·wⱼ·(2λₖ − λₖ₋₁)` (Tibshirani et al.,
/// 2012). After the fit, every left-out coefficient's KKT condition `|gⱼ| ≤ λₖα·wⱼ` is checked
/// with the exact gradient; any that fail join the free set and the fit continues, so the
/// rule only saves work and never changes the answer. Above `hessianFreeWidth` features each
/// penalty is fitted by OWL-QN (`QuasiNewtonSolver`), with the same warm starts and checks.
///
///     let path = try RegularizationPath(l1Ratio: 0.5).fit(data, featureNames: data.featureNames)
///     for point in path.points { print(point.lambda, point.nonzeroCount) }
public struct RegularizationPath: Sendable {
    /// The elastic-net mixing `α ∈ [0, 1]` (see `LogisticRegression.l1Ratio`). With `α = 0`
    /// the grid's top is computed as if `α` were 0.001, as glmnet does.
    public var l1Ratio: Double
    /// Whether the penalty applies to standardized coefficients; default true.
    public var standardize: Bool
    /// The number of penalties on the grid; default 100.
    public var lambdaCount: Int
    /// The bottom of the grid as a fraction of `λ_max`; `nil` (the default) means 1e-4 when
    /// there are more rows than features and 0.01 otherwise, as in glmnet.
    public var minimumRatio: Double?
    /// The convergence tolerance of each fit, as in `LogisticRegression.tolerance`; default 1e-10.
    public var tolerance: Double
    /// The most proximal Newton steps per penalty; default 100.
    public var maxIterations: Int
    /// Above this many features each penalty is fitted without the Hessian, by OWL-QN (see
    /// `LogisticRegression.hessianFreeWidth`); default 1,000.
    public var hessianFreeWidth = LogisticRegression.defaultHessianFreeWidth

    /// Creates a path.
    ///
    /// - Parameters:
    ///   - l1Ratio: The mixing `α` in `[0, 1]`.
    ///   - standardize: Penalize standardized coefficients; default true.
    ///   - lambdaCount: Penalties on the grid, at least 1; default 100.
    ///   - minimumRatio: See the property; default `nil`.
    ///   - tolerance: See the property; default 1e-10.
    ///   - maxIterations: See the property; default 100.
    public init(l1Ratio: Double, standardize: Bool = true, lambdaCount: Int = 100, minimumRatio: Double? = nil,
                tolerance: Double = 1e-10, maxIterations: Int = 100) {
        self.l1Ratio = l1Ratio
        self.standardize = standardize
        self.lambdaCount = lambdaCount
        self.minimumRatio = minimumRatio
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// The default grid: `lambdaCount` penalties from `lambdaMax` down to `minimumRatio·lambdaMax`,
    /// log-spaced.
    func grid(lambdaMax: Double, rows: Int, features: Int) -> [Double] {
        let ratio = minimumRatio ?? (rows > features ? 1e-4 : 1e-2)
        guard lambdaCount > 1 else { return [lambdaMax] }
        return (0..<lambdaCount).map { lambdaMax * pow(ratio, Double($0) / Double(lambdaCount - 1)) }
    }

    /// The trainer that fits one point of this path on its own.
    public func regression(lambda: Double) -> LogisticRegression {
        var trainer = LogisticRegression(lambda: lambda, l1Ratio: l1Ratio, standardize: standardize, tolerance: tolerance,
                                         maxIterations: maxIterations)
        trainer.hessianFreeWidth = hessianFreeWidth
        return trainer
    }

    /// Fits the path.
    ///
    /// - Parameters:
    ///   - source: The rows.
    ///   - featureNames: One name per feature.
    ///   - lambdas: The penalties to fit, instead of the grid (for example the grid of the whole
    ///     data when cross-validating); they are fitted largest first.
    ///   - threads: Threads for each pass; the result is the same, bit for bit, for any count.
    ///   - onPoint: Called after each penalty is fitted, for progress reports.
    /// - Returns: Every point of the path.
    /// - Throws: `TrainingError.noRows`, `.singleClass`, `.constantColumns`, `.invalidSetting`,
    ///   or a solver failure.
    /// - Complexity: Per penalty usually one or two passes with the Hessian, O(n·d²) each;
    ///   above `hessianFreeWidth` features, tens of passes of O(n·d) each.
    public func fit<Source: RowBlockSource>(_ source: Source, featureNames: [String], lambdas: [Double]? = nil,
                                            threads: Int = 1,
                                            onPoint: ((PathPoint) -> Void)? = nil) throws(TrainingError) -> PathFit {
        guard l1Ratio >= 0 && l1Ratio <= 1 else {
            throw .invalidSetting("The elastic-net mixing α (l1 ratio) must be between 0 and 1, not \(format(l1Ratio)).")
        }
        guard lambdaCount >= 1 else { throw .invalidSetting("A path needs at least one penalty, not \(lambdaCount).") }
        if let minimumRatio, !(minimumRatio > 0 && minimumRatio < 1) {
            throw .invalidSetting("The path's minimum ratio must be between 0 and 1, not \(format(minimumRatio)).")
        }
        if let lambdas, lambdas.isEmpty || !lambdas.allSatisfy({ $0.isFinite && $0 > 0 }) {
            throw .invalidSetting("The penalties of a path must be finite and > 0.")
        }
        let d = source.featureCount
        precondition(featureNames.count == d, "Expected \(d) feature names.")
        let threads = max(1, threads)
        let (moments, positiveWeight) = try LogisticRegression.columnMoments(of: source, featureNames: featureNames,
                                                                             threads: threads)
        let weightSum = moments.weightSum
        let rate = positiveWeight / weightSum
        let scales = moments.standardDeviations.map { 1 / $0 }
        let l1Unit = scales.map { standardize ? 1 : $0 }          // |βⱼ| = cⱼ|γⱼ|
        let l2Unit = scales.map { standardize ? 1 : $0 * $0 }     // βⱼ² = cⱼ²γⱼ²
        func objective(_ lambda: Double) -> LogisticObjective<Source> {
            LogisticObjective(source: source, centers: moments.means, scales: scales,
                              penalties: l2Unit.map { lambda * (1 - l1Ratio) * $0 }, threads: threads)
        }

        // At the intercept-only point the coefficients' gradient is the loss gradient.
        var x = [log(rate / (1 - rate))] + [Double](repeating: 0, count: d)
        let hessianFree = d > hessianFreeWidth
        var current = try objective(0).evaluate(at: x, order: hessianFree ? .gradient : .hessian)
        let alpha = max(l1Ratio, 1e-3)
        let lambdaMax = (0..<d).map { abs(current.gradient![$0 + 1]) / (alpha * l1Unit[$0]) }.max() ?? 0
        let grid = lambdas?.sorted(by: >) ?? self.grid(lambdaMax: lambdaMax, rows: moments.count, features: d)

        let newton = ProximalNewtonSolver(gradientTolerance: tolerance * weightSum,
                                          decrementTolerance: 1e-4 * tolerance * weightSum,
                                          maxIterations: maxIterations)
        let quasiNewton = QuasiNewtonSolver(gradientTolerance: newton.gradientTolerance,
                                            decrementTolerance: newton.decrementTolerance,
                                            maxIterations: LogisticRegression.defaultQuasiNewtonIterations)
        func minimize(_ lambda: Double, _ l1: [Double], from x: [Double], free: [Bool],
                      initial: ObjectiveEvaluation) throws(TrainingError) -> ProximalNewtonSolution {
            hessianFree
                ? try quasiNewton.minimize(objective(lambda), l1: l1, from: x, free: free, initial: initial)
                : try newton.minimize(objective(lambda), l1: l1, from: x, free: free, initial: initial)
        }
        var previousLambda = max(lambdaMax, grid[0])
        var previousRidge = 0.0   // the L2 weight per unit in `current`
        var points: [PathPoint] = []
        for lambda in grid {
            let ridge = lambda * (1 - l1Ratio)
            let l1 = [0] + l1Unit.map { lambda * l1Ratio * $0 }
            // The smooth part differs from the last one only in its L2 term: shift the value,
            // gradient and Hessian instead of passing over the rows again.
            var start = current
            for j in 0..<d {
                let change = (ridge - previousRidge) * l2Unit[j]
                start.value += 0.5 * change * x[j + 1] * x[j + 1]
                start.gradient![j + 1] += change * x[j + 1]
                if !hessianFree { start.hessian![j + 1, j + 1] += change }
            }
            // The sequential strong rule, on the loss gradient at the last solution.
            var free = [true] + (0..<d).map { j in
                x[j + 1] != 0 || abs(start.gradient![j + 1]) >= alpha * l1Unit[j] * (2 * lambda - previousLambda)
            }
            let strongSetSize = free.dropFirst().filter { $0 }.count
            var solution = try minimize(lambda, l1, from: x, free: free, initial: start)
            var additions = 0
            while true {
                let g = solution.evaluation.gradient!
                let violators = (1..<(d + 1)).filter { !free[$0] && abs(g[$0]) > l1[$0] + newton.gradientTolerance }
                guard !violators.isEmpty else { break }
                additions += violators.count
                for k in violators { free[k] = true }
                solution = try minimize(lambda, l1, from: solution.parameters, free: free, initial: solution.evaluation)
            }
            x = solution.parameters
            current = solution.evaluation
            previousLambda = lambda
            previousRidge = ridge
            let (intercept, beta) = objective(lambda).originalScale(x)
            var lasso = 0.0
            for k in 0..<(d + 1) { lasso += l1[k] * abs(x[k]) }
            let point = PathPoint(
                lambda: lambda, intercept: intercept, coefficients: beta, objective: current.value + lasso,
                kktViolation: ProximalNewtonSolver.kktViolation(gradient: current.gradient!, parameters: x, l1: l1),
                converged: solution.converged, iterations: solution.iterations, strongSetSize: strongSetSize,
                strongRuleViolations: additions)
            points.append(point)
            onPoint?(point)
        }
        return PathFit(featureNames: featureNames, l1Ratio: l1Ratio, standardize: standardize, lambdaMax: lambdaMax,
                       points: points, weightSum: weightSum)
    }
}

/// One fit of a regularization path.
public struct PathPoint: Codable, Equatable, Sendable {
    /// The penalty strength λ.
    public let lambda: Double
    /// The intercept on the original scale.
    public let intercept: Double
    /// The coefficients on the original scale; those the penalty dropped are exactly zero.
    public let coefficients: [Double]
    /// The objective's value, penalty included.
    public let objective: Double
    /// The largest KKT violation over every coefficient, in standardized coordinates.
    public let kktViolation: Double
    /// Whether the fit met its stopping criteria.
    public let converged: Bool
    /// Steps taken at this penalty: proximal Newton, or OWL-QN above the path's
    /// `hessianFreeWidth`.
    public let iterations: Int
    /// Coefficients the strong rule let move (of all).
    public let strongSetSize: Int
    /// Coefficients the strong rule left out wrongly, found by the KKT check and added.
    public let strongRuleViolations: Int

    /// The number of non-zero coefficients.
    public var nonzeroCount: Int { coefficients.filter { $0 != 0 }.count }

    /// The linear predictor `b + x·β` for each row of `features`.
    public func linearPredictor(_ features: Matrix) -> [Double] {
        features.product(rows: 0..<features.rows, vector: coefficients, adding: intercept)
    }
}

/// A fitted regularization path.
public struct PathFit: Codable, Equatable, Sendable {
    /// One name per feature.
    public let featureNames: [String]
    /// The elastic-net mixing `α`.
    public let l1Ratio: Double
    /// Whether the penalty applied to standardized coefficients.
    public let standardize: Bool
    /// The smallest penalty at which every coefficient is zero (for `α = 0`, at which they
    /// would be with `α = 0.001`).
    public let lambdaMax: Double
    /// The fits, largest penalty first.
    public let points: [PathPoint]
    /// `Σ sᵢ` over the rows.
    public let weightSum: Double

    /// The largest KKT violation over the path, relative to `Σ sᵢ`.
    public var largestRelativeKKTViolation: Double {
        (points.map(\.kktViolation).max() ?? 0) / weightSum
    }
}
