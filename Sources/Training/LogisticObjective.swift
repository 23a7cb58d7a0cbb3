import LinearAlgebra

/// The penalized logistic objective, in standardized coordinates, computed block by block.
///
///     f(b, γ) = Σᵢ sᵢ·[log(1 + exp(ηᵢ)) − yᵢ ηᵢ] + ½ Σⱼ λⱼ γⱼ²,
///     ηᵢ = b + Σⱼ (xᵢⱼ − μⱼ)·cⱼ·γⱼ
///
/// The coordinates `(b, γ)` are those of centered columns scaled by `cⱼ` (usually `1/σⱼ`);
/// the coefficients on the original scale are `βⱼ = cⱼγⱼ` and the intercept
/// `b − Σⱼ μⱼβⱼ`. Working in these coordinates keeps the Hessian well conditioned whatever the
/// columns' units; the penalty weights `λⱼ` say whether the penalty applies to the
/// standardized (`λⱼ = λ`) or raw (`λⱼ = λcⱼ²`) coefficients, so both problems are solved
/// the same way.
///
/// Each evaluation is one pass over the data: per block, one `dgemv` for `η`, one for the
/// gradient and, when asked, one `dsyrk` of the weighted, centered block for the Hessian. The
/// per-block sums are `LogisticPassStatistics`, which add up across blocks, files or machines.
public struct LogisticObjective<Source: RowBlockSource>: TwiceDifferentiableObjective {
    /// The rows.
    public let source: Source
    /// The column centers `μⱼ`.
    public let centers: [Double]
    /// The column scale factors `cⱼ`.
    public let scales: [Double]
    /// The penalty weight `λⱼ` of each coefficient in these coordinates.
    public let penalties: [Double]
    /// When true, an evaluation at a point that classifies every row correctly throws
    /// `TrainingError.perfectSeparation` (meaningful only without a penalty).
    public let rejectsSeparation: Bool
    /// The Hessian is summed over every `hessianBlockStride`-th block only and scaled up to all
    /// rows by weight; 1 (the default) gives the exact Hessian. A sampled Hessian makes a
    /// Newton step far cheaper on many rows while the gradient, and so the solution, stay exact.
    public let hessianBlockStride: Int
    /// Every pass visits only every `sampleBlockStride`-th block, so that the objective is
    /// that of a sample of evenly spread blocks; 1 (the default) visits every row.
    public let sampleBlockStride: Int
    /// Threads a pass may use when the source is an `IndexedRowBlockSource`; default 1. The
    /// result is the same, bit for bit, whatever the count (see `StrandedPass`). Each thread
    /// calls BLAS: set `BLASThreads` to 1 when using more than one.
    public let threads: Int

    /// Creates the objective.
    ///
    /// - Parameters:
    ///   - source: The rows.
    ///   - centers: `μⱼ`, one per feature.
    ///   - scales: `cⱼ`, one per feature, non-zero.
    ///   - penalties: `λⱼ ≥ 0`, one per feature.
    ///   - rejectsSeparation: See the property; default false.
    ///   - hessianBlockStride: See the property; at least 1, default 1.
    ///   - sampleBlockStride: See the property; at least 1, default 1.
    ///   - threads: See the property; at least 1, default 1.
    public init(source: Source, centers: [Double], scales: [Double], penalties: [Double],
                rejectsSeparation: Bool = false, hessianBlockStride: Int = 1, sampleBlockStride: Int = 1,
                threads: Int = 1) {
        let d = source.featureCount
        precondition(centers.count == d && scales.count == d && penalties.count == d,
                     "Need one center, scale and penalty per feature.")
        self.source = source
        self.centers = centers
        self.scales = scales
        self.penalties = penalties
        self.rejectsSeparation = rejectsSeparation
        precondition(hessianBlockStride >= 1, "The Hessian block stride must be at least 1.")
        self.hessianBlockStride = hessianBlockStride
        precondition(sampleBlockStride >= 1, "The sample block stride must be at least 1.")
        self.sampleBlockStride = sampleBlockStride
        precondition(threads >= 1, "A pass needs at least one thread.")
        self.threads = threads
    }

