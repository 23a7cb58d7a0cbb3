import LinearAlgebra
import TestSupport
import Testing
@testable import Training

/// The objective's gradient and Hessian against central finite differences of its value.
struct LogisticObjectiveTests {
    /// A small problem with columns of very different scales, weights, a penalty, and
    /// centers and scales that are not the data's own (so every term of the chain rule counts).
    func objective(penalty: Double) throws -> LogisticObjective<TrainingData> {
        var rng = SeededGenerator(seed: 42)
        let n = 200
        var x = Matrix(rows: n, columns: 3)
        var y = [Double](repeating: 0, count: n)
        var w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i, 0] = 50_000 * Double.random(in: 0.5..<2, using: &rng)
            x[i, 1] = Double(Int.random(in: 0...1, using: &rng))
            x[i, 2] = rng.nextGaussian()
            y[i] = Double.random(in: 0..<1, using: &rng) < 0.4 ? 1 : 0
            w[i] = Double.random(in: 0.5..<3, using: &rng)
        }
        let data = try TrainingData(features: x, labels: y, weights: w, blockRows: 64)
        return LogisticObjective(source: data, centers: [60_000, 0.4, 0.1], scales: [1 / 20_000, 2, 1.3],
                                 penalties: [penalty, 2 * penalty, 0.5 * penalty])
    }

    @Test("The gradient matches central differences of the value", arguments: [0.0, 3.0])
    func gradient(penalty: Double) throws {
        let f = try objective(penalty: penalty)
        let theta = [-0.4, 0.3, -0.2, 0.5]
        let g = try #require(try f.evaluate(at: theta, order: .gradient).gradient)
        let h = 1e-5
        for k in theta.indices {
            var plus = theta, minus = theta
            plus[k] += h
            minus[k] -= h
            let numeric = (try f.evaluate(at: plus, order: .value).value - f.evaluate(at: minus, order: .value).value) / (2 * h)
            #expect(abs(g[k] - numeric) <= 1e-6 * max(1, abs(numeric)), "coordinate \(k)")
        }
    }

    @Test("The Hessian matches central differences of the gradient", arguments: [0.0, 3.0])
    func hessian(penalty: Double) throws {
        let f = try objective(penalty: penalty)
        let theta = [-0.4, 0.3, -0.2, 0.5]
        let hessian = try #require(try f.evaluate(at: theta, order: .hessian).hessian)
        let h = 1e-5
        for k in theta.indices {
            var plus = theta, minus = theta
            plus[k] += h
            minus[k] -= h
            let gp = try #require(try f.evaluate(at: plus, order: .gradient).gradient)
            let gm = try #require(try f.evaluate(at: minus, order: .gradient).gradient)
            for j in theta.indices {
                let numeric = (gp[j] - gm[j]) / (2 * h)
                #expect(abs(hessian[j, k] - numeric) <= 1e-6 * max(1, abs(numeric)), "entry (\(j), \(k))")
            }
        }
    }

    @Test("Statistics of separate blocks merge to those of one pass")
    func statisticsMerge() throws {
        let f = try objective(penalty: 1)
        let theta = [0.1, -0.2, 0.3, 0.05]
        let whole = f.passStatistics(at: theta, order: .hessian)
        let (b, beta) = f.originalScale(theta)
        var first = LogisticPassStatistics(featureCount: 3, order: .hessian)
        var second = first
        f.source.forEachBlock { block in
            if block.rows.lowerBound < 100 {
                first.add(block: block, intercept: b, coefficients: beta, centers: f.centers, scales: f.scales)
            } else {
                second.add(block: block, intercept: b, coefficients: beta, centers: f.centers, scales: f.scales)
            }
        }
        first.merge(second)
        let a = whole.evaluation(at: theta, centers: f.centers, scales: f.scales, penalties: f.penalties)
        let m = first.evaluation(at: theta, centers: f.centers, scales: f.scales, penalties: f.penalties)
        #expect(abs(a.value - m.value) <= 1e-12 * a.value)
        #expect(maxRelativeError(a.gradient!, m.gradient!) <= 1e-12)
        #expect(maxRelativeError(a.hessian!.elements, m.hessian!.elements) <= 1e-12)
    }

    @Test("Coordinates round-trip between the original and standardized scales")
    func coordinates() throws {
        let f = try objective(penalty: 0)
        let theta = [0.7, -1.5, 0.25, 2]
        let (b, beta) = f.originalScale(theta)
        #expect(maxRelativeError(f.standardized(intercept: b, coefficients: beta), theta) <= 1e-12)
    }

    @Test("The sample objective is the objective of the sampled blocks' rows, its penalty scaled", arguments: [1, 2])
    func sampleOfBlocks(threads: Int) throws {
        let f = try objective(penalty: 3)
        // Blocks of 64 rows: every 2nd block is rows 0..<64 and 128..<192.
        let kept = Array(0..<64) + Array(128..<192)
        let data = f.source
        var x = Matrix(rows: kept.count, columns: 3)
        for (k, i) in kept.enumerated() { for j in 0..<3 { x[k, j] = data.features[i, j] } }
        let rows = try TrainingData(features: x, labels: kept.map { data.labels[$0] }, weights: kept.map { data.weights![$0] })
        let expected = LogisticObjective(source: rows, centers: f.centers, scales: f.scales, penalties: f.penalties.map { $0 * 0.3 })
        let sample = LogisticObjective(source: data, centers: f.centers, scales: f.scales, penalties: f.penalties, threads: threads)
            .sample(everyBlock: 2, penaltyScale: 0.3)
        let theta = [0.1, -0.2, 0.3, 0.05]
        let a = try expected.evaluate(at: theta, order: .hessian)
        let b = try sample.evaluate(at: theta, order: .hessian)
        #expect(abs(a.value - b.value) <= 1e-12 * a.value)
        #expect(maxRelativeError(a.gradient!, b.gradient!) <= 1e-12)
        #expect(maxRelativeError(a.hessian!.elements, b.hessian!.elements) <= 1e-12)
        #expect(sample.passStatistics(at: theta, order: .value).rowsWithWeight == 128)
    }
}
