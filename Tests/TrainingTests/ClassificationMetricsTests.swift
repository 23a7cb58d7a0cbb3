import Foundation
import TestSupport
import Testing
import Training

/// AUC, log-loss and Brier score against scikit-learn, and against hand-computed values.
struct ClassificationMetricsTests {
    struct TiesFixture: Decodable {
        let labels: [Double]
        let probabilities: [Double]
        let weights: [Double]
        let auc, aucWeighted, logLoss, logLossWeighted, brier, brierWeighted: Double
    }

    @Test("Tied scores and sample weights match scikit-learn's metrics")
    func matchesScikitLearn() throws {
        let url = fixturesDirectory.appendingPathComponent("metrics_ties.json")
        let f = try JSONDecoder().decode(TiesFixture.self, from: Data(contentsOf: url))
        let plain = try #require(ClassificationMetrics(probabilities: f.probabilities, labels: f.labels))
        #expect(abs(plain.auc - f.auc) <= 1e-15)
        #expect(abs(plain.logLoss - f.logLoss) <= 1e-14)
        #expect(abs(plain.brier - f.brier) <= 1e-15)
        let weighted = try #require(ClassificationMetrics(probabilities: f.probabilities, labels: f.labels, weights: f.weights))
        #expect(abs(weighted.auc - f.aucWeighted) <= 1e-15)
        #expect(abs(weighted.logLoss - f.logLossWeighted) <= 1e-14)
        #expect(abs(weighted.brier - f.brierWeighted) <= 1e-15)
    }

    @Test("A hand-counted AUC with a tie between a positive and a negative")
    func handCountedAUC() throws {
        // Pairs (positive, negative): (0.9, 0.1) ✓, (0.9, 0.4) ✓, (0.4, 0.1) ✓, (0.4, 0.4) ½ → 3.5 / 4.
        let m = try #require(ClassificationMetrics(probabilities: [0.1, 0.4, 0.4, 0.9], labels: [0, 0, 1, 1]))
        #expect(m.auc == 0.875)
        #expect(abs(m.brier - (0.01 + 0.16 + 0.36 + 0.01) / 4) < 1e-16)
        #expect(abs(m.logLoss - -(log(0.9) + log(0.6) + log(0.4) + log(0.9)) / 4) < 1e-15)
    }

    @Test("AUC is undefined with a single class")
    func singleClass() {
        #expect(ClassificationMetrics(probabilities: [0.2, 0.3], labels: [1, 1]) == nil)
    }
}
