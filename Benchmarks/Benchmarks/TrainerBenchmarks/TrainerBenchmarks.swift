import Benchmark
import BenchmarkSupport
import LinearAlgebra
import Training

// Run with `cd Benchmarks && swift package benchmark` (add `--filter 'Fit 100k'` to run a few).
// The thread count is OPENBLAS_NUM_THREADS, else one per core, read once at start: fits and
// passes split their blocks among that many threads of their own, each calling BLAS with one
// thread, as `propensity train --threads` does (the Gram and dgemm baselines are single BLAS
// calls and so run on one thread). The count is part of every benchmark's name so that results
// from runs with different settings are never compared by mistake.

/// The `(rows, columns)` of the fit benchmarks.
private let fitShapes = [(100_000, 32), (100_000, 128), (1_000_000, 32), (1_000_000, 128)]
/// The `(rows, columns)` of the single-pass benchmarks.
private let passShapes = [(1_000_000, 32), (1_000_000, 128)]
/// The seed of every synthetic data set.
private let seed: UInt64 = 20_251_123

/// Newton steps the solver took (the same on every run: the data are fixed).
private let newtonSteps = BenchmarkMetric.custom("Newton steps", polarity: .prefersSmaller, useScalingFactor: false)
/// Fit wall time divided by `steps + 1` (the passes of a plain Newton fit that evaluates the
/// Hessian at the start and after every step), in milliseconds: the per-step cost to compare
/// with one `dsyrk` over all rows.
private let perStep = BenchmarkMetric.custom("ms per Newton step", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 10
    )
    let count = BLASThreads.count
    BLASThreads.set(1)
    let threads = count == 1 ? "1 thread" : "\(count) threads"
    for (rows, columns) in fitShapes {
        fitBenchmark(rows: rows, columns: columns, threadCount: count, threads: threads)
    }
    for (rows, columns) in passShapes {
        passBenchmarks(rows: rows, columns: columns, threadCount: count, threads: threads)
    }
}

/// `100k`, `1M`: short row counts for benchmark names.
private func shortCount(_ n: Int) -> String {
    n % 1_000_000 == 0 ? "\(n / 1_000_000)M" : n % 1000 == 0 ? "\(n / 1000)k" : "\(n)"
}

/// One full fit with `LogisticRegression(l2: 1)` and its other defaults (standardized penalty,
/// tolerance 1e-10), standard errors included; the data are generated and validated in setup.
private func fitBenchmark(rows: Int, columns: Int, threadCount: Int, threads: String) {
    let large = rows * columns >= 32_000_000
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, newtonSteps, perStep],
        warmupIterations: large ? 0 : 1,
        maxDuration: .seconds(large ? 60 : 20),
        maxIterations: large ? 5 : 10
    )
    let trainer = LogisticRegression(l2: 1)
    Benchmark("Fit \(shortCount(rows))x\(columns), \(threads)", configuration: configuration) { benchmark, data in
        for _ in benchmark.scaledIterations {
            let clock = ContinuousClock()
            let start = clock.now
            let fit = try! trainer.fit(data, threads: threadCount)
            let elapsed = clock.now - start
            blackHole(fit)
            benchmark.measurement(newtonSteps, fit.iterations)
            let millis = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
            benchmark.measurement(perStep, Int((millis / Double(fit.iterations + 1)).rounded()))
        }
    } setup: {
        let leads = SyntheticLeads(rows: rows, columns: columns, seed: seed)
        return try TrainingData(features: leads.features, labels: leads.labels)
    }
}

