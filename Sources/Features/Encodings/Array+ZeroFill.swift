extension Array where Element == Double {
    /// Sets `count` elements from `offset` to 0.
    ///
    /// Encodings write a row's one-hot and hash columns for millions of rows; an element-wise
    /// loop checks the array's uniqueness and bounds at every column, which costs about as much
    /// as the rest of the encoding. This checks the range once and clears it in one `memset`.
    ///
    /// - Precondition: `offset ≥ 0`, `count ≥ 0` and `offset + count ≤ self.count`.
    @inline(__always)
    mutating func setToZero(from offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset <= self.count - count,
                     "Columns \(offset)..<\(offset + count) are outside a row of \(self.count).")
        guard count > 0 else { return }
        withUnsafeMutableBufferPointer { row in
            row.baseAddress!.advanced(by: offset).update(repeating: 0, count: count)
        }
    }
}
