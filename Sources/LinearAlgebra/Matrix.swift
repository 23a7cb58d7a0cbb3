/// A dense matrix of `Double` values stored row by row.
///
/// Row `i`, column `j` lives at `elements[i * columns + j]`. Row-major storage matches how
/// feature rows arrive (one lead at a time) and lets a block of consecutive rows be handed to
/// BLAS without copying.
///
///     var x = Matrix(rows: 2, columns: 3)
///     x[1, 2] = 4.5
public struct Matrix: Equatable, Sendable {
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let columns: Int
    /// The values, row by row; `elements.count == rows * columns`.
    public internal(set) var elements: [Double]

    /// Creates a matrix with every element set to `value`.
    ///
    /// - Parameters:
    ///   - rows: The number of rows, at least 0.
    ///   - columns: The number of columns, at least 0.
    ///   - value: The initial value of every element; default 0.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative.")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// Creates a matrix from its elements in row-major order.
    ///
    /// - Parameters:
    ///   - rows: The number of rows.
    ///   - columns: The number of columns.
    ///   - elements: `rows * columns` values, row by row.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative.")
        precondition(elements.count == rows * columns,
                     "A \(rows)×\(columns) matrix needs \(rows * columns) elements, not \(elements.count).")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Creates a matrix from an array of equally long rows.
    ///
    /// - Parameter rowArrays: The rows; all must have the same length.
    public init(rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "All rows must have the same length.")
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// The identity matrix of order `n`.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// The element in row `row` and column `column`.
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// The transpose.
    ///
    /// - Complexity: O(rows × columns).
    /// The given columns, in the given order.
    ///
    /// - Complexity: O(`rows` × `columns.count`).
    public func selecting(columns selected: [Int]) -> Matrix {
        precondition(selected.allSatisfy { $0 >= 0 && $0 < columns }, "A selected column is outside 0..<\(columns).")
        var result = [Double](repeating: 0, count: rows * selected.count)
        for row in 0..<rows {
            let source = row * columns, target = row * selected.count
            for (k, column) in selected.enumerated() { result[target + k] = elements[source + column] }
        }
        return Matrix(rows: rows, columns: selected.count, elements: result)
    }

    /// The columns whose entries are not all equal (every column when there is at most one row).
    public var varyingColumns: [Int] {
        guard rows > 1 else { return Array(0..<columns) }
        return (0..<columns).filter { column in
            let first = elements[column]
            return (1..<rows).contains { elements[$0 * columns + column] != first }
        }
    }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t[j, i] = self[i, j] }
        }
        return t
    }

    /// The matrix with every element multiplied by `factor`.
    public func scaled(by factor: Double) -> Matrix {
        Matrix(rows: rows, columns: columns, elements: elements.map { $0 * factor })
    }

    /// Fills the lower triangle of a square matrix from its upper triangle.
    ///
    /// BLAS and LAPACK routines for symmetric matrices read and write one triangle only; this
    /// makes the matrix whole again for callers that index both.
    public mutating func symmetrizeFromUpperTriangle() {
        precondition(rows == columns, "Only a square matrix can be symmetric.")
        for i in 0..<rows {
            for j in 0..<i { self[i, j] = self[j, i] }
        }
    }
}
