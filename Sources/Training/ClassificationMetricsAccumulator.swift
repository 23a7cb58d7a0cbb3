import Foundation

/// Exact `ClassificationMetrics` of more rows than memory should hold: rows are added in parts,
/// and every `runRows` of them are sorted by probability and written to a temporary run file;
/// `finish()` merges the runs in one ascending pass. Memory holds one run (24 bytes a row) and a
/// read buffer per run, whatever the row count; the metrics are those of
/// `ClassificationMetrics(probabilities:labels:weights:)` on all rows at once, up to the order
/// in which tied probabilities are summed.
///
///     let metrics = ClassificationMetricsAccumulator(spillingTo: folder)
///     for block in blocks { try metrics.add(probabilities: p, labels: block.labels, weights: block.weights) }
///     let result = try metrics.finish()
///
/// The run files (`.propensity-metrics-….run` in the folder given) are removed by `finish()`,
/// and by the accumulator's end if it is abandoned.
public final class ClassificationMetricsAccumulator {
    /// A row with a positive weight.
    private struct Scored {
        var probability: Double
        var label: Double
        var weight: Double
    }

    /// Where run files go.
    public let directory: URL
    /// Rows held before a run is written.
    public let runRows: Int
    private var rows: [Scored] = []
    private var runs: [URL] = []
    private let prefix = ".propensity-metrics-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    /// An accumulator that writes its runs to `directory`.
    ///
    /// - Parameters:
    ///   - directory: A folder with room for 24 bytes a row (the rows beyond the first run).
    ///   - runRows: Rows per run, at least 1; default 2²¹ (48 MiB).
    public init(spillingTo directory: URL, runRows: Int = 1 << 21) {
        precondition(runRows >= 1, "A run holds at least one row.")
        self.directory = directory
        self.runRows = runRows
    }

    deinit { removeRuns() }

    /// Adds rows; rows of weight 0 do not count, as in `ClassificationMetrics`.
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities in [0, 1].
    ///   - labels: Outcomes, 0 or 1, one per probability.
    ///   - weights: Non-negative weights, one per probability, or `nil` for all ones.
    /// - Throws: The file system's error when a run cannot be written.
    public func add(probabilities: [Double], labels: ArraySlice<Double>, weights: ArraySlice<Double>?) throws {
        precondition(labels.count == probabilities.count && (weights?.count ?? labels.count) == labels.count,
                     "Need one label and weight per probability.")
        for (k, p) in probabilities.enumerated() {
            let s = weights.map { $0[$0.startIndex + k] } ?? 1
            guard s > 0 else { continue }
            rows.append(Scored(probability: p, label: labels[labels.startIndex + k], weight: s))
            if rows.count == runRows { try writeRun() }
        }
    }

    /// The metrics of every row added; `nil` when no row has a positive weight or only one
    /// class occurs. The run files are removed.
    ///
    /// - Throws: The file system's error when a run cannot be read back.
    public func finish() throws -> ClassificationMetrics? {
        defer { removeRuns() }
        var sums = AscendingSums()
        if runs.isEmpty {
            rows.sort { $0.probability < $1.probability }
            for row in rows { sums.add(probability: row.probability, label: row.label, weight: row.weight) }
            rows = []
            return sums.metrics()
        }
        if !rows.isEmpty { try writeRun() }
        rows = []
        // A k-way merge: a binary heap of the runs by their next probability.
        let readers = try runs.map { try RunReader($0) }
        var heap = readers.indices.filter { readers[$0].current != nil }
        func less(_ a: Int, _ b: Int) -> Bool { readers[a].current!.probability < readers[b].current!.probability }
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let left = 2 * i + 1, right = left + 1
                var smallest = i
                if left < heap.count && less(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count && less(heap[right], heap[smallest]) { smallest = right }
                if smallest == i { return }
                heap.swapAt(i, smallest)
                i = smallest
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        while let top = heap.first {
            let row = readers[top].current!
            sums.add(probability: row.probability, label: row.label, weight: row.weight)
            try readers[top].advance()
            if readers[top].current == nil {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        return sums.metrics()
    }

    /// Sorts the rows held and writes them as a run.
    private func writeRun() throws {
        rows.sort { $0.probability < $1.probability }
        let url = directory.appendingPathComponent("\(prefix)-\(runs.count).run")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        runs.append(url)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try rows.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        rows.removeAll(keepingCapacity: true)
    }

    private func removeRuns() {
        for url in runs { try? FileManager.default.removeItem(at: url) }
        runs = []
    }

    /// Reads a run back a buffer at a time.
    private final class RunReader {
        private var descriptor: Int32
        private var buffer = [Scored](repeating: Scored(probability: 0, label: 0, weight: 0), count: 4096)
        private var filled = 0
        private var position = 0
        /// The run's next row, `nil` at its end.
        private(set) var current: Scored?

        init(_ url: URL) throws {
            descriptor = open(url.path, O_RDONLY)
            guard descriptor >= 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
            try advance()
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
        }

        func advance() throws {
            position += 1
            if position >= filled {
                // Whole records only: a read may stop anywhere, so read until the buffer is full
                // or the file ends (runs are written whole, a multiple of the record size).
                let descriptor = descriptor
                let bytes = buffer.withUnsafeMutableBytes { raw -> Int in
                    var done = 0
                    while done < raw.count {
                        let got = read(descriptor, raw.baseAddress! + done, raw.count - done)
                        if got <= 0 { return got < 0 ? -1 : done }
                        done += got
                    }
                    return done
                }
                guard bytes >= 0 else { throw CocoaError(.fileReadUnknown) }
                filled = bytes / MemoryLayout<Scored>.stride
                position = 0
                if filled == 0 {
                    close(descriptor)
                    self.descriptor = -1
                    current = nil
                    return
                }
            }
            current = buffer[position]
        }
    }
}
