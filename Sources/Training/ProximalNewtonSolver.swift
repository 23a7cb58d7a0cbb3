import LinearAlgebra

/// Proximal Newton for a smooth convex objective plus a weighted L1 penalty, the way glmnet
/// fits the elastic net: an outer loop of quadratic approximations (IRLS for a logistic loss)
/// and coordinate descent on each penalized quadratic model.
///
/// It minimizes `F(x) = f(x) + Σₖ aₖ|xₖ|` with `f` twice differentiable (the loss and the
/// L2 part of the penalty) and weights `aₖ ≥ 0` (0 for the intercept). Each iteration:
/// 1. evaluate `f`, its gradient `g` and Hessian `H` at `x` (one pass over the rows);
/// 2. minimize the model `gᵀ(z − x) + ½(z − x)ᵀH(z − x) + Σ aₖ|zₖ|` over `z` by cyclic
///    coordinate descent on the free coordinates (covariance updates: O(p) per coordinate,
///    no pass over the rows), sweeping only the non-zero coordinates until they settle and
///    then every free coordinate, until a full sweep changes nothing;
/// 3. stop when the largest KKT violation at `x` is at most `gradientTolerance` **and** the
///    model decrease `½(z − x)ᵀH(z − x)` is at most `decrementTolerance`;
/// 4. otherwise step to `x + t(z − x)` with `t` from a backtracking line search on `F`
///    (Armijo on the composite decrease `gᵀδ + Σ aₖ(|zₖ| − |xₖ|)`).
///
/// Soft-thresholding sets coordinates exactly to zero, and at convergence the KKT conditions
/// hold: `|gₖ + aₖ·sign(xₖ)| ≤ tol` where `xₖ ≠ 0` and `|gₖ| ≤ aₖ + tol` where `xₖ = 0`.
/// `H` may be an approximation (a sampled Hessian): the step is still a descent direction and
/// the KKT certificate uses the exact gradient.
public struct ProximalNewtonSolver: Sendable {
    /// Largest acceptable KKT violation at the solution (see `kktViolation`).
    public var gradientTolerance: Double
    /// Largest acceptable model decrease `½δᵀHδ` of the last proximal Newton step.
    public var decrementTolerance: Double
    /// The most proximal Newton iterations; default 100.
    public var maxIterations: Int
    /// The most coordinate-descent sweeps per iteration; default 100,000.
    public var maxSweeps: Int = 100_000
    /// The Armijo sufficient-decrease fraction; default 1e-4.
    public var armijo: Double = 1e-4
    /// The most step halvings in one line search; default 40.
    public var maxHalvings: Int = 40
    /// When set, two steps in a row that each leave the KKT violation above this fraction of
    /// its value before end the iterations, unconverged: with a sampled Hessian that no longer
    /// fits the rows (a rare level missing from the sample), the steps would otherwise crawl.
    /// Default `nil`, off.
    public var slowestContraction: Double? = nil

    /// Creates a solver.
    ///
    /// - Parameters:
    ///   - gradientTolerance: See the property; positive.
    ///   - decrementTolerance: See the property; positive.
    ///   - maxIterations: See the property; default 100.
    public init(gradientTolerance: Double, decrementTolerance: Double, maxIterations: Int = 100) {
        self.gradientTolerance = gradientTolerance
        self.decrementTolerance = decrementTolerance
        self.maxIterations = maxIterations
    }

