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

    @Test("Accumulators of different widths, added to in turn, each keep their own sum")
    func interleavedWidths() {
        // The rows' buffers are shared between calls: a narrow block after a wide one, and a
        // wide one after a narrow one, must not see each other's rows.
        var rng = SeededGenerator(seed: 11)
        let n = 30
        let widths = [3, 9]
        let data = widths.map { d in Matrix(rows: n, columns: d, elements: (0..<(n * d)).map { _ in rng.nextGaussian() }) }
        let r = (0..<n).map { _ in Double.random(in: 0.5..<2, using: &rng) }
        var grams = widths.map { GramAccumulator(columns: $0, blockRows: 7) }
        for start in stride(from: 0, to: n, by: 10) {
            for (k, d) in widths.enumerated() {
                grams[k].add(rows: start..<(start + 10), of: data[k], rowScale: Array(r[start..<(start + 10)]),
                             columnShift: [Double](repeating: 0.1, count: d), columnScale: [Double](repeating: 2, count: d))
            }
        }
        for (k, d) in widths.enumerated() {
            var expected = Matrix(rows: d + 1, columns: d + 1)
            for i in 0..<n {
                let z = [1] + (0..<d).map { (data[k][i, $0] - 0.1) * 2 }
                for j in 0...d { for l in 0...d { expected[j, l] += r[i] * r[i] * z[j] * z[l] } }
            }
            #expect(maxRelativeError(grams[k].matrix.elements, expected.elements) <= 1e-12)
        }
    }
}
