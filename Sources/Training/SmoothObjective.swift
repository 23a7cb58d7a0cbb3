import LinearAlgebra

/// How many derivatives an evaluation of an objective must return.
public enum DerivativeOrder: Int, Comparable, Sendable {
    /// The value only.
    case value = 0
    /// The value and the gradient.
    case gradient = 1
    /// The value, the gradient and the Hessian.
    case hessian = 2

    public static func < (lhs: DerivativeOrder, rhs: DerivativeOrder) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The value of an objective at a point, with as many derivatives as were asked for.
public struct ObjectiveEvaluation: Sendable {
    /// The objective's value.
    public var value: Double
    /// The gradient, when asked for.
    public var gradient: [Double]?
    /// The Hessian (symmetric, both triangles filled), when asked for.
    public var hessian: Matrix?

    public init(value: Double, gradient: [Double]? = nil, hessian: Matrix? = nil) {
        self.value = value
        self.gradient = gradient
        self.hessian = hessian
    }
}

/// A convex objective with a gradient and a Hessian: all a second-order solver sees.
///
/// Solvers know nothing about leads, labels or files; an objective knows nothing about how it
/// is minimized (as scikit-learn separates `LinearModelLoss` from its Newton solver).
public protocol TwiceDifferentiableObjective {
    /// The number of parameters.
    var parameterCount: Int { get }
    /// Evaluates the objective and the requested derivatives at `parameters`.
    ///
    /// - Throws: An objective may refuse a point (for example one proving the problem has no
    ///   minimum); the solver stops and rethrows.
    func evaluate(at parameters: [Double], order: DerivativeOrder) throws(TrainingError) -> ObjectiveEvaluation
}