    /// The same objective with another Hessian block stride.
    public func withHessianBlockStride(_ stride: Int) -> LogisticObjective {
        LogisticObjective(source: source, centers: centers, scales: scales, penalties: penalties,
                          rejectsSeparation: rejectsSeparation, hessianBlockStride: stride,
                          sampleBlockStride: sampleBlockStride, threads: threads)
    }

    /// The objective of the sample of every `stride`-th block, its penalty weights multiplied
    /// by `penaltyScale`, never rejecting a separating point.
    ///
    /// With `penaltyScale` the sample's share of the rows' weight, the sample's minimizer
    /// estimates this objective's: the sample's loss, scaled up to all rows, plus this penalty
    /// has the same minimizer.
    public func sample(everyBlock stride: Int, penaltyScale: Double) -> LogisticObjective {
        LogisticObjective(source: source, centers: centers, scales: scales, penalties: penalties.map { $0 * penaltyScale },
                          hessianBlockStride: 1, sampleBlockStride: stride, threads: threads)
    }

    public var parameterCount: Int { source.featureCount + 1 }

    /// The intercept and coefficients on the original scale for a point in these coordinates.
    public func originalScale(_ parameters: [Double]) -> (intercept: Double, coefficients: [Double]) {
        LogisticPassStatistics.originalScale(parameters, centers: centers, scales: scales)
    }

    /// The point in these coordinates for an intercept and coefficients on the original scale.
    public func standardized(intercept: Double, coefficients: [Double]) -> [Double] {
        var b = intercept
        for j in coefficients.indices { b += centers[j] * coefficients[j] }
        return [b] + (0..<scales.count).map { coefficients[$0] / scales[$0] }
    }

    /// One pass over the data: the sums of loss, gradient and (if asked) Hessian over all rows.
    ///
    /// - Complexity: O(n·d) for the value and gradient, O(n·d²) with the Hessian.
    public func passStatistics(at parameters: [Double], order: DerivativeOrder) -> LogisticPassStatistics {
        let (intercept, beta) = originalScale(parameters)
        let featureCount = source.featureCount
        let (centers, scales, stride) = (self.centers, self.scales, hessianBlockStride)
        return StrandedPass.sum(
            over: source, threads: threads, blockStride: sampleBlockStride,
            empty: { LogisticPassStatistics(featureCount: featureCount, order: order) },
            add: { total, block, index in
                total.add(block: block, intercept: intercept, coefficients: beta, centers: centers, scales: scales,
                          includeInHessian: index % stride == 0)
            },
            merge: { $0.merge($1) })
    }

    public func evaluate(at parameters: [Double], order: DerivativeOrder) throws(TrainingError) -> ObjectiveEvaluation {
        precondition(parameters.count == parameterCount, "Expected \(parameterCount) parameters.")
        return try passStatistics(at: parameters, order: order)
            .evaluation(at: parameters, centers: centers, scales: scales, penalties: penalties,
                        rejectingSeparation: rejectsSeparation)
    }
}

/// The sums one pass over rows produces for the logistic objective.
///
/// Sums from separate blocks, files or machines add with `merge(_:)`; `evaluation(...)` turns
/// the total into the objective's value, gradient and Hessian in standardized coordinates.
public struct LogisticPassStatistics: Sendable {
    /// The derivatives these statistics can give.
    public let order: DerivativeOrder
    /// `Σ sᵢ·loss(ηᵢ, yᵢ)`, without the penalty.
    public private(set) var loss: Double = 0
    /// `Σ rᵢ` with `rᵢ = sᵢ(pᵢ − yᵢ)`.
    public private(set) var residualSum: Double = 0
    /// `Σ rᵢ xᵢ` on the original scale.
    public private(set) var residualCrossProducts: [Double]
    /// `Σ wᵢ zᵢzᵢᵀ` with `wᵢ = sᵢpᵢ(1 − pᵢ)` and `zᵢ = (1, (xᵢ − μ)·c)`, when asked for.
    public private(set) var gram: GramAccumulator?
    /// Rows with a positive weight.
    public private(set) var rowsWithWeight = 0
    /// `Σ sᵢ` over all rows.
    public private(set) var weightSum: Double = 0
    /// `Σ sᵢ` over the rows summed into the Hessian; less than `weightSum` when it is sampled.
    public private(set) var hessianWeightSum: Double = 0
    /// Rows with a positive weight whose `η` is on the wrong side of 0 (or exactly 0).
    public private(set) var misclassifiedRows = 0
    /// Rows with a positive weight predicted with near-certainty on the correct side
    /// (`|η| ≥ 23`, probability within 1e-10 of the label).
    public private(set) var certainRows = 0

