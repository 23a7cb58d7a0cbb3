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

/// One table streamed as CSV text: a task on `StreamExecutor` connects, sends the query and
/// renders rows into chunks for a `ChunkQueue`; `read(into:)` takes them.
final class PostgresTableStream: CSVByteSource, @unchecked Sendable {
    /// About how many bytes a chunk holds before it is handed over.
    static let chunkSize = 1 << 18

    private let queue = ChunkQueue(capacity: 4)
    private let name: String
    private var task: Task<Void, Never>?
    // The consumer's side: the chunk being read.
    private var current: [UInt8] = []
    private var offset = 0
    private var done = false

    init(location: PostgresLocation, table: QualifiedName, entry: String, name: String) {
        self.name = name
        let queue = self.queue
        task = Task(executorPreference: StreamExecutor.shared) {
            do throws(PostgresError) {
                try await PostgresSession.with(location, doing: "reading \(name)") { connection, logger in
                    try await Self.produce(table, entry: entry, location: location, connection: connection, logger: logger,
                                           into: queue)
                }
                queue.finish(nil)
            } catch {
                queue.finish(error)
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
        queue.cancel()
        task?.cancel()
    }

    /// Sends the query and renders the header and rows into `queue`, until the end or until
    /// the consumer goes.
    private static func produce(_ table: QualifiedName, entry: String, location: PostgresLocation,
                                connection: PostgresConnection, logger: Logger, into queue: ChunkQueue) async throws {
        // Text as the files have it: UTC instants, ISO dates; and the table's stored order
        // from its first block (a synchronized scan could start in the middle).
        try await connection.query("SET TIME ZONE 'UTC'", logger: logger)
        try await connection.query("SET DateStyle TO 'ISO, YMD'", logger: logger)
        try await connection.query("SET synchronize_seqscans TO off", logger: logger)
        let columnRows = try await connection.query("""
            SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass(\(table.quoted)) AND attnum > 0
            AND NOT attisdropped ORDER BY attnum
            """, logger: logger)
        var columns: [String] = []
        for try await column in columnRows.decode(String.self) { columns.append(column) }
        guard !columns.isEmpty else { throw PostgresError.missingTable(location.description, table.text, entry: entry) }

        var chunk: [UInt8] = []
        chunk.reserveCapacity(chunkSize + 4096)
        for (k, column) in columns.enumerated() {
            if k > 0 { chunk.append(0x2C) }
            appendField(Array(column.utf8)[...], to: &chunk)
        }
        chunk.append(0x0A)
        let select = columns.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"::text" }.joined(separator: ", ")
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(select) FROM \(table.quoted)"), logger: logger)
        for try await row in rows {
            var first = true
            for cell in row {
                if !first { chunk.append(0x2C) }
                first = false
                if let bytes = cell.bytes {
                    bytes.withUnsafeReadableBytes { appendField(UnsafeRawBufferPointer($0), to: &chunk) }
                }
            }
            chunk.append(0x0A)
            if chunk.count >= chunkSize {
                guard await queue.push(chunk) else { return }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { _ = await queue.push(chunk) }
    }

    /// A present value as a CSV field: quoted when empty (a missing value is an empty
    /// unquoted field) or when it holds a comma, quote or line break.
    private static func appendField<Bytes: Collection<UInt8>>(_ value: Bytes, to chunk: inout [UInt8]) {
        let needsQuotes = value.isEmpty || value.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            chunk.append(contentsOf: value)
            return
        }
        chunk.append(0x22)
        for byte in value {
            if byte == 0x22 { chunk.append(0x22) }
            chunk.append(byte)
        }
        chunk.append(0x22)
    }
}
