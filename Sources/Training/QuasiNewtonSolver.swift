/// Limited-memory quasi-Newton minimization of a smooth convex objective plus a weighted L1
/// penalty: L-BFGS, and its orthant-wise form OWL-QN (Andrew and Gao, 2007) when some L1
/// weight is positive. It needs values and gradients only, so it never forms a Hessian: the
/// memory is `O(m·p)` for `m` stored pairs, and each iteration costs one or two passes of
/// `O(n·p)` over the rows.
///
/// It minimizes `F(x) = f(x) + Σₖ aₖ|xₖ|` with `f` differentiable (the loss and the L2 part of
/// the penalty) and weights `aₖ ≥ 0`. Each iteration:
/// 1. takes the pseudo-gradient `v` of `F`: `gₖ + aₖ·sign(xₖ)` where `xₖ ≠ 0`; at `xₖ = 0`
///    the one-sided derivative that points downhill (`gₖ + aₖ` if negative, `gₖ − aₖ` if
///    positive), else 0; its largest entry is the KKT violation, as in `ProximalNewtonSolver`;
/// 2. computes the direction `δ = −Bv` with the L-BFGS inverse-Hessian estimate `B` (two-loop
///    recursion over the last `memory` pairs of steps and gradient changes of `f`), and zeroes
///    every `δₖ` whose sign disagrees with `−vₖ`;
/// 3. stops when the KKT violation is at most `gradientTolerance` **and** the estimated
///    decrement `−½vᵀδ = ½vᵀBv` is at most `decrementTolerance`: the test of the Newton
///    solvers, with `B` in place of the inverse Hessian;
/// 4. otherwise searches along `δ` by backtracking, each trial projected on the orthant of
///    `x` (coordinates that would cross zero stay at zero), until the Armijo condition
///    `F(x') ≤ F(x) + c·vᵀ(x' − x)` holds.
///
/// With every `aₖ = 0` the steps are plain L-BFGS with a backtracking line search.
public struct QuasiNewtonSolver: Sendable {
    /// Largest acceptable KKT violation at the solution.
    public var gradientTolerance: Double
    /// Largest acceptable estimated decrement `½vᵀBv`.
    public var decrementTolerance: Double
    /// The most iterations; default 1,000.
    public var maxIterations: Int
    /// The number of step pairs kept for the inverse-Hessian estimate; default 20.
    public var memory: Int = 20
    /// The Armijo sufficient-decrease fraction; default 1e-4.
    public var armijo: Double = 1e-4
    /// The most step halvings in one line search; default 40.
    public var maxHalvings: Int = 40

    /// Creates a solver.
    ///
    /// - Parameters:
    ///   - gradientTolerance: See the property; positive.
    ///   - decrementTolerance: See the property; positive.
    ///   - maxIterations: See the property; default 1,000.
    public init(gradientTolerance: Double, decrementTolerance: Double, maxIterations: Int = 1000) {
        self.gradientTolerance = gradientTolerance
        self.decrementTolerance = decrementTolerance
        self.maxIterations = maxIterations
    }

