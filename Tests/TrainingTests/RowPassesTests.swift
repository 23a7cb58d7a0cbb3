import Foundation
import LinearAlgebra
import TestSupport
import Testing

@testable import Training

/// A fit whose passes run on parts of the rows, each part's sums crossing a process boundary as
/// JSON, equals the fit on all rows here.
struct RowPassesTests {
    /// Runs each pass on `parts` row ranges of `data`, sending every part's sums through JSON
    /// and adding them in order, as the Spark driver does; counts the passes.
    final class SplitRunner: RowPassRunner {
        let parts: [TrainingData]
        private(set) var passes: [PassRequest.Kind] = []
        var answer: ((PassRequest) -> PassResult?)?

        init(_ features: Matrix, labels: [Double], weights: [Double]?, parts count: Int) throws {
            let n = features.rows
            var parts: [TrainingData] = []
            for k in 0..<count {
                let rows = (k * n / count)..<((k + 1) * n / count)
                guard !rows.isEmpty else { continue }
                var x = Matrix(rows: rows.count, columns: features.columns)
                for (i, row) in rows.enumerated() { for j in 0..<features.columns { x[i, j] = features[row, j] } }
                parts.append(try TrainingData(features: x, labels: Array(labels[rows]), weights: weights.map { Array($0[rows]) }))
            }
            self.parts = parts
        }

        func run(_ request: PassRequest) throws(TrainingError) -> PassResult {
            passes.append(request.kind)
            if let answer, let result = answer(request) { return result }
            let (encoder, decoder) = (JSONEncoder.passes, JSONDecoder.passes)
            var total: PassResult?
            do {
                // An empty part, as Spark's partitions can be.
                let empty = try TrainingData(features: Matrix(rows: 1, columns: parts[0].featureCount), labels: [0], weights: [0])
                for part in [empty] + parts {
                    let sent = try decoder.decode(PassResult.self, from: try encoder.encode(PartitionPass.run(request, over: part)))
                    if total == nil { total = sent } else { total!.merge(sent) }
                }
            } catch {
                throw .passFailed("\(error)")
            }
            return total!
        }
    }

    /// Rows with columns on different scales, weights, and a label from a known model.
    static func rows(seed: UInt64, n: Int = 3000) -> (Matrix, [Double], [Double]) {
        var random = SeededGenerator(seed: seed)
        var x = Matrix(rows: n, columns: 5)
        var labels = [Double](repeating: 0, count: n), weights = labels
        for i in 0..<n {
            let row = [random.nextGaussian(), 1000 + 200 * random.nextGaussian(), Double(Int.random(in: 0...1, using: &random)),
                       exp(random.nextGaussian()), random.nextGaussian() * 0.01]
            for j in 0..<5 { x[i, j] = row[j] }
            let eta = -0.3 + 0.9 * row[0] + 0.002 * (row[1] - 1000) + 0.6 * row[2] - 0.4 * row[3] + 20 * row[4]
            labels[i] = Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(-eta)) ? 1 : 0
            weights[i] = [0.5, 1, 2][Int.random(in: 0...2, using: &random)]
        }
        return (x, labels, weights)
    }

    @Test("the fit from parts equals the fit on all rows to 1e-10: coefficients, covariance, likelihood, steps",
          arguments: [(0.0, true, 1), (0.0, true, 4), (1.0, true, 7), (10.0, false, 3)])
    func equalsTheFitHere(l2: Double, standardize: Bool, parts: Int) throws {
        let (x, y, w) = Self.rows(seed: 11)
        let names = ["a", "b", "c", "d", "e"]
        let regression = LogisticRegression(l2: l2, standardize: standardize)
        let here = try regression.fit(try TrainingData(features: x, labels: y, weights: w, featureNames: names))
        let runner = try SplitRunner(x, labels: y, weights: w, parts: parts)
        let split = try regression.fit(passes: runner, featureNames: names)

        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-10 * max(1, abs(a)) }
        #expect(close(here.intercept, split.intercept))
        #expect(zip(here.coefficients, split.coefficients).allSatisfy(close))
        #expect(zip(here.covariance, split.covariance).allSatisfy { abs($0 - $1) <= 1e-10 * max(1e-12, abs($0)) })
        #expect(close(here.logLikelihood, split.logLikelihood) && close(here.nullLogLikelihood, split.nullLogLikelihood))
        #expect(here.iterations == split.iterations && split.converged)
        #expect(here.observationCount == split.observationCount && close(here.weightSum, split.weightSum))
        #expect(runner.passes.first == .moments && runner.passes.dropFirst().allSatisfy { $0 == .logistic })
    }

    @Test("the data's problems are the same errors as here; a malformed answer or an L1 penalty is refused")
    func errors() throws {
        let (x, _, w) = Self.rows(seed: 3, n: 200)
        let ones = [Double](repeating: 1, count: 200)
        let single = try SplitRunner(x, labels: ones, weights: w, parts: 3)
        #expect(throws: TrainingError.singleClass(label: 1, rows: 200)) {
            try LogisticRegression(l2: 1).fit(passes: single, featureNames: ["a", "b", "c", "d", "e"])
        }
        let (_, y, _) = Self.rows(seed: 3, n: 200)
        let broken = try SplitRunner(x, labels: y, weights: nil, parts: 2)
        broken.answer = { $0.kind == .logistic ? PassResult() : nil }
        #expect(throws: TrainingError.passFailed("the answer to a logistic pass is not the statistics of 5 features.")) {
            try LogisticRegression(l2: 1).fit(passes: broken, featureNames: ["a", "b", "c", "d", "e"])
        }
        #expect(throws: TrainingError.invalidSetting(
            "A fit over rows held elsewhere takes an L2 penalty only; the elastic net needs all rows here.")) {
            try LogisticRegression(lambda: 1, l1Ratio: 0.5).fit(passes: broken, featureNames: ["a", "b", "c", "d", "e"])
        }
    }

    @Test("statistics read back from JSON are the same sums, bit for bit")
    func codableRoundTrip() throws {
        let (x, y, w) = Self.rows(seed: 5, n: 500)
        let data = try TrainingData(features: x, labels: y, weights: w)
        let request = PassRequest.logistic(intercept: 0.1, coefficients: [0.5, 0.001, 0.2, -0.1, 3], centers: [0, 1000, 0.5, 1, 0],
                                           scales: [1, 0.005, 2, 1, 100], order: .hessian)
        let result = PartitionPass.run(request, over: data)
        let back = try JSONDecoder().decode(PassResult.self, from: try JSONEncoder().encode(result))
        let (a, b) = (result.logistic!, back.logistic!)
        #expect(a.loss == b.loss && a.residualSum == b.residualSum && a.residualCrossProducts == b.residualCrossProducts)
        #expect(a.gram!.matrix.elements == b.gram!.matrix.elements)
        #expect(a.weightSum == b.weightSum && a.rowsWithWeight == b.rowsWithWeight && a.certainRows == b.certainRows)
    }
}
