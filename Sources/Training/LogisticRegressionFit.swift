import Foundation
import LinearAlgebra

/// A fitted logistic regression: coefficients on the original scale, their covariance, and
/// the statistics statsmodels' `LogitResults` reports.
public struct LogisticRegressionFit: Codable, Equatable, Sendable {
    /// The feature names, in coefficient order.
    public let featureNames: [String]
    /// The intercept `b` on the original scale.
    public let intercept: Double
    /// The coefficients `β` on the original scale, one per feature.
    public let coefficients: [Double]
    /// The covariance of `(b, β)`: the inverse of the objective's Hessian at the solution,
    /// (d + 1) × (d + 1) row-major, the intercept first. With a penalty, this is the inverse of
    /// the penalized Hessian (a Bayesian posterior covariance under the Gaussian prior the
    /// penalty implies). Empty when the fit went without the Hessian (more features than
    /// `LogisticRegression.hessianFreeWidth`): see `hasCovariance`.
    public let covariance: [Double]
    /// The settings the model was fitted with.
    public let settings: LogisticRegression
    /// The column centers `μⱼ` used for standardization (weighted means).
    public let centers: [Double]
    /// The column standard deviations `σⱼ` (weighted, population).
    public let standardDeviations: [Double]
    /// The number of rows with a positive weight.
    public let observationCount: Int
    /// The sum of the sample weights `N = Σ sᵢ`.
    public let weightSum: Double
    /// The weighted share of positive labels.
    public let positiveRate: Double
    /// The objective's value at the solution, penalty included.
    public let objective: Double
    /// `Σ sᵢ[yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]` at the solution (without the penalty).
    public let logLikelihood: Double
    /// The log-likelihood of the intercept-only model.
    public let nullLogLikelihood: Double
    /// Newton steps taken.
    public let iterations: Int
    /// Whether the solver met both stopping criteria.
    public let converged: Bool
    /// `max|gradient|` at the solution, in standardized coordinates; with an L1 penalty, the
    /// largest violation of the optimality (KKT) conditions, which is the same thing for a
    /// smooth objective (see `ProximalNewtonSolver.kktViolation`).
    public let maxAbsGradient: Double
    /// The Newton decrement `½·gᵀH⁻¹g` at the solution; with an L1 penalty, `½δᵀHδ` of the
    /// last proximal Newton step `δ`.
    public let newtonDecrement: Double

    /// The features whose coefficient the L1 penalty set exactly to zero, in column order;
    /// empty without an L1 penalty. Constant columns (`constantFeatures`) are not among them.
    public var droppedFeatures: [String] {
        guard settings.usesL1 else { return [] }
        return coefficients.indices.filter { coefficients[$0] == 0 && standardDeviations[$0] != 0 }.map { featureNames[$0] }
    }

    /// The features that were constant on the training rows and so were left out of the fit
    /// (see `insertingConstantColumns`): coefficient exactly 0, standard deviation 0, no
    /// covariance; in column order.
    public var constantFeatures: [String] {
        standardDeviations.indices.filter { standardDeviations[$0] == 0 }.map { featureNames[$0] }
    }

    /// The number of features the fit estimated: all but the constant ones.
    public var fittedFeatureCount: Int { standardDeviations.filter { $0 != 0 }.count }

    /// This fit, made on all columns but some that were constant on the training rows, as a fit
    /// of every column: each constant column gets a coefficient of exactly 0 (with a penalty,
    /// the best coefficient of a constant column is 0: the intercept absorbs any constant), its
    /// value as center, a standard deviation of 0 and zero covariance.
    ///
    /// - Parameters:
    ///   - featureNames: The names of every column, in order.
    ///   - fitted: For each column of this fit, its index among all columns, increasing.
    ///   - constants: The value of each column not in `fitted` (by index among all columns).
    /// - Returns: The fit of all `featureNames.count` columns.
    public func insertingConstantColumns(featureNames: [String], fitted: [Int],
                                         constants: [Int: Double]) -> LogisticRegressionFit {
        let d = featureNames.count
        precondition(fitted.count == coefficients.count && fitted.count + constants.count == d,
                     "Every column must be fitted or constant.")
        var beta = [Double](repeating: 0, count: d)
        var mu = [Double](repeating: 0, count: d)
        var sd = [Double](repeating: 0, count: d)
        for (k, j) in fitted.enumerated() {
            beta[j] = coefficients[k]
            mu[j] = centers[k]
            sd[j] = standardDeviations[k]
        }
        for (j, value) in constants { mu[j] = value }
        var sigma: [Double] = []
        if hasCovariance {
            // Parameter 0 is the intercept; fitted parameter k + 1 is column fitted[k] + 1.
            let index = [0] + fitted.map { $0 + 1 }
            let m = parameterCount, p = d + 1
            sigma = [Double](repeating: 0, count: p * p)
            for a in 0..<m {
                for b in 0..<m { sigma[index[a] * p + index[b]] = covariance[a * m + b] }
            }
        }
        return LogisticRegressionFit(
            featureNames: featureNames, intercept: intercept, coefficients: beta, covariance: sigma, settings: settings,
            centers: mu, standardDeviations: sd, observationCount: observationCount, weightSum: weightSum,
            positiveRate: positiveRate, objective: objective, logLikelihood: logLikelihood,
            nullLogLikelihood: nullLogLikelihood, iterations: iterations, converged: converged,
            maxAbsGradient: maxAbsGradient, newtonDecrement: newtonDecrement)
    }

