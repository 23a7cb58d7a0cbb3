import CLAPACKE

/// A rank-revealing Cholesky factorization `PᵀAP = UᵀU` of a symmetric positive-semidefinite
/// matrix, with complete pivoting (LAPACK `dpstrf`).
///
/// Applied to the Gram matrix of centered, scaled feature columns, it finds which columns are
/// linear combinations of others: the first `rank` pivots are independent, every later pivot
/// is a combination of them, with coefficients from `dependencies`.
public struct PivotedCholesky: Sendable {
    /// The numerical rank: the number of pivots above the tolerance.
    public let rank: Int
    /// The columns of `A` in pivot order, 0-based: `pivots[k]` is the column eliminated at step k.
    public let pivots: [Int]
    private let factor: Matrix

    /// Factorizes a symmetric positive-semidefinite matrix.
    ///
    /// - Parameters:
    ///   - matrix: A square matrix; only its upper triangle is read.
    ///   - tolerance: A pivot at or below `tolerance` (absolute) ends the factorization; the
    ///     columns left are counted as dependent. Default 1e-10, meant for matrices with a unit
    ///     diagonal (correlation matrices).
    /// - Throws: `LinearAlgebraError` for a non-square or non-finite input.
    /// - Complexity: O(n³/3), LAPACK `dpstrf`.
    public init(factoring matrix: Matrix, tolerance: Double = 1e-10) throws(LinearAlgebraError) {
        guard matrix.rows == matrix.columns else { throw .notSquare(rows: matrix.rows, columns: matrix.columns) }
        let n = matrix.rows
        for i in 0..<n {
            for j in i..<n where !matrix[i, j].isFinite { throw .nonFiniteEntry(row: i, column: j) }
        }
        var a = matrix
        var piv = [Int32](repeating: 0, count: n)
        var rank: Int32 = 0
        if n > 0 {
            let order = try lapackInt(n)
            let info = a.elements.withUnsafeMutableBufferPointer { p in
                piv.withUnsafeMutableBufferPointer { pv in
                    LAPACKE_dpstrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "U")), order, p.baseAddress!, order,
                                   pv.baseAddress!, &rank, tolerance)
                }
            }
            try checkArguments(info, routine: "dpstrf")
        }
        self.rank = Int(rank)
        self.pivots = piv.map { Int($0) - 1 }
        self.factor = a
    }

    /// For each column beyond the rank, its expression as a combination of the independent
    /// columns: `column = Σ coefficient · other` in the geometry of `A` (for a Gram matrix of
    /// centered columns, an exact linear relation among the columns).
    ///
    /// - Complexity: O(rank² × (n − rank)).
    public var dependencies: [LinearDependency] {
        let r = rank
        let n = pivots.count
        guard r < n else { return [] }
        return (r..<n).map { k in
            // Back-substitution with U₁₁ (upper, r×r): U₁₁·a = U₁₂[:, k].
            var a = [Double](repeating: 0, count: r)
            for i in stride(from: r - 1, through: 0, by: -1) {
                var sum = factor[i, k]
                for j in (i + 1)..<max(i + 1, r) { sum -= factor[i, j] * a[j] }
                a[i] = sum / factor[i, i]
            }
            let terms = (0..<r).map { (column: pivots[$0], coefficient: a[$0]) }
            return LinearDependency(column: pivots[k], combination: terms)
        }
    }
}

/// A column that is a linear combination of other columns.
public struct LinearDependency: Equatable, Sendable {
    /// The dependent column, 0-based.
    public let column: Int
    /// The independent columns and their coefficients, in pivot order.
    public let combination: [(column: Int, coefficient: Double)]

    /// Creates a dependency; an empty combination means the column is constant.
    public init(column: Int, combination: [(column: Int, coefficient: Double)]) {
        self.column = column
        self.combination = combination
    }

    public static func == (lhs: LinearDependency, rhs: LinearDependency) -> Bool {
        lhs.column == rhs.column
            && lhs.combination.map(\.column) == rhs.combination.map(\.column)
            && lhs.combination.map(\.coefficient) == rhs.combination.map(\.coefficient)
    }
}
