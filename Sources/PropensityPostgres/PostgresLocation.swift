#if PostgreSQL
import Foundation

/// Where a PostgreSQL database is and who connects to it, read from a connection URL the way
/// libpq reads one: `postgres://user@host:port/database`.
///
/// The password never comes from the URL (a URL shows in process lists and shell histories):
/// it is `PGPASSWORD`, or the first matching line of the password file (`PGPASSFILE`, else
/// `~/.pgpass`; `host:port:database:user:password`, `*` matching anything, `\:` and `\\`
/// escaping), or none for a server that asks for none. The user defaults to `PGUSER`, then the
/// login name; the port to 5432; the database to the user's name. `description` is the URL
/// without any password, safe to print.
///
/// ```swift
/// let location = try PostgresLocation(url: "postgres://analyst@db.internal:5432/crm")
/// print(location)   // postgres://analyst@db.internal:5432/crm
/// ```
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// Whether and how the connection is encrypted (`?sslmode=` in the URL).
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain TCP otherwise (libpq's default).
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The server's host name or address.
    public let host: String
    /// The server's TCP port.
    public let port: Int
    /// The user name to authenticate as.
    public let user: String
    /// The database to connect to.
    public let database: String
    /// Whether the connection is encrypted.
    public let tls: TLSMode
    /// The password found for this host, port, database and user; never printed.
    let password: String?
    /// Where the password came from, for messages: `PGPASSWORD`, a password file, or nothing.
    let passwordSource: String?

    /// Whether `text` is a PostgreSQL connection URL (`postgres://` or `postgresql://`)
    /// rather than a path.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads `url`, and the password for it from `environment` (`PGPASSWORD`, `PGPASSFILE`,
    /// `PGUSER`, `HOME`, `USER`) and the password file.
    ///
    /// - Throws: `PostgresError.badURL` for a URL that is not `postgres://user@host:port/db`
    ///   (with an optional `?sslmode=disable|prefer|require`), or one that holds a password.
    public init(url text: String,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresError) {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw .badURL(Self.redacted(text), "it is not a URL of the form postgres://user@host:port/database")
        }
        guard components.password == nil else {
            throw .badURL(Self.redacted(text),
                          "it holds a password, which would show in process lists and shell histories. "
                              + "Remove it from the URL and set PGPASSWORD, or put it in ~/.pgpass")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value else {
                throw .badURL(Self.redacted(text), "`\(item.name)` is not an option here; the only one is sslmode=disable|prefer|require")
            }
            guard let mode = TLSMode(rawValue: value) else {
                throw .badURL(Self.redacted(text), "sslmode is `\(value)`; use disable, prefer or require")
            }
            tls = mode
        }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        let user = components.user.flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["PGUSER"] ?? environment["USER"] ?? ProcessInfo.processInfo.userName
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        guard !path.contains("/") else {
            throw .badURL(Self.redacted(text), "the path names more than a database (`\(path)`)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.database = path.isEmpty ? user : path
        self.tls = tls
        if let password = environment["PGPASSWORD"] {
            self.password = password
            self.passwordSource = "PGPASSWORD"
        } else {
            let file = environment["PGPASSFILE"]
                ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".pgpass").path
            self.password = Self.passwordFileEntry(file: file, host: host, port: self.port, database: self.database, user: user)
            self.passwordSource = password != nil ? file : nil
        }
    }

    /// The URL without any password.
    public var description: String {
        let tlsPart = tls == .prefer ? "" : "?sslmode=\(tls.rawValue)"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostPart):\(port)/\(database)\(tlsPart)"
    }

    /// `text` with anything between `://user:` and `@` replaced, for messages about a URL that
    /// may hold a password.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let userInfo = text[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":…" + String(text[at...])
    }

    /// The password of the first line of the password file `file` that matches, as libpq
    /// reads it; `nil` without a file, a readable one or a match. A file others can read is
    /// ignored (libpq does the same), with a warning on standard error.
    static func passwordFileEntry(file: String, host: String, port: Int, database: String, user: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let contents = FileManager.default.contents(atPath: file) else { return nil }
        if let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0 {
            let warning = "Warning: the password file \(file) is readable by others, so it is ignored (as libpq does). "
                + "Make it private: chmod 600 \(file)\n"
            FileHandle.standardError.write(Data(warning.utf8))
            return nil
        }
        let wanted = [host, String(port), database, user]
        for line in String(decoding: contents, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard !line.hasPrefix("#") else { continue }
            let fields = splitPasswordLine(line)
            guard fields.count == 5 else { continue }
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// One password-file line's fields: split at `:`, with `\:` a colon and `\\` a backslash.
    static func splitPasswordLine(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var escaped = false
        for character in line {
            if escaped {
                field.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
#endif
