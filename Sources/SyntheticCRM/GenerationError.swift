/// Why a synthetic CRM export could not be generated.
public enum GenerationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The number of leads asked for is below 1.
    case invalidLeadCount(Int)
    /// Output files exist already and overwriting was not allowed.
    case filesExist(directory: String, names: [String])
    /// The output folder could not be created (or a file stands in its place).
    case cannotCreateDirectory(path: String, reason: String)
    /// A file could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidLeadCount(let count):
            return "The number of leads must be at least 1, not \(count)."
        case .filesExist(let directory, let names):
            let list = names.map { "`\($0)`" }.joined(separator: ", ")
            return "\(directory) already holds \(list). Choose another folder, or allow overwriting (--force on the command line)."
        case .cannotCreateDirectory(let path, let reason):
            return "Cannot create the folder \(path): \(reason)."
        case .cannotWrite(let path, let reason):
            return "Cannot write \(path): \(reason). No output file was left half-written."
        }
    }
}
