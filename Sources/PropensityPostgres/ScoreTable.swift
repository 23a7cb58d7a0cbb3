#if PostgreSQL
import Features
import Foundation
import PostgresNIO
import Scoring

/// The table `propensity score --write` fills: one row per scored open SQL, per model and
/// as-of instant.
///
/// | column | type | meaning |
/// |---|---|---|
/// | `lead_id` | `text not null` | the lead's id |
/// | `probability` | `double precision not null` | the close probability, in full |
/// | `probability_low`, `probability_high` | `double precision` | its 90% range; null for a model without covariance |
/// | `score` | `integer not null` | `round(100·probability)` |
/// | `grade` | `text not null` | A–D, by the model's cut points |
/// | `earlier_score` | `integer` | the score as of `earlier_as_of`; null for a lead that was not yet an SQL then |
/// | `earlier_as_of` | `timestamptz not null` | the start of the trend window (7 days before `as_of`) |
/// | `score_change` | `integer` | `score - earlier_score` |
/// | `raising`, `lowering` | `jsonb not null` | the factors raising and lowering the odds most: arrays of `{"feature", "words", "contribution"}` |
/// | `model_id` | `text not null` | the model file's FNV-1a 64 hash (16 hex digits): which model scored |
/// | `model_version` | `text not null` | the Propensity version that trained the model |
/// | `as_of` | `timestamptz not null` | the instant scored as of |
/// | `scored_at` | `timestamptz not null` | when the scores were written |
///
/// The primary key is `(model_id, as_of, lead_id)`. A write is one transaction: it creates the
/// table when missing, removes the rows of the same model and as-of instant, and copies the
/// new ones in, so a re-run replaces its rows and a failed run leaves the table as it was.
public struct ScoreTable: Sendable {
    /// One column of the table.
    public struct Column: Sendable, Equatable {
        /// The column's name.
        public let name: String
        /// Its type, as PostgreSQL's `format_type` prints it.
        public let type: String
        /// Whether the writer stores nulls in it.
        public let nullable: Bool
    }

    /// The table's columns, in order.
    public static let columns: [Column] = [
        Column(name: "lead_id", type: "text", nullable: false),
        Column(name: "probability", type: "double precision", nullable: false),
        Column(name: "probability_low", type: "double precision", nullable: true),
        Column(name: "probability_high", type: "double precision", nullable: true),
        Column(name: "score", type: "integer", nullable: false),
        Column(name: "grade", type: "text", nullable: false),
        Column(name: "earlier_score", type: "integer", nullable: true),
        Column(name: "earlier_as_of", type: "timestamp with time zone", nullable: false),
        Column(name: "score_change", type: "integer", nullable: true),
        Column(name: "raising", type: "jsonb", nullable: false),
        Column(name: "lowering", type: "jsonb", nullable: false),
        Column(name: "model_id", type: "text", nullable: false),
        Column(name: "model_version", type: "text", nullable: false),
        Column(name: "as_of", type: "timestamp with time zone", nullable: false),
        Column(name: "scored_at", type: "timestamp with time zone", nullable: false),
    ]

    /// The model that scored: what the `model_id` and `model_version` columns hold.
    public struct ModelIdentity: Sendable, Equatable {
        /// The model file's FNV-1a 64 hash.
        public let id: String
        /// The Propensity version that trained it.
        public let version: String

        /// The identity of the model file `url` holds (read once more, for its hash).
        ///
        /// - Throws: The file system's error if it cannot be read.
        public init(modelFile url: URL, model: PropensityModel) throws {
            id = FNV1a64.hex(of: try Data(contentsOf: url))
            version = model.packageVersion
        }

        /// An identity given directly.
        public init(id: String, version: String) {
            self.id = id
            self.version = version
        }
    }

    /// What a write did.
    public struct WriteSummary: Sendable, Equatable {
        /// The rows written.
        public let written: Int
        /// The rows of an earlier run (same model and as-of instant) they replaced.
        public let replaced: Int
        /// Whether the table was created.
        public let created: Bool
    }

