import Foundation
import TestSupport
import Testing
import Training

/// Metrics accumulated in parts, spilled to sorted runs on disk and merged, against the
/// metrics of all rows at once.
struct ClassificationMetricsAccumulatorTests {
    /// 1,003 rows: probabilities on a grid of 0.01 (so many ties, across runs too), some 0 and
    /// 1, weights from 0 to 3 with a few exactly 0.
    static func rows() -> (p: [Double], y: [Double], w: [Double]) {
        var rng = SeededGenerator(seed: 11)
        var p: [Double] = [], y: [Double] = [], w: [Double] = []
        for i in 0..<1_003 {
            let probability = Double(Int.random(in: 0...100, using: &rng)) / 100
            p.append(probability)
            y.append(Double.random(in: 0..<1, using: &rng) < probability ? 1 : 0)
            w.append(i % 17 == 0 ? 0 : Double.random(in: 0.1..<3, using: &rng))
        }
        return (p, y, w)
    }

    func accumulate(_ p: [Double], _ y: [Double], _ w: [Double]?, runRows: Int, part: Int, in directory: URL) throws -> ClassificationMetrics? {
        let accumulator = ClassificationMetricsAccumulator(spillingTo: directory, runRows: runRows)
        for start in stride(from: 0, to: p.count, by: part) {
            let end = min(start + part, p.count)
            try accumulator.add(probabilities: Array(p[start..<end]), labels: y[start..<end], weights: w?[start..<end])
        }
        return try accumulator.finish()
    }

    @Test("Any run size gives the metrics of all rows at once, and no run file is left", arguments: [1, 7, 100, 1_003, 5_000])
    func runsMatchAllAtOnce(runRows: Int) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (p, y, w) = Self.rows()
        for weights in [w, nil] {
            let expected = try #require(ClassificationMetrics(probabilities: p, labels: y, weights: weights))
            let merged = try #require(try accumulate(p, y, weights, runRows: runRows, part: 64, in: directory))
            #expect(merged.count == expected.count)
            #expect(abs(merged.auc - expected.auc) <= 1e-12)
            #expect(abs(merged.logLoss - expected.logLoss) <= 1e-12 * expected.logLoss)
            #expect(abs(merged.brier - expected.brier) <= 1e-12 * expected.brier)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
        // Rows of weight 0 are left out of the count.
        #expect(ClassificationMetrics(probabilities: p, labels: y, weights: w)!.count == 1_003 - 59)
    }

    @Test("A single class, or no row with a positive weight, gives no metrics")
    func degenerate() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try accumulate([0.2, 0.4, 0.9], [1, 1, 1], nil, runRows: 2, part: 1, in: directory) == nil)
        #expect(try accumulate([0.2, 0.4], [1, 0], [0, 0], runRows: 1, part: 2, in: directory) == nil)
        #expect(try accumulate([], [], nil, runRows: 1, part: 1, in: directory) == nil)
        // Both classes, in separate runs: one positive above one negative.
        #expect(try accumulate([0.9, 0.1], [1, 0], nil, runRows: 1, part: 1, in: directory)?.auc == 1)
    }

    @Test("An abandoned accumulator removes its run files")
    func abandoned() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let accumulator = ClassificationMetricsAccumulator(spillingTo: directory, runRows: 2)
            try accumulator.add(probabilities: [0.1, 0.2, 0.3, 0.4, 0.5], labels: [0, 1, 0, 1, 0], weights: nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 2)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