    /// Empty statistics for rows of `featureCount` features, collecting what `order` needs.
    public init(featureCount: Int, order: DerivativeOrder) {
        self.order = order
        residualCrossProducts = [Double](repeating: 0, count: featureCount)
        gram = order == .hessian ? GramAccumulator(columns: featureCount, blockRows: 1024) : nil
    }

    /// Adds the rows of one block, at the parameters on the original scale.
    ///
    /// - Parameters:
    ///   - block: The rows.
    ///   - intercept: The intercept on the original scale.
    ///   - coefficients: The coefficients on the original scale.
    ///   - centers: The column centers of the Hessian's coordinates.
    ///   - scales: The column scale factors of the Hessian's coordinates.
    ///   - includeInHessian: Whether the block counts in the Hessian; default true.
    public mutating func add(block: RowBlock, intercept: Double, coefficients: [Double],
                             centers: [Double], scales: [Double], includeInHessian: Bool = true) {
        let k = block.rows.count
        let eta = block.features.product(rows: block.rows, vector: coefficients, adding: intercept)
        var residuals = [Double](repeating: 0, count: order >= .gradient ? k : 0)
        let hessian = order == .hessian && includeInHessian
        var rootWeights = [Double](repeating: 0, count: hessian ? k : 0)
        var loss = 0.0, residualSum = 0.0, weightSum = 0.0
        var rows = 0, wrong = 0, certain = 0
        // Without weights, the rows' log1p terms are summed a log per 16 rows.
        let unitWeights = block.weights == nil
        var logTerms = Log1pSum()
        for i in 0..<k {
            let s = block.weight(i)
            guard s > 0 else { continue }
            let y = block.label(i)
            let e = eta[i]
            rows += 1
            weightSum += s
            let margin = y == 1 ? e : -e
            if margin <= 0 { wrong += 1 } else if margin >= 23 { certain += 1 }
            let terms = LogisticLoss.terms(eta: e, label: y)
            if unitWeights {
                loss += terms.hinge
                logTerms.add(terms.exponential)
            } else {
                loss += s * terms.loss
            }
            if order >= .gradient {
                let r = s * terms.residual
                residuals[i] = r
                residualSum += r
            }
            if hessian {
                rootWeights[i] = (s * terms.variance).squareRoot()
            }
        }
        self.loss += unitWeights ? loss + logTerms.total : loss
        self.residualSum += residualSum
        rowsWithWeight += rows
        self.weightSum += weightSum
        if hessian { hessianWeightSum += weightSum }
        misclassifiedRows += wrong
        certainRows += certain
        if order >= .gradient {
            block.features.addTransposedProduct(rows: block.rows, vector: residuals, into: &residualCrossProducts)
        }
        if hessian {
            gram!.add(rows: block.rows, of: block.features, rowScale: rootWeights, columnShift: centers, columnScale: scales)
        }
    }

    /// Adds statistics computed on other rows at the same parameters.
    public mutating func merge(_ other: LogisticPassStatistics) {
        precondition(other.order == order, "Cannot merge statistics of different orders.")
        loss += other.loss
        residualSum += other.residualSum
        for j in residualCrossProducts.indices { residualCrossProducts[j] += other.residualCrossProducts[j] }
        if let g = other.gram { gram?.add(g) }
        rowsWithWeight += other.rowsWithWeight
        weightSum += other.weightSum
        hessianWeightSum += other.hessianWeightSum
        misclassifiedRows += other.misclassifiedRows
        certainRows += other.certainRows
    }

    /// The objective's value and derivatives, as `evaluation(at:centers:scales:penalties:)`
    /// gives them; with `rejectingSeparation`, a point that classifies every row correctly is
    /// `TrainingError.perfectSeparation` instead (meaningful only without a penalty).
    func evaluation(at parameters: [Double], centers: [Double], scales: [Double], penalties: [Double],
                    rejectingSeparation: Bool) throws(TrainingError) -> ObjectiveEvaluation {
        if rejectingSeparation && misclassifiedRows == 0 && rowsWithWeight > 0 {
            throw .perfectSeparation
        }
        return evaluation(at: parameters, centers: centers, scales: scales, penalties: penalties)
    }

