import ArgumentParser
import BenchmarkSupport
import Foundation
import LinearAlgebra
import Scoring
import Training

/// Times `LinearScorer.score` on seeded synthetic rows and prints one JSON object.
///
/// The model is a real fit: `LogisticRegression(l2: 1)` on the first `--fit-rows` rows of
/// `SyntheticLeads(rows:columns:seed: 20251123)`, so its covariance is dense and positive
/// definite. Its columns are cut into `--groups` consecutive groups of nearly equal size. Data
/// generation, the fit and the scorer's factorization happen before the timing; each timed run
/// is one `score(_:threads:)` over all rows (probability, 90% range, top three reasons each way).
/// It reports the median wall-clock time and the median CPU time of the process (all threads),
/// which on a shared machine is the better measure of the work per core.
///
///     OPENBLAS_NUM_THREADS=1 score-timer --rows 1000000 --columns 145 --groups 30 --repeats 5
@main
struct ScoreTimer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score-timer",
        abstract: "Time the scoring kernel on synthetic rows and print JSON."
    )

    @Option(help: "Rows to score, at least 1.")
    var rows: Int = 1_000_000

    @Option(help: "Model columns, at least 1.")
    var columns: Int = 145

    @Option(help: "Feature groups the columns are cut into, 1 ... columns.")
    var groups: Int = 30

    @Option(help: "Rows the model is fitted on (the first ones).")
    var fitRows: Int = 100_000

    @Option(help: "Timed runs; the median is reported.")
    var repeats: Int = 5

    @Option(help: "Threads sharing the blocks, each calling single-threaded BLAS.")
    var threads: Int = 1

    func validate() throws {
        guard rows >= 1, columns >= 1 else { throw ValidationError("--rows and --columns must be at least 1.") }
        guard (1...columns).contains(groups) else { throw ValidationError("--groups must be in 1...\(columns).") }
        guard fitRows >= columns + 1, fitRows <= rows else { throw ValidationError("--fit-rows must be in \(columns + 1)...\(rows).") }
        guard repeats >= 1, threads >= 1 else { throw ValidationError("--repeats and --threads must be at least 1.") }
    }

    func run() throws {
        BLASThreads.set(1)
        let leads = SyntheticLeads(rows: rows, columns: columns, seed: 20251123)
        let head = Matrix(rows: fitRows, columns: columns, elements: Array(leads.features.elements[0..<(fitRows * columns)]))
        let fit = try LogisticRegression(l2: 1).fit(TrainingData(features: head, labels: Array(leads.labels[0..<fitRows])))
        let ranges = (0..<groups).map { g in (g * columns / groups)..<((g + 1) * columns / groups) }
        let scorer = try LinearScorer(fit: fit, groups: ranges)
        let clock = ContinuousClock()
        var runs: [Double] = []
        var cpuRuns: [Double] = []
        var checksum = 0.0
        for _ in 0..<repeats {
            let cpuStart = processCPUSeconds()
            let start = clock.now
            let scores = scorer.score(leads.features, threads: threads)
            let elapsed = clock.now - start
            cpuRuns.append(processCPUSeconds() - cpuStart)
            runs.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            // Read the results so that nothing is optimized away.
            checksum = scores.probability.reduce(0, +) + scores.high.reduce(0, +)
                + Double(scores.topPositiveGroups.reduce(0) { $0 + Int($1) })
        }
        let median = runs.sorted()[runs.count / 2]
        let cpuMedian = cpuRuns.sorted()[cpuRuns.count / 2]
        let report = Report(
            rows: rows, columns: columns, groups: groups, threads: threads, seconds: median, runs: runs,
            cpuSeconds: cpuMedian, cpuRuns: cpuRuns, rowsPerCPUSecond: Double(rows) / cpuMedian,
            rowsPerSecond: Double(rows) / median, rowsPerSecondPerThread: Double(rows) / median / Double(threads),
            factorization: scorer.covarianceFactorization?.rawValue ?? "none", checksum: checksum)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// The CPU time of all the process's threads: on a shared machine, the time the scoring
    /// itself took when other processes held the cores part of the time.
    private func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// What one invocation prints.
    struct Report: Encodable {
        let rows, columns, groups, threads: Int
        let seconds: Double
        let runs: [Double]
        let cpuSeconds: Double
        let cpuRuns: [Double]
        let rowsPerCPUSecond: Double
        let rowsPerSecond, rowsPerSecondPerThread: Double
        let factorization: String
        let checksum: Double
    }
}
