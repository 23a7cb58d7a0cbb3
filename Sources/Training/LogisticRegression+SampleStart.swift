import LinearAlgebra

/// Fits on many rows: a sample's minimum as the start, quasi-Newton steps seeded with the
/// sample's Hessian over all rows, and one exact Hessian at the end (see `hessianSampleRows`).
extension LogisticRegression {
    /// The block stride of the sample of a fit on `rows` rows (see `hessianSampleRows`), or 0
    /// for no sample: at least 8 when there is one.
    func sampleBlockStride(rows: Int) -> Int {
        let sampleRows = min(hessianSampleRows, rows / 8)
        guard sampleRows > 0, sampleRows >= min(hessianSampleRows, minimumSampleRows) else { return 0 }
        return rows / sampleRows
    }

    /// The minimizer of `objective` on the sample of every `blockStride`-th block, the warm
    /// start of a fit on many rows, with the sample's Hessian there scaled up to all rows.
    ///
    /// The sample's penalty is scaled by its share of the weight, so that its minimizer
    /// estimates the minimizer over all rows. Steps on the sample cost a `blockStride`-th of
    /// steps on all rows, and they take the fit through the first, long Newton steps. A sample
    /// large enough to have a sample of its own (`sampleBlockStride(rows:)`) is fitted the way
    /// the rows are: from its own sample's minimum, with steps seeded by that sample's Hessian,
    /// and one Hessian of its own at the end.
    ///
    /// - Returns: `nil` when the sample cannot give a start: it has no weight, or (with
    ///   `checksRank`, for an unpenalized fit) its columns are dependent, or its fit did not
    ///   converge (a sample can be separable where the rows are not). The caller then fits
    ///   without it.
    func sampleFit<Source: RowBlockSource>(_ objective: LogisticObjective<Source>, blockStride: Int, from start: [Double],
                                           weightSum: Double, checksRank: Bool) throws(TrainingError) -> SampleStart? {
        let innerStride = sampleBlockStride(rows: objective.source.rowCount / blockStride)
        let inner = innerStride >= 4
            ? try sampleFit(objective, blockStride: blockStride * innerStride, from: start, weightSum: weightSum, checksRank: checksRank)
            : nil
        // With an inner start, only the sample's weight is needed here: a value pass.
        let statistics = objective.sample(everyBlock: blockStride, penaltyScale: 1)
            .passStatistics(at: start, order: inner == nil ? .hessian : .value)
        let share = statistics.weightSum / weightSum
        guard share > 0 else { return nil }
        let sample = objective.sample(everyBlock: blockStride, penaltyScale: share)
        // Sampling error is far larger than this: solving the sample more finely gains nothing.
        var solver = newtonSolver(weightSum: statistics.weightSum)
        let relative = max(tolerance, 1e-6)
        solver.gradientTolerance = relative * statistics.weightSum
        solver.decrementTolerance = 1e-4 * relative * statistics.weightSum
        solver.maxIterations = min(maxIterations, 30)
        if let inner {
            guard let solution = try? minimize(sample, from: inner, hessianScale: share, solver: solver, onStep: nil).solution,
                  solution.converged, let hessian = solution.evaluation.hessian?.scaled(by: 1 / share),
                  (try? Cholesky(factoring: hessian)) != nil else { return nil }
            return SampleStart(point: solution.parameters, hessian: hessian)
        }
        let initial = statistics.evaluation(at: start, centers: sample.centers, scales: sample.scales, penalties: sample.penalties)
        if checksRank && linearDependency(initial.hessian!) != nil { return nil }
        // Two Newton steps take the sample through the long first steps; from there the
        // Hessian of the second step's point serves the rest of the sample's steps (seeded
        // quasi-Newton ones, which form no Hessian) and the steps over all rows.
        var newton = solver
        newton.maxIterations = min(solver.maxIterations, 2)
        guard let early = try? newton.minimize(sample, from: start, initial: initial),
              let factor = early.hessianFactor, let hessian = early.evaluation.hessian else { return nil }
        var point = early.parameters
        if !early.converged {
            var seeded = SeededBFGSSolver(gradientTolerance: solver.gradientTolerance, decrementTolerance: solver.decrementTolerance)
            seeded.maxIterations = min(solver.maxIterations, 20)
            guard let refined = try? seeded.minimize(sample, hessian: factor, from: point, initial: early.evaluation),
                  refined.ending == .predicted else { return nil }
            point = refined.parameters
        }
        return SampleStart(point: point, hessian: hessian.scaled(by: 1 / share))
    }

