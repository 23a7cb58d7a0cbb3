import Foundation
import SyntheticCRM
import TestSupport

/// A CSV file of the export, read whole. The generator never quotes a field, so a test can
/// split lines on commas; a test checks that no field holds a quote.
struct CSVTable {
    let header: [String]
    let rows: [[Substring]]
    private let positions: [String: Int]

    init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        header = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        positions = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
    }

    /// The position of column `name`; traps when there is none (a test bug).
    func column(_ name: String) -> Int {
        guard let position = positions[name] else { preconditionFailure("no column \(name) in \(header)") }
        return position
    }

    /// The values of column `name`, row by row.
    func values(_ name: String) -> [Substring] {
        let position = column(name)
        return rows.map { $0[position] }
    }
}

/// A folder of generated files, removed when the value is released.
final class GeneratedExport {
    let directory: URL
    let summary: GenerationSummary

    /// Generates `leads` leads with `seed` into a new temporary folder.
    init(leads: Int, seed: UInt64) throws {
        directory = try makeTemporaryDirectory()
        summary = try CRMGenerator(leads: leads, seed: seed).write(to: directory)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func table(_ name: String) throws -> CSVTable { try CSVTable(contentsOf: url(name)) }
}

/// Timestamps as the export writes them: `2025-03-04T14:05:09Z`, read with Foundation's own
/// ISO 8601 parser so that the generator's formatting is checked independently.
func parseTimestamp(_ text: Substring) -> Date? {
    text.isEmpty ? nil : try? Date(String(text), strategy: .iso8601)
}
