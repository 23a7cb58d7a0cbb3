import Foundation
import CLAPACKE

/// The Cholesky factorization `A = UᵀU` of a symmetric positive-definite matrix.
///
/// Backed by LAPACK `dpotrf`; solves use `dpotrs` and the inverse `dpotri`. Only the upper
/// triangle of the input is read.
///
///     let h = Matrix(rowArrays: [[4, 2], [2, 3]])
///     let step = try Cholesky(factoring: h).solve([1, 2])
public struct Cholesky: Sendable {
    /// The order of the factorized matrix.
    public let order: Int
    /// The upper-triangular factor `U`, row-major; the strict lower triangle is zero.
    public let factor: Matrix

    /// Factorizes a symmetric positive-definite matrix.
    ///
    /// - Parameter matrix: A square matrix; only its upper triangle is read.
    /// - Throws: `LinearAlgebraError.notPositiveDefinite(leadingMinor:)` when a leading minor
    ///   is not positive, `.nonFiniteEntry` for NaN or infinity, `.notSquare`.
    /// - Complexity: O(n³/3), LAPACK `dpotrf`.
    public init(factoring matrix: Matrix) throws(LinearAlgebraError) {
        guard matrix.rows == matrix.columns else { throw .notSquare(rows: matrix.rows, columns: matrix.columns) }
        let n = matrix.rows
        for i in 0..<n {
            for j in i..<n where !matrix[i, j].isFinite { throw .nonFiniteEntry(row: i, column: j) }
        }
        var a = matrix
        if n > 0 {
            let order = try lapackInt(n)
            let info = a.elements.withUnsafeMutableBufferPointer { p in
                LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), order, p.baseAddress!, order)
            }
            try checkArguments(info, routine: "dpotrf")
            if info > 0 { throw .notPositiveDefinite(leadingMinor: Int(info)) }
        }
        for i in 0..<n {
            for j in 0..<i { a[i, j] = 0 }
        }
        self.order = n
        self.factor = a
    }

    /// Solves `A·x = b`.
    ///
    /// - Parameter b: `order` values.
    /// - Returns: `x`.
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when `b` has the wrong length.
    /// - Complexity: O(n²), LAPACK `dpotrs`.
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        guard b.count == order else { throw .dimensionMismatch(expected: order, found: b.count) }
        guard order > 0 else { return [] }
        var x = b
        let n = try lapackInt(order)
        let info = factor.elements.withUnsafeBufferPointer { u in
            x.withUnsafeMutableBufferPointer { p in
                LAPACKE_dpotrs(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), n, 1,
                               u.baseAddress!, n, p.baseAddress!, 1)
            }
        }
        try checkArguments(info, routine: "dpotrs")
        return x
    }

    /// The inverse `A⁻¹`, both triangles filled.
    ///
    /// - Throws: `LinearAlgebraError.singular(diagonalPosition:)` if the factor has a zero
    ///   on its diagonal.
    /// - Complexity: O(2n³/3), LAPACK `dpotri`.
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        var a = factor
        guard order > 0 else { return a }
        let n = try lapackInt(order)
        let info = a.elements.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotri(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), n, p.baseAddress!, n)
        }
        try checkArguments(info, routine: "dpotri")
        if info > 0 { throw .singular(diagonalPosition: Int(info)) }
        a.symmetrizeFromUpperTriangle()
        return a
    }

    /// The natural logarithm of the determinant of `A`: `2 Σ log Uᵢᵢ`.
    public var logDeterminant: Double {
        (0..<order).reduce(0) { $0 + 2 * log(factor[$1, $1]) }
    }
}
