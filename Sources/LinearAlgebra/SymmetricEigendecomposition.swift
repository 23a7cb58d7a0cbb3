import CLAPACKE

/// The eigendecomposition `A = V·diag(λ)·Vᵀ` of a symmetric matrix, with orthonormal `V`.
///
/// Backed by LAPACK `dsyevd` (divide and conquer). Only the upper triangle of the input is
/// read. Unlike a Cholesky factorization it exists for every symmetric matrix, singular or
/// indefinite, which makes it the fallback when `Cholesky` fails.
///
///     let e = try SymmetricEigendecomposition(factoring: Matrix(rowArrays: [[2, 1], [1, 2]]))
///     // e.eigenvalues == [1, 3]; e.eigenvectors' columns are (1, −1)/√2 and (1, 1)/√2
public struct SymmetricEigendecomposition: Sendable {
    /// The eigenvalues, ascending.
    public let eigenvalues: [Double]
    /// The eigenvectors as columns: column `k` belongs to `eigenvalues[k]`.
    public let eigenvectors: Matrix

    /// Decomposes a symmetric matrix.
    ///
    /// - Parameter matrix: A square matrix; only its upper triangle is read.
    /// - Throws: `LinearAlgebraError.notSquare`, `.nonFiniteEntry`, or
    ///   `.eigenvaluesDidNotConverge(count:)`.
    /// - Complexity: O(n³), LAPACK `dsyevd`.
    public init(factoring matrix: Matrix) throws(LinearAlgebraError) {
        guard matrix.rows == matrix.columns else { throw .notSquare(rows: matrix.rows, columns: matrix.columns) }
        let n = matrix.rows
        for i in 0..<n {
            for j in i..<n where !matrix[i, j].isFinite { throw .nonFiniteEntry(row: i, column: j) }
        }
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        if n > 0 {
            let order = try lapackInt(n)
            let info = a.elements.withUnsafeMutableBufferPointer { p in
                w.withUnsafeMutableBufferPointer { values in
                    LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), order,
                                   p.baseAddress!, order, values.baseAddress!)
                }
            }
            try checkArguments(info, routine: "dsyevd")
            if info > 0 { throw .eigenvaluesDidNotConverge(count: Int(info)) }
        }
        eigenvalues = w
        eigenvectors = a
    }
}
