/// The backtracking line search of the Newton-type solvers (`NewtonCholeskySolver`,
/// `SeededBFGSSolver`).
///
/// The full step is evaluated with every derivative the solver needs next, since near the
/// minimum it is taken. A step `t·d` is accepted if it decreases the value by at least
/// `armijo·t·|gᵀd|`, or (for the full step, when the value is within rounding of the current
/// one) if it lowers the largest gradient entry; otherwise the step is halved, evaluating the
/// value only, and the derivatives are evaluated once at the accepted point.
struct BacktrackingLineSearch {
    /// The Armijo sufficient-decrease fraction.
    let armijo: Double
    /// The most step halvings.
    let maxHalvings: Int

    /// An accepted step: the new point, its evaluation, and the fraction `t` of the step taken.
    struct Step {
        let point: [Double]
        let evaluation: ObjectiveEvaluation
        let fraction: Double
    }

    /// Searches along `step` from `x`, or returns `nil` if no halving of it is accepted.
    ///
    /// - Parameters:
    ///   - current: The evaluation at `x`, with its gradient.
    ///   - slope: `gᵀd`, negative.
    ///   - maxGradient: `max|gᵢ|` at `x`.
    ///   - order: What the evaluation at the accepted point must hold (`.gradient` or `.hessian`).
    func search<Objective: TwiceDifferentiableObjective>(
        _ objective: Objective, from x: [Double], along step: [Double], current: ObjectiveEvaluation,
        slope: Double, maxGradient: Double, order: DerivativeOrder
    ) throws(TrainingError) -> Step? {
        var t = 1.0
        var point = zip(x, step).map { $0 + $1 }
        var trial = try objective.evaluate(at: point, order: order)
        let roundoff = 16 * Double.ulpOfOne * abs(current.value)
        func accepted(_ value: Double, _ t: Double) -> Bool {
            value <= current.value + armijo * t * slope
        }
        var ok = accepted(trial.value, t)
        if !ok && trial.value <= current.value + roundoff {
            // Within rounding of the value, progress shows in the gradient instead.
            ok = trial.gradient!.reduce(0) { max($0, abs($1)) } < maxGradient
        }
        if !ok {
            var halvings = 0
            while !ok && halvings < maxHalvings {
                t *= 0.5
                halvings += 1
                point = zip(x, step).map { $0 + t * $1 }
                ok = accepted(try objective.evaluate(at: point, order: .value).value, t)
            }
            guard ok else { return nil }
            trial = try objective.evaluate(at: point, order: order)
        }
        return Step(point: point, evaluation: trial, fraction: t)
    }
}
