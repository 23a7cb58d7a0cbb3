import LinearAlgebra
import TestSupport
import Testing

/// Weighted moments merged across blocks against two-pass formulas.
struct ColumnMomentsTests {
    @Test("Merged blocks give the two-pass weighted mean and population variance")
    func twoPass() {
        var rng = SeededGenerator(seed: 11)
        let n = 50
        let x = Matrix(rows: n, columns: 2, elements: (0..<(2 * n)).map { _ in 1e6 + rng.nextGaussian() })
        var w = (0..<n).map { _ in Double.random(in: 0..<3, using: &rng) }
        w[4] = 0
        var moments = ColumnMoments(columns: 2)
        moments.add(rows: 0..<17, of: x, weights: w[0..<17])
        var other = ColumnMoments(columns: 2)
        other.add(rows: 17..<n, of: x, weights: w[17..<n])
        moments.merge(other)
        let total = w.reduce(0, +)
        for j in 0..<2 {
            let mean = (0..<n).reduce(0) { $0 + w[$1] * x[$1, j] } / total
            let variance = (0..<n).reduce(0) { $0 + w[$1] * (x[$1, j] - mean) * (x[$1, j] - mean) } / total
            #expect(abs(moments.means[j] - mean) <= 1e-15 * mean)
            #expect(abs(moments.standardDeviations[j] - variance.squareRoot()) <= 1e-9)
        }
        #expect(moments.count == n - 1)
        #expect(moments.minimums[0] == (0..<n).filter { w[$0] > 0 }.map { x[$0, 0] }.min())
    }
}
