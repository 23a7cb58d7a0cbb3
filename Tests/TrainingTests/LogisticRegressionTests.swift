import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import Training

/// The trainer against reference fits from statsmodels and scikit-learn
/// (`scripts/make_fixtures.py` writes them; `Tests/Fixtures/*.json` holds the values).
struct LogisticRegressionTests {
    static let fixtures = [
        "spector_logit", "synthetic_logit", "synthetic_l2_c1", "synthetic_l2_c001",
        "synthetic_l2_standardized", "weighted_logit", "weighted_l2",
    ]

    @Test("Coefficients, standard errors and statistics match the reference fit", arguments: fixtures)
    func matchesReference(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let (x, y, w) = try fixture.table()
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames)
        let fit = try LogisticRegression(l2: fixture.lambda, standardize: fixture.standardize).fit(data)

        #expect(fit.converged)
        #expect(relativeError(fit.intercept, fixture.intercept) <= 1e-6)
        #expect(maxRelativeError(fit.coefficients, fixture.coefficients) <= 1e-6)
        #expect(relativeError(fit.interceptStandardError, fixture.standardErrors.intercept) <= 1e-5)
        #expect(maxRelativeError(fit.standardErrors, fixture.standardErrors.coefficients) <= 1e-5)
        // Dollar columns have coefficients near 1e-9, which max(1, |value|) would not test:
        // compare them per standard deviation of their column too (the effect of one σ).
        let sd = fit.standardDeviations
        #expect(maxRelativeError(zip(fit.coefficients, sd).map(*), zip(fixture.coefficients, sd).map(*)) <= 1e-6)
        #expect(maxRelativeError(zip(fit.standardErrors, sd).map(*), zip(fixture.standardErrors.coefficients, sd).map(*)) <= 1e-5)
        #expect(abs(fit.objective - fixture.objective) <= 1e-9 * abs(fixture.objective))
        #expect(abs(fit.logLikelihood - fixture.logLikelihood) <= 1e-9 * abs(fixture.logLikelihood))
        #expect(abs(fit.nullLogLikelihood - fixture.nullLogLikelihood) <= 1e-9 * abs(fixture.nullLogLikelihood))
        #expect(abs(fit.pseudoRSquared - fixture.pseudoR2) <= 1e-8)
        #expect(abs(fit.aic - fixture.aic) <= 1e-8 * fixture.aic)
        #expect(abs(fit.bic - fixture.bic) <= 1e-8 * fixture.bic)

        let metrics = try #require(ClassificationMetrics(probabilities: fit.probabilities(x), labels: y, weights: w))
        #expect(abs(metrics.auc - fixture.metrics.auc) <= 1e-12)
        #expect(abs(metrics.logLoss - fixture.metrics.logLoss) <= 1e-8)
        #expect(abs(metrics.brier - fixture.metrics.brier) <= 1e-8)
    }

    @Test("The coefficient table derives z, p, intervals and odds ratios as statsmodels does")
    func coefficientTable() throws {
        // statsmodels 0.15 `Logit(...).fit()` on Spector: `tvalues`, `pvalues` and `conf_int()` of PSI.
        let fixture = try ReferenceFixture.load("spector_logit")
        let (x, y, _) = try fixture.table()
        let fit = try LogisticRegression().fit(TrainingData(features: x, labels: y, featureNames: fixture.featureNames))
        let psi = try #require(fit.coefficientTable.first { $0.name == "PSI" })
        #expect(abs(psi.zValue - 2.2344237513563456) < 1e-6)
        #expect(abs(psi.pValue - 0.025455204361278325) < 1e-8)
        #expect(abs(psi.lower95 - 0.29218006) < 1e-6)
        #expect(abs(psi.upper95 - 4.46519525) < 1e-6)
        #expect(abs(psi.oddsRatio - exp(2.378687655093354)) < 1e-6)
        #expect(fit.coefficientTable.map(\.name) == ["intercept", "GPA", "TUCE", "PSI"])
    }
}
