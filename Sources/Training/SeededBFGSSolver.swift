import LinearAlgebra

/// Quasi-Newton steps from a Hessian estimated elsewhere (a sample's): L-BFGS whose initial
/// matrix is that Hessian instead of a multiple of the identity.
///
/// Each step costs one evaluation of the value and gradient, a solve with the seed's Cholesky
/// factor, and the BFGS corrections of the last `memory` steps; no step forms a Hessian. With
/// `memory == 0` the seed stays fixed (the chord method) and, near the minimum, the largest
/// gradient entry shrinks by a roughly constant factor per step: about the seed's relative
/// error. The corrections learn the true curvature along the directions where the seed is
/// most wrong, which are the ones the error lingers in, and shrink it faster.
///
/// The solver only brings the point to where one exact Newton evaluation can certify it, so it
/// ends in one of two ways (`SeededBFGSSolver.Ending`):
/// - `.predicted`: the current point meets both stopping tests of `NewtonCholeskySolver`
///   (with the solver's curvature in place of the exact Hessian), or the next step is
///   predicted to meet them (at the slowest rate of contraction seen, with a margin of 2: the
///   corrected steps contract unevenly, and a wrong prediction costs an exact Newton step). The
///   solver returns the next step's point *without evaluating it*, so that the caller's exact
///   evaluation there (which it needs anyway, for the covariance) both takes and certifies
///   the last step, and no point is evaluated twice;
/// - `.stalled`: a step contracted the gradient by less than `slowestContraction`, no step
///   along the direction decreased the value, or `maxIterations` steps were taken: the seed
///   is too far from the current Hessian, and the caller goes on with another method from the
///   point returned, which was evaluated.
///
/// Each step is accepted as `NewtonCholeskySolver` accepts one: the Armijo condition, or within
/// rounding of the value a lower gradient, halving the step otherwise.
public struct SeededBFGSSolver: Sendable {
    /// Largest acceptable `max|gᵢ|` at the solution.
    public var gradientTolerance: Double
    /// Largest acceptable decrement `−½·gᵀd` at the solution, `d` the solver's step.
    public var decrementTolerance: Double
    /// The most steps to take; default 20.
    public var maxIterations: Int
    /// A step that leaves `max|g|` above this fraction of its value before ends the iterations;
    /// default 0.5.
    public var slowestContraction = 0.5
    /// The number of step pairs kept for BFGS corrections of the seed; default 4; 0 keeps the
    /// seed fixed.
    public var memory = 4
    /// The Armijo sufficient-decrease fraction; default 1e-4.
    public var armijo: Double = 1e-4
    /// The most step halvings in one line search; default 40.
    public var maxHalvings: Int = 40

    /// How a minimization ended.
    public enum Ending: Sendable, Equatable {
        /// The point is the next step's, not evaluated: the last point evaluated met both
        /// tests, or this one is predicted to.
        case predicted
        /// The seed stopped helping, or the iterations ran out.
        case stalled
    }

    /// Creates a solver.
    ///
    /// - Parameters:
    ///   - gradientTolerance: See the property; positive.
    ///   - decrementTolerance: See the property; positive.
    ///   - maxIterations: See the property; default 20.
    public init(gradientTolerance: Double, decrementTolerance: Double, maxIterations: Int = 20) {
        self.gradientTolerance = gradientTolerance
        self.decrementTolerance = decrementTolerance
        self.maxIterations = maxIterations
    }

