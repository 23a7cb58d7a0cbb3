import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import Training

/// The regularization path: warm starts and the strong rule must not change any fit.
struct RegularizationPathTests {
    func data(_ name: String) throws -> (TrainingData, ElasticNetFixture) {
        let fixture = try ElasticNetFixture.load(name)
        let (x, y, w) = try fixture.table()
        return (try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames), fixture)
    }

    @Test("Every point of the path is the fit at its penalty on its own, with the same exact zeros",
          arguments: [("wide_lasso_raw", 1.0, false), ("wide_enet_standardized", 0.8, true), ("weighted_enet_standardized", 0.7, true)])
    func pointsMatchSingleFits(_ name: String, _ alpha: Double, _ standardize: Bool) throws {
        let (data, _) = try data(name)
        let path = RegularizationPath(l1Ratio: alpha, standardize: standardize, lambdaCount: 30, minimumRatio: 1e-3)
        let fit = try path.fit(data, featureNames: data.featureNames)
        #expect(fit.points.count == 30)
        #expect(fit.points.allSatisfy { $0.converged })
        #expect(fit.largestRelativeKKTViolation <= 1e-10)
        #expect(fit.points[0].nonzeroCount == 0)
        #expect(abs(fit.points[0].lambda - fit.lambdaMax) <= 1e-12 * fit.lambdaMax)
        #expect(fit.points.last!.nonzeroCount > fit.points[fit.points.count / 2].nonzeroCount / 2)
        for k in [1, 7, 15, 29] {
            let point = fit.points[k]
            let single = try path.regression(lambda: point.lambda).fit(data)
            #expect(single.coefficients.map { $0 == 0 } == point.coefficients.map { $0 == 0 }, "zeros differ at point \(k)")
            let sd = single.standardDeviations
            #expect(maxRelativeError(zip(point.coefficients, sd).map(*), zip(single.coefficients, sd).map(*)) <= 1e-7)
            #expect(relativeError(point.intercept, single.intercept) <= 1e-7)
            #expect(abs(point.objective - single.objective) <= 1e-12 * abs(single.objective))
        }
    }

    @Test("A grid point at the fixture's penalty reproduces the scikit-learn reference")
    func fixtureOnThePath() throws {
        let (data, fixture) = try data("wide_enet_raw")
        let path = RegularizationPath(l1Ratio: fixture.l1Ratio, standardize: fixture.standardize)
        let lambdas = [fixture.lambdaMax, 2 * fixture.lambda, fixture.lambda, fixture.lambda / 2]
        let fit = try path.fit(data, featureNames: data.featureNames, lambdas: lambdas)
        #expect(abs(fit.lambdaMax - fixture.lambdaMax) <= 1e-12 * fixture.lambdaMax)
        let point = fit.points[2]
        #expect(maxRelativeError(point.coefficients, fixture.coefficients) <= 1e-5)
        #expect(point.coefficients.indices.filter { point.coefficients[$0] == 0 }.map { fixture.featureNames[$0] }
            == fixture.zeroCoefficients)
    }

    @Test("The strong rule leaves most coefficients out early on the path")
    func strongRuleScreens() throws {
        let (data, _) = try data("wide_lasso_raw")
        let fit = try RegularizationPath(l1Ratio: 1, standardize: false, lambdaCount: 40).fit(data, featureNames: data.featureNames)
        let early = fit.points[1...10]
        #expect(early.allSatisfy { $0.strongSetSize < data.featureCount })
        #expect(fit.points.allSatisfy { $0.strongSetSize >= $0.nonzeroCount - $0.strongRuleViolations })
    }

    @Test("With α = 0 the path is the L2 fits")
    func ridgePath() throws {
        let (data, _) = try data("weighted_enet_standardized")
        let fit = try RegularizationPath(l1Ratio: 0, lambdaCount: 8).fit(data, featureNames: data.featureNames)
        for point in fit.points.suffix(3) {
            let ridge = try LogisticRegression(l2: point.lambda).fit(data)
            #expect(maxRelativeError(point.coefficients, ridge.coefficients) <= 1e-7)
        }
    }

    @Test("Settings out of range are refused with a sentence")
    func invalidSettings() throws {
        let (data, _) = try data("wide_lasso_raw")
        let names = data.featureNames
        #expect(throws: TrainingError.invalidSetting("The elastic-net mixing α (l1 ratio) must be between 0 and 1, not -0.5.")) {
            try RegularizationPath(l1Ratio: -0.5).fit(data, featureNames: names)
        }
        #expect(throws: TrainingError.invalidSetting("A path needs at least one penalty, not 0.")) {
            try RegularizationPath(l1Ratio: 1, lambdaCount: 0).fit(data, featureNames: names)
        }
        #expect(throws: TrainingError.invalidSetting("The path's minimum ratio must be between 0 and 1, not 1.")) {
            try RegularizationPath(l1Ratio: 1, minimumRatio: 1).fit(data, featureNames: names)
        }
        #expect(throws: TrainingError.invalidSetting("The penalties of a path must be finite and > 0.")) {
            try RegularizationPath(l1Ratio: 1).fit(data, featureNames: names, lambdas: [1, 0])
        }
    }

    @Test("The path is the same, bit for bit, on 1 and 2 threads")
    func threads() throws {
        let fixture = try ElasticNetFixture.load("wide_enet_raw")
        let (x, y, w) = try fixture.table()
        let data = try TrainingData(features: x, labels: y, weights: w, featureNames: fixture.featureNames, blockRows: 300)
        let path = RegularizationPath(l1Ratio: 0.3, standardize: false, lambdaCount: 20)
        let one = try path.fit(data, featureNames: data.featureNames, threads: 1)
        let two = try path.fit(data, featureNames: data.featureNames, threads: 2)
        #expect(one == two)
    }
}
