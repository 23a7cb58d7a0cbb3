import LinearAlgebra

/// Newton's method with a Cholesky-factored Hessian and a backtracking line search.
///
/// The step order is fixed:
/// 1. evaluate the value, gradient `g` and Hessian `H` at the current point;
/// 2. factor `H = UᵀU` (LAPACK `dpotrf`) and solve `H·d = −g`;
/// 3. stop if `max|g| ≤ gradientTolerance` **and** the Newton decrement `½·gᵀH⁻¹g ≤
///    decrementTolerance`; the factorization of `H` at that point is returned for inference;
/// 4. try the full step: evaluate value, gradient and Hessian at `x + d` in one pass; accept it
///    if it decreases the value by at least `armijo·|gᵀd|` (or, within rounding of the value,
///    if it lowers the gradient); otherwise halve the step, evaluating only the value, and
///    evaluate the derivatives once at the accepted point.
///
/// The stopping rule follows scikit-learn's `NewtonSolver`: the gradient alone can be small far
/// from the minimum of a badly scaled problem, the decrement alone can be small where the
/// Hessian is huge; both together certify the minimum.
public struct NewtonCholeskySolver: Sendable {
    /// Largest acceptable `max|gᵢ|` at the solution.
    public var gradientTolerance: Double
    /// Largest acceptable Newton decrement `½·gᵀH⁻¹g`, an estimate of `f(x) − f(x*)`.
    public var decrementTolerance: Double
    /// The most Newton steps to take; default 100.
    public var maxIterations: Int
    /// The Armijo sufficient-decrease fraction; default 1e-4.
    public var armijo: Double = 1e-4
    /// The most step halvings in one line search; default 40.
    public var maxHalvings: Int = 40

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

    /// Minimizes `objective` starting from `start`.
    ///
    /// - Parameters:
    ///   - objective: A convex, twice-differentiable objective.
    ///   - start: The starting point.
    ///   - initial: The evaluation (with Hessian) at `start`, if the caller already has it.
    ///   - onStep: Called after each accepted step, for progress reports.
    /// - Returns: The solution, its evaluation and factored Hessian, and a convergence report.
    /// - Throws: Whatever `objective` throws; `TrainingError.lineSearchFailed` if no step
    ///   decreases the value. A Hessian that is not positive definite ends the iterations with
    ///   `converged == false` and `failure` set.
    /// - Complexity: Per iteration, one evaluation with Hessian plus one Cholesky, O(p³).
    public func minimize<Objective: TwiceDifferentiableObjective>(
        _ objective: Objective, from start: [Double], initial: ObjectiveEvaluation? = nil,
        onStep: ((NewtonStep) -> Void)? = nil
    ) throws(TrainingError) -> NewtonSolution {
        var x = start
        var current: ObjectiveEvaluation
        if let initial { current = initial } else { current = try objective.evaluate(at: x, order: .hessian) }
        var iterations = 0
        while true {
            let g = current.gradient!
            let maxGradient = g.reduce(0) { max($0, abs($1)) }
            let factor: Cholesky
            do {
                factor = try Cholesky(factoring: current.hessian!)
            } catch {
                // Report where the Hessian broke down, so the caller can diagnose why.
                return NewtonSolution(parameters: x, evaluation: current, hessianFactor: nil,
                                      iterations: iterations, converged: false,
                                      maxAbsGradient: maxGradient, newtonDecrement: .nan, failure: error)
            }
            let step: [Double]
            do {
                step = try factor.solve(g.map { -$0 })
            } catch {
                throw .numerical(error)
            }
            let slope = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }   // gᵀd = −gᵀH⁻¹g
            let decrement = -0.5 * slope
            if maxGradient <= gradientTolerance && decrement <= decrementTolerance {
                return NewtonSolution(parameters: x, evaluation: current, hessianFactor: factor,
                                      iterations: iterations, converged: true,
                                      maxAbsGradient: maxGradient, newtonDecrement: decrement)
            }
            if iterations == maxIterations {
                return NewtonSolution(parameters: x, evaluation: current, hessianFactor: factor,
                                      iterations: iterations, converged: false,
                                      maxAbsGradient: maxGradient, newtonDecrement: decrement)
            }

            let search = BacktrackingLineSearch(armijo: armijo, maxHalvings: maxHalvings)
            guard let accepted = try search.search(objective, from: x, along: step, current: current, slope: slope,
                                                   maxGradient: maxGradient, order: .hessian) else {
                if decrement <= max(decrementTolerance, 16 * Double.ulpOfOne * abs(current.value)) {
                    // No representable progress is left: this is the minimum to working precision.
                    return NewtonSolution(parameters: x, evaluation: current, hessianFactor: factor,
                                          iterations: iterations, converged: true,
                                          maxAbsGradient: maxGradient, newtonDecrement: decrement)
                }
                throw .lineSearchFailed(iteration: iterations + 1, maxAbsGradient: maxGradient)
            }
            x = accepted.point
            current = accepted.evaluation
            iterations += 1
            onStep?(NewtonStep(iteration: iterations, value: current.value, stepSize: accepted.fraction,
                               maxAbsGradient: current.gradient!.reduce(0) { max($0, abs($1)) }))
        }
    }
}

/// The result of a Newton minimization.
public struct NewtonSolution: Sendable {
    /// The minimizer found.
    public let parameters: [Double]
    /// The value, gradient and Hessian there.
    public let evaluation: ObjectiveEvaluation
    /// The Cholesky factorization of the Hessian there, for inference; `nil` if the Hessian
    /// was not positive definite (see `failure`).
    public let hessianFactor: Cholesky?
    /// The number of Newton steps taken.
    public let iterations: Int
    /// Whether both stopping criteria were met within the iteration limit.
    public let converged: Bool
    /// `max|gᵢ|` at the solution.
    public let maxAbsGradient: Double
    /// The Newton decrement `½·gᵀH⁻¹g` at the solution; NaN if the Hessian could not be factored.
    public let newtonDecrement: Double
    /// Why the Hessian could not be factored at `parameters`, if it could not.
    public var failure: LinearAlgebraError? = nil
}

/// One accepted Newton step, as reported to a progress observer.
public struct NewtonStep: Sendable {
    /// The 1-based iteration number.
    public let iteration: Int
    /// The objective's value after the step.
    public let value: Double
    /// The fraction of the Newton step taken (1 unless the line search shortened it).
    public let stepSize: Double
    /// `max|gᵢ|` after the step.
    public let maxAbsGradient: Double
}
