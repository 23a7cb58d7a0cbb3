import ArgumentParser
import LinearAlgebra

/// Options that change how fast work runs, never its result.
struct PerformanceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("OpenBLAS threads (default: OPENBLAS_NUM_THREADS, else one per core).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1.")
        }
    }

    func apply() {
        if let threads { BLASThreads.set(threads) }
    }
}
