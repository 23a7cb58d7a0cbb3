/// An error reported by a LAPACK routine or by a dimension check before calling one.
///
/// LAPACK signals failure through an integer `info`; this type turns every such value into a
/// sentence, so a numerical failure becomes a thrown error rather than a crash.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The leading minor of the given order (1-based) is not positive, so the matrix is not
    /// positive definite and the Cholesky factorization could not be completed.
    case notPositiveDefinite(leadingMinor: Int)
    /// The triangular factor has an exact zero on its diagonal at the given 1-based position,
    /// so the matrix is singular and has no inverse.
    case singular(diagonalPosition: Int)
    /// A LAPACK routine rejected its argument number `argument` (1-based): a bug in the caller.
    case illegalArgument(routine: String, argument: Int)
    /// A dimension does not fit the 32-bit integers that BLAS and LAPACK take.
    case dimensionTooLarge(Int)
    /// The matrix is not square.
    case notSquare(rows: Int, columns: Int)
    /// A right-hand side whose length does not match the order of the factorized matrix.
    case dimensionMismatch(expected: Int, found: Int)
    /// The matrix holds a NaN or an infinite value, which no factorization can accept.
    case nonFiniteEntry(row: Int, column: Int)
    /// The symmetric eigenvalue solver did not converge: `count` off-diagonal elements of an
    /// intermediate tridiagonal form did not reach zero (LAPACK `dsyevd`'s `info > 0`).
    case eigenvaluesDidNotConverge(count: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let minor):
            return "The matrix is not positive definite: its leading minor of order \(minor) is not positive. "
                + "The problem is singular or badly scaled; remove redundant columns or add a penalty."
        case .singular(let position):
            return "The matrix is singular: the Cholesky factor has a zero at diagonal position \(position)."
        case .illegalArgument(let routine, let argument):
            return "LAPACK routine \(routine) rejected argument \(argument); this is a bug in Propensity, please report it."
        case .dimensionTooLarge(let value):
            return "The dimension \(value) exceeds what BLAS and LAPACK accept (\(Int32.max)); split the work into smaller blocks."
        case .notSquare(let rows, let columns):
            return "Expected a square matrix, found \(rows)×\(columns)."
        case .dimensionMismatch(let expected, let found):
            return "Expected a vector of length \(expected), found \(found)."
        case .nonFiniteEntry(let row, let column):
            return "The matrix holds a NaN or infinite value at row \(row + 1), column \(column + 1)."
        case .eigenvaluesDidNotConverge(let count):
            return "The eigenvalue solver did not converge (\(count) off-diagonal elements stayed non-zero); "
                + "the matrix is badly scaled: rescale its rows and columns."
        }
    }
}