    /// An L2 fit on many rows whose first pass over all rows both sums the column moments and
    /// takes the gradient at a sample's minimum, or `nil` where the sample cannot give that
    /// start (it has a constant column or one class, or its fit fails; see `sampleFit`).
    ///
    /// The coordinates of the fit (centers and scales of the columns) are the sample's: the
    /// objective and its minimizer are the same in any coordinates, and the penalty is put in
    /// these ones with the standard deviations of all rows once the first pass has them. The
    /// checks of the moments (`checkMoments`) come after that pass, with the same errors.
    func fitFromSample<Source: RowBlockSource>(_ source: Source, featureNames: [String], threads: Int,
                                               onStep: ((NewtonStep) -> Void)?) throws(TrainingError) -> LogisticRegressionFit? {
        let stride = sampleBlockStride(rows: source.rowCount)
        guard stride >= 4 else { return nil }
        let d = source.featureCount
        let (sampleMoments, samplePositive) = Self.moments(of: source, threads: threads, blockStride: stride)
        guard (try? Self.checkMoments(sampleMoments, positiveWeight: samplePositive, featureNames: featureNames)) != nil,
              let (sampleScales, samplePenalties, _, start) = try? setup(sampleMoments, positiveWeight: samplePositive)
        else { return nil }
        let penalized = l2 > 0
        let sampleCoordinates = LogisticObjective(source: source, centers: sampleMoments.means, scales: sampleScales,
                                                  penalties: samplePenalties, rejectsSeparation: !penalized, threads: threads)
        // The rows' weight, estimated from the sample's for its penalty; known after pass 1.
        let estimatedWeight = sampleMoments.weightSum * Double(source.rowCount) / Double(sampleMoments.count)
        guard let warm = try sampleFit(sampleCoordinates, blockStride: stride, from: start, weightSum: estimatedWeight,
                                       checksRank: !penalized) else { return nil }

        // Pass 1 over all rows: the moments, and the value and gradient at the sample's minimum.
        let (b, beta) = sampleCoordinates.originalScale(warm.point)
        let first = StrandedPass.sum(
            over: source, threads: threads,
            empty: { FirstPass(featureCount: d, order: .gradient) },
            add: { sum, block, _ in sum.add(block, intercept: b, coefficients: beta) },
            merge: { $0.merge($1) })
        let (moments, positiveWeight) = first.momentsAndPositiveWeight
        try Self.checkMoments(moments, positiveWeight: positiveWeight, featureNames: featureNames)
        let (_, _, rate, _) = try setup(moments, positiveWeight: positiveWeight)
        let ridge = l2
        let penalties = zip(sampleScales, moments.standardDeviations).map { c, sd in standardize ? ridge * (c * sd) * (c * sd) : ridge * c * c }
        let objective = LogisticObjective(source: source, centers: sampleCoordinates.centers, scales: sampleScales,
                                          penalties: penalties, rejectsSeparation: !penalized, threads: threads)
        let initial = try first.statistics!.evaluation(at: warm.point, centers: objective.centers, scales: sampleScales,
                                                       penalties: penalties, rejectingSeparation: !penalized)
        // The seed's loss part was scaled up to the estimated weight and its penalty was the
        // sample's: rescale the one to the rows' weight and swap the other.
        let rescale = moments.weightSum / estimatedWeight
        var seed = warm.hessian.scaled(by: rescale)
        for j in 0..<d { seed[j + 1, j + 1] += penalties[j] - samplePenalties[j] * rescale }
        let (solution, steps) = try minimize(objective, from: SampleStart(point: warm.point, hessian: seed), initial: initial,
                                             hessianScale: 1, solver: newtonSolver(weightSum: moments.weightSum),
                                             onStep: onStep)
        return try newtonFit(solution, iterations: steps, objective: objective, moments: moments, rate: rate,
                             featureNames: featureNames)
    }

