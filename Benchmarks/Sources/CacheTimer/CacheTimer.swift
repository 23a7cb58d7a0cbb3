import ArgumentParser
import BenchmarkSupport
import Foundation
import LinearAlgebra
import Synchronization
import Training

/// Writes a synthetic data set to a row cache a batch at a time, reads the cache once, then fits
/// from it, and prints one JSON object: the seconds of each phase, the passes of the fit and the
/// seconds per pass against the seconds of the plain read, one value-and-gradient pass and one
/// pass with the Hessian timed on their own, and the process's peak resident memory. Nothing
/// holds more than one batch of rows at a time.
///
///     cache-timer --rows 20000000 --columns 32 --out /tmp/leads.cache --keep
///     cache-timer --rows 20000000 --columns 32 --out /tmp/leads.cache --reuse
@main
struct CacheTimer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-timer",
        abstract: "Time a fit streaming a row cache (written here from synthetic rows) and print JSON."
    )

    @Option(help: "The number of rows, at least 1.")
    var rows: Int = 20_000_000

    @Option(help: "The number of feature columns, at least 1.")
    var columns: Int = 32

    @Option(help: "Rows generated and appended at a time.")
    var batch: Int = 100_000

    @Option(help: "Where to write the cache; it is removed at the end unless --keep.")
    var out: String

    @Flag(help: "Store features as float32.")
    var float32 = false

    @Flag(help: "Keep the cache file.")
    var keep = false

    @Flag(help: "Use the cache already at --out (kept by an earlier run with the same settings) instead of writing it; implies --keep.")
    var reuse = false

    @Flag(help: "Also load every row into memory and time the same fit there (memory then grows with the rows), for the cost of a pass without reading.")
    var compareMemory = false

    @Option(help: "The L2 penalty λ of the fit.")
    var l2: Double = 1

    @Option(help: "Threads for each pass, each calling single-threaded BLAS; default: one per core.")
    var threads: Int?

    @Option(help: "The data seed.")
    var seed: UInt64 = 20_251_123

    func validate() throws {
        guard rows >= 1, columns >= 1, batch >= 1 else { throw ValidationError("--rows, --columns and --batch must be at least 1.") }
    }

    func run() throws {
        BLASThreads.set(1)
        let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let url = URL(fileURLWithPath: out)
        let clock = ContinuousClock()

        var start = clock.now
        let names = (0..<columns).map { "x\($0 + 1)" }
        var writeSeconds: Double?
        if !reuse {
            let writer = try RowCacheWriter(url, featureNames: names, float32: float32)
            var written = 0
            var part: UInt64 = 1
            while written < rows {
                let count = min(batch, rows - written)
                let leads = SyntheticLeads(rows: count, columns: columns, seed: seed, batch: part)
                try writer.append(features: leads.features, labels: leads.labels)
                written += count
                part += 1
            }
            try writer.finish()
            writeSeconds = seconds(clock.now - start)
        }
        let bytes = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int

        // The floor a pass is measured against: reading every byte of the file once, in the
        // cache's own chunk size, as a pass does (from the page cache when the file fits there).
        start = clock.now
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw ValidationError("Cannot open \(out).") }
        var buffer = [UInt8](repeating: 0, count: 1 << 23)
        var total = 0
        var checksum: UInt8 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            total += count
            checksum &+= buffer[count - 1]
        }
        close(fd)
        let readSeconds = seconds(clock.now - start)
        precondition(total == bytes)

        let cache = try RowCache(contentsOf: url)
        guard cache.rowCount == rows, cache.featureCount == columns, (cache.precision == 4) == float32 else {
            throw ValidationError("\(out) holds \(cache.rowCount) rows of \(cache.featureCount) columns, not the ones asked for.")
        }
        let counting = CountingSource(cache)
        start = clock.now
        let fit = try LogisticRegression(l2: l2).fit(counting, featureNames: names, threads: threads)
        let fitSeconds = seconds(clock.now - start)
        let passes = counting.passes

        // Each kind of pass on its own, at the solution: the fit mixes cheap gradient passes
        // with one pass that also forms the Hessian (a dsyrk of every row).
        let sd = fit.standardDeviations
        let objective = LogisticObjective(source: cache, centers: fit.centers, scales: sd.map { $0 > 0 ? 1 / $0 : 1 },
                                          penalties: [Double](repeating: 0, count: columns), threads: threads)
        let point = objective.standardized(intercept: fit.intercept, coefficients: fit.coefficients)
        func timed(_ order: DerivativeOrder) -> Double {
            let passStart = clock.now
            _ = objective.passStatistics(at: point, order: order)
            return seconds(clock.now - passStart)
        }
        let gradientPassSeconds = [timed(.gradient), timed(.gradient), timed(.gradient)].sorted()[1]
        let hessianPassSeconds = timed(.hessian)

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        var memorySecondsPerPass: Double?
        if compareMemory {
            var elements: [Double] = []
            var labels: [Double] = []
            elements.reserveCapacity(rows * columns)
            labels.reserveCapacity(rows)
            cache.forEachBlock { block in
                elements += block.features.elements
                labels += block.labels
            }
            let data = CountingSource(try TrainingData(features: Matrix(rows: rows, columns: columns, elements: elements),
                                                       labels: labels))
            let memoryStart = clock.now
            _ = try LogisticRegression(l2: l2).fit(data, featureNames: names, threads: threads)
            memorySecondsPerPass = seconds(clock.now - memoryStart) / data.passes
        }
        if !keep && !reuse { try? FileManager.default.removeItem(at: url) }
        let report = Report(
            rows: rows, columns: columns, float32: float32, bytes: bytes, chunks: cache.blockCount, chunkRows: cache.chunkRows,
            writeSeconds: writeSeconds, readSeconds: readSeconds, fitSeconds: fitSeconds, passes: passes,
            secondsPerPass: fitSeconds / passes, passOverRead: fitSeconds / passes / readSeconds,
            gradientPassSeconds: gradientPassSeconds, gradientPassOverRead: gradientPassSeconds / readSeconds,
            hessianPassSeconds: hessianPassSeconds, hessianPassOverRead: hessianPassSeconds / readSeconds,
            iterations: fit.iterations, converged: fit.converged, objective: fit.objective,
            peakResidentMiB: Double(usage.ru_maxrss) / 1024, memorySecondsPerPass: memorySecondsPerPass, threads: threads, checksum: Int(checksum))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    struct Report: Encodable {
        let rows, columns: Int
        let float32: Bool
        let bytes, chunks, chunkRows: Int
        let writeSeconds: Double?
        let readSeconds, fitSeconds, passes, secondsPerPass, passOverRead: Double
        /// One value-and-gradient pass at the solution (median of 3), and over the read.
        let gradientPassSeconds, gradientPassOverRead: Double
        /// One pass with the Hessian at the solution, and over the read.
        let hessianPassSeconds, hessianPassOverRead: Double
        let iterations: Int
        let converged: Bool
        let objective: Double
        /// Peak resident memory of the cache phases (before any in-memory comparison).
        let peakResidentMiB: Double
        let memorySecondsPerPass: Double?
        let threads: Int
        let checksum: Int
    }
}

/// A row source that counts the blocks its passes read.
final class CountingSource<Inner: IndexedRowBlockSource>: IndexedRowBlockSource, @unchecked Sendable {
    let inner: Inner
    let blocksRead = Atomic(0)

    init(_ inner: Inner) { self.inner = inner }

    /// The passes so far: blocks read over blocks per pass.
    var passes: Double { Double(blocksRead.load(ordering: .relaxed)) / Double(inner.blockCount) }

    var featureCount: Int { inner.featureCount }
    var rowCount: Int { inner.rowCount }
    var blockCount: Int { inner.blockCount }

    func block(at index: Int) -> RowBlock {
        blocksRead.add(1, ordering: .relaxed)
        return inner.block(at: index)
    }

    func forEachBlock(_ body: (RowBlock) throws -> Void) rethrows {
        for index in 0..<blockCount { try body(block(at: index)) }
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
