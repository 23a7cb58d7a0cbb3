import CBLAS

/// Evaluates the quadratic form `zᵀA·z` of a symmetric positive-semidefinite matrix for many
/// rows `z` at once, through a factor `A = FᵀF`: `zᵀA·z = ‖F·z‖²`.
///
/// The factor is the Cholesky factor `U` when `A` is positive definite; then a block of rows
/// `Z` becomes `Z·Uᵀ` with one BLAS `dtrmm`, about `order²` flops per row. When the Cholesky
/// factorization fails (a singular or, through rounding, slightly indefinite `A`), the factor is
/// `diag(√λ)·Vᵀ` from the eigendecomposition, keeping only the positive eigenvalues `λ` (the
/// nearest positive-semidefinite matrix, which equals `A` whenever `A` is semidefinite), and a
/// block costs one `dgemm`.
///
///     let form = try QuadraticForm(Matrix(rowArrays: [[4, 2], [2, 3]]))
///     var block: [Double] = [1, 0,  1, 1]          // two rows of order 2
///     let values = form.evaluate(rowsOf: &block, rowCount: 2)   // [4, 11]
public struct QuadraticForm: Sendable {
    /// How the matrix was factored.
    public enum Factorization: String, Codable, Equatable, Sendable {
        /// `A = UᵀU`, LAPACK `dpotrf`: the matrix is positive definite.
        case cholesky
        /// `A ≈ Vλ₊Vᵀ`, LAPACK `dsyevd`, negative eigenvalues dropped.
        case eigen
    }

    /// The order of the matrix: the length of each row `z`.
    public let order: Int
    /// Which factor the form uses.
    public let factorization: Factorization
    /// `U` (order × order, upper triangular) or `diag(√λ₊)·Vᵀ` (rank × order).
    private let factor: Matrix

    /// Factors a symmetric positive-semidefinite matrix.
    ///
    /// - Parameter matrix: A square matrix; only its upper triangle is read.
    /// - Throws: `LinearAlgebraError.notSquare`, `.nonFiniteEntry`, or
    ///   `.eigenvaluesDidNotConverge(count:)` when both factorizations fail.
    /// - Complexity: O(n³), LAPACK `dpotrf`, and `dsyevd` if that fails.
    public init(_ matrix: Matrix) throws(LinearAlgebraError) {
        order = matrix.rows
        do {
            factor = try Cholesky(factoring: matrix).factor
            factorization = .cholesky
        } catch .notPositiveDefinite {
            let e = try SymmetricEigendecomposition(factoring: matrix)
            let kept = (0..<order).filter { e.eigenvalues[$0] > 0 }
            var f = Matrix(rows: kept.count, columns: order)
            for (r, k) in kept.enumerated() {
                let scale = e.eigenvalues[k].squareRoot()
                for j in 0..<order { f[r, j] = scale * e.eigenvectors[j, k] }
            }
            factor = f
            factorization = .eigen
        }
    }

    /// The value `zᵀA·z` for each row `z` of a block.
    ///
    /// - Parameters:
    ///   - block: At least `rowCount × order` values, row by row. Used as workspace: on return
    ///     its first `rowCount × order` values are overwritten (with the rows of `Z·Uᵀ` for a
    ///     Cholesky factor).
    ///   - rowCount: The number of rows, at least 0.
    /// - Returns: `rowCount` values, each ≥ 0.
    /// - Complexity: O(`rowCount` × `order`²): one BLAS `dtrmm` (about `order²` flops per row),
    ///   or one `dgemm` with the eigen factor.
    public func evaluate(rowsOf block: inout [Double], rowCount: Int) -> [Double] {
        precondition(rowCount >= 0 && block.count >= rowCount * order,
                     "A block of \(rowCount) rows of order \(order) needs \(rowCount * order) values, found \(block.count).")
        var values = [Double](repeating: 0, count: rowCount)
        guard rowCount > 0, order > 0 else { return values }
        let n = order
        switch factorization {
        case .cholesky:
            factor.elements.withUnsafeBufferPointer { u in
                block.withUnsafeMutableBufferPointer { z in
                    cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit,
                                blasInt(rowCount), blasInt(n), 1, u.baseAddress!, blasInt(n), z.baseAddress!, blasInt(n))
                }
            }
            sumSquaredRows(of: block, rowCount: rowCount, columns: n, into: &values)
        case .eigen:
            let rank = factor.rows
            guard rank > 0 else { return values }
            var product = [Double](repeating: 0, count: rowCount * rank)
            factor.elements.withUnsafeBufferPointer { f in
                block.withUnsafeBufferPointer { z in
                    product.withUnsafeMutableBufferPointer { y in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasInt(rowCount), blasInt(rank), blasInt(n),
                                    1, z.baseAddress!, blasInt(n), f.baseAddress!, blasInt(n), 0, y.baseAddress!, blasInt(rank))
                    }
                }
            }
            sumSquaredRows(of: product, rowCount: rowCount, columns: rank, into: &values)
        }
        return values
    }

    /// `values[i] = Σⱼ y[i, j]²` for the first `rowCount` rows of a row-major array.
    private func sumSquaredRows(of y: [Double], rowCount: Int, columns: Int, into values: inout [Double]) {
        y.withUnsafeBufferPointer { y in
            values.withUnsafeMutableBufferPointer { v in
                for i in 0..<rowCount {
                    let row = y.baseAddress! + i * columns
                    // Four running sums, which the compiler can keep in one vector register.
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    var j = 0
                    while j + 4 <= columns {
                        s0 += row[j] * row[j]
                        s1 += row[j + 1] * row[j + 1]
                        s2 += row[j + 2] * row[j + 2]
                        s3 += row[j + 3] * row[j + 3]
                        j += 4
                    }
                    while j < columns {
                        s0 += row[j] * row[j]
                        j += 1
                    }
                    v[i] = (s0 + s1) + (s2 + s3)
                }
            }
        }
    }
}