    /// Minimizes `objective` from a sample's start: quasi-Newton steps seeded with the sample's
    /// Hessian (`SeededBFGSSolver`), then exact Newton steps, whose first evaluation usually
    /// takes the last step and certifies the minimum. If the seeded steps stall, the sample's
    /// Hessian does not stand for the rows' (a rare level missing from the sample, say), and
    /// exact Newton steps take over from where they stalled.
    ///
    /// - Parameters:
    ///   - hessianScale: `objective`'s Hessian over the Hessian of all rows: 1 for all rows,
    ///     a sample's share of the weight for a sample.
    /// - Returns: The exact solver's solution, and the steps taken in all.
    func minimize<Source: RowBlockSource>(_ objective: LogisticObjective<Source>, from warm: SampleStart,
                                          initial: ObjectiveEvaluation? = nil, hessianScale: Double,
                                          solver: NewtonCholeskySolver,
                                          onStep: ((NewtonStep) -> Void)?) throws(TrainingError) -> (solution: NewtonSolution, steps: Int) {
        let seed: Cholesky
        do {
            seed = try Cholesky(factoring: warm.hessian.scaled(by: hessianScale))
        } catch {
            throw .numerical(error)
        }
        var seeded = SeededBFGSSolver(gradientTolerance: solver.gradientTolerance, decrementTolerance: solver.decrementTolerance)
        seeded.maxIterations = min(solver.maxIterations, 20)
        let refined = try seeded.minimize(objective, hessian: seed, from: warm.point, initial: initial, onStep: onStep)
        let steps = refined.iterations
        var exact = solver
        exact.maxIterations = solver.maxIterations - steps
        let solution = try exact.minimize(objective, from: refined.parameters) { step in
            onStep?(NewtonStep(iteration: steps + step.iteration, value: step.value, stepSize: step.stepSize,
                               maxAbsGradient: step.maxAbsGradient))
        }
        return (solution, steps + solution.iterations)
    }
}

/// The warm start a sample of the rows gives a fit on many rows.
struct SampleStart {
    /// The sample's minimizer.
    let point: [Double]
    /// The sample's Hessian there, scaled up to all rows; positive definite.
    let hessian: Matrix
}

/// What the first pass over rows sums: the column moments and positive weight and, when
/// asked, the loss and gradient at a point.
struct FirstPass: Sendable {
    var moments: ColumnMoments
    var positiveWeight = 0.0
    var statistics: LogisticPassStatistics?

    init(featureCount: Int, order: DerivativeOrder?) {
        moments = ColumnMoments(columns: featureCount)
        statistics = order.map { LogisticPassStatistics(featureCount: featureCount, order: $0) }
    }

    var momentsAndPositiveWeight: (ColumnMoments, Double) { (moments, positiveWeight) }

    /// Adds a block; the point (on the original scale) matters only with statistics.
    mutating func add(_ block: RowBlock, intercept: Double, coefficients: [Double]) {
        moments.add(rows: block.rows, of: block.features, weights: block.weights)
        for i in 0..<block.rows.count where block.weight(i) > 0 {
            positiveWeight += block.weight(i) * block.label(i)
        }
        // Centers and scales matter only for a Hessian, which is not asked for.
        statistics?.add(block: block, intercept: intercept, coefficients: coefficients, centers: [], scales: [])
    }

    mutating func merge(_ other: FirstPass) {
        moments.merge(other.moments)
        positiveWeight += other.positiveWeight
        if let o = other.statistics { statistics?.merge(o) }
    }
}
