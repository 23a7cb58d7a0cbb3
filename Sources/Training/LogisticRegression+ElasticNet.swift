import Foundation
import LinearAlgebra

/// An elastic-net problem in standardized coordinates: the smooth part (loss and L2 penalty)
/// and the L1 weight of each parameter, with what the fit report needs.
struct ElasticNetProblem<Source: RowBlockSource> {
    /// The loss plus the L2 part of the penalty.
    let objective: LogisticObjective<Source>
    /// The L1 weight of each parameter, 0 for the intercept.
    let l1: [Double]
    /// One name per feature.
    let featureNames: [String]
    /// The weighted column moments of the rows.
    let moments: ColumnMoments
    /// The weighted share of positive labels.
    let rate: Double
}

extension LogisticRegression {
    /// Fits the elastic net by proximal Newton from `start`; the covariance comes from the
    /// exact Hessian at the solution.
    ///
    /// - Parameters:
    ///   - problem: The objective and L1 weights.
    ///   - start: The starting point in standardized coordinates.
    ///   - free: The coordinates that may move (a path's strong set); `nil` means all.
    ///   - hessianBlockStride: With 4 or more, steps use the Hessian of every this-many-th block.
    ///   - onStep: Called after each accepted step.
    /// - Returns: The fit; `maxAbsGradient` is the largest KKT violation over all coordinates
    ///   and `newtonDecrement` the last step's model decrease.
    func fitElasticNet<Source>(_ problem: ElasticNetProblem<Source>, from start: [Double], free: [Bool]?,
                               hessianBlockStride stride: Int,
                               onStep: ((NewtonStep) -> Void)?) throws(TrainingError) -> LogisticRegressionFit {
        let objective = problem.objective
        let weightSum = problem.moments.weightSum
        let solver = ProximalNewtonSolver(gradientTolerance: tolerance * weightSum,
                                          decrementTolerance: 1e-4 * tolerance * weightSum,
                                          maxIterations: maxIterations)
        var from = start
        var sampledIterations = 0
        if stride >= 4 {
            // Cheap steps with a sampled Hessian do the work (they converge linearly, so they
            // are capped, and stopped when they stop contracting); exact steps then finish,
            // usually in one or two.
            var cheap = solver
            cheap.maxIterations = min(maxIterations, 30)
            cheap.slowestContraction = 0.5
            let approximate = try cheap.minimize(objective.withHessianBlockStride(stride), l1: problem.l1, from: start,
                                                 free: free, onStep: onStep)
            from = approximate.parameters
            sampledIterations = approximate.iterations
        }
        var exact = solver
        exact.maxIterations = maxIterations - sampledIterations
        let solution = try exact.minimize(objective, l1: problem.l1, from: from, free: free) { step in
            onStep?(NewtonStep(iteration: sampledIterations + step.iteration, value: step.value,
                               stepSize: step.stepSize, maxAbsGradient: step.maxAbsGradient))
        }
        return try elasticNetFit(problem, solution: solution, exact: solution.evaluation,
                                 iterations: sampledIterations + solution.iterations)
    }

    /// Fits without forming the Hessian, by L-BFGS (OWL-QN when some L1 weight is positive)
    /// from `start`: for more features than `hessianFreeWidth`.
    ///
    /// - Parameters:
    ///   - problem: The objective and L1 weights (all zero for a pure L2 penalty).
    ///   - start: The starting point in standardized coordinates.
    ///   - free: The coordinates that may move; `nil` means all.
    ///   - onStep: Called after each accepted step.
    /// - Returns: The fit, without covariance; `maxAbsGradient` is the largest KKT violation
    ///   and `newtonDecrement` the L-BFGS estimate `½vᵀBv` (see `QuasiNewtonSolver`).
    func fitWithoutHessian<Source>(_ problem: ElasticNetProblem<Source>, from start: [Double], free: [Bool]?,
                                   onStep: ((NewtonStep) -> Void)?) throws(TrainingError) -> LogisticRegressionFit {
        let weightSum = problem.moments.weightSum
        let solver = QuasiNewtonSolver(gradientTolerance: tolerance * weightSum,
                                       decrementTolerance: 1e-4 * tolerance * weightSum,
                                       maxIterations: quasiNewtonIterations)
        let solution = try solver.minimize(problem.objective, l1: problem.l1, from: start, free: free, onStep: onStep)
        return penalizedFit(problem, solution: solution, exact: solution.evaluation, covariance: nil,
                            iterations: solution.iterations)
    }

    /// The fit report for a proximal Newton solution, with the covariance of the selected
    /// coefficients.
    ///
    /// The covariance is the inverse of the smooth part's Hessian (loss and L2 penalty)
    /// restricted to the intercept and the non-zero coefficients, as if the selection were
    /// fixed; rows and columns of dropped coefficients are zero.
    func elasticNetFit<Source>(_ problem: ElasticNetProblem<Source>, solution: ProximalNewtonSolution,
                               exact: ObjectiveEvaluation, iterations: Int) throws(TrainingError) -> LogisticRegressionFit {
        let x = solution.parameters
        let p = x.count
        let selected = [0] + (1..<p).filter { x[$0] != 0 }
        var restricted = Matrix(rows: selected.count, columns: selected.count)
        let hessian = exact.hessian!
        for (a, i) in selected.enumerated() {
            for (b, j) in selected.enumerated() { restricted[a, b] = hessian[i, j] }
        }
        var covariance = Matrix(rows: p, columns: p)
        do {
            let inverse = try Cholesky(factoring: restricted).inverse()
            for (a, i) in selected.enumerated() {
                for (b, j) in selected.enumerated() { covariance[i, j] = inverse[a, b] }
            }
        } catch {
            throw .numerical(error)
        }
        return penalizedFit(problem, solution: solution, exact: exact, covariance: covariance, iterations: iterations)
    }

    /// The fit report for a penalized solution: the KKT certificate with the exact gradient,
    /// the objective and likelihoods, and the covariance (in standardized coordinates) if there
    /// is one.
    private func penalizedFit<Source>(_ problem: ElasticNetProblem<Source>, solution: ProximalNewtonSolution,
                                      exact: ObjectiveEvaluation, covariance: Matrix?,
                                      iterations: Int) -> LogisticRegressionFit {
        let objective = problem.objective
        let x = solution.parameters
        let p = x.count
        let violation = ProximalNewtonSolver.kktViolation(gradient: exact.gradient!, parameters: x, l1: problem.l1)
        let (intercept, beta) = objective.originalScale(x)
        var ridge = 0.0, lasso = 0.0
        for j in 1..<p {
            ridge += 0.5 * objective.penalties[j - 1] * x[j] * x[j]
            lasso += problem.l1[j] * abs(x[j])
        }
        let moments = problem.moments
        let rate = problem.rate
        let weightSum = moments.weightSum
        let nullLogLikelihood = weightSum * (rate * log(rate) + (1 - rate) * log1p(-rate))
        return LogisticRegressionFit(
            featureNames: problem.featureNames, intercept: intercept, coefficients: beta,
            covariance: covariance.map {
                originalScaleCovariance($0, centers: objective.centers, scales: objective.scales).elements
            } ?? [],
            settings: self, centers: moments.means, standardDeviations: moments.standardDeviations,
            observationCount: moments.count, weightSum: weightSum, positiveRate: rate,
            objective: exact.value + lasso,
            logLikelihood: -(exact.value - ridge),
            nullLogLikelihood: nullLogLikelihood,
            iterations: iterations, converged: solution.converged && violation <= tolerance * weightSum,
            maxAbsGradient: violation, newtonDecrement: solution.decrement)
    }
}
