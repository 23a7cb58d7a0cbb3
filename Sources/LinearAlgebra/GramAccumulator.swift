import CBLAS
import Synchronization

/// Accumulates the weighted Gram matrix `Σᵢ rᵢ² zᵢ zᵢᵀ` of rows augmented with a leading 1,
/// centered and scaled: `zᵢ = (1, (xᵢ₁ − μ₁)·c₁, …, (xᵢ_d − μ_d)·c_d)`.
///
/// This is `ZᵀZ` for `Z = diag(r)·[1 | (X − 1μᵀ)·diag(c)]`, the Hessian of a logistic loss in
/// standardized coordinates when `rᵢ = √(sᵢ pᵢ (1 − pᵢ))`. Rows are added block by block:
/// each block is copied, scaled and centered into a buffer that is reused, and BLAS `dsyrk`
/// adds its Gram matrix. Centering before multiplying keeps the result accurate when columns
/// have large means (raw dollars), where `XᵀWX` formed first and centered after would cancel.
///
///     var gram = GramAccumulator(columns: x.columns, blockRows: 4096)
///     gram.add(rows: 0..<x.rows, of: x, rowScale: r, columnShift: mu, columnScale: c)
///     let h = gram.matrix   // (d + 1) × (d + 1), symmetric
public struct GramAccumulator: Sendable {
    /// The order of the accumulated matrix: the source's column count plus one.
    public let order: Int
    /// The largest number of rows copied into the buffer at once.
    public let blockRows: Int
    private var upper: Matrix

    /// Creates an empty accumulator.
    ///
    /// - Parameters:
    ///   - columns: The number of columns of the rows that will be added.
    ///   - blockRows: Rows per internal block, at least 1; default 1024, which keeps a block
    ///     of 128 columns in a core's L2 cache.
    public init(columns: Int, blockRows: Int = 1024) {
        precondition(columns >= 0 && blockRows >= 1)
        self.order = columns + 1
        self.blockRows = blockRows
        self.upper = Matrix(rows: columns + 1, columns: columns + 1)
    }

    /// Adds the contribution of a block of rows of `source`.
    ///
    /// - Parameters:
    ///   - rows: Rows of `source`, within `0..<source.rows`.
    ///   - source: The feature rows, with `order - 1` columns.
    ///   - rowScale: `rows.count` factors `rᵢ`, one per row (the square roots of the weights).
    ///   - columnShift: `order - 1` column centers `μⱼ`.
    ///   - columnScale: `order - 1` column factors `cⱼ`.
    /// - Complexity: O(`rows.count` × `order`²), BLAS `dsyrk` per block.
    public mutating func add(rows: Range<Int>, of source: Matrix, rowScale: [Double],
                             columnShift: [Double], columnScale: [Double]) {
        let d = order - 1
        precondition(source.columns == d, "Expected rows of \(d) columns, found \(source.columns).")
        precondition(rowScale.count == rows.count, "Expected \(rows.count) row factors, found \(rowScale.count).")
        precondition(columnShift.count == d && columnScale.count == d, "Expected \(d) column centers and factors.")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= source.rows, "Row range \(rows) is outside 0..<\(source.rows).")
        var buffer = RowBuffers.take(count: min(blockRows, rows.count) * order)
        defer { RowBuffers.give(back: buffer) }
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(start + blockRows, rows.upperBound)
            let count = end - start
            let n = order
            source.elements.withUnsafeBufferPointer { x in
                rowScale.withUnsafeBufferPointer { r in
                    columnShift.withUnsafeBufferPointer { mu in
                        columnScale.withUnsafeBufferPointer { c in
                            buffer.withUnsafeMutableBufferPointer { z in
                                for i in 0..<count {
                                    let ri = r[start - rows.lowerBound + i]
                                    let xRow = x.baseAddress! + (start + i) * d
                                    let zRow = z.baseAddress! + i * n
                                    zRow[0] = ri
                                    for j in 0..<d {
                                        zRow[j + 1] = ri * ((xRow[j] - mu[j]) * c[j])
                                    }
                                }
                            }
                        }
                    }
                }
            }
            buffer.withUnsafeBufferPointer { z in
                upper.elements.withUnsafeMutableBufferPointer { h in
                    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, blasInt(n), blasInt(count),
                                1, z.baseAddress!, blasInt(n), 1, h.baseAddress!, blasInt(n))
                }
            }
            start = end
        }
    }

    /// Adds another accumulator's sum (for example one computed on another chunk or machine).
    public mutating func add(_ other: GramAccumulator) {
        precondition(other.order == order, "Cannot add Gram matrices of order \(other.order) and \(order).")
        for i in 0..<order {
            for j in i..<order { upper[i, j] += other.upper[i, j] }
        }
    }

    /// The accumulated sum's upper triangle, row by row (`(i, j)` for `i ≤ j`): what another
    /// process needs to rebuild the accumulator with `init(order:upperTriangle:)`.
    public var upperTriangle: [Double] {
        var values: [Double] = []
        values.reserveCapacity(order * (order + 1) / 2)
        for i in 0..<order {
            for j in i..<order { values.append(upper[i, j]) }
        }
        return values
    }

    /// An accumulator holding a sum read back from `upperTriangle`.
    ///
    /// - Parameters:
    ///   - order: The matrix order, at least 1.
    ///   - upperTriangle: `order·(order + 1)/2` values, row by row.
    ///   - blockRows: As for `init(columns:blockRows:)`.
    /// - Returns: `nil` when the count of values does not match the order.
    public init?(order: Int, upperTriangle: [Double], blockRows: Int = 1024) {
        guard order >= 1, upperTriangle.count == order * (order + 1) / 2 else { return nil }
        self.init(columns: order - 1, blockRows: blockRows)
        var k = 0
        for i in 0..<order {
            for j in i..<order {
                upper[i, j] = upperTriangle[k]
                k += 1
            }
        }
    }

    /// The accumulated symmetric matrix, both triangles filled.
    public var matrix: Matrix {
        var full = upper
        full.symmetrizeFromUpperTriangle()
        return full
    }
}

/// Buffers for the centered rows `GramAccumulator` hands to `dsyrk`, kept between calls.
///
/// A buffer per accumulator (one per strand of every pass) cost a page fault for each of its
/// 4 KiB pages on every pass: glibc returns freed blocks this large to the system. A few
/// buffers of moderate size are kept instead; their elements are never read before written.
private enum RowBuffers {
    /// The buffers kept: at most `maximumKept`, each at most `maximumElements` doubles.
    private static let kept = Mutex<[[Double]]>([])
    private static let maximumKept = 8
    private static let maximumElements = 1 << 19

    /// A buffer of at least `count` elements, uninitialized when new.
    static func take(count: Int) -> [Double] {
        if let buffer = kept.withLock({ buffers -> [Double]? in
            guard let index = buffers.lastIndex(where: { $0.count >= count }) else { return nil }
            return buffers.remove(at: index)
        }) {
            return buffer
        }
        return [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Keeps `buffer` for a later `take`, if there is room for it.
    static func give(back buffer: [Double]) {
        guard buffer.count <= maximumElements else { return }
        kept.withLock { buffers in
            if buffers.count < maximumKept { buffers.append(buffer) }
        }
    }
}
