import LinearAlgebra
import TestSupport
import Testing

/// The eigendecomposition against closed forms and its defining identity.
struct SymmetricEigendecompositionTests {
    @Test("A 2×2 matrix with eigenvalues 1 and 3")
    func twoByTwo() throws {
        let e = try SymmetricEigendecomposition(factoring: Matrix(rowArrays: [[2, 1], [1, 2]]))
        #expect(abs(e.eigenvalues[0] - 1) < 1e-15 && abs(e.eigenvalues[1] - 3) < 1e-15)
        // Columns are ±(1, −1)/√2 and ±(1, 1)/√2.
        let r = 0.5.squareRoot()
        #expect(abs(abs(e.eigenvectors[0, 0]) - r) < 1e-15 && abs(e.eigenvectors[0, 0] + e.eigenvectors[1, 0]) < 1e-15)
        #expect(abs(abs(e.eigenvectors[0, 1]) - r) < 1e-15 && abs(e.eigenvectors[0, 1] - e.eigenvectors[1, 1]) < 1e-15)
    }

    @Test("A random indefinite matrix is rebuilt from V·diag(λ)·Vᵀ")
    func reconstructs() throws {
        var random = SeededGenerator(seed: 11)
        let n = 9
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in i..<n {
                a[i, j] = random.nextGaussian()
                a[j, i] = a[i, j]
            }
        }
        let e = try SymmetricEigendecomposition(factoring: a)
        #expect(e.eigenvalues == e.eigenvalues.sorted())
        #expect(e.eigenvalues.first! < 0 && e.eigenvalues.last! > 0)
        for i in 0..<n {
            for j in 0..<n {
                let rebuilt = (0..<n).reduce(0.0) { $0 + e.eigenvectors[i, $1] * e.eigenvalues[$1] * e.eigenvectors[j, $1] }
                #expect(abs(rebuilt - a[i, j]) < 1e-13)
            }
        }
    }

    @Test("Non-finite and non-square input is rejected")
    func rejects() {
        #expect(throws: LinearAlgebraError.notSquare(rows: 1, columns: 2)) {
            try SymmetricEigendecomposition(factoring: Matrix(rows: 1, columns: 2))
        }
        #expect(throws: LinearAlgebraError.nonFiniteEntry(row: 0, column: 1)) {
            try SymmetricEigendecomposition(factoring: Matrix(rowArrays: [[1, .nan], [.nan, 1]]))
        }
    }
}
