@testable import CSVParsing
import Foundation
import TestSupport
import Testing

/// Reading one file in parts, as threads do: the same records, the same line numbers, and the
/// split that falls inside a quoted field detected.
struct CSVReaderPartsTests {
    /// Every record of every part, with its line in the file.
    func records(of url: URL, parts count: Int, minimum: Int) throws -> [(line: Int, values: [String?])] {
        let parts = try CSVReader.parts(of: url, count: count, minimumPartBytes: minimum)
        var result: [(Int, [String?])] = []
        var offset = 0
        for part in parts {
            try part.forEachRecord { result.append(($0.line + offset, $0.values)) }
            offset += part.linesRead
        }
        return result
    }

    func whole(_ url: URL) throws -> [(line: Int, values: [String?])] {
        var result: [(Int, [String?])] = []
        try CSVReader(contentsOf: url).forEachRecord { result.append(($0.line, $0.values)) }
        return result
    }

    @Test("parts read the same records on the same lines as one reader", arguments: [1, 2, 3, 7])
    func sameRecords(parts: Int) throws {
        var text = "\u{FEFF}id,note,amount\r\n"
        for i in 0..<2_000 {
            text += i % 97 == 0 ? "\n" : ""  // blank lines are skipped but counted
            text += i % 13 == 0 ? "r\(i),\"a, \"\"quoted\"\" note\",\(i)\r\n" : "r\(i),,\(i).5\n"
        }
        let url = try makeTemporaryDirectory().appending(path: "events.csv")
        try Data(text.utf8).write(to: url)
        let expected = try whole(url)
        let actual = try records(of: url, parts: parts, minimum: 1_000)
        #expect(actual.count == 2_000)
        #expect(actual.map(\.line) == expected.map(\.line))
        #expect(actual.map(\.values) == expected.map(\.values))
        #expect(try CSVReader.parts(of: url, count: parts, minimumPartBytes: 1_000).count == parts)
    }

    @Test("a split inside a quoted field ends the part before it inside the quotes")
    func splitInsideQuotes() throws {
        // One long quoted field of many lines in the middle of the file.
        let lines = (0..<400).map { "line \($0)" }.joined(separator: "\n")
        let text = "id,note\n" + (0..<50).map { "r\($0),x\n" }.joined() + "big,\"\(lines)\"\n"
            + (0..<50).map { "s\($0),y\n" }.joined()
        let url = try makeTemporaryDirectory().appending(path: "events.csv")
        try Data(text.utf8).write(to: url)
        let parts = try CSVReader.parts(of: url, count: 2, minimumPartBytes: 100)
        #expect(parts.count == 2)
        #expect(throws: CSVError.self) { try parts[0].forEachRecord { _ in } }
        do {
            try parts[0].forEachRecord { _ in }
        } catch let error as CSVError {
            #expect(CSVReader.endsInsideQuotes(error))
        }
        #expect(try whole(url).count == 101)
    }

    @Test("small files come in one part")
    func smallFiles() throws {
        let url = try makeTemporaryDirectory().appending(path: "events.csv")
        try Data("a,b\n1,2\n".utf8).write(to: url)
        #expect(try CSVReader.parts(of: url, count: 4).count == 1)
    }
}
