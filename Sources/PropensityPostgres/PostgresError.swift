#if PostgreSQL
import Foundation
import PostgresNIO

/// What went wrong talking to PostgreSQL, said so that the reader knows what to do. No
/// message holds a password.
public enum PostgresError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The connection URL cannot be used: the URL (its password, if any, hidden) and why.
    case badURL(String, String)
    /// A table name that is not `name` or `schema.name` of letters, digits and underscores.
    case badTableName(String)
    /// No server answered at the location: the location and what the network said.
    case unreachable(String, String)
    /// The server refused the user: the location, the server's message, and where the
    /// password came from (`nil`: none was found).
    case authentication(String, String, passwordSource: String?)
    /// A table or view the spec names is not in the database: the location, the name and the
    /// spec entry (`tables.leads`).
    case missingTable(String, String, entry: String)
    /// An existing table's schema does not fit: the table and what differs.
    case incompatibleSchema(table: String, String)
    /// The server reported an error: the location, what was being done, and the server's
    /// message (with its detail and hint).
    case server(String, doing: String, String)

    public var description: String {
        switch self {
        case .badURL(let url, let why):
            return "cannot use the database URL `\(url)`: \(why)."
        case .badTableName(let name):
            return "`\(name)` is not a table name this writes to: use letters, digits and underscores, not starting with "
                + "a digit, at most 63 of them, optionally after a schema and a dot (analytics.lead_scores)."
        case .unreachable(let location, let why):
            return "cannot reach the PostgreSQL server at \(location): \(why). "
                + "Check that the server runs, and the host and port in the URL."
        case .authentication(let location, let message, let source):
            let password = source.map { "the password from \($0)" } ?? "no password (none in PGPASSWORD or ~/.pgpass)"
            return "the PostgreSQL server at \(location) refused the user with \(password): \(message). "
                + "Check the user in the URL and the password."
        case .missingTable(let location, let table, let entry):
            return "the database \(location) has no table or view `\(table)`. "
                + "Create it, or name the right one with `table:` in the spec's \(entry)."
        case .incompatibleSchema(let table, let what):
            return "the table `\(table)` exists with another schema: \(what). "
                + "Write to another table with --table, or drop or rename this one."
        case .server(let location, let doing, let message):
            return "PostgreSQL at \(location) failed while \(doing): \(message)."
        }
    }

    /// `error` from PostgresNIO as one of these: authentication and connection failures by
    /// their kind, a server error with its message, detail and hint.
    static func from(_ error: any Error, location: PostgresLocation, doing: String) -> PostgresError {
        if let error = error as? PostgresError { return error }
        if let transaction = error as? PostgresTransactionError {
            let inner: (any Error)? = transaction.closureError ?? transaction.beginError ?? transaction.commitError
            if let inner { return from(inner, location: location, doing: doing) }
        }
        guard let psql = error as? PSQLError else {
            return .unreachable(location.description, String(describing: error))
        }
        switch psql.code {
        case .server:
            let info = psql.serverInfo
            let state = info?[.sqlState] ?? ""
            var message = info?[.message] ?? "an error without a message"
            if let detail = info?[.detail] { message += " (\(detail))" }
            if let hint = info?[.hint] { message += " Hint: \(hint)" }
            // 28P01 invalid_password, 28000 invalid_authorization_specification.
            if state.hasPrefix("28") {
                return .authentication(location.description, message, passwordSource: location.passwordSource)
            }
            return .server(location.description, doing: doing, message)
        case .authMechanismRequiresPassword:
            return .authentication(location.description, "it asks for a password", passwordSource: nil)
        case .unsupportedAuthMechanism:
            return .authentication(location.description, "it asks for an authentication method this client does not support "
                + "(use scram-sha-256, md5 or password)", passwordSource: location.passwordSource)
        case .sslUnsupported:
            return .unreachable(location.description, "the server does not offer TLS, which sslmode=require asks for")
        case .connectionError:
            let underlying = psql.underlying.map { String(describing: $0) } ?? "the connection failed"
            return .unreachable(location.description, underlying)
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .unreachable(location.description, "the connection closed (\(psql.code))")
        default:
            return .server(location.description, doing: doing, String(describing: psql.code))
        }
    }
}
#endif
