import LinearAlgebra
import TestSupport
import Testing

/// The blocked, weighted, centered Gram matrix against the definition written out.
struct GramAccumulatorTests {
    @Test("Blocked dsyrk equals Σ rᵢ² zᵢzᵢᵀ computed term by term")
    func matchesDefinition() {
        var rng = SeededGenerator(seed: 3)
        let n = 37, d = 4
        let x = Matrix(rows: n, columns: d, elements: (0..<(n * d)).map { _ in 1000 * rng.nextGaussian() + 5000 })
        let r = (0..<n).map { _ in Double.random(in: 0..<2, using: &rng) }
        let mu = [5000.0, 4990, 5010, 0]
        let c = [0.001, 0.002, 0.0005, 1]
        var gram = GramAccumulator(columns: d, blockRows: 8)
        gram.add(rows: 0..<20, of: x, rowScale: Array(r[0..<20]), columnShift: mu, columnScale: c)
        var rest = GramAccumulator(columns: d, blockRows: 5)
        rest.add(rows: 20..<n, of: x, rowScale: Array(r[20..<n]), columnShift: mu, columnScale: c)
        gram.add(rest)
        var expected = Matrix(rows: d + 1, columns: d + 1)
        for i in 0..<n {
            let z = [1] + (0..<d).map { (x[i, $0] - mu[$0]) * c[$0] }
            for j in 0...d { for k in 0...d { expected[j, k] += r[i] * r[i] * z[j] * z[k] } }
        }
        #expect(maxRelativeError(gram.matrix.elements, expected.elements) <= 1e-12)
    }
}