    /// The intercept and coefficients on the original scale for a point `(b, γ)` of the
    /// coordinates with column centers `μ` and scale factors `c`: `βⱼ = cⱼγⱼ`, `b − Σ μⱼβⱼ`.
    static func originalScale(_ parameters: [Double], centers: [Double],
                              scales: [Double]) -> (intercept: Double, coefficients: [Double]) {
        let beta = (0..<scales.count).map { scales[$0] * parameters[$0 + 1] }
        var intercept = parameters[0]
        for j in beta.indices { intercept -= centers[j] * beta[j] }
        return (intercept, beta)
    }

    /// The objective's value and derivatives in standardized coordinates, penalty included.
    public func evaluation(at parameters: [Double], centers: [Double], scales: [Double],
                           penalties: [Double]) -> ObjectiveEvaluation {
        let d = residualCrossProducts.count
        var penalty = 0.0
        for j in 0..<d { penalty += 0.5 * penalties[j] * parameters[j + 1] * parameters[j + 1] }
        var result = ObjectiveEvaluation(value: loss + penalty)
        if order >= .gradient {
            var g = [Double](repeating: 0, count: d + 1)
            g[0] = residualSum
            for j in 0..<d {
                g[j + 1] = scales[j] * (residualCrossProducts[j] - centers[j] * residualSum) + penalties[j] * parameters[j + 1]
            }
            result.gradient = g
        }
        if var h = gram?.matrix {
            if hessianWeightSum < weightSum && hessianWeightSum > 0 {
                h = h.scaled(by: weightSum / hessianWeightSum)
            }
            for j in 0..<d { h[j + 1, j + 1] += penalties[j] }
            result.hessian = h
        }
        return result
    }
}

extension LogisticPassStatistics: Codable {
    private enum CodingKeys: String, CodingKey {
        case order, loss, residualSum, residualCrossProducts, gramUpperTriangle, rowsWithWeight, weightSum, hessianWeightSum,
             misclassifiedRows, certainRows
    }

    /// Reads statistics written by `encode(to:)` (by another process, say), checking their shape.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rawOrder = try container.decode(Int.self, forKey: .order)
        guard let order = DerivativeOrder(rawValue: rawOrder) else {
            throw DecodingError.dataCorruptedError(forKey: .order, in: container, debugDescription: "Unknown order \(rawOrder).")
        }
        let products = try container.decode([Double].self, forKey: .residualCrossProducts)
        self.init(featureCount: products.count, order: order)
        residualCrossProducts = products
        if order == .hessian {
            let upper = try container.decode([Double].self, forKey: .gramUpperTriangle)
            guard let gram = GramAccumulator(order: products.count + 1, upperTriangle: upper) else {
                throw DecodingError.dataCorruptedError(forKey: .gramUpperTriangle, in: container,
                                                       debugDescription: "The Hessian does not match \(products.count) features.")
            }
            self.gram = gram
        }
        loss = try container.decode(Double.self, forKey: .loss)
        residualSum = try container.decode(Double.self, forKey: .residualSum)
        rowsWithWeight = try container.decode(Int.self, forKey: .rowsWithWeight)
        weightSum = try container.decode(Double.self, forKey: .weightSum)
        hessianWeightSum = try container.decode(Double.self, forKey: .hessianWeightSum)
        misclassifiedRows = try container.decode(Int.self, forKey: .misclassifiedRows)
        certainRows = try container.decode(Int.self, forKey: .certainRows)
    }

    /// Writes the sums, the Hessian's as its upper triangle.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order.rawValue, forKey: .order)
        try container.encode(loss, forKey: .loss)
        try container.encode(residualSum, forKey: .residualSum)
        try container.encode(residualCrossProducts, forKey: .residualCrossProducts)
        try container.encodeIfPresent(gram?.upperTriangle, forKey: .gramUpperTriangle)
        try container.encode(rowsWithWeight, forKey: .rowsWithWeight)
        try container.encode(weightSum, forKey: .weightSum)
        try container.encode(hessianWeightSum, forKey: .hessianWeightSum)
        try container.encode(misclassifiedRows, forKey: .misclassifiedRows)
        try container.encode(certainRows, forKey: .certainRows)
    }
}
