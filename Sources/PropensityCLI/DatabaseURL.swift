/// Whether `text` names a PostgreSQL database (`postgres://…` or `postgresql://…`) rather than a
/// path. Read the same way with or without the PostgreSQL trait, so that a build without it
/// says why it cannot take the URL instead of looking for a folder of that name.
func isDatabaseURL(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
}

/// A database URL given to a build without the PostgreSQL trait.
struct PostgreSQLNotBuilt: Error, CustomStringConvertible {
    var description: String {
        "this propensity was built without PostgreSQL support (the package's PostgreSQL trait was off). "
            + "Build it with the default traits to read from or write to postgres:// URLs."
    }
}
