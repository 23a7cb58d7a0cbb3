import LinearAlgebra
import TestSupport
import Testing

/// `zᵀA·z` through a factor, against the sum `Σᵢⱼ zᵢ Aᵢⱼ zⱼ` written out.
struct QuadraticFormTests {
    /// `Σᵢⱼ zᵢ Aᵢⱼ zⱼ`, the definition.
    func direct(_ a: Matrix, _ z: ArraySlice<Double>) -> Double {
        let z = Array(z)
        var sum = 0.0
        for i in 0..<a.rows {
            for j in 0..<a.columns { sum += z[i] * a[i, j] * z[j] }
        }
        return sum
    }

    /// `B·Bᵀ` for a random `n × k` matrix `B`: positive definite when k ≥ n, of rank k below.
    func randomGram(order n: Int, rank k: Int, seed: UInt64) -> Matrix {
        var random = SeededGenerator(seed: seed)
        let b = Matrix(rows: n, columns: k, elements: (0..<(n * k)).map { _ in random.nextGaussian() })
        return b.product(b.transposed)
    }

    func randomRows(_ count: Int, order: Int, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return (0..<(count * order)).map { _ in 3 * random.nextGaussian() }
    }

    @Test("The documented 2×2 example")
    func example() throws {
        let form = try QuadraticForm(Matrix(rowArrays: [[4, 2], [2, 3]]))
        var block: [Double] = [1, 0, 1, 1]
        let values = form.evaluate(rowsOf: &block, rowCount: 2)
        #expect(form.factorization == .cholesky)
        #expect(abs(values[0] - 4) < 1e-14 && abs(values[1] - 11) < 1e-14)
    }

    @Test("A positive-definite matrix uses Cholesky and matches the definition", arguments: [1, 7, 40])
    func positiveDefinite(order: Int) throws {
        let a = randomGram(order: order, rank: order + 3, seed: UInt64(order))
        let form = try QuadraticForm(a)
        #expect(form.factorization == .cholesky)
        let rows = randomRows(300, order: order, seed: 5)
        var block = rows
        let values = form.evaluate(rowsOf: &block, rowCount: 300)
        for i in 0..<300 {
            let expected = direct(a, rows[(i * order)..<((i + 1) * order)])
            #expect(relativeError(values[i], expected) <= 1e-12 * max(1, expected))
        }
    }

    @Test("A singular matrix falls back to the eigen factor and still matches")
    func singular() throws {
        let a = randomGram(order: 12, rank: 5, seed: 3)
        let form = try QuadraticForm(a)
        #expect(form.factorization == .eigen)
        let rows = randomRows(50, order: 12, seed: 8)
        var block = rows
        let values = form.evaluate(rowsOf: &block, rowCount: 50)
        for i in 0..<50 {
            let expected = direct(a, rows[(i * 12)..<((i + 1) * 12)])
            #expect(abs(values[i] - expected) <= 1e-11 * max(1, expected))
        }
        // A vector in the null space of A = B·Bᵀ has a zero value; A's own rows are not in it.
        #expect(values.allSatisfy { $0 >= 0 })
    }

    @Test("Negative eigenvalues of an indefinite matrix are dropped")
    func indefinite() throws {
        // Eigenvalues 3 and −1 with eigenvectors (1, 1)/√2 and (1, −1)/√2.
        let form = try QuadraticForm(Matrix(rowArrays: [[1, 2], [2, 1]]))
        #expect(form.factorization == .eigen)
        var block: [Double] = [1, 1, 1, -1, 1, 0]
        let values = form.evaluate(rowsOf: &block, rowCount: 3)
        #expect(abs(values[0] - 6) < 1e-14)       // 3 · (√2)²
        #expect(abs(values[1]) < 1e-14)           // only the dropped direction
        #expect(abs(values[2] - 1.5) < 1e-14)     // 3 · (1/√2)²
    }

    @Test("Only the first rowCount rows are read; zero rows give no values")
    func partialBlock() throws {
        let form = try QuadraticForm(Matrix(rowArrays: [[2, 0], [0, 5]]))
        var block: [Double] = [1, 1, .nan, .nan]
        let values = form.evaluate(rowsOf: &block, rowCount: 1)
        #expect(values.count == 1 && abs(values[0] - 7) < 1e-14)  // √5² rounds
        #expect(form.evaluate(rowsOf: &block, rowCount: 0) == [])
    }
}
