import CBLAS

extension Matrix {
    /// Multiplies a block of consecutive rows by a vector and adds a constant: `X[rows]·v + c`.
    ///
    /// - Parameters:
    ///   - rows: The rows to use; within `0..<self.rows`.
    ///   - vector: `columns` values.
    ///   - constant: Added to every entry of the result; default 0.
    /// - Returns: `rows.count` values.
    /// - Complexity: O(`rows.count` × `columns`), one BLAS `dgemv`.
    public func product(rows: Range<Int>, vector: [Double], adding constant: Double = 0) -> [Double] {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= self.rows, "Row range \(rows) is outside 0..<\(self.rows).")
        precondition(vector.count == columns, "Expected a vector of \(columns) values, found \(vector.count).")
        var result = [Double](repeating: constant, count: rows.count)
        guard !rows.isEmpty else { return result }
        guard columns > 0 else { return result }
        elements.withUnsafeBufferPointer { x in
            vector.withUnsafeBufferPointer { v in
                result.withUnsafeMutableBufferPointer { r in
                    cblas_dgemv(CblasRowMajor, CblasNoTrans, blasInt(rows.count), blasInt(columns),
                                1, x.baseAddress! + rows.lowerBound * columns, blasInt(columns),
                                v.baseAddress!, 1, 1, r.baseAddress!, 1)
                }
            }
        }
        return result
    }

    /// Adds the product of a block of rows, transposed, with a vector: `result += X[rows]ᵀ·v`.
    ///
    /// - Parameters:
    ///   - rows: The rows to use; within `0..<self.rows`.
    ///   - vector: `rows.count` values, one per row.
    ///   - result: `columns` values, accumulated into.
    /// - Complexity: O(`rows.count` × `columns`), one BLAS `dgemv`.
    public func addTransposedProduct(rows: Range<Int>, vector: [Double], into result: inout [Double]) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= self.rows, "Row range \(rows) is outside 0..<\(self.rows).")
        precondition(vector.count == rows.count, "Expected a vector of \(rows.count) values, found \(vector.count).")
        precondition(result.count == columns, "Expected a result of \(columns) values, found \(result.count).")
        guard !rows.isEmpty, columns > 0 else { return }
        elements.withUnsafeBufferPointer { x in
            vector.withUnsafeBufferPointer { v in
                result.withUnsafeMutableBufferPointer { r in
                    cblas_dgemv(CblasRowMajor, CblasTrans, blasInt(rows.count), blasInt(columns),
                                1, x.baseAddress! + rows.lowerBound * columns, blasInt(columns),
                                v.baseAddress!, 1, 1, r.baseAddress!, 1)
                }
            }
        }
    }

    /// The product of a square matrix with a vector: `A·v`.
    ///
    /// - Complexity: O(`rows` × `columns`).
    public func product(vector: [Double]) -> [Double] {
        product(rows: 0..<rows, vector: vector)
    }

    /// The matrix product `A·B`.
    ///
    /// - Complexity: O(`rows` × `columns` × `other.columns`), one BLAS `dgemm`.
    public func product(_ other: Matrix) -> Matrix {
        precondition(columns == other.rows, "Cannot multiply \(rows)×\(columns) by \(other.rows)×\(other.columns).")
        var result = Matrix(rows: rows, columns: other.columns)
        guard rows > 0, other.columns > 0, columns > 0 else { return result }
        elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in
                result.elements.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                blasInt(rows), blasInt(other.columns), blasInt(columns),
                                1, a.baseAddress!, blasInt(columns), b.baseAddress!, blasInt(other.columns),
                                0, c.baseAddress!, blasInt(other.columns))
                }
            }
        }
        return result
    }
}