/// What one pass over the rows costs, against the raw BLAS work it contains.
///
/// - `Hessian pass`: one `LogisticObjective` evaluation with value, gradient and exact Hessian,
///   what an exact Newton step costs (`dgemv` for `η`, `dgemv` for the gradient, `dsyrk` of the
///   weighted, centered block, block by block as the trainer runs it).
/// - `Value pass`: the same with the value only, what a shortened line-search step costs.
/// - `Gram, blocks of 1024`: `GramAccumulator` alone, as a Hessian pass uses it.
/// - `Gram, one block`: `GramAccumulator` with `blockRows = n`: one copy of the centered,
///   scaled rows and then one `dsyrk` over all of them, the "one dsyrk" baseline.
/// - `XᵀX dgemm`: `Matrix.product` of the transposed rows with the rows, raw BLAS with twice
///   the flops of `dsyrk` and no copy.
private func passBenchmarks(rows: Int, columns: Int, threadCount: Int, threads: String) {
    let shape = "\(shortCount(rows))x\(columns), \(threads)"
    let configuration = Benchmark.Configuration(maxDuration: .seconds(20), maxIterations: 10)

    struct Pass {
        let data: TrainingData
        let objective: LogisticObjective<TrainingData>
        let parameters: [Double]
        let rootWeights: [Double]
    }
    let makePass: @Sendable () throws -> Pass = {
        let leads = SyntheticLeads(rows: rows, columns: columns, seed: seed)
        let data = try TrainingData(features: leads.features, labels: leads.labels)
        var moments = ColumnMoments(columns: columns)
        moments.add(rows: 0..<rows, of: leads.features, weights: nil)
        let scales = moments.standardDeviations.map { 1 / $0 }
        let objective = LogisticObjective(source: data, centers: moments.means, scales: scales,
                                          penalties: [Double](repeating: 1, count: columns), threads: threadCount)
        // A point away from the start, where the weights pᵢ(1 − pᵢ) differ from row to row.
        let parameters = [-0.85] + (0..<columns).map { 0.2 * (($0 % 2 == 0) ? 1 : -1) / Double(columns).squareRoot() }
        return Pass(data: data, objective: objective, parameters: parameters,
                    rootWeights: [Double](repeating: 0.45, count: rows))
    }

    Benchmark("Hessian pass \(shape)", configuration: configuration) { benchmark, pass in
        for _ in benchmark.scaledIterations {
            blackHole(pass.objective.passStatistics(at: pass.parameters, order: .hessian))
        }
    } setup: { try makePass() }

    Benchmark("Value pass \(shape)", configuration: configuration) { benchmark, pass in
        for _ in benchmark.scaledIterations {
            blackHole(pass.objective.passStatistics(at: pass.parameters, order: .value))
        }
    } setup: { try makePass() }

    Benchmark("Gram, blocks of 1024, \(shape)", configuration: configuration) { benchmark, pass in
        for _ in benchmark.scaledIterations {
            var gram = GramAccumulator(columns: columns, blockRows: 1024)
            gram.add(rows: 0..<rows, of: pass.data.features, rowScale: pass.rootWeights,
                     columnShift: pass.objective.centers, columnScale: pass.objective.scales)
            blackHole(gram.matrix)
        }
    } setup: { try makePass() }

    Benchmark("Gram, one block, \(shape)", configuration: configuration) { benchmark, pass in
        for _ in benchmark.scaledIterations {
            // The n × (d + 1) buffer is allocated and zeroed outside the measurement.
            var gram = GramAccumulator(columns: columns, blockRows: rows)
            benchmark.startMeasurement()
            gram.add(rows: 0..<rows, of: pass.data.features, rowScale: pass.rootWeights,
                     columnShift: pass.objective.centers, columnScale: pass.objective.scales)
            benchmark.stopMeasurement()
            blackHole(gram.matrix)
        }
    } setup: { try makePass() }

    Benchmark("XᵀX dgemm \(shape)", configuration: configuration) { (benchmark, x: (rows: Matrix, transposed: Matrix)) in
        for _ in benchmark.scaledIterations {
            blackHole(x.transposed.product(x.rows))
        }
    } setup: {
        let features = SyntheticLeads(rows: rows, columns: columns, seed: seed).features
        return (rows: features, transposed: features.transposed)
    }
}