    /// Minimizes `objective + Σₖ l1[k]·|xₖ|` from `start`, with values and gradients only.
    ///
    /// - Parameters:
    ///   - objective: The smooth part `f`, convex and differentiable.
    ///   - l1: The L1 weight `aₖ ≥ 0` of each parameter (0 for the intercept).
    ///   - start: The starting point; coordinates outside `free` keep their value.
    ///   - free: Which coordinates may move; `nil` means all.
    ///   - initial: The evaluation (with gradient) at `start`, if the caller has it.
    ///   - onStep: Called after each accepted step, for progress reports.
    /// - Returns: The solution with its evaluation (value and gradient) and convergence report;
    ///   `decrement` is the estimate `½vᵀBv`.
    /// - Throws: Whatever `objective` throws; `TrainingError.lineSearchFailed` when no step
    ///   decreases `F` and the estimated decrement is not yet negligible.
    /// - Complexity: Per iteration one evaluation with gradient (more when the step is
    ///   shortened) and O(m·p) for the direction.
    public func minimize<Objective: TwiceDifferentiableObjective>(
        _ objective: Objective, l1: [Double], from start: [Double], free: [Bool]? = nil,
        initial: ObjectiveEvaluation? = nil, onStep: ((NewtonStep) -> Void)? = nil
    ) throws(TrainingError) -> ProximalNewtonSolution {
        let p = objective.parameterCount
        precondition(l1.count == p && start.count == p, "Expected \(p) L1 weights and starting values.")
        precondition(l1.allSatisfy { $0 >= 0 && $0.isFinite }, "L1 weights must be finite and ≥ 0.")
        precondition(memory >= 1, "L-BFGS needs at least one stored pair.")
        let free = free ?? [Bool](repeating: true, count: p)
        func composite(_ value: Double, _ x: [Double]) -> Double { ProximalNewtonSolver.composite(value, x, l1: l1) }

        var x = start
        var current: ObjectiveEvaluation
        if let initial { current = initial } else { current = try objective.evaluate(at: x, order: .gradient) }
        var history = PairHistory(capacity: memory)
        var iterations = 0
        while true {
            let g = current.gradient!
            let v = Self.pseudoGradient(gradient: g, parameters: x, l1: l1, free: free)
            let violation = v.reduce(0) { max($0, abs($1)) }
            var delta = history.inverseHessianProduct(v)
            for k in 0..<p {
                delta[k] = -delta[k]
                // Penalized coordinates move only the way their pseudo-gradient points, so
                // each stays in its orthant or at zero.
                if !free[k] || (l1[k] > 0 && delta[k] * v[k] >= 0) { delta[k] = 0 }
            }
            var slope = 0.0   // vᵀδ, negative for a descent direction
            for k in 0..<p { slope += v[k] * delta[k] }
            if slope >= 0 {
                // Rare, and then every coordinate is held to its pseudo-gradient's sign.
                slope = 0
                for k in 0..<p {
                    if delta[k] * v[k] >= 0 { delta[k] = 0 }
                    slope += v[k] * delta[k]
                }
            }
            let decrement = -0.5 * slope
            if violation <= gradientTolerance && decrement <= decrementTolerance {
                return ProximalNewtonSolution(parameters: x, evaluation: current, iterations: iterations,
                                              converged: true, kktViolation: violation, decrement: decrement)
            }
            if iterations == maxIterations || violation == 0 {
                return ProximalNewtonSolution(parameters: x, evaluation: current, iterations: iterations,
                                              converged: violation <= gradientTolerance && decrement <= decrementTolerance,
                                              kktViolation: violation, decrement: decrement)
            }
            var stepSlope = slope   // vᵀδ of the step actually searched
            if history.isEmpty {
                // No curvature seen yet: the step along −v moves no coordinate by more than 1.
                let largest = delta.reduce(0) { max($0, abs($1)) }
                if largest > 1 {
                    for k in 0..<p { delta[k] /= largest }
                    stepSlope /= largest
                }
            }
            // The orthant each coordinate may move in: its sign, or for a zero coordinate the
            // sign of its step.
            let orthant = (0..<p).map { k in x[k] != 0 ? (x[k] > 0 ? 1.0 : -1.0) : (v[k] < 0 ? 1.0 : -1.0) }
            func trialPoint(_ t: Double) -> [Double] {
                var z = x
                for k in 0..<p where delta[k] != 0 {
                    let moved = x[k] + t * delta[k]
                    z[k] = l1[k] > 0 && moved * orthant[k] <= 0 ? 0 : moved
                }
                return z
            }
            func armijoBound(_ z: [Double]) -> Double {
                var change = 0.0
                for k in 0..<p { change += v[k] * (z[k] - x[k]) }
                return composite(current.value, x) + armijo * change
            }

            // Near the minimum the decrease falls below the rounding of the value, and comparing
            // values says nothing. A step whose value is within rounding is then judged by the
            // slope along the step instead, with the approximate Wolfe condition of Hager and
            // Zhang (CG_DESCENT): the slope at the trial point at most (1 − 2c) times the
            // initial slope's size, which for a quadratic is the Armijo condition itself.
            let currentValue = composite(current.value, x)
            let roundoff = 16 * Double.ulpOfOne * abs(currentValue)
            let valueIsNoise = -stepSlope <= roundoff
            func accepted(_ trial: ObjectiveEvaluation, at z: [Double]) -> Bool {
                let value = composite(trial.value, z)
                if value <= armijoBound(z) { return true }
                guard value <= currentValue + roundoff, let gradient = trial.gradient else { return false }
                let next = Self.pseudoGradient(gradient: gradient, parameters: z, l1: l1, free: free)
                var trialSlope = 0.0
                for k in 0..<p where z[k] != 0 || l1[k] == 0 { trialSlope += next[k] * delta[k] }
                return trialSlope <= (1 - 2 * armijo) * -stepSlope
            }
            var t = 1.0
            var z = trialPoint(t)
            var trial = try objective.evaluate(at: z, order: .gradient)
            var ok = accepted(trial, at: z)
            var halvings = 0
            while !ok && halvings < maxHalvings {
                t *= 0.5
                halvings += 1
                z = trialPoint(t)
                // Values decide while they can; in the rounding regime the gradient does.
                trial = try objective.evaluate(at: z, order: valueIsNoise ? .gradient : .value)
                ok = accepted(trial, at: z)
            }
            guard ok else {
                if decrement <= max(decrementTolerance, roundoff) {
                    // No representable progress is left: the minimum to working precision.
                    return ProximalNewtonSolution(parameters: x, evaluation: current, iterations: iterations,
                                                  converged: violation <= gradientTolerance, kktViolation: violation,
                                                  decrement: decrement)
                }
                throw .lineSearchFailed(iteration: iterations + 1, maxAbsGradient: violation)
            }
            if trial.gradient == nil { trial = try objective.evaluate(at: z, order: .gradient) }
            // The pair (s, y) from the smooth part's gradients; kept only with positive
            // curvature, which a convex f gives except through rounding.
            let s = (0..<p).map { z[$0] - x[$0] }
            let y = (0..<p).map { trial.gradient![$0] - g[$0] }
            history.append(s: s, y: y)
            x = z
            current = trial
            iterations += 1
            onStep?(NewtonStep(iteration: iterations, value: composite(current.value, x), stepSize: t,
                               maxAbsGradient: ProximalNewtonSolver.kktViolation(gradient: current.gradient!, parameters: x,
                                                                                 l1: l1, free: free)))
        }
    }

