import Foundation
import LinearAlgebra

/// An objective whose passes give the logistic sums at a point: what the end of a Newton fit
/// needs, wherever the rows are.
protocol LogisticPointPasses: TwiceDifferentiableObjective {
    var centers: [Double] { get }
    var scales: [Double] { get }
    var penalties: [Double] { get }
    func passStatistics(at parameters: [Double], order: DerivativeOrder) throws(TrainingError) -> LogisticPassStatistics
    func originalScale(_ parameters: [Double]) -> (intercept: Double, coefficients: [Double])
}

extension LogisticObjective: LogisticPointPasses {}

/// The penalized logistic objective over rows held elsewhere: each evaluation is one pass that
/// a `RowPassRunner` runs, in the coordinates of `LogisticObjective`.
struct RemoteLogisticObjective<Runner: RowPassRunner>: LogisticPointPasses {
    let runner: Runner
    let centers: [Double]
    let scales: [Double]
    let penalties: [Double]
    let rejectsSeparation: Bool

    var parameterCount: Int { centers.count + 1 }

    func originalScale(_ parameters: [Double]) -> (intercept: Double, coefficients: [Double]) {
        LogisticPassStatistics.originalScale(parameters, centers: centers, scales: scales)
    }

    func passStatistics(at parameters: [Double], order: DerivativeOrder) throws(TrainingError) -> LogisticPassStatistics {
        let (intercept, beta) = originalScale(parameters)
        let result = try runner.run(.logistic(intercept: intercept, coefficients: beta, centers: centers, scales: scales,
                                              order: order))
        guard let statistics = result.logistic, statistics.order == order,
              statistics.residualCrossProducts.count == centers.count else {
            throw .passFailed("the answer to a logistic pass is not the statistics of \(centers.count) features.")
        }
        return statistics
    }

    func evaluate(at parameters: [Double], order: DerivativeOrder) throws(TrainingError) -> ObjectiveEvaluation {
        try passStatistics(at: parameters, order: order)
            .evaluation(at: parameters, centers: centers, scales: scales, penalties: penalties,
                        rejectingSeparation: rejectsSeparation)
    }
}

extension LogisticRegression {
    /// Fits the model to rows held elsewhere, a Spark DataFrame's partitions say, each pass run
    /// by `runner`: the same Newton–Cholesky fit as `fit(_:featureNames:threads:onStep:)`, from
    /// the same start, with the same checks and statistics, so that only the order in which the
    /// sums are added differs.
    ///
    /// Pass 1 asks for the column moments; every Newton step then asks for one logistic pass
    /// with the Hessian, and a backtracking line search for value-only passes.
    ///
    /// - Parameters:
    ///   - runner: Runs each pass over every row and returns the merged sums.
    ///   - featureNames: One name per feature column.
    ///   - onStep: Called after each Newton step, for progress reports; default none.
    /// - Returns: The fit, with coefficients on the original scale and their covariance.
    /// - Throws: `TrainingError` as `fit(_:featureNames:threads:onStep:)` does, `.passFailed` for a
    ///   pass that failed or answered with the wrong shape, and `.invalidSetting` for an L1
    ///   penalty or more than `hessianFreeWidth` features, which this fit does not do.
    /// - Complexity: Two passes to start, then one or more per Newton step (typically 5–10);
    ///   O(d³) here per step.
    public func fit(passes runner: some RowPassRunner, featureNames: [String],
                    onStep: ((NewtonStep) -> Void)? = nil) throws(TrainingError) -> LogisticRegressionFit {
        try validateSettings()
        guard !usesL1 else {
            throw .invalidSetting("A fit over rows held elsewhere takes an L2 penalty only; the elastic net needs all rows here.")
        }
        let d = featureNames.count
        guard !isHessianFree(features: d) else {
            throw .invalidSetting("A fit over rows held elsewhere forms the Hessian, so it takes at most \(hessianFreeWidth) "
                + "features, not \(d).")
        }
        let first = try runner.run(.moments)
        guard let moments = first.moments, let positiveWeight = first.positiveWeight, moments.means.count == d else {
            throw .passFailed("the answer to the moments pass is not the moments of \(d) features.")
        }
        try Self.checkMoments(moments, positiveWeight: positiveWeight, featureNames: featureNames)
        let penalized = l2 > 0
        let (scales, penalties, rate, start) = try setup(moments, positiveWeight: positiveWeight)
        let objective = RemoteLogisticObjective(runner: runner, centers: moments.means, scales: scales,
                                                penalties: penalties, rejectsSeparation: !penalized)
        let initial = try objective.evaluate(at: start, order: .hessian)
        if !penalized, let dependency = linearDependency(initial.hessian!) {
            throw collinearityError(dependency, featureNames: featureNames, standardDeviations: moments.standardDeviations)
        }
        let solution = try newtonSolver(weightSum: moments.weightSum).minimize(objective, from: start, initial: initial,
                                                                               onStep: onStep)
        return try newtonFit(solution, iterations: solution.iterations, objective: objective, moments: moments, rate: rate,
                             featureNames: featureNames)
    }
}