    /// Minimizes `objective + Σₖ l1[k]·|xₖ|` from `start`.
    ///
    /// - Parameters:
    ///   - objective: The smooth part `f`, convex and twice differentiable.
    ///   - l1: The L1 weight `aₖ ≥ 0` of each parameter.
    ///   - start: The starting point; coordinates outside `free` keep their value.
    ///   - free: Which coordinates may move; `nil` means all. A path solver passes the
    ///     strong set here and checks the others' KKT conditions itself.
    ///   - initial: The evaluation (with Hessian) at `start`, if the caller already has it.
    ///   - onStep: Called after each accepted step, for progress reports.
    /// - Returns: The solution with its evaluation and convergence report.
    /// - Throws: Whatever `objective` throws; `TrainingError.lineSearchFailed` when no step
    ///   decreases `F`.
    /// - Complexity: Per iteration one evaluation with Hessian, plus O(p) per coordinate
    ///   update of the inner coordinate descent.
    public func minimize<Objective: TwiceDifferentiableObjective>(
        _ objective: Objective, l1: [Double], from start: [Double], free: [Bool]? = nil,
        initial: ObjectiveEvaluation? = nil, onStep: ((NewtonStep) -> Void)? = nil
    ) throws(TrainingError) -> ProximalNewtonSolution {
        let p = objective.parameterCount
        precondition(l1.count == p && start.count == p, "Expected \(p) L1 weights and starting values.")
        precondition(l1.allSatisfy { $0 >= 0 && $0.isFinite }, "L1 weights must be finite and ≥ 0.")
        let free = free ?? [Bool](repeating: true, count: p)
        func composite(_ value: Double, _ x: [Double]) -> Double { Self.composite(value, x, l1: l1) }

        var x = start
        var current: ObjectiveEvaluation
        if let initial { current = initial } else { current = try objective.evaluate(at: x, order: .hessian) }
        var iterations = 0
        var previousViolation = Double.infinity
        var slowSteps = 0
        while true {
            let g = current.gradient!
            let h = current.hessian!
            let violation = Self.kktViolation(gradient: g, parameters: x, l1: l1, free: free)
            if let slowest = slowestContraction {
                slowSteps = violation > slowest * previousViolation ? slowSteps + 1 : 0
                previousViolation = violation
            }
            let z = modelMinimizer(gradient: g, hessian: h, l1: l1, at: x, free: free)
            var delta = [Double](repeating: 0, count: p)
            for k in 0..<p { delta[k] = z[k] - x[k] }
            let hDelta = h.product(vector: delta)
            var curvature = 0.0
            for k in 0..<p { curvature += delta[k] * hDelta[k] }
            var decrease = 0.0   // gᵀδ + Σ aₖ(|zₖ| − |xₖ|) ≤ −δᵀHδ
            for k in 0..<p { decrease += g[k] * delta[k] + l1[k] * (abs(z[k]) - abs(x[k])) }
            let decrement = 0.5 * curvature
            if violation <= gradientTolerance && decrement <= decrementTolerance {
                return ProximalNewtonSolution(parameters: x, evaluation: current, iterations: iterations,
                                              converged: true, kktViolation: violation, decrement: decrement)
            }
            if iterations == maxIterations || slowSteps >= 2 {
                return ProximalNewtonSolution(parameters: x, evaluation: current, iterations: iterations,
                                              converged: false, kktViolation: violation, decrement: decrement)
            }

            let currentValue = composite(current.value, x)
            let roundoff = 16 * Double.ulpOfOne * abs(currentValue)
            var t = 1.0
            var trialPoint = z
            var trial = try objective.evaluate(at: trialPoint, order: .hessian)
            var ok = composite(trial.value, trialPoint) <= currentValue + armijo * decrease
            if !ok && composite(trial.value, trialPoint) <= currentValue + roundoff {
                // Within rounding of the value, progress shows in the optimality conditions instead.
                ok = Self.kktViolation(gradient: trial.gradient!, parameters: trialPoint, l1: l1, free: free) < violation
            }
            if !ok {
                var halvings = 0
                while !ok && halvings < maxHalvings {
                    t *= 0.5
                    halvings += 1
                    for k in 0..<p { trialPoint[k] = x[k] + t * delta[k] }
                    let value = try objective.evaluate(at: trialPoint, order: .value).value
                    ok = composite(value, trialPoint) <= currentValue + armijo * t * decrease
                }
                guard ok else {
                    if decrement <= max(decrementTolerance, roundoff) {
                        // No representable progress is left: the minimum to working precision.
                        return ProximalNewtonSolution(parameters: x, evaluation: current, iterations: iterations,
                                                      converged: true, kktViolation: violation, decrement: decrement)
                    }
                    throw .lineSearchFailed(iteration: iterations + 1, maxAbsGradient: violation)
                }
                trial = try objective.evaluate(at: trialPoint, order: .hessian)
            }
            x = trialPoint
            current = trial
            iterations += 1
            onStep?(NewtonStep(iteration: iterations, value: composite(current.value, x), stepSize: t,
                               maxAbsGradient: Self.kktViolation(gradient: current.gradient!, parameters: x, l1: l1, free: free)))
        }
    }