    /// The pseudo-gradient of `f + Σ aₖ|xₖ|`: the minimum-norm subgradient, 0 outside `free`.
    /// Its largest entry is `ProximalNewtonSolver.kktViolation`.
    static func pseudoGradient(gradient g: [Double], parameters x: [Double], l1 a: [Double], free: [Bool]) -> [Double] {
        (0..<g.count).map { k in
            guard free[k] else { return 0 }
            if x[k] > 0 { return g[k] + a[k] }
            if x[k] < 0 { return g[k] - a[k] }
            if g[k] + a[k] < 0 { return g[k] + a[k] }
            if g[k] - a[k] > 0 { return g[k] - a[k] }
            return 0
        }
    }
}

/// The last pairs `(s, y)` of steps and gradient changes, and the L-BFGS two-loop product.
private struct PairHistory {
    let capacity: Int
    private var steps: [[Double]] = []
    private var changes: [[Double]] = []
    private var curvatures: [Double] = []   // sᵀy

    init(capacity: Int) { self.capacity = capacity }

    var isEmpty: Bool { steps.isEmpty }

    /// Stores a pair when its curvature `sᵀy` is clearly positive, dropping the oldest beyond
    /// `capacity`.
    mutating func append(s: [Double], y: [Double]) {
        var sy = 0.0, ss = 0.0, yy = 0.0
        for k in s.indices {
            sy += s[k] * y[k]
            ss += s[k] * s[k]
            yy += y[k] * y[k]
        }
        guard sy > 1e-10 * (ss * yy).squareRoot(), sy.isFinite else { return }
        if steps.count == capacity {
            steps.removeFirst()
            changes.removeFirst()
            curvatures.removeFirst()
        }
        steps.append(s)
        changes.append(y)
        curvatures.append(sy)
    }

    /// `B·v` for the L-BFGS inverse-Hessian estimate `B`, scaled initially by `sᵀy/yᵀy` of the
    /// newest pair; `v` itself while no pair is stored.
    func inverseHessianProduct(_ v: [Double]) -> [Double] {
        var q = v
        let m = steps.count
        guard m > 0 else { return q }
        var alphas = [Double](repeating: 0, count: m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            let a = dot(steps[i], q) / curvatures[i]
            alphas[i] = a
            axpy(-a, changes[i], &q)
        }
        let newest = changes[m - 1]
        let gamma = curvatures[m - 1] / dot(newest, newest)
        for k in q.indices { q[k] *= gamma }
        for i in 0..<m {
            let b = dot(changes[i], q) / curvatures[i]
            axpy(alphas[i] - b, steps[i], &q)
        }
        return q
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for k in a.indices { sum += a[k] * b[k] }
        return sum
    }

    private func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        for k in y.indices { y[k] += a * x[k] }
    }
}
