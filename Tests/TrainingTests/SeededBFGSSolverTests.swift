import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import Training

/// Quasi-Newton steps seeded with a Hessian: how they converge, predict their last step, and stall.
struct SeededBFGSSolverTests {
    /// `f(x) = ½xᵀAx − bᵀx`, minimized at `A⁻¹b`.
    struct Quadratic: TwiceDifferentiableObjective {
        let a: Matrix
        let b: [Double]
        var parameterCount: Int { b.count }

        func evaluate(at x: [Double], order: DerivativeOrder) throws(TrainingError) -> ObjectiveEvaluation {
            let ax = (0..<b.count).map { i in (0..<b.count).reduce(0) { $0 + a[i, $1] * x[$1] } }
            let value = (0..<b.count).reduce(0) { $0 + 0.5 * x[$1] * ax[$1] - b[$1] * x[$1] }
            return ObjectiveEvaluation(value: value, gradient: order >= .gradient ? zip(ax, b).map { $0 - $1 } : nil,
                                       hessian: order == .hessian ? a : nil)
        }
    }

    /// A logistic objective on 3,000 rows of 3 columns, and its exact minimizer and Hessian.
    func logisticProblem() throws -> (LogisticObjective<TrainingData>, minimum: [Double], hessian: Matrix) {
        var rng = SeededGenerator(seed: 11)
        let n = 3000
        var x = Matrix(rows: n, columns: 3)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<3 { x[i, j] = rng.nextGaussian() }
            let eta = -0.4 + 0.9 * x[i, 0] - 0.5 * x[i, 1] + 0.2 * x[i, 2]
            y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let data = try TrainingData(features: x, labels: y, blockRows: 256)
        let objective = LogisticObjective(source: data, centers: [0, 0, 0], scales: [1, 1, 1], penalties: [1, 1, 1])
        let exact = try NewtonCholeskySolver(gradientTolerance: 1e-12 * Double(n), decrementTolerance: 1e-16 * Double(n))
            .minimize(objective, from: [0, 0, 0, 0])
        #expect(exact.converged)
        return (objective, exact.parameters, exact.evaluation.hessian!)
    }

    @Test("With the exact Hessian of a quadratic, one step reaches the minimum")
    func quadraticInOneStep() throws {
        var a = Matrix(rows: 3, columns: 3)
        for (i, j, v) in [(0, 0, 4.0), (1, 1, 3.0), (2, 2, 2.0), (0, 1, 1.0), (1, 0, 1.0), (1, 2, 0.5), (2, 1, 0.5)] { a[i, j] = v }
        let problem = Quadratic(a: a, b: [1, -2, 0.5])
        let solution = try SeededBFGSSolver(gradientTolerance: 1e-12, decrementTolerance: 1e-20)
            .minimize(problem, hessian: Cholesky(factoring: a), from: [5, 5, 5])
        // The step lands on the minimum; its evaluation meets the tests, so the next (null)
        // step is handed over unevaluated.
        #expect(solution.ending == .predicted)
        #expect(solution.iterations == 2)
        let minimum = try Cholesky(factoring: a).solve(problem.b)
        #expect(maxRelativeError(solution.parameters, minimum) <= 1e-13)
    }

    /// A point near the minimum of the logistic problem, where its Hessian hardly changes.
    func nearby(_ minimum: [Double]) -> [Double] {
        zip(minimum, [0.05, -0.04, 0.03, -0.05]).map { $0 + $1 }
    }