    /// The number of parameters, `d + 1` (constant columns included).
    public var parameterCount: Int { coefficients.count + 1 }

    /// McFadden's pseudo-R²: `1 − ℓ/ℓ₀`.
    public var pseudoRSquared: Double { 1 - logLikelihood / nullLogLikelihood }

    /// Akaike's information criterion: `−2ℓ + 2k`, with `k` the estimated parameters: the
    /// intercept and the non-constant columns (`d + 1` when none is constant).
    public var aic: Double { -2 * logLikelihood + 2 * Double(fittedFeatureCount + 1) }

    /// The Bayesian information criterion: `−2ℓ + k·log N`, with `N = Σ sᵢ` and `k` as for `aic`.
    public var bic: Double { -2 * logLikelihood + Double(fittedFeatureCount + 1) * log(weightSum) }

    /// Whether the fit has a covariance (and so standard errors and score ranges): false for a
    /// fit that went without the Hessian.
    public var hasCovariance: Bool { !covariance.isEmpty }

    /// The covariance as a matrix; `nil` without one (see `hasCovariance`).
    public var covarianceMatrix: Matrix? {
        hasCovariance ? Matrix(rows: parameterCount, columns: parameterCount, elements: covariance) : nil
    }

    /// The standard error of the intercept; NaN without a covariance.
    public var interceptStandardError: Double { hasCovariance ? covariance[0].squareRoot() : .nan }

    /// The standard errors of the coefficients; NaN without a covariance.
    public var standardErrors: [Double] {
        (1..<parameterCount).map { hasCovariance ? covariance[$0 * parameterCount + $0].squareRoot() : .nan }
    }

    /// The coefficient table: the intercept first, then each feature.
    public var coefficientTable: [CoefficientEstimate] {
        let se = [interceptStandardError] + standardErrors
        let names = ["intercept"] + featureNames
        let values = [intercept] + coefficients
        return (0..<parameterCount).map { CoefficientEstimate(name: names[$0], estimate: values[$0], standardError: se[$0]) }
    }

    /// The linear predictor `η = b + x·β` for each row of `features`.
    ///
    /// - Complexity: O(n·d), one BLAS `dgemv`.
    public func linearPredictor(_ features: Matrix) -> [Double] {
        features.product(rows: 0..<features.rows, vector: coefficients, adding: intercept)
    }

    /// The probability of a win for each row of `features`.
    ///
    /// - Complexity: O(n·d).
    public func probabilities(_ features: Matrix) -> [Double] {
        linearPredictor(features).map(LogisticLoss.probability(eta:))
    }
}

/// One row of a coefficient table, as statsmodels prints it.
public struct CoefficientEstimate: Equatable, Sendable {
    /// The two-sided 97.5% quantile of the standard normal distribution.
    public static let z975 = 1.959963984540054

    /// The feature name, or `intercept`.
    public let name: String
    /// The estimate.
    public let estimate: Double
    /// Its standard error.
    public let standardError: Double

    /// The Wald statistic `estimate / standardError`.
    public var zValue: Double { estimate / standardError }
    /// The two-sided p-value of the Wald test, `P(|Z| > |z|) = erfc(|z|/√2)`.
    public var pValue: Double { erfc(abs(zValue) / 2.0.squareRoot()) }
    /// The lower end of the 95% Wald confidence interval.
    public var lower95: Double { estimate - Self.z975 * standardError }
    /// The upper end of the 95% Wald confidence interval.
    public var upper95: Double { estimate + Self.z975 * standardError }
    /// The odds ratio `exp(estimate)`.
    public var oddsRatio: Double { exp(estimate) }
}
