import LinearAlgebra
import Testing

/// BLAS products on row blocks against hand-computed values.
struct MatrixProductsTests {
    let x = Matrix(rowArrays: [[1, 2], [3, 4], [5, 6]])

    @Test("A block of rows times a vector, plus a constant")
    func product() {
        #expect(x.product(rows: 1..<3, vector: [1, -1], adding: 10) == [9, 9])
        #expect(x.product(vector: [2, 0]) == [2, 6, 10])
    }

    @Test("The transposed product accumulates")
    func transposedProduct() {
        var result = [1.0, 1]
        x.addTransposedProduct(rows: 0..<2, vector: [1, 2], into: &result)
        #expect(result == [8, 11])
    }

    @Test("Matrix times matrix")
    func matrixProduct() {
        #expect(x.transposed.product(x) == Matrix(rowArrays: [[35, 44], [44, 56]]))
    }

    @Test("The BLAS thread count can be set and read back")
    func threads() {
        let before = BLASThreads.count
        BLASThreads.set(1)
        #expect(BLASThreads.count == 1)
        BLASThreads.set(before)
    }
}
