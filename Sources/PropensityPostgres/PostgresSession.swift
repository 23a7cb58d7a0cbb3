#if PostgreSQL
import Logging
import PostgresNIO

/// One connection for one piece of work: opened, handed to the work, closed.
enum PostgresSession {
    /// A logger that logs nothing: errors reach the caller as `PostgresError`s.
    static let logger = Logger(label: "propensity.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects to `location`, runs `body` on the connection, and closes it.
    ///
    /// - Parameter doing: What the work is, for messages ("writing the scores to lead_scores").
    /// - Throws: `PostgresError`: the connection's failure or the work's, as `PostgresError.from` reads it.
    static func with<Result: Sendable>(_ location: PostgresLocation, doing: String,
                                       _ body: (PostgresConnection, Logger) async throws -> Result) async throws(PostgresError) -> Result {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try configuration(location), id: 1, logger: logger)
        } catch {
            throw PostgresError.from(error, location: location, doing: "connecting")
        }
        do {
            let result = try await body(connection, logger)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw PostgresError.from(error, location: location, doing: doing)
        }
    }

    /// PostgresNIO's configuration for `location`.
    static func configuration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
#endif
