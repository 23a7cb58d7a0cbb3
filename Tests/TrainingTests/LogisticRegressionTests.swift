import Foundation
import LinearAlgebra
import TestSupport
import Synchronization
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

    @Test("A fit started from a sample's minimum, stepping with its Hessian, reaches the same solution and covariance",
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

    @Test("On many rows, the fit starts at a sample's minimum and reads each other block once per step",
          arguments: [0.0, 1.0], [false, true])
    func sampleStart(l2: Double, nested: Bool) throws {
        var rng = SeededGenerator(seed: 23)
        let n = 40_000
        var x = Matrix(rows: n, columns: 4)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i, 0] = 40_000 + 15_000 * rng.nextGaussian()
            x[i, 1] = Double.random(in: 0..<1, using: &rng) < 0.3 ? 1 : 0
            x[i, 2] = rng.nextGaussian()
            x[i, 3] = 0.5 * x[i, 2] + rng.nextGaussian()
            let eta = -0.7 + 2e-5 * (x[i, 0] - 40_000) + 0.8 * x[i, 1] - 0.6 * x[i, 2] + 0.3 * x[i, 3]
            y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        // 80 blocks of 500 rows; a 4,000-row sample is every 10th block.
        let data = try TrainingData(features: x, labels: y, featureNames: ["dollars", "flag", "a", "b"], blockRows: 500)
        let exact = try LogisticRegression(l2: l2, hessianSampleRows: 0).fit(data)
        let counted = BlockCountingSource(data)
        var steps: [NewtonStep] = []
        var trainer = LogisticRegression(l2: l2, hessianSampleRows: 4_000)
        // Nested, the sample's own start is the minimum of its first block (every 8th of 10).
        trainer.minimumSampleRows = nested ? 500 : 10_000
        let fit = try trainer.fit(counted, featureNames: data.featureNames) { steps.append($0) }
        #expect(fit.converged)
        #expect(maxRelativeError(fit.coefficients, exact.coefficients) <= 1e-8)
        #expect(relativeError(fit.intercept, exact.intercept) <= 1e-8)
        #expect(maxRelativeError(fit.standardErrors, exact.standardErrors) <= 1e-8)
        #expect(fit.objective <= exact.objective * (1 + 1e-14))
        // The first step over all rows starts at the sample's minimum, already near the end.
        let first = try #require(steps.first)
        #expect(first.value - fit.objective <= 1e-4 * fit.objective)
        // A block outside the sample is read once at each point the steps reach: the start
        // (by the pass that also sums the column moments) and one per step (the exact Hessian
        // pass evaluating the last), and without a penalty once more by the separation check.
        // No point is evaluated twice, and the moments take no pass of their own.
        let reads = counted.reads
        let outside = reads.indices.filter { $0 % 10 != 0 }.map { reads[$0] }
        #expect(Set(outside) == [fit.iterations + (l2 > 0 ? 1 : 2)])
        #expect(reads.indices.filter { $0 % 10 == 0 }.allSatisfy { reads[$0] > outside[0] })
        // The inner sample's block is read by its own steps too.
        #expect((reads[0] > reads[10]) == nested)
    }

    @Test("A rare level missing from the sample does not stop a fit, penalized or not", arguments: [0.0, 1.0])
    func rareLevelOutsideTheSample(l2: Double) throws {
        let data = try rareLevelRows(coefficients: [0.8], rareEffect: 0.5, names: ["score", "rare"])
        // The sample's constant column keeps it from giving the fit's coordinates or start (its
        // Hessian has no curvature along the rare level but the penalty's): the moments come
        // first, and exact Newton steps do the rest.
        let sampled = LogisticRegression(l2: l2, hessianSampleRows: 500)
        let exact = try LogisticRegression(l2: l2, hessianSampleRows: 0).fit(data)
        var steps: [NewtonStep] = []
        let fit = try sampled.fit(data) { steps.append($0) }
        #expect(fit.converged)
        #expect(maxRelativeError(fit.coefficients, exact.coefficients) <= 1e-9)
        #expect(maxRelativeError(fit.standardErrors, exact.standardErrors) <= 1e-9)
        #expect(fit.centers == exact.centers && fit.standardDeviations == exact.standardDeviations)
        #expect(steps.count == fit.iterations && fit.iterations <= exact.iterations + 1)
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

    @Test("With OpenBLAS on two threads per call, only the covariance's last bits change (dpotri); the CLI keeps it on one")
    func blasThreadCountChangesOnlyTheCovariancesLastBits() throws {
        // 60,000 rows of 16 columns in blocks of 4,096: large enough that OpenBLAS splits its
        // dgemv and dsyrk calls between two threads. Its dpotri then blocks its work by thread
        // count, so the inverse Hessian (the covariance) differs in the last bits; everything
        // computed by dsyrk, dgemv, dpotrf and dpotrs is bit for bit the same.
        var random = SeededGenerator(seed: 17)
        let n = 60_000, d = 16
        var x = Matrix(rows: n, columns: d)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var eta = -0.5
            for j in 0..<d {
                x[i, j] = random.nextGaussian() * Double(j + 1)
                eta += x[i, j] * 0.3 / Double(j + 1)
            }
            y[i] = Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let data = try TrainingData(features: x, labels: y, featureNames: (0..<d).map { "x\($0)" }, blockRows: 4_096)
        let before = BLASThreads.count
        defer { BLASThreads.set(before) }
        var fits: [LogisticRegressionFit] = []
        for blasThreads in [1, 2] {
            BLASThreads.set(blasThreads)
            fits.append(try LogisticRegression(l2: 1, hessianSampleRows: 10_000).fit(data, threads: 1))
        }
        let (one, two) = (fits[0], fits[1])
        #expect(one.converged)
        #expect(two.coefficients.map(\.bitPattern) == one.coefficients.map(\.bitPattern))
        #expect(two.intercept.bitPattern == one.intercept.bitPattern)
        #expect(two.objective.bitPattern == one.objective.bitPattern && two.logLikelihood.bitPattern == one.logLikelihood.bitPattern)
        #expect(two.centers == one.centers && two.standardDeviations == one.standardDeviations)
        // Relative to each entry's scale √(Σᵢᵢ Σⱼⱼ): a correlation differing by at most 1e-13.
        let k = d + 1
        var largest = 0.0
        for i in 0..<k {
            for j in 0..<k {
                let scale = (one.covariance[i * k + i] * one.covariance[j * k + j]).squareRoot()
                largest = max(largest, abs(two.covariance[i * k + j] - one.covariance[i * k + j]) / scale)
            }
        }
        #expect(largest <= 1e-13)
        #expect(two.covariance != one.covariance, "if OpenBLAS's dpotri no longer depends on its thread count, say so in the README")
    }
}

/// A source that counts how often each block is read.
final class BlockCountingSource: IndexedRowBlockSource, @unchecked Sendable {
    let base: TrainingData
    private let counts: Mutex<[Int]>

    init(_ base: TrainingData) {
        self.base = base
        counts = Mutex([Int](repeating: 0, count: base.blockCount))
    }

    var reads: [Int] { counts.withLock { $0 } }
    var featureCount: Int { base.featureCount }
    var rowCount: Int { base.rowCount }
    var blockCount: Int { base.blockCount }

    func block(at index: Int) -> RowBlock {
        counts.withLock { $0[index] += 1 }
        return base.block(at: index)
    }

    func forEachBlock(_ body: (RowBlock) throws -> Void) rethrows {
        for index in 0..<blockCount { try body(block(at: index)) }
    }
}