    @Test("With a fixed seed 25% too large, each step leaves a fifth of the gradient; the last one is handed over unevaluated")
    func predictsTheLastStep() throws {
        let (objective, minimum, hessian) = try logisticProblem()
        let tolerance = 1e-10 * 3000
        var evaluations = 0
        let counted = CountingObjective(base: objective) { evaluations += 1 }
        var steps: [NewtonStep] = []
        let start = nearby(minimum)
        var solver = SeededBFGSSolver(gradientTolerance: tolerance, decrementTolerance: 1e-4 * tolerance)
        solver.memory = 0
        let solution = try solver
            .minimize(counted, hessian: Cholesky(factoring: hessian.scaled(by: 1.25)), from: start) { steps.append($0) }
        #expect(solution.ending == .predicted)
        // The start and every step but the last were evaluated, once each, with no halving.
        #expect(evaluations == solution.iterations)
        #expect(steps.count == solution.iterations - 1)
        #expect(steps.allSatisfy { $0.stepSize == 1 })
        // A step 1/1.25 of Newton's leaves a fifth of the error.
        let gradients = [try objective.evaluate(at: start, order: .gradient).gradient!.map(abs).max()!]
            + steps.map(\.maxAbsGradient)
        #expect(gradients.count >= 8)
        for (earlier, later) in zip(gradients, gradients.dropFirst()) {
            #expect(abs(later / earlier - 0.2) <= 0.05)
        }
        // The last step's point, which nobody evaluated, meets the tolerance.
        let there = try objective.evaluate(at: solution.parameters, order: .gradient)
        #expect(there.gradient!.map(abs).max()! <= tolerance)
        #expect(maxRelativeError(solution.parameters, minimum) <= 1e-9)
    }

    @Test("The BFGS corrections of a seed off by ±25% take fewer steps to the same minimum than the seed alone")
    func correctionsTakeFewerSteps() throws {
        let (objective, minimum, hessian) = try logisticProblem()
        // A seed wrong by different factors in different directions: scaled by 0.75…1.25
        // along the coordinates (D·H·D with D from 0.87 to 1.12).
        let d = [0.87, 0.95, 1.05, 1.12]
        var seed = hessian
        for i in 0..<4 { for j in 0..<4 { seed[i, j] *= d[i] * d[j] } }
        let tolerance = 1e-10 * 3000
        var iterations: [Int] = []
        for memory in [0, 4] {
            var solver = SeededBFGSSolver(gradientTolerance: tolerance, decrementTolerance: 1e-4 * tolerance)
            solver.memory = memory
            let solution = try solver.minimize(objective, hessian: Cholesky(factoring: seed), from: nearby(minimum))
            #expect(solution.ending == .predicted)
            let there = try objective.evaluate(at: solution.parameters, order: .gradient)
            #expect(there.gradient!.map(abs).max()! <= tolerance)
            #expect(maxRelativeError(solution.parameters, minimum) <= 1e-9)
            iterations.append(solution.iterations)
        }
        #expect(iterations[1] < iterations[0])
    }

    @Test("With a fixed seed 4 times too large, a step leaves 3/4 of the gradient and the solver stops")
    func stallsOnAPoorHessian() throws {
        let (objective, minimum, hessian) = try logisticProblem()
        let start = nearby(minimum)
        var solver = SeededBFGSSolver(gradientTolerance: 1e-10 * 3000, decrementTolerance: 1e-14 * 3000)
        solver.memory = 0
        let solution = try solver.minimize(objective, hessian: Cholesky(factoring: hessian.scaled(by: 4)), from: start)
        #expect(solution.ending == .stalled)
        #expect(solution.iterations == 1)
        let before = try objective.evaluate(at: start, order: .value).value
        let after = try objective.evaluate(at: solution.parameters, order: .value).value
        #expect(after < before)
    }

    @Test("At the minimum, the point is handed over after one evaluation")
    func startsAtTheMinimum() throws {
        let (objective, minimum, hessian) = try logisticProblem()
        var evaluations = 0
        let counted = CountingObjective(base: objective) { evaluations += 1 }
        let solution = try SeededBFGSSolver(gradientTolerance: 1e-9 * 3000, decrementTolerance: 1e-13 * 3000)
            .minimize(counted, hessian: Cholesky(factoring: hessian), from: minimum)
        #expect(solution.ending == .predicted)
        #expect(solution.iterations == 1)
        #expect(evaluations == 1)
        #expect(maxRelativeError(solution.parameters, minimum) <= 1e-11)
    }
}

/// An objective that reports each evaluation with a gradient.
private struct CountingObjective<Base: TwiceDifferentiableObjective>: TwiceDifferentiableObjective {
    let base: Base
    let onGradient: () -> Void
    var parameterCount: Int { base.parameterCount }

    func evaluate(at parameters: [Double], order: DerivativeOrder) throws(TrainingError) -> ObjectiveEvaluation {
        if order >= .gradient { onGradient() }
        return try base.evaluate(at: parameters, order: order)
    }
}
