import ArgumentParser
import Foundation
import LinearAlgebra
import Training

/// Times `LogisticRegression.fit` on rows read from a raw file and prints one JSON object.
///
/// The file holds little-endian float64 values: the features, `rows × columns` row by row,
/// then the `rows` labels (0 or 1). Each timed run is what a caller pays for a model from rows
/// already in memory: `TrainingData` validation plus the full fit, standard errors included.
/// `compare_sklearn.py` runs this side by side with scikit-learn.
///
///     fit-timer data.f64 --rows 100000 --columns 32 --l2 1 --repeats 3
@main
struct FitTimer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-timer",
        abstract: "Time logistic regression fits on a raw float64 file and print JSON."
    )

    @Argument(help: "A raw little-endian float64 file: the features row by row, then the labels.")
    var file: String

    @Option(help: "The number of rows, at least 1.")
    var rows: Int

    @Option(help: "The number of feature columns, at least 1.")
    var columns: Int

    @Option(help: "The L2 penalty λ (scikit-learn's 1/C when --standardize is off).")
    var l2: Double = 1

    @Flag(help: "Penalize standardized coefficients (the trainer's default) instead of raw ones.")
    var standardize = false

    @Option(help: "The trainer's gradient tolerance.")
    var tolerance: Double = 1e-10

    @Option(help: "Timed runs; the median is reported.")
    var repeats: Int = 3

    @Option(help: "Threads for each pass over the rows, each calling single-threaded BLAS (as `propensity train --threads`); default: one per core.")
    var threads: Int?

    @Option(help: "Rows the Newton steps' sampled Hessian is summed over (the trainer's hessianSampleRows).")
    var hessianSampleRows: Int = LogisticRegression().hessianSampleRows

    @Flag(help: "Print each Newton step, with the seconds since the fit began, on standard error.")
    var progress = false

    @Option(help: "The elastic-net mixing α (the L1 share of the penalty --l2); 0 is pure L2.")
    var l1Ratio: Double = 0

    @Option(help: "Above this many columns the fit goes without the Hessian (L-BFGS, OWL-QN with --l1-ratio), as the trainer's hessianFreeWidth; 0 forces it.")
    var hessianFreeWidth: Int = LogisticRegression.defaultHessianFreeWidth

    @Option(help: "Comma-separated penalties: fit this regularization path (warm-started, largest first) instead of one fit; each point's objective and coefficients are printed.")
    var path: String?

    func validate() throws {
        guard rows >= 1, columns >= 1 else { throw ValidationError("--rows and --columns must be at least 1.") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1.") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        guard l2.isFinite, l2 >= 0 else { throw ValidationError("--l2 must be a finite number ≥ 0.") }
    }

    func run() throws {
        BLASThreads.set(1)
        let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let (features, labels) = try readRows()
        if let path {
            try runPath(path.split(separator: ",").map { Double($0)! }, features: features, labels: labels, threads: threads)
            return
        }
        var trainer = LogisticRegression(l2: l2, standardize: standardize, tolerance: tolerance,
                                         hessianSampleRows: hessianSampleRows)
        trainer.l1Ratio = l1Ratio
        trainer.hessianFreeWidth = hessianFreeWidth
        let clock = ContinuousClock()
        var runs: [Double] = []
        var fitRuns: [Double] = []
        var last: LogisticRegressionFit?
        for _ in 0..<repeats {
            let start = clock.now
            let data = try TrainingData(features: features, labels: labels)
            let validated = clock.now
            let fit = try trainer.fit(data, threads: threads) { step in
                guard progress else { return }
                let line = String(format: "%7.3f s  step %d  objective %.12g  max|g| %.2e  t %g\n",
                                  seconds(clock.now - validated), step.iteration, step.value, step.maxAbsGradient, step.stepSize)
                FileHandle.standardError.write(Data(line.utf8))
            }
            let end = clock.now
            runs.append(seconds(end - start))
            fitRuns.append(seconds(end - validated))
            last = fit
        }
        let fit = last!
        let report = Report(
            seconds: median(runs), runs: runs, fitSeconds: median(fitRuns),
            objective: fit.objective, iterations: fit.iterations, converged: fit.converged,
            maxAbsGradient: fit.maxAbsGradient, intercept: fit.intercept,
            coefficients: fit.coefficients, standardErrors: fit.hasCovariance ? fit.standardErrors : nil,
            threads: threads, rows: rows, columns: columns, l2: l2, standardize: standardize)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// Times `RegularizationPath.fit` over `lambdas` and prints one JSON object: the median
    /// seconds (validation of the rows included) and each point's objective and coefficients.
    func runPath(_ lambdas: [Double], features: Matrix, labels: [Double], threads: Int) throws {
        var path = RegularizationPath(l1Ratio: l1Ratio, standardize: standardize, tolerance: tolerance)
        path.hessianFreeWidth = hessianFreeWidth
        let clock = ContinuousClock()
        var runs: [Double] = []
        var last: PathFit?
        for _ in 0..<repeats {
            let start = clock.now
            let data = try TrainingData(features: features, labels: labels)
            last = try path.fit(data, featureNames: data.featureNames, lambdas: lambdas, threads: threads)
            runs.append(seconds(clock.now - start))
        }
        let fit = last!
        let report = PathReport(seconds: median(runs), runs: runs, lambdaMax: fit.lambdaMax,
                                points: fit.points.map {
                                    PathReport.Point(lambda: $0.lambda, objective: $0.objective, intercept: $0.intercept,
                                                     coefficients: $0.coefficients, kktViolation: $0.kktViolation,
                                                     converged: $0.converged, iterations: $0.iterations,
                                                     nonzero: $0.nonzeroCount, strongSet: $0.strongSetSize)
                                },
                                threads: threads, rows: rows, columns: columns, l1Ratio: l1Ratio, standardize: standardize)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// What a path run prints.
    struct PathReport: Encodable {
        struct Point: Encodable {
            let lambda: Double
            let objective: Double
            let intercept: Double
            let coefficients: [Double]
            let kktViolation: Double
            let converged: Bool
            let iterations: Int
            let nonzero: Int
            let strongSet: Int
        }
        let seconds: Double
        let runs: [Double]
        let lambdaMax: Double
        let points: [Point]
        let threads: Int
        let rows: Int
        let columns: Int
        let l1Ratio: Double
        let standardize: Bool
    }

    /// What one invocation prints.
    struct Report: Encodable {
        let seconds: Double
        let runs: [Double]
        let fitSeconds: Double
        let objective: Double
        let iterations: Int
        let converged: Bool
        let maxAbsGradient: Double
        let intercept: Double
        let coefficients: [Double]
        /// Absent for a fit without the Hessian, which has no covariance.
        let standardErrors: [Double]?
        let threads: Int
        let rows: Int
        let columns: Int
        let l2: Double
        let standardize: Bool
    }

    /// Reads the features and labels, checking that the file has exactly the expected size.
    private func readRows() throws -> (Matrix, [Double]) {
        let featureCount = rows * columns
        guard let stream = fopen(file, "rb") else {
            throw ValidationError("Cannot open \(file): \(String(cString: strerror(errno))).")
        }
        defer { fclose(stream) }
        func read(_ count: Int) throws -> [Double] {
            let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                initialized = fread(buffer.baseAddress, MemoryLayout<Double>.size, count, stream)
            }
            guard values.count == count else {
                throw ValidationError("\(file) ends after \(values.count) of \(count) values; expected \(rows) rows of \(columns) features and then \(rows) labels.")
            }
            // The file is little-endian; on a big-endian machine each value must be swapped.
            return 1.littleEndian == 1 ? values : values.map { Double(bitPattern: $0.bitPattern.byteSwapped) }
        }
        let x = try read(featureCount)
        let y = try read(rows)
        guard fgetc(stream) == EOF else {
            throw ValidationError("\(file) is longer than \(rows) rows of \(columns) features and \(rows) labels.")
        }
        return (Matrix(rows: rows, columns: columns, elements: x), y)
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
