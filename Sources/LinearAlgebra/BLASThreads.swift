import CBLAS

/// The number of threads OpenBLAS uses for each BLAS call.
///
/// OpenBLAS reads `OPENBLAS_NUM_THREADS` at start-up; this lets a program change it later. On a
/// machine where another process keeps a core busy, one thread can be faster than two for
/// `dsyrk`, because OpenBLAS splits the work evenly and waits for the slowest thread.
public enum BLASThreads {
    /// The current number of OpenBLAS threads.
    public static var count: Int {
        Int(openblas_get_num_threads())
    }

    /// Sets the number of OpenBLAS threads for all later calls.
    ///
    /// - Parameter count: At least 1.
    public static func set(_ count: Int) {
        precondition(count >= 1, "OpenBLAS needs at least one thread.")
        openblas_set_num_threads(blasInt(count))
    }
}
