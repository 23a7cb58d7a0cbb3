#if PostgreSQL
import CSVParsing
import Features
import Foundation
import PostgresNIO

/// The tables of a CRM export in a PostgreSQL database: each table or view the spec names
/// (`table:`, else the file name without its extension) streamed from the server as CSV text
/// and read exactly as a file with the same text would be.
///
/// Every column is read as PostgreSQL prints it (`column::text`, in a session set to UTC and
/// ISO dates): text as it is, numbers in full, `timestamptz` as `2025-03-04 14:05:09+00`,
/// `boolean` as `true`/`false`, NULL as a missing value and `''` as a present empty one. Rows
/// come in the table's stored order (a sequential scan from its start), the order a
/// `COPY … FROM` load leaves them in: a table loaded from the export's files reads exactly as
/// those files. Rows stream in chunks of about 256 KiB at the reader's pace, so no table is
/// ever held whole on either side. Errors name the table (`table leads, line 12`: the header
/// counts as line 1, then one line per row unless a value holds a line break).
///
/// ```swift
/// let source = PostgresCRMSource(location: try PostgresLocation(url: "postgres://analyst@db/crm"))
/// let scored = try CRMScorer(model: model).scoreOpenLeads(in: source, asOf: Date())
/// ```
public struct PostgresCRMSource: CRMTableSource {
    /// The database.
    public let location: PostgresLocation

    public init(location: PostgresLocation) {
        self.location = location
    }

    public var description: String { location.description }

    public func name(of table: CRMTableReference) -> String { "table \(table.table)" }

    /// Opens `table` as one reader: a query is one stream, not split into parts.
    public func open(_ table: CRMTableReference, parts: Int) throws(CRMDataError) -> [CSVReader] {
        let name = name(of: table)
        guard let qualified = QualifiedName(table.table) else {
            throw CRMDataError(file: name, entry: table.entry,
                               message: "`\(table.table)` is not a table name: use letters, digits and underscores, "
                                   + "optionally after a schema and a dot. Correct `table:` in the spec.")
        }
        let stream = PostgresTableStream(location: location, table: qualified, entry: table.entry, name: name)
        do {
            return [try CSVReader(source: stream, name: name)]
        } catch {
            stream.close()
            throw CRMDataError(reading: error, file: name)
        }
    }

    public func estimatedRows(_ table: CRMTableReference) -> Int { 0 }

    /// The size and hash of the CSV text the table streams as: read once more.
    public func fingerprint(_ table: CRMTableReference) throws -> (bytes: Int, fnv1a64: String) {
        guard let qualified = QualifiedName(table.table) else { return (0, FNV1a64().hex) }
        let stream = PostgresTableStream(location: location, table: qualified, entry: table.entry, name: name(of: table))
        defer { stream.close() }
        var hash = FNV1a64()
        var bytes = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        while true {
            let count = try buffer.withUnsafeMutableBytes { raw throws(CSVError) in
                let count = try stream.read(into: raw)
                hash.add(UnsafeRawBufferPointer(rebasing: raw[..<count]))
                return count
            }
            if count == 0 { break }
            bytes += count
        }
        return (bytes, hash.hex)
    }
}

/// One table streamed as CSV text: on an event loop of its own, a connection sends the query
/// and renders rows into chunks for a `ChunkQueue` as they arrive; `read(into:)` takes them.
/// When the reader falls four chunks behind, the loop waits, stops reading the socket, and the
/// server waits in turn: the table streams at the reader's pace in bounded memory.
final class PostgresTableStream: CSVByteSource, @unchecked Sendable {
    /// About how many bytes a chunk holds before it is handed over.
    static let chunkSize = 1 << 18

    private let queue = ChunkQueue(capacity: 4)
    private let name: String
    // One thread, so that waiting for the reader holds up this stream alone.
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var closed = false
    // The consumer's side: the chunk being read.
    private var current: [UInt8] = []
    private var offset = 0
    private var done = false

