import Foundation
import TestSupport

/// Writes `text` to a file called `name` in a new temporary folder and returns its URL.
func writeCSV(_ text: String, named name: String = "leads.csv") throws -> URL {
    try writeCSV(Array(text.utf8), named: name)
}

/// Writes `bytes` to a file called `name` in a new temporary folder and returns its URL.
func writeCSV(_ bytes: [UInt8], named name: String = "leads.csv") throws -> URL {
    let url = try makeTemporaryDirectory().appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}
