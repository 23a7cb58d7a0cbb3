import LinearAlgebra
import Testing

struct MatrixTests {
    @Test func selectingColumnsKeepsTheirOrderAndRows() {
        let m = Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(m.selecting(columns: [2, 0]) == Matrix(rowArrays: [[3, 1], [6, 4]]))
        #expect(m.selecting(columns: []).columns == 0)
        #expect(m.selecting(columns: []).rows == 2)
    }

    @Test func varyingColumnsLeaveOutConstantOnes() {
        let m = Matrix(rowArrays: [[1, 0, 7, -0.0], [1, 0, 8, 0], [1, 1, 7, 0]])
        // -0.0 == 0, so the last column is constant.
        #expect(m.varyingColumns == [1, 2])
        #expect(Matrix(rowArrays: [[5, 5]]).varyingColumns == [0, 1])
    }
}
