import LinearAlgebra
import TestSupport
import Testing

/// Rank detection and the linear relation among dependent columns.
struct PivotedCholeskyTests {
    @Test("A Gram matrix with c = a + 2b has rank 2 and recovers the relation")
    func dependentColumn() throws {
        let a: [Double] = [1, -1, 2, 0, -2, 1]
        let b: [Double] = [0, 1, -1, 2, -1, 1]
        let columns = [a, b, zip(a, b).map { $0 + 2 * $1 }]
        let x = Matrix(rows: 6, columns: 3, elements: (0..<6).flatMap { i in columns.map { $0[i] } })
        let gram = x.transposed.product(x)
        let p = try PivotedCholesky(factoring: gram)
        #expect(p.rank == 2)
        let dependency = try #require(p.dependencies.first)
        let coefficients = Dictionary(uniqueKeysWithValues: dependency.combination.map { ($0.column, $0.coefficient) })
        // Whichever column LAPACK eliminates last, the relation a + 2b − c = 0 must hold.
        let relation: [Int: Double] = [0: 1, 1: 2, 2: -1]
        let scale = -relation[dependency.column]!
        for (column, coefficient) in coefficients {
            #expect(abs(coefficient - relation[column]! / scale) <= 1e-10)
        }
    }

    @Test("A full-rank matrix has no dependencies")
    func fullRank() throws {
        let p = try PivotedCholesky(factoring: Matrix(rowArrays: [[2, 1], [1, 2]]))
        #expect(p.rank == 2)
        #expect(p.dependencies.isEmpty)
    }
}