    /// The table's name, as given: `name` or `schema.name`.
    public var name: String { qualified.text }
    private let qualified: QualifiedName

    /// A scores table named `name` (`lead_scores`, or `analytics.lead_scores`): letters,
    /// digits and underscores, not starting with a digit, case kept.
    ///
    /// - Throws: `PostgresError.badTableName`.
    public init(name: String) throws(PostgresError) {
        guard let qualified = QualifiedName(name) else { throw .badTableName(name) }
        self.qualified = qualified
    }

    /// The table's name quoted for SQL.
    var quoted: String { qualified.quoted }

    /// The `CREATE TABLE` statement for this table.
    public var createStatement: String {
        let columns = Self.columns.map { "\"\($0.name)\" \($0.type)\($0.nullable ? "" : " NOT NULL")" }
        return "CREATE TABLE \(quoted) (\n    " + columns.joined(separator: ",\n    ")
            + ",\n    PRIMARY KEY (model_id, as_of, lead_id)\n)"
    }

    /// Checks, before the work of scoring, that the scores can be written: the server answers,
    /// takes the user, and the table is missing (to be created) or of a compatible schema.
    ///
    /// - Throws: `PostgresError`, as `write` would.
    public func check(at location: PostgresLocation) async throws(PostgresError) {
        try await PostgresSession.with(location, doing: "reading the columns of \(name)") { connection, logger in
            if let existing = try await self.columns(connection: connection, logger: logger) { try self.check(existing) }
        }
    }

    /// Writes `scored` in one transaction, replacing the rows of an earlier run of the same
    /// model and as-of instant.
    ///
    /// - Parameters:
    ///   - scoredAt: The instant to record as `scored_at`; default now.
    /// - Throws: `PostgresError`; the table is then as it was before.
    public func write(_ scored: ScoredLeads, model: ModelIdentity, to location: PostgresLocation,
                      scoredAt: Date = Date()) async throws(PostgresError) -> WriteSummary {
        try await PostgresSession.with(location, doing: "writing the scores to \(name)") { connection, logger in
            try await connection.withTransaction(logger: logger) { connection in
                try await self.write(scored, model: model, scoredAt: scoredAt, connection: connection, logger: logger)
            }
        }
    }

    private func write(_ scored: ScoredLeads, model: ModelIdentity, scoredAt: Date, connection: PostgresConnection,
                       logger: Logger) async throws -> WriteSummary {
        let existing = try await columns(connection: connection, logger: logger)
        var created = false
        if let existing {
            try check(existing)
        } else {
            try await connection.query(PostgresQuery(unsafeSQL: createStatement), logger: logger)
            created = true
        }
        // Readers go on reading; another writer waits for this one, so two runs of the same
        // model and instant cannot both insert.
        try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(quoted) IN SHARE ROW EXCLUSIVE MODE"), logger: logger)
        let asOf = Timestamp.string(from: scored.asOf)
        let deleted = try await connection.query("""
            WITH deleted AS (DELETE FROM \(unescaped: quoted) WHERE model_id = \(model.id) AND as_of = \(asOf)::timestamptz RETURNING 1)
            SELECT count(*) FROM deleted
            """, logger: logger)
        var replaced = 0
        for try await count in deleted.decode(Int.self) { replaced = count }
        if scored.count > 0 {
            try await copy(scored, model: model, scoredAt: scoredAt, connection: connection, logger: logger)
        }
        return WriteSummary(written: scored.count, replaced: replaced, created: created)
    }

