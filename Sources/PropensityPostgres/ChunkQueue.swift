#if PostgreSQL
import Foundation

/// A bounded queue of byte chunks between a producer (a query's rows, rendered as CSV on the
/// stream's own event loop thread) and a consumer (a `CSVReader` on another thread): the
/// producer blocks while the queue is full, which stops its event loop reading the socket, so
/// the server waits too and a table streams in bounded memory at the reader's pace; the
/// consumer blocks while it is empty.
final class ChunkQueue: @unchecked Sendable {
    /// What the consumer takes.
    enum Item {
        case chunk([UInt8])
        case end
        case failed(PostgresError)
    }

    private let condition = NSCondition()
    private let capacity: Int
    // Guarded by `condition`.
    private var chunks: [[UInt8]] = []
    private var head = 0
    private var finished: PostgresError??
    private var cancelled = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds a chunk, waiting while the queue is full. Returns false when the consumer has gone
    /// (the chunk is dropped): the producer should stop.
    func push(_ chunk: [UInt8]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count - head >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    /// Marks the end of the input, or its failure.
    func finish(_ error: PostgresError?) {
        condition.lock()
        defer { condition.unlock() }
        if finished == nil { finished = .some(error) }
        condition.broadcast()
    }

    /// The next chunk, waiting for it; then `.end` or `.failed` once the producer finished.
    func pop() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && finished == nil && !cancelled { condition.wait() }
        if head < chunks.count {
            let chunk = chunks[head]
            chunks[head] = []
            head += 1
            if head == chunks.count {
                chunks.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.broadcast()
            return .chunk(chunk)
        }
        if case .some(.some(let error)) = finished { return .failed(error) }
        return .end
    }

    /// The consumer has gone: a waiting push returns false at once, and so does every later one.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        chunks = []
        head = 0
        condition.broadcast()
    }
}
#endif
