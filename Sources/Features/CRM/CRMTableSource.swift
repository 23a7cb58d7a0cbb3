import CSVParsing
import Foundation

/// One table a spec names, as a source finds it: the spec's entry (`tables.events`), its file
/// in a folder, and its table or view in a database.
public struct CRMTableReference: Sendable, Equatable {
    /// The spec entry, for messages: `tables.leads`, `tables.companies`, `tables.contacts`, `tables.events`.
    public let entry: String
    /// The file name, relative to a data folder (`file:` in the spec).
    public let file: String
    /// The database table or view (`table:` in the spec, else the file name without its
    /// extension: `leads.csv` is `leads`).
    public let table: String

    public init(entry: String, file: String, table: String?) {
        self.entry = entry
        self.file = file
        if let table {
            self.table = table
        } else {
            let stem = (file as NSString).lastPathComponent
            self.table = stem.contains(".") ? String(stem[..<stem.lastIndex(of: ".")!]) : stem
        }
    }
}

extension FeatureSpec.Tables {
    /// The leads table.
    public var leadsReference: CRMTableReference { CRMTableReference(entry: "tables.leads", file: leads.file, table: leads.table) }
    /// The companies table, when the spec has one.
    public var companiesReference: CRMTableReference? {
        companies.map { CRMTableReference(entry: "tables.companies", file: $0.file, table: $0.table) }
    }
    /// The contacts table, when the spec has one.
    public var contactsReference: CRMTableReference? {
        contacts.map { CRMTableReference(entry: "tables.contacts", file: $0.file, table: $0.table) }
    }
    /// The events table, when the spec has one.
    public var eventsReference: CRMTableReference? {
        events.map { CRMTableReference(entry: "tables.events", file: $0.file, table: $0.table) }
    }
}

/// Where the tables of a CRM export come from, each as CSV text: a folder of files
/// (`CRMFolder`), or a database (`PostgresCRMSource`, in the PropensityPostgres module), which
/// streams each table as CSV.
///
/// A source is read by `CRMDataSet` (leads, companies, contacts, on up to three threads at once)
/// and by the event pass (the events table, in parts on several threads when the source can
/// split it).
public protocol CRMTableSource: Sendable, CustomStringConvertible {
    /// Opens `table` for reading as consecutive parts, at most `parts` and at least one, each
    /// a reader with the table's header (see `CSVReader.parts(of:count:)` for how parts count
    /// lines). A source that cannot split a table returns one reader.
    ///
    /// - Throws: `CRMDataError` naming the table when it cannot be opened.
    func open(_ table: CRMTableReference, parts: Int) throws(CRMDataError) -> [CSVReader]

    /// The name errors give for `table`: a file name, or `table leads`.
    func name(of table: CRMTableReference) -> String

    /// About how many rows `table` holds (0 when unknown), to size memory up front.
    func estimatedRows(_ table: CRMTableReference) -> Int

    /// The size and 64-bit FNV-1a hash of `table`'s bytes as this source reads them: a
    /// fingerprint telling whether two models saw the same data.
    func fingerprint(_ table: CRMTableReference) throws -> (bytes: Int, fnv1a64: String)
}

/// The 64-bit FNV-1a hash, over bytes given in any number of pieces.
public struct FNV1a64: Sendable {
    /// The hash so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// The hash of `data`, as 16 hexadecimal digits.
    public static func hex(of data: Data) -> String {
        var hash = FNV1a64()
        data.withUnsafeBytes { hash.add($0) }
        return hash.hex
    }

    /// Adds `bytes` to the hash.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        value = hash
    }

    /// The hash as 16 hexadecimal digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A folder of CSV files, named by the spec's `file:` entries.
public struct CRMFolder: CRMTableSource {
    /// The folder.
    public let directory: URL

    public init(_ directory: URL) {
        self.directory = directory
    }

    public var description: String { directory.path }

    public func url(of table: CRMTableReference) -> URL { directory.appending(path: table.file) }

    public func name(of table: CRMTableReference) -> String { url(of: table).lastPathComponent }

    public func open(_ table: CRMTableReference, parts: Int) throws(CRMDataError) -> [CSVReader] {
        do {
            return parts > 1 ? try CSVReader.parts(of: url(of: table), count: parts) : [try CSVReader(contentsOf: url(of: table))]
        } catch {
            throw LoadedTable.dataError(error, file: name(of: table))
        }
    }

    public func estimatedRows(_ table: CRMTableReference) -> Int {
        LoadedTable.estimatedRows(url(of: table))
    }

    /// The file's size and hash, read a megabyte at a time: a table larger than memory is
    /// never held whole.
    public func fingerprint(_ table: CRMTableReference) throws -> (bytes: Int, fnv1a64: String) {
        let handle = try FileHandle(forReadingFrom: url(of: table))
        defer { try? handle.close() }
        var hash = FNV1a64()
        var bytes = 0
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty {
            piece.withUnsafeBytes { hash.add($0) }
            bytes += piece.count
        }
        return (bytes, hash.hex)
    }
}
