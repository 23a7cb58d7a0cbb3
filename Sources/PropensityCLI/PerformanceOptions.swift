import ArgumentParser
import Foundation
import LinearAlgebra

/// Options that change how fast work runs, never its result.
struct PerformanceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Threads for passes over the data (default: one per core). Results do not depend on it.",
                               valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1.")
        }
    }

    /// The thread count to use: `--threads`, else one per core.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    /// Makes each BLAS call single-threaded: the passes run their blocks on `threadCount`
    /// threads of their own, which keeps every core busy with the copies and row loops too
    /// (OpenBLAS's own threads only split the BLAS calls, and an idle one spins).
    func apply() {
        BLASThreads.set(1)
    }
}
