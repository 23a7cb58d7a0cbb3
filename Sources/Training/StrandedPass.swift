import Dispatch
import Synchronization

/// A pass over the rows of a source, summed in a fixed number of strands that threads share.
///
/// The blocks of an `IndexedRowBlockSource` are cut into `strandCount` contiguous runs; each run
/// is summed on its own, and the sums are merged in run order. Which thread sums which run
/// does not matter, so the result is the same, bit for bit, for any thread count. A source
/// without indexed blocks is summed in one run, in order.
public enum StrandedPass {
    /// The number of contiguous runs of blocks, whatever the thread count.
    public static let strandCount = 8

    /// Sums `add` over every block of `source`, or over every `blockStride`-th one.
    ///
    /// - Parameters:
    ///   - source: The rows.
    ///   - threads: Threads to share the runs; at least 1. Each may call BLAS: set
    ///     `BLASThreads` to 1 when using more than one.
    ///   - blockStride: Visit only the blocks whose index is a multiple of this (a sample
    ///     of evenly spread blocks); default 1, every block. Blocks of an indexed source that
    ///     are not visited are not fetched.
    ///   - empty: A fresh, empty sum.
    ///   - add: Adds one block (with its index in the pass) to a sum.
    ///   - merge: Adds a later run's sum to an earlier one's.
    /// - Returns: The sum over the visited blocks.
    public static func sum<Source: RowBlockSource, Sum: Sendable>(
        over source: Source, threads: Int, blockStride: Int = 1,
        empty: @Sendable () -> Sum,
        add: @Sendable (inout Sum, RowBlock, Int) -> Void,
        merge: (inout Sum, Sum) -> Void
    ) -> Sum {
        precondition(blockStride >= 1, "The block stride must be at least 1.")
        guard let indexed = source as? any IndexedRowBlockSource else {
            var total = empty()
            var index = 0
            source.forEachBlock { block in
                if index % blockStride == 0 { add(&total, block, index) }
                index += 1
            }
            return total
        }
        // The runs cut the visited blocks, numbered 0, 1, 2, … in visiting order.
        let blockCount = (indexed.blockCount + blockStride - 1) / blockStride
        let runs = (0..<strandCount).map { k in (k * blockCount / strandCount)..<((k + 1) * blockCount / strandCount) }
        let sums = Mutex([Sum?](repeating: nil, count: runs.count))
        @Sendable func sumRun(_ k: Int) {
            var run = empty()
            for visit in runs[k] {
                let index = visit * blockStride
                add(&run, indexed.block(at: index), index)
            }
            sums.withLock { $0[k] = run }
        }
        if threads <= 1 {
            for k in runs.indices { sumRun(k) }
        } else {
            let next = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: min(threads, runs.count)) { _ in
                while true {
                    let k = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard k < runs.count else { return }
                    sumRun(k)
                }
            }
        }
        return sums.withLock { parts in
            var total = parts[0]!
            for part in parts.dropFirst() { merge(&total, part!) }
            return total
        }
    }
}
