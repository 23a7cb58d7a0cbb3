/// Narrows a dimension to the 32-bit integer BLAS and LAPACK take.
///
/// - Throws: `LinearAlgebraError.dimensionTooLarge` when `value` does not fit.
@usableFromInline
func lapackInt(_ value: Int) throws(LinearAlgebraError) -> Int32 {
    guard let narrow = Int32(exactly: value) else { throw .dimensionTooLarge(value) }
    return narrow
}

/// Narrows a dimension for a BLAS call, which cannot report errors.
///
/// Callers pass block sizes they chose themselves, so a value that does not fit is a programming
/// error, not bad input.
@usableFromInline
func blasInt(_ value: Int) -> Int32 {
    guard let narrow = Int32(exactly: value) else {
        preconditionFailure("Dimension \(value) exceeds BLAS's 32-bit integers; pass smaller blocks.")
    }
    return narrow
}

/// Decodes a negative LAPACK `info`: argument `-info` was illegal.
func checkArguments(_ info: Int32, routine: String) throws(LinearAlgebraError) {
    if info < 0 { throw .illegalArgument(routine: routine, argument: Int(-info)) }
}
