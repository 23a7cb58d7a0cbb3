import Foundation

/// A bounded queue of byte chunks between an async producer (a query's rows, rendered as CSV)
/// and a synchronous consumer (a `CSVReader` on another thread): the producer suspends while
/// the queue is full, so a table streams in bounded memory at the consumer's pace; the consumer
/// blocks while it is empty.
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
    private var waiting: (chunk: [UInt8], continuation: CheckedContinuation<Bool, Never>)?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds a chunk, suspending while the queue is full. Returns false when the consumer has
    /// gone (the chunk is dropped): the producer should stop.
    func push(_ chunk: [UInt8]) async -> Bool {
        await withCheckedContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if cancelled {
                continuation.resume(returning: false)
            } else if chunks.count - head < capacity {
                chunks.append(chunk)
                condition.signal()
                continuation.resume(returning: true)
            } else {
                waiting = (chunk, continuation)
            }
        }
    }

    /// Marks the end of the input, or its failure.
    func finish(_ error: PostgresError?) {
        condition.lock()
        defer { condition.unlock() }
        finished = .some(error)
        condition.signal()
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
            if head > 64 {
                chunks.removeFirst(head)
                head = 0
            }
            if let (pending, continuation) = waiting {
                chunks.append(pending)
                waiting = nil
                continuation.resume(returning: true)
            }
            return .chunk(chunk)
        }
        if case .some(.some(let error)) = finished { return .failed(error) }
        return .end
    }

    /// The consumer has gone: the producer's next push returns false (a waiting one at once).
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        chunks = []
        head = 0
        if let (_, continuation) = waiting {
            waiting = nil
            continuation.resume(returning: false)
        }
        condition.broadcast()
    }
}

/// Runs the tasks that stream tables on a thread of their own, so that they go on while the
/// threads of Swift's cooperative pool are blocked reading what they produce (a consumer
/// blocks in `ChunkQueue.pop`, possibly on a pool thread, and with few cores the pool has few).
final class StreamExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = StreamExecutor()

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init() {
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "propensity.postgres.streams"
        thread.start()
    }

    func enqueue(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
