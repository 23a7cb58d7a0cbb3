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

    @Test("Newton steps with a sampled Hessian reach the same solution and covariance",
          arguments: ["synthetic_logit", "synthetic_l2_c1", "synthetic_l2_standardized", "weighted_l2"])
    func sampledHessian(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let (x, y, w) = try fixture.table()
        // Blocks of 256 rows and a 600-row sample: every 4th to 20th block forms the Hessian.
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames, blockRows: 256)
        var trainer = LogisticRegression(l2: fixture.lambda, standardize: fixture.standardize)
        trainer.hessianSampleRows = 600
        let fit = try trainer.fit(data)
        #expect(fit.converged)
        let sd = fit.standardDeviations
        #expect(relativeError(fit.intercept, fixture.intercept) <= 1e-6)
        #expect(maxRelativeError(zip(fit.coefficients, sd).map(*), zip(fixture.coefficients, sd).map(*)) <= 1e-6)
        #expect(maxRelativeError(zip(fit.standardErrors, sd).map(*), zip(fixture.standardErrors.coefficients, sd).map(*)) <= 1e-5)
        #expect(abs(fit.objective - fixture.objective) <= 1e-9 * abs(fixture.objective))
    }

    @Test("A rare level missing from the Hessian sample does not stop an unpenalized fit")
    func rareLevelOutsideTheSample() throws {
        var rng = SeededGenerator(seed: 5)
        let n = 4000
        var x = Matrix(rows: n, columns: 2)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i, 0] = rng.nextGaussian()
            // A level present in 40 rows of one 100-row block only: stride 8 misses it, which
            // makes the sampled Gram matrix singular.
            x[i, 1] = (150..<190).contains(i) ? 1 : 0
            let eta = 0.8 * x[i, 0] - 0.3 + 0.5 * x[i, 1]
            y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let data = try TrainingData(features: x, labels: y, featureNames: ["score", "rare"], blockRows: 100)
        var sampled = LogisticRegression()
        sampled.hessianSampleRows = 500
        let exact = try LogisticRegression().fit(data)
        let fit = try sampled.fit(data)
        #expect(fit.converged)
        #expect(maxRelativeError(fit.coefficients, exact.coefficients) <= 1e-9)
        #expect(maxRelativeError(fit.standardErrors, exact.standardErrors) <= 1e-9)
    }

    @Test("A fit on one, two or three threads is the same, bit for bit")
    func threadCountDoesNotChangeTheResult() throws {
        let fixture = try ReferenceFixture.load("weighted_l2")
        let (x, y, w) = try fixture.table()
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames, blockRows: 100)
        for hessianSampleRows in [100_000, 300] {
            var trainer = LogisticRegression(l2: fixture.lambda)
            trainer.hessianSampleRows = hessianSampleRows
            let one = try trainer.fit(data, threads: 1)
            #expect(maxRelativeError(one.coefficients, fixture.coefficients) <= 1e-6)
            for threads in [2, 3] {
                let many = try trainer.fit(data, threads: threads)
                #expect(many == one)
                #expect(many.coefficients.map(\.bitPattern) == one.coefficients.map(\.bitPattern))
            }
        }
    }
}