    /// Minimizes `objective` from `start` with quasi-Newton steps seeded with `hessian`.
    ///
    /// - Parameters:
    ///   - objective: A convex, differentiable objective (only values and gradients are asked).
    ///   - hessian: The Cholesky factor of the seed, an estimate of the Hessian near the
    ///     minimum; positive definite.
    ///   - start: The starting point.
    ///   - initial: The evaluation (with gradient) at `start`, if the caller already has it.
    ///   - onStep: Called after each accepted (evaluated) step, for progress reports.
    /// - Returns: The point reached and how the iterations ended.
    /// - Throws: Whatever `objective` throws; `TrainingError.numerical` if a solve fails.
    /// - Complexity: One evaluation with the gradient per step, plus value-only evaluations
    ///   when a step is shortened; O(p² + memory·p) per direction.
    public func minimize<Objective: TwiceDifferentiableObjective>(
        _ objective: Objective, hessian: Cholesky, from start: [Double], initial: ObjectiveEvaluation? = nil,
        onStep: ((NewtonStep) -> Void)? = nil
    ) throws(TrainingError) -> SeededBFGSSolution {
        var x = start
        var current: ObjectiveEvaluation
        if let initial { current = initial } else { current = try objective.evaluate(at: x, order: .gradient) }
        var contraction: Double? = nil
        var iterations = 0
        var pairs: [(s: [Double], y: [Double], rho: Double)] = []
        while true {
            let g = current.gradient!
            let maxGradient = g.reduce(0) { max($0, abs($1)) }
            let step: [Double]
            do {
                step = try direction(g, hessian: hessian, pairs: pairs)
            } catch {
                throw .numerical(error)
            }
            let slope = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }   // gᵀd = −gᵀBg
            let decrement = -0.5 * slope
            let r = contraction.map { 2 * $0 } ?? 1
            if maxGradient * r <= gradientTolerance && decrement * r * r <= decrementTolerance {
                return SeededBFGSSolution(parameters: zip(x, step).map { $0 + $1 }, iterations: iterations + 1,
                                     ending: .predicted)
            }
            if iterations == maxIterations {
                return SeededBFGSSolution(parameters: x, iterations: iterations, ending: .stalled)
            }

            let search = BacktrackingLineSearch(armijo: armijo, maxHalvings: maxHalvings)
            // A direction no halving of which is accepted means the seed no longer fits: let
            // the caller go on from the last accepted point.
            guard let accepted = try search.search(objective, from: x, along: step, current: current, slope: slope,
                                                   maxGradient: maxGradient, order: .gradient) else {
                return SeededBFGSSolution(parameters: x, iterations: iterations, ending: .stalled)
            }
            let (trialPoint, trial) = (accepted.point, accepted.evaluation)
            if memory > 0 {
                let sk = zip(trialPoint, x).map { $0 - $1 }
                let yk = zip(trial.gradient!, g).map { $0 - $1 }
                let curvature = zip(sk, yk).reduce(0) { $0 + $1.0 * $1.1 }
                if curvature > 0 {
                    pairs.append((sk, yk, 1 / curvature))
                    if pairs.count > memory { pairs.removeFirst() }
                }
            }
            x = trialPoint
            current = trial
            iterations += 1
            let newMaxGradient = current.gradient!.reduce(0) { max($0, abs($1)) }
            onStep?(NewtonStep(iteration: iterations, value: current.value, stepSize: accepted.fraction,
                               maxAbsGradient: newMaxGradient))
            let rate = newMaxGradient / maxGradient
            if !(rate <= slowestContraction) {
                return SeededBFGSSolution(parameters: x, iterations: iterations, ending: .stalled)
            }
            contraction = max(contraction ?? 0, rate)
        }
    }
}

extension SeededBFGSSolver {
    /// `−Bg` for `B` the inverse of the seed corrected by BFGS updates from the step pairs,
    /// oldest first (the L-BFGS two-loop recursion with the seed as the initial matrix).
    func direction(_ g: [Double], hessian: Cholesky, pairs: [(s: [Double], y: [Double], rho: Double)]) throws(LinearAlgebraError) -> [Double] {
        var q = g
        var alphas = [Double](repeating: 0, count: pairs.count)
        for i in pairs.indices.reversed() {
            let a = pairs[i].rho * zip(pairs[i].s, q).reduce(0) { $0 + $1.0 * $1.1 }
            alphas[i] = a
            for k in q.indices { q[k] -= a * pairs[i].y[k] }
        }
        var r = try hessian.solve(q)
        for i in pairs.indices {
            let b = pairs[i].rho * zip(pairs[i].y, r).reduce(0) { $0 + $1.0 * $1.1 }
            for k in r.indices { r[k] += (alphas[i] - b) * pairs[i].s[k] }
        }
        return r.map { -$0 }
    }
}

/// The result of a `SeededBFGSSolver` minimization.
public struct SeededBFGSSolution: Sendable {
    /// The point reached: evaluated, unless `ending` is `.predicted`.
    public let parameters: [Double]
    /// The steps taken, the predicted last one included.
    public let iterations: Int
    /// How the iterations ended.
    public let ending: SeededBFGSSolver.Ending
}
