import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import Training

/// Fits above `hessianFreeWidth` (L-BFGS, OWL-QN with an L1 part) against the scikit-learn
/// references and against the Newton fits of the same problems.
struct HessianFreeTests {
    /// The fit of a fixture with the Hessian-free solver forced (a width of 0).
    func hessianFree(_ trainer: LogisticRegression, _ data: TrainingData) throws -> LogisticRegressionFit {
        var trainer = trainer
        trainer.hessianFreeWidth = 0
        return try trainer.fit(data)
    }

    @Test("OWL-QN matches the scikit-learn elastic net: coefficients within 1e-5, the same exact zeros",
          arguments: ElasticNetTests.fixtures)
    func elasticNetReference(_ name: String) throws {
        let fixture = try ElasticNetFixture.load(name)
        let (x, y, w) = try fixture.table()
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames)
        let trainer = LogisticRegression(lambda: fixture.lambda, l1Ratio: fixture.l1Ratio, standardize: fixture.standardize)
        let fit = try hessianFree(trainer, data)
        #expect(fit.converged)
        #expect(fit.maxAbsGradient <= 1e-10 * fit.weightSum)
        #expect(!fit.hasCovariance)
        #expect(fit.iterations > 0)
        #expect(relativeError(fit.intercept, fixture.intercept) <= 1e-5)
        let sd = fit.standardDeviations
        #expect(maxRelativeError(zip(fit.coefficients, sd).map(*), zip(fixture.coefficients, sd).map(*)) <= 1e-5)
        #expect(fit.droppedFeatures == fixture.zeroCoefficients)
        #expect(abs(fit.objective - fixture.objective) <= 1e-10 * abs(fixture.objective))
    }

    @Test("L-BFGS matches the scikit-learn L2 fits", arguments: ["synthetic_l2_c1", "synthetic_l2_c001",
                                                                 "synthetic_l2_standardized", "weighted_l2"])
    func ridgeReference(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let (x, y, w) = try fixture.table()
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames)
        let trainer = LogisticRegression(l2: fixture.lambda, standardize: fixture.standardize)
        let fit = try hessianFree(trainer, data)
        let newton = try trainer.fit(data)
        #expect(fit.converged)
        #expect(fit.maxAbsGradient <= 1e-10 * fit.weightSum)
        #expect(fit.standardErrors.allSatisfy(\.isNaN) && fit.interceptStandardError.isNaN)
        #expect(relativeError(fit.intercept, fixture.intercept) <= 1e-6)
        #expect(maxRelativeError(fit.coefficients, fixture.coefficients) <= 1e-6)
        #expect(maxRelativeError(fit.coefficients, newton.coefficients) <= 1e-7)
        #expect(abs(fit.objective - newton.objective) <= 1e-12 * abs(newton.objective))
        #expect(fit.logLikelihood == fit.logLikelihood && abs(fit.logLikelihood - newton.logLikelihood) <= 1e-9 * abs(newton.logLikelihood))
    }

    /// Seeded wide rows: `columns` standard normal columns, the first ten with effects, and
    /// labels drawn from the logistic model.
    static func wideData(rows: Int, columns: Int, seed: UInt64) throws -> TrainingData {
        var random = SeededGenerator(seed: seed)
        var x = Matrix(rows: rows, columns: columns)
        var y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var eta = -0.5
            for j in 0..<columns {
                let value = random.nextGaussian()
                x[i, j] = value
                if j < 10 { eta += (j % 2 == 0 ? 0.6 : -0.4) * value }
            }
            y[i] = Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        return try TrainingData(features: x, labels: y)
    }

    @Test("Above the default width the fit goes without the Hessian and finds Newton's solution",
          arguments: [(1.0, 0.0), (8.0, 1.0), (8.0, 0.5)])
    func defaultWidth(_ lambda: Double, _ alpha: Double) throws {
        let d = LogisticRegression.defaultHessianFreeWidth + 100
        let data = try Self.wideData(rows: 600, columns: d, seed: 11)
        let trainer = LogisticRegression(lambda: lambda, l1Ratio: alpha)
        #expect(trainer.isHessianFree(features: d) && !trainer.isHessianFree(features: d - 100))
        let fit = try trainer.fit(data, threads: 2)
        #expect(fit.converged && !fit.hasCovariance && fit.covariance.isEmpty)
        #expect(fit.maxAbsGradient <= 1e-10 * fit.weightSum)
        var newtonTrainer = trainer
        newtonTrainer.hessianFreeWidth = d
        let newton = try newtonTrainer.fit(data, threads: 2)
        #expect(newton.hasCovariance)
        #expect(fit.coefficients.map { $0 == 0 } == newton.coefficients.map { $0 == 0 })
        let largest = newton.coefficients.map(abs).max()!
        #expect(zip(fit.coefficients, newton.coefficients).allSatisfy { abs($0 - $1) <= 1e-6 * largest })
        #expect(abs(fit.objective - newton.objective) <= 1e-12 * newton.objective)
        if alpha > 0 { #expect(!fit.droppedFeatures.isEmpty && fit.droppedFeatures.count < d) }
    }

    @Test("A fit without the Hessian is the same, bit for bit, on one and two threads")
    func threads() throws {
        let data = try Self.wideData(rows: 3000, columns: 60, seed: 5)
        var trainer = LogisticRegression(lambda: 2, l1Ratio: 0.5)
        trainer.hessianFreeWidth = 0
        let one = try trainer.fit(data, threads: 1)
        let two = try trainer.fit(data, threads: 2)
        #expect(one == two)
        #expect(one.coefficients.map(\.bitPattern) == two.coefficients.map(\.bitPattern))
    }

    @Test("Above the width, the path's points match the Newton path's: same zeros, same objectives",
          arguments: [("wide_lasso_raw", 1.0, false), ("wide_enet_standardized", 0.8, true)])
    func path(_ name: String, _ alpha: Double, _ standardize: Bool) throws {
        let fixture = try ElasticNetFixture.load(name)
        let (x, y, w) = try fixture.table()
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames)
        var path = RegularizationPath(l1Ratio: alpha, standardize: standardize, lambdaCount: 20, minimumRatio: 1e-3)
        let newton = try path.fit(data, featureNames: data.featureNames)
        path.hessianFreeWidth = 0
        let quasi = try path.fit(data, featureNames: data.featureNames)
        #expect(quasi.points.allSatisfy { $0.converged })
        #expect(quasi.largestRelativeKKTViolation <= 1e-10)
        #expect(quasi.lambdaMax == newton.lambdaMax)
        for (a, b) in zip(quasi.points, newton.points) {
            #expect(a.coefficients.map { $0 == 0 } == b.coefficients.map { $0 == 0 }, "zeros differ at λ = \(a.lambda)")
            #expect(abs(a.objective - b.objective) <= 1e-11 * abs(b.objective))
        }
        #expect(path.regression(lambda: 1).hessianFreeWidth == 0)
    }

    @Test("Without a penalty above the width the fit is refused, saying why and what to do")
    func unpenalized() throws {
        let data = try Self.wideData(rows: 200, columns: 30, seed: 3)
        var trainer = LogisticRegression()
        trainer.hessianFreeWidth = 20
        #expect(throws: TrainingError.invalidSetting("30 features are more than the 20 for which the Hessian is formed, and "
            + "without it a fit cannot check for collinear columns or give standard errors; set a penalty (an L2 penalty "
            + "or the elastic net) for this many features.")) {
            try trainer.fit(data)
        }
    }

    @Test("The width and the step limit are written only when not the default, and read back")
    func settingsCoding() throws {
        var trainer = LogisticRegression(l2: 1)
        let plain = String(decoding: try JSONEncoder().encode(trainer), as: UTF8.self)
        #expect(!plain.contains("hessianFreeWidth") && !plain.contains("quasiNewtonIterations"))
        trainer.hessianFreeWidth = 50
        trainer.quasiNewtonIterations = 300
        let data = try JSONEncoder().encode(trainer)
        #expect(try JSONDecoder().decode(LogisticRegression.self, from: data) == trainer)
        #expect(try JSONDecoder().decode(LogisticRegression.self, from: Data(plain.utf8)) == LogisticRegression(l2: 1))
    }

    @Test("Constant columns put back into a fit get a zero coefficient, their value as center and zero covariance")
    func insertingConstantColumns() throws {
        let data = try Self.wideData(rows: 400, columns: 6, seed: 9)
        let fit = try LogisticRegression(l2: 1).fit(data)
        let names = ["a", "k1", "b", "c", "d", "k2", "e", "f"]
        let full = fit.insertingConstantColumns(featureNames: names, fitted: [0, 2, 3, 4, 6, 7], constants: [1: 0, 5: 2.5])
        #expect(full.coefficients == [fit.coefficients[0], 0, fit.coefficients[1], fit.coefficients[2], fit.coefficients[3], 0,
                                      fit.coefficients[4], fit.coefficients[5]])
        #expect(full.centers[1] == 0 && full.centers[5] == 2.5 && full.standardDeviations[5] == 0)
        #expect(full.constantFeatures == ["k1", "k2"] && full.fittedFeatureCount == 6)
        #expect(full.aic == fit.aic && full.bic == fit.bic)
        let se = full.standardErrors
        #expect(se[1] == 0 && se[5] == 0 && se[7] == fit.standardErrors[5])
        #expect(full.covarianceMatrix![0, 3] == fit.covarianceMatrix![0, 2] && full.covarianceMatrix![7, 4] == fit.covarianceMatrix![5, 3])
        let eta = full.linearPredictor(Matrix(rows: 1, columns: 8, elements: [1, 0, 2, 3, 4, 2.5, 5, 6]))
        let reference = fit.linearPredictor(Matrix(rows: 1, columns: 6, elements: [1, 2, 3, 4, 5, 6]))
        #expect(abs(eta[0] - reference[0]) <= 1e-12 * max(1, abs(reference[0])))
    }
}
