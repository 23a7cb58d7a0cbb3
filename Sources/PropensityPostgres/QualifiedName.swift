#if PostgreSQL
/// A table or view name as the spec or `--table` gives it, `name` or `schema.name`: letters,
/// digits and underscores, not starting with a digit, at most 63 bytes each (PostgreSQL's
/// limit); case is kept (the name is quoted).
struct QualifiedName: Sendable, Equatable {
    /// The name as given.
    let text: String
    let schema: String?
    let name: String

    /// `nil` for a name that is not one.
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        func valid(_ part: String) -> Bool {
            guard let first = part.unicodeScalars.first, part.utf8.count <= 63 else { return false }
            return (first == "_" || first.properties.isAlphabetic && first.isASCII)
                && part.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        }
        guard parts.count <= 2, parts.allSatisfy(valid) else { return nil }
        self.text = text
        schema = parts.count == 2 ? parts[0] : nil
        name = parts[parts.count - 1]
    }

    /// The name quoted for SQL: `"schema"."name"`.
    var quoted: String {
        (schema.map { "\"\($0)\"." } ?? "") + "\"\(name)\""
    }
}
#endif