    /// The table's columns (name, type, not null, has default), or `nil` when there is no
    /// such table.
    private func columns(connection: PostgresConnection, logger: Logger) async throws
        -> [(name: String, type: String, notNull: Bool, hasDefault: Bool)]?
    {
        let kinds = try await connection.query("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(\(quoted))",
                                               logger: logger)
        var kind: String?
        for try await row in kinds { kind = try row.decode(String.self) }
        guard let kind else { return nil }
        guard kind == "r" || kind == "p" else {
            throw PostgresError.incompatibleSchema(table: name, "it is not a table (relkind `\(kind)`)")
        }
        let rows = try await connection.query("""
            SELECT attname::text, format_type(atttypid, atttypmod), attnotnull, atthasdef FROM pg_attribute
            WHERE attrelid = to_regclass(\(quoted)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum
            """, logger: logger)
        var result: [(name: String, type: String, notNull: Bool, hasDefault: Bool)] = []
        for try await (name, type, notNull, hasDefault) in rows.decode((String, String, Bool, Bool).self) {
            result.append((name, type, notNull, hasDefault))
        }
        return result
    }

    /// Throws unless an existing table with `existing` columns can take the rows: every column
    /// there with its type, nullable where the writer stores nulls, and any other column
    /// nullable or with a default.
    private func check(_ existing: [(name: String, type: String, notNull: Bool, hasDefault: Bool)]) throws(PostgresError) {
        var problems: [String] = []
        for column in Self.columns {
            guard let found = existing.first(where: { $0.name == column.name }) else {
                problems.append("it has no column `\(column.name)` (\(column.type))")
                continue
            }
            if found.type != column.type {
                problems.append("`\(column.name)` is \(found.type), not \(column.type)")
            } else if column.nullable && found.notNull {
                problems.append("`\(column.name)` is NOT NULL, but holds nulls")
            }
        }
        for column in existing where !Self.columns.contains(where: { $0.name == column.name }) && column.notNull && !column.hasDefault {
            problems.append("its column `\(column.name)` is NOT NULL without a default, so no row could be added")
        }
        guard problems.isEmpty else { throw .incompatibleSchema(table: name, problems.joined(separator: "; ")) }
    }

    /// Streams the rows with `COPY … FROM STDIN` (text format), about a megabyte at a time.
    private func copy(_ scored: ScoredLeads, model: ModelIdentity, scoredAt: Date, connection: PostgresConnection,
                      logger: Logger) async throws {
        // PostgresNIO's COPY quotes the name it is given as one identifier: the schema goes
        // through the search path.
        if let schema = qualified.schema {
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \"\(schema)\""), logger: logger)
        }
        let fixed = "\t" + Timestamp.string(from: scored.trendFrom)
        let tail = "\t\(model.id)\t\(model.version)\t\(Timestamp.string(from: scored.asOf))\t"
            + Timestamp.string(from: scoredAt.timeIntervalSince1970.rounded(.down)) + "\n"
        let scores = scored.scores
        try await connection.copyFrom(table: qualified.name, columns: Self.columns.map(\.name), logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 20 + 4096)
            for k in 0..<scored.count {
                buffer.writeCopyText(scored.leadID(k))
                for value in [scores.probability[k], scores.low[k], scores.high[k]] {
                    buffer.writeString(value.isNaN ? "\t\\N" : "\t\(value)")
                }
                buffer.writeString("\t\(scores.score[k])\t\(scores.grade(k).rawValue)\t")
                let earlier = scored.earlierScore[k]
                buffer.writeString(earlier >= 0 ? String(earlier) : "\\N")
                buffer.writeString(fixed)
                buffer.writeString(earlier >= 0 ? "\t\(scores.score[k] - earlier)\t" : "\t\\N\t")
                buffer.writeCopyText(Factor.json(scored.factors(k, raising: true)))
                buffer.writeString("\t")
                buffer.writeCopyText(Factor.json(scored.factors(k, raising: false)))
                buffer.writeString(tail)
                if buffer.readableBytes >= 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }
}

extension ByteBuffer {
    /// `text` as a field of `COPY`'s text format: backslash, tab, line feed and carriage
    /// return escaped.
    mutating func writeCopyText(_ text: String) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            writeString(text)
            return
        }
        for byte in utf8 {
            switch byte {
            case 0x5C: writeStaticString("\\\\")
            case 0x09: writeStaticString("\\t")
            case 0x0A: writeStaticString("\\n")
            case 0x0D: writeStaticString("\\r")
            default: writeInteger(byte)
            }
        }
    }
}
#endif