    /// `value + Σₖ l1[k]·|xₖ|`: the composite objective at `x`, given the smooth part's value.
    static func composite(_ value: Double, _ x: [Double], l1: [Double]) -> Double {
        var total = value
        for k in x.indices where l1[k] > 0 { total += l1[k] * abs(x[k]) }
        return total
    }

    /// The largest violation of the optimality (KKT) conditions of `f + Σ aₖ|xₖ|` over the
    /// free coordinates: the largest entry of the minimum-norm subgradient,
    /// `|gₖ + aₖ·sign(xₖ)|` where `xₖ ≠ 0` and `max(|gₖ| − aₖ, 0)` where `xₖ = 0`.
    ///
    /// - Parameters:
    ///   - gradient: The gradient of the smooth part `f`.
    ///   - parameters: The point.
    ///   - l1: The L1 weights.
    ///   - free: Which coordinates count; `nil` means all.
    public static func kktViolation(gradient: [Double], parameters: [Double], l1: [Double], free: [Bool]? = nil) -> Double {
        var worst = 0.0
        for k in gradient.indices where free?[k] ?? true {
            let g = gradient[k]
            let x = parameters[k]
            let violation = x > 0 ? abs(g + l1[k]) : x < 0 ? abs(g - l1[k]) : max(abs(g) - l1[k], 0)
            worst = max(worst, violation)
        }
        return worst
    }

    /// The minimizer `z` of the penalized quadratic model around `x`, by coordinate descent.
    ///
    /// Keeps `r = H(z − x)` up to date, so coordinate `k`'s update is
    /// `zₖ = S(Hₖₖzₖ − gₖ − rₖ, aₖ) / Hₖₖ` with `S` the soft-threshold, and costs one column of
    /// `H`. Sweeps cover the non-zero free coordinates until their largest change (in gradient
    /// units, `Hₖₖ·|Δzₖ|`) is below a threshold, then every free coordinate; it ends when a
    /// sweep over every free coordinate changes none by more than the threshold.
    func modelMinimizer(gradient g: [Double], hessian h: Matrix, l1: [Double], at x: [Double], free: [Bool]) -> [Double] {
        let p = x.count
        var z = x
        var r = [Double](repeating: 0, count: p)
        // Changes this small move the model's gradient far less than the solver's tolerance.
        let threshold = 1e-3 * min(gradientTolerance, decrementTolerance.squareRoot())
        let all = (0..<p).filter { free[$0] && h[$0, $0] > 0 }
        h.elements.withUnsafeBufferPointer { hp in
            func sweep(_ coordinates: [Int]) -> Double {
                var largest = 0.0
                for k in coordinates {
                    let hkk = hp[k * p + k]
                    let old = z[k]
                    let v = hkk * old - (g[k] + r[k])
                    let a = l1[k]
                    let new = v > a ? (v - a) / hkk : v < -a ? (v + a) / hkk : 0
                    guard new != old else { continue }
                    let change = new - old
                    z[k] = new
                    let column = hp.baseAddress! + k * p   // H is symmetric: row k is column k
                    for i in 0..<p { r[i] += column[i] * change }
                    largest = max(largest, hkk * abs(change))
                }
                return largest
            }
            var sweeps = 0
            while sweeps < maxSweeps {
                sweeps += 1
                guard sweep(all) > threshold else { break }
                // Settle the coordinates that are not zero before visiting all again.
                let active = all.filter { z[$0] != 0 }
                while sweeps < maxSweeps {
                    sweeps += 1
                    if sweep(active) <= threshold { break }
                }
            }
        }
        return z
    }
}

/// The result of a proximal Newton minimization.
public struct ProximalNewtonSolution: Sendable {
    /// The minimizer found; penalized coordinates at zero are exactly zero.
    public let parameters: [Double]
    /// The smooth part's value, gradient and Hessian there (without the L1 term).
    public let evaluation: ObjectiveEvaluation
    /// The number of proximal Newton steps taken.
    public let iterations: Int
    /// Whether both stopping criteria were met within the iteration limit.
    public let converged: Bool
    /// The largest KKT violation at the solution (see `ProximalNewtonSolver.kktViolation`).
    public let kktViolation: Double
    /// `½δᵀHδ` of the proximal Newton step from the solution.
    public let decrement: Double
}
