import Foundation
import LinearAlgebra
import TestSupport
import Testing

/// Cholesky solves, inverses and failures against closed forms.
struct CholeskyTests {
    @Test("Solve and inverse of a 2×2 matrix match the closed form")
    func twoByTwo() throws {
        // A = [[4, 2], [2, 3]]: det 8, A⁻¹ = [[3, −2], [−2, 4]] / 8.
        let a = Matrix(rowArrays: [[4, 2], [2, 3]])
        let c = try Cholesky(factoring: a)
        #expect(try c.solve([2, 1]) == [0.5, 0])
        let inverse = try c.inverse()
        #expect(maxRelativeError(inverse.elements, [3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8]) <= 1e-15)
        #expect(abs(c.logDeterminant - log(8.0)) <= 1e-15)
        #expect(c.factor[1, 0] == 0)
    }

    @Test("A matrix that is not positive definite throws with its leading minor")
    func notPositiveDefinite() {
        // The leading 1×1 minor is 1 > 0; the 2×2 minor is 1·1 − 2·2 = −3 < 0.
        let a = Matrix(rowArrays: [[1, 2, 0], [2, 1, 0], [0, 0, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) { try Cholesky(factoring: a) }
        #expect(LinearAlgebraError.notPositiveDefinite(leadingMinor: 2).description ==
            "The matrix is not positive definite: its leading minor of order 2 is not positive. "
            + "The problem is singular or badly scaled; remove redundant columns or add a penalty.")
    }

    @Test("NaN entries and wrong shapes are errors, not crashes")
    func badInput() throws {
        #expect(throws: LinearAlgebraError.nonFiniteEntry(row: 0, column: 1)) {
            try Cholesky(factoring: Matrix(rowArrays: [[1, .nan], [.nan, 1]]))
        }
        #expect(throws: LinearAlgebraError.notSquare(rows: 1, columns: 2)) {
            try Cholesky(factoring: Matrix(rowArrays: [[1, 2]]))
        }
        #expect(throws: LinearAlgebraError.dimensionMismatch(expected: 2, found: 3)) {
            try Cholesky(factoring: .identity(2)).solve([1, 2, 3])
        }
    }

    @Test("Random SPD systems are solved to rounding")
    func randomSystems() throws {
        var rng = SeededGenerator(seed: 7)
        let n = 12
        let b = Matrix(rows: 30, columns: n, elements: (0..<(30 * n)).map { _ in rng.nextGaussian() })
        let a = b.transposed.product(b)
        let x = (0..<n).map { _ in rng.nextGaussian() }
        let rhs = a.product(vector: x)
        let solved = try Cholesky(factoring: a).solve(rhs)
        #expect(maxRelativeError(solved, x) <= 1e-10)
        let identity = a.product(try Cholesky(factoring: a).inverse())
        #expect(maxRelativeError(identity.elements, Matrix.identity(n).elements) <= 1e-10)
    }
}
