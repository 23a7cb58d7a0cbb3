import Foundation
import Propensity
import TestSupport
import Testing

/// The README's library example, run as written, with its results checked.
struct LibraryExampleTests {
    @Test("The README example trains on the bundled table and predicts every row")
    func readmeExample() throws {
        let path = repositoryRoot.appendingPathComponent("datasets/flat/sqls.csv").path
        // From the README, with the path made absolute:
        let table = try FlatTable(contentsOf: URL(fileURLWithPath: path))
        let sqls = try LabelledFlatTable(table, label: "outcome", positive: "won")
        let data = try TrainingData(features: sqls.features, labels: sqls.labels,
                                    featureNames: sqls.encoding.featureNames)
        let fit = try LogisticRegression(l2: 1).fit(data)
        let probabilities = fit.probabilities(sqls.features)
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: sqls.labels)

        #expect(fit.converged)
        #expect(probabilities.count == 5000)
        #expect(sqls.labels.reduce(0, +) == 1207)
        // The score equations of a logistic fit with an unpenalized intercept: Σ p̂ = Σ y.
        #expect(abs(probabilities.reduce(0, +) - 1207) < 1e-6)
        #expect(fit.coefficientTable.first?.name == "intercept")
        #expect((metrics?.auc ?? 0) > 0.65)
    }
}