    init(location: PostgresLocation, table: QualifiedName, entry: String, name: String) {
        self.name = name
        let queue = self.queue
        let loop = group.next()
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try PostgresSession.configuration(location)
        } catch {
            queue.finish(PostgresError.from(error, location: location, doing: "connecting"))
            return
        }
        let logger = PostgresSession.logger
        PostgresConnection.connect(on: loop, configuration: configuration, id: 1, logger: logger)
            .flatMapErrorThrowing { error -> PostgresConnection in
                throw PostgresError.from(error, location: location, doing: "connecting")
            }
            .flatMap { connection in
                Self.produce(table, entry: entry, location: location, connection: connection, logger: logger, into: queue)
                    .always { _ in connection.close().whenComplete { _ in } }
            }
            .whenComplete { result in
                switch result {
                case .success: queue.finish(nil)
                case .failure(let error): queue.finish(PostgresError.from(error, location: location, doing: "reading \(name)"))
                }
            }
    }

    deinit { close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        while offset == current.count {
            guard !done else { return 0 }
            switch queue.pop() {
            case .chunk(let chunk):
                current = chunk
                offset = 0
            case .end:
                done = true
                return 0
            case .failed(let error):
                done = true
                throw CSVError.sourceFailed(file: name, message: error.description)
            }
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    func close() {
        done = true
        guard !closed else { return }
        closed = true
        // A producer waiting for room gives up, its query fails and the connection closes.
        queue.cancel()
        group.shutdownGracefully { _ in }
    }

    /// Rows as CSV text, built on the stream's event loop (so used from one thread at a time).
    private final class Renderer: @unchecked Sendable {
        let queue: ChunkQueue
        var chunk: [UInt8] = []

        /// The reader has gone: the query stops.
        struct Stopped: Error {}

        init(queue: ChunkQueue) {
            self.queue = queue
            chunk.reserveCapacity(PostgresTableStream.chunkSize + 4096)
        }

        func header(_ columns: [String]) {
            for (k, column) in columns.enumerated() {
                if k > 0 { chunk.append(0x2C) }
                CSVWriting.appendField(column.utf8, to: &chunk, quotingEmpty: true)
            }
            chunk.append(0x0A)
        }

        /// A row of one value per column (`select(_:columns:batched:)` unbatched).
        func add(_ row: PostgresRow) throws {
            var out: [UInt8] = []
            swap(&out, &chunk)
            defer { swap(&out, &chunk) }
            var first = true
            for cell in row {
                if !first { out.append(0x2C) }
                first = false
                if let bytes = cell.bytes {
                    bytes.withUnsafeReadableBytes { CSVWriting.appendField($0, to: &out, quotingEmpty: true) }
                }
            }
            out.append(0x0A)
            if out.count >= PostgresTableStream.chunkSize { try hand(&out) }
        }

        // Scratch space for batches, kept between them.
        private var storage: [UInt8] = []
        private var cursors: [Int] = []

        /// A row of one `text[]` per column, in PostgreSQL's binary array format, holding the
        /// values of many table rows (`select(_:columns:batched:)` batched); NULLs for a range
        /// of blocks without rows.
        func addBatch(_ row: PostgresRow) throws {
            storage.removeAll(keepingCapacity: true)
            cursors.removeAll(keepingCapacity: true)
            for cell in row {
                guard let bytes = cell.bytes else { return }
                cursors.append(storage.count)
                bytes.withUnsafeReadableBytes { storage.append(contentsOf: $0) }
            }
            var out: [UInt8] = []
            swap(&out, &chunk)
            defer { swap(&out, &chunk) }
            try storage.withUnsafeBufferPointer { raw throws(BadArray) in
                func int32(_ at: Int) throws(BadArray) -> Int {
                    guard at >= 0, at + 4 <= raw.count else { throw BadArray() }
                    return Int(Int32(bitPattern: UInt32(raw[at]) << 24 | UInt32(raw[at + 1]) << 16 | UInt32(raw[at + 2]) << 8
                        | UInt32(raw[at + 3])))
                }
                // Each array: dimensions, null flag, element type; then per dimension its
                // length and lower bound; then each element's length (-1: NULL) and bytes.
                var count = -1
                for k in cursors.indices {
                    var at = cursors[k]
                    let dimensions = try int32(at)
                    at += 12
                    var length = 0
                    if dimensions == 1 {
                        length = try int32(at)
                        at += 8
                    } else if dimensions != 0 {
                        throw BadArray()
                    }
                    guard count < 0 || length == count else { throw BadArray() }
                    count = length
                    cursors[k] = at
                }
                for _ in 0..<max(count, 0) {
                    for k in cursors.indices {
                        if k > 0 { out.append(0x2C) }
                        let length = try int32(cursors[k])
                        cursors[k] += 4
                        guard length >= 0 else { continue }
                        guard cursors[k] + length <= raw.count else { throw BadArray() }
                        CSVWriting.appendField(UnsafeBufferPointer(rebasing: raw[cursors[k]..<cursors[k] + length]), to: &out,
                                                quotingEmpty: true)
                        cursors[k] += length
                    }
                    out.append(0x0A)
                }
            }
            if out.count >= PostgresTableStream.chunkSize { try hand(&out) }
        }

        /// A value that is not the one-dimensional `text[]` the query asks for.
        struct BadArray: Error, CustomStringConvertible {
            var description: String { "the server sent a batch of rows in an unexpected form" }
        }

        /// Hands the rest over at the end of the query.
        func flush() throws {
            if !chunk.isEmpty { try hand(&chunk) }
        }

        /// Hands `out` to the queue (waiting for room) and empties it.
        private func hand(_ out: inout [UInt8]) throws {
            guard queue.push(out) else { throw Stopped() }
            out.removeAll(keepingCapacity: true)
        }
    }

    /// Sets the session up, finds the columns, and streams the rows into `queue`.
    private static func produce(_ table: QualifiedName, entry: String, location: PostgresLocation,
                                connection: PostgresConnection, logger: Logger, into queue: ChunkQueue) -> EventLoopFuture<Void> {
        // Text as the files have it: UTC instants, ISO dates; and the table's stored order
        // from its first block: a synchronized scan could start in the middle, and a parallel
        // one interleaves its workers' rows.
        let settings: [PostgresQuery] = ["SET TIME ZONE 'UTC'", "SET DateStyle TO 'ISO, YMD'", "SET synchronize_seqscans TO off",
                                         "SET max_parallel_workers_per_gather TO 0"]
        var ready = connection.eventLoop.makeSucceededVoidFuture()
        for setting in settings {
            ready = ready.flatMap { connection.query(setting, logger: logger).map { _ in } }
        }
        return ready.flatMap {
            connection.query("""
                SELECT attname::text, atttypid::int, (SELECT relkind::text FROM pg_class WHERE oid = attrelid),
                       current_setting('server_version_num')::int
                FROM pg_attribute
                WHERE attrelid = to_regclass(\(table.quoted)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum
                """, logger: logger)
        }.flatMapThrowing { result -> (columns: [Column], batched: Bool) in
            let rows = try result.rows.map { try $0.decode((String, Int, String, Int).self) }
            guard let first = rows.first else { throw PostgresError.missingTable(location.description, table.text, entry: entry) }
            // Tables (not views) on PostgreSQL 14 or later, where a range of ctids is read
            // without scanning the rest of the table.
            let batched = (first.2 == "r" || first.2 == "m") && first.3 >= 140_000
            return (rows.map { Column(name: $0.0, type: $0.1) }, batched)
        }.flatMap { (columns, batched) in
            let renderer = Renderer(queue: queue)
            renderer.header(columns.map(\.name))
            return connection.query(PostgresQuery(unsafeSQL: select(table, columns: columns, batched: batched)), logger: logger) { row in
                if batched { try renderer.addBatch(row) } else { try renderer.add(row) }
            }.flatMapThrowing { _ in try renderer.flush() }
        }
    }

    /// A column of the table: its name and type.
    struct Column {
        let name: String
        /// The type's oid.
        let type: Int

        /// The column as text in SQL: itself for `text` and `varchar` (whose binary form is
        /// their text; a cast costs the server a copy of every value), else `::text`.
        var text: String {
            let quoted = "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
            return type == 25 || type == 1043 ? quoted : quoted + "::text"
        }
    }

    /// How many table blocks (8 KiB pages) one result row of a batched query holds.
    static let blocksPerBatch = 4

    /// The query that streams `table`'s rows in their stored order, every column as
    /// PostgreSQL prints it (`::text`). Unbatched, one result row per table row. Batched, one
    /// result row per `blocksPerBatch` consecutive blocks (a TID range scan each, in order),
    /// holding each column's values as a `text[]`: the client's cost is per result row
    /// (PostgresNIO's decoding and state machine take about a microsecond each), so a few
    /// hundred table rows a result row make it small, while the server does no more than
    /// print the values.
    static func select(_ table: QualifiedName, columns: [Column], batched: Bool) -> String {
        let values = columns.map(\.text)
        guard batched else { return "SELECT \(values.joined(separator: ", ")) FROM \(table.quoted)" }
        let size = "(pg_relation_size('\(table.quoted.replacingOccurrences(of: "'", with: "''"))') "
            + "/ current_setting('block_size')::bigint)"
        return """
            SELECT batch.* FROM generate_series(0, \(size) - 1, \(blocksPerBatch)) AS b,
            LATERAL (SELECT \(values.map { "array_agg(\($0))" }.joined(separator: ", ")) FROM \(table.quoted)
                     WHERE ctid >= format('(%s,0)', b)::tid AND ctid < format('(%s,0)', b + \(blocksPerBatch))::tid) AS batch
            """
    }
}
#endif
