import Foundation
import Testing
import TestSupport

@testable import CSVParsing

/// Reads all of `text` and returns the header, the rows (nil for missing fields) and each row's
/// line.
private func parse(
    _ text: String, bufferSize: Int = CSVReader.defaultBufferSize
) throws -> (header: [String], rows: [[String?]], lines: [Int]) {
    try parse(bytes: Array(text.utf8), bufferSize: bufferSize)
}

private func parse(
    bytes: [UInt8], bufferSize: Int = CSVReader.defaultBufferSize
) throws -> (header: [String], rows: [[String?]], lines: [Int]) {
    let reader = try CSVReader(bytes: bytes, name: "test.csv", bufferSize: bufferSize)
    var rows: [[String?]] = []
    var lines: [Int] = []
    try reader.forEachRecord { record in
        rows.append(record.values)
        lines.append(record.line)
    }
    return (reader.header, rows, lines)
}

struct CSVReaderTests {
    @Test("fields of every length up to 20 bytes, with a non-ASCII letter anywhere, end where they should")
    func fieldsOfEveryLength() throws {
        // Unquoted fields are searched eight bytes at a time, so every length and every
        // position of a stop byte or a multi-byte letter within a word is a case of its own.
        var text = "a,b,c\r\n"
        var expected: [[String?]] = []
        for length in 0...20 {
            for accent in -1..<length {
                let letters = (0..<length).map { k in k == accent ? "é" : String(UnicodeScalar(UInt8(97 + k % 26))) }
                let field = letters.joined()
                // ASCII below `-` that is field text: space, !, #, &, (, ), +.
                let second = String(" a!b#c&d(e)f+g h".prefix((length * 7 + accent + 1) % 17))
                text += "\(field),\(second),z\(length)" + (accent % 2 == 0 ? "\r\n" : "\n")
                expected.append([field.isEmpty ? nil : field, second.isEmpty ? nil : second, "z\(length)"])
            }
        }
        for bufferSize in [CSVReader.defaultBufferSize, 5, 13] {
            let result = try parse(text, bufferSize: bufferSize)
            #expect(result.rows == expected)
            #expect(result.lines == Array(2..<(2 + expected.count)))
        }
    }

    @Test func readsAPlainTable() throws {
        let result = try parse("id,name,amount\n1,Ada,12.5\n2,Grace,7\n")
        #expect(result.header == ["id", "name", "amount"])
        #expect(result.rows == [["1", "Ada", "12.5"], ["2", "Grace", "7"]])
        #expect(result.lines == [2, 3])
    }

    @Test func readsTheLastLineWithoutALineBreak() throws {
        let result = try parse("a,b\n1,2\n3,4")
        #expect(result.rows == [["1", "2"], ["3", "4"]])
        #expect(result.lines == [2, 3])
    }

    @Test func readsAHeaderOnlyFile() throws {
        #expect(try parse("a,b").rows.isEmpty)
        #expect(try parse("a,b\n").rows.isEmpty)
        #expect(try parse("a,b\r\n").header == ["a", "b"])
    }

    @Test func readsQuotedFieldsWithCommasAndEscapedQuotes() throws {
        let text = #"""
        name,quote
        "Smith, Ada","She said ""hi"""
        plain,"""quoted"""
        """#
        let result = try parse(text)
        #expect(result.rows == [["Smith, Ada", #"She said "hi""#], ["plain", #""quoted""#]])
    }

    @Test func countsLineBreaksInsideQuotedFields() throws {
        let text = "id,notes\n1,\"first line\nsecond line\nthird\"\n2,after\n3,\"x\r\ny\"\r\n4,end\n"
        let result = try parse(text)
        #expect(result.rows == [
            ["1", "first line\nsecond line\nthird"], ["2", "after"], ["3", "x\r\ny"], ["4", "end"],
        ])
        // Record 1 spans lines 2–4, so the next record starts on line 5.
        #expect(result.lines == [2, 5, 6, 8])
    }

    @Test func readsCRLFLineEndings() throws {
        let result = try parse("a,b\r\n1,2\r\n,\"3\"\r\n")
        #expect(result.rows == [["1", "2"], [nil, "3"]])
        #expect(result.lines == [2, 3])
    }

    @Test func keepsABareCarriageReturnAsText() throws {
        let result = try parse("a,b\n1\r2,3\n4,5\r")
        #expect(result.rows == [["1\r2", "3"], ["4", "5"]])
    }

    @Test func dropsAByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,x\n1,2\n".utf8)
        let result = try parse(bytes: bytes)
        #expect(result.header == ["id", "x"])
        #expect(result.rows == [["1", "2"]])
        #expect(result.lines == [2])
    }

    @Test func tellsMissingFieldsFromEmptyStrings() throws {
        let reader = try CSVReader(text: "a,b,c\n,\"\",x\n", name: "test.csv")
        let record = try #require(try reader.nextRecord())
        #expect(record.count == 3)
        #expect(record.isMissing(0))
        #expect(!record.isMissing(1))
        #expect(!record.isMissing(2))
        #expect(record[0] == "")
        #expect(record[1] == "")
        #expect(record.value(at: 0) == nil)
        #expect(record.value(at: 1) == "")
        #expect(record.values == [nil, "", "x"])
        #expect(try reader.nextRecord() == nil)
    }

    @Test func readsATrailingEmptyFieldAsMissing() throws {
        let result = try parse("a,b\n1,\n2,\r\n3,")
        #expect(result.rows == [["1", nil], ["2", nil], ["3", nil]])
    }

    @Test func doesNotTrimDataFields() throws {
        let result = try parse("a,b\n 1 ,\t x\n")
        #expect(result.rows == [[" 1 ", "\t x"]])
    }

    @Test func trimsHeaderNamesAndFindsColumnsByName() throws {
        let reader = try CSVReader(text: " id ,\tage\t,\" last name \"\n1,2,3\n", name: "test.csv")
        #expect(reader.header == ["id", "age", "last name"])
        #expect(reader.column(named: "id") == 0)
        #expect(reader.column(named: "age") == 1)
        #expect(reader.column(named: "last name") == 2)
        #expect(reader.column(named: " age ") == nil)
        #expect(reader.column(named: "missing") == nil)
    }

    @Test func skipsBlankLinesButCountsThem() throws {
        let result = try parse("\n\r\na,b\n\n1,2\r\n\r\n\n3,4\n\n")
        #expect(result.header == ["a", "b"])
        #expect(result.rows == [["1", "2"], ["3", "4"]])
        #expect(result.lines == [5, 8])
    }

    @Test func readsMultibyteUTF8() throws {
        let result = try parse("név,city\nZoë,\"Zürich, 東京 😀\"\n")
        #expect(result.header == ["név", "city"])
        #expect(result.rows == [["Zoë", "Zürich, 東京 😀"]])
    }

    @Test func readAllReturnsEveryRow() throws {
        let reader = try CSVReader(text: "a,b\n1,\n,\"\"\n", name: "t.csv")
        #expect(try reader.readAll() == [["1", nil], [nil, ""]])
        #expect(try reader.readAll() == [])
    }

    @Test func nextRecordReportsLinesAndCounts() throws {
        let reader = try CSVReader(text: "a,b\n1,2\n3,4\n", name: "t.csv")
        let first = try #require(try reader.nextRecord())
        let second = try #require(try reader.nextRecord())
        #expect(try reader.nextRecord() == nil)
        #expect(try reader.nextRecord() == nil)
        #expect((first.line, first.count, first[0], first[1]) == (2, 2, "1", "2"))
        #expect((second.line, second[0], second[1]) == (3, "3", "4"))
    }

    @Test func keptRecordsSurviveLaterRefills() throws {
        // A 4-byte buffer refills on every record; records kept from earlier must not change.
        let text = "a,b\n" + (0..<50).map { "r\($0),\"v\($0)\"\n" }.joined()
        let reader = try CSVReader(bytes: Array(text.utf8), name: "t.csv", bufferSize: 4)
        var kept: [CSVRecord] = []
        try reader.forEachRecord { kept.append($0) }
        #expect(kept.count == 50)
        for (i, record) in kept.enumerated() {
            #expect(record[0] == "r\(i)" && record[1] == "v\(i)" && record.line == i + 2)
        }
    }

    @Test func readsARecordMuchLongerThanTheBuffer() throws {
        let long = String(repeating: "x,\"\"y\n", count: 2_000)
        let text = "a,b\n\"\(long)\",2\n3,4\n"
        let result = try parse(text, bufferSize: 16)
        #expect(result.rows == [[long.replacingOccurrences(of: "\"\"", with: "\""), "2"], ["3", "4"]])
        #expect(result.lines == [2, 2_003])
    }

    @Test func readsFieldsSplitAtEveryBufferSize() throws {
        let text = "\u{FEFF}h1, h2 \r\n\"a\"\"b\",c\r\n\"x\ny\",\"\"\r\n,é\r\n"
        let expected: [[String?]] = [["a\"b", "c"], ["x\ny", ""], [nil, "é"]]
        for size in 1...text.utf8.count + 1 {
            let result = try parse(text, bufferSize: size)
            #expect(result.header == ["h1", "h2"], "buffer size \(size)")
            #expect(result.rows == expected, "buffer size \(size)")
            #expect(result.lines == [2, 3, 5], "buffer size \(size)")
        }
    }

    @Test func matchesRandomTablesAtTinyBufferSizes() throws {
        var generator = SeededGenerator(seed: 4_180)
        for trial in 0..<300 {
            let table = RandomCSVTable(using: &generator)
            let bigBuffer = try parse(bytes: table.bytes)
            #expect(bigBuffer.header == table.header, "trial \(trial)")
            #expect(bigBuffer.rows == table.rows, "trial \(trial)")
            #expect(bigBuffer.lines == table.lines, "trial \(trial)")
            let size = [1, 2, 3, 4, 5, 7, 11, 16, 64][trial % 9]
            let small = try parse(bytes: table.bytes, bufferSize: size)
            #expect(small.header == bigBuffer.header, "trial \(trial), buffer size \(size)")
            #expect(small.rows == bigBuffer.rows, "trial \(trial), buffer size \(size)")
            #expect(small.lines == bigBuffer.lines, "trial \(trial), buffer size \(size)")
        }
    }

    @Test func readsAFileInChunks() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("CSVReaderTests-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var text = "\u{FEFF}id, amount ,note\r\n"
        for i in 1...1_000 {
            text += "\(i),\(Double(i) / 4),\(i % 7 == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : "")\r\n"
        }
        try Data(text.utf8).write(to: url)

        for reader in [try CSVReader(contentsOf: url), try CSVReader(contentsOf: url, bufferSize: 37)] {
            #expect(reader.name == url.lastPathComponent)
            #expect(reader.header == ["id", "amount", "note"])
            let amount = try #require(reader.column(named: "amount"))
            var count = 0
            var total = 0.0
            var expectedLine = 2
            try reader.forEachRecord { record in
                count += 1
                total += try #require(record.double(at: amount))
                #expect(record.line == expectedLine)
                if count % 7 == 0 {
                    #expect(record[2] == "multi\nline, \"quoted\"")
                    expectedLine += 2
                } else {
                    #expect(record.isMissing(2))
                    expectedLine += 1
                }
            }
            #expect(count == 1_000)
            #expect(total == 1_000.0 * 1_001.0 / 8)
        }
    }
}

/// A random table of field values with its CSV encoding, written by hand-rolled rules that
/// follow RFC 4180: the expected parse is known without running the reader.
private struct RandomCSVTable {
    var header: [String] = []
    var rows: [[String?]] = []
    /// The 1-based line on which each row starts.
    var lines: [Int] = []
    var bytes: [UInt8] = []

    private static let pieces = ["a", "b", "Z", "0", "7", ".", " ", ",", "\"", "\n", "\r\n", "\r", "é", "東", "😀", "\t"]

    init(using generator: inout SeededGenerator) {
        let columns = Int.random(in: 1...5, using: &generator)
        let rowCount = Int.random(in: 0...12, using: &generator)
        var text = Bool.random(using: &generator) ? "\u{FEFF}" : ""
        var line = 1

        func lineEnding() -> String { Bool.random(using: &generator) ? "\n" : "\r\n" }
        func randomText(maxLength: Int) -> String {
            let length = Int.random(in: 0...maxLength, using: &generator)
            return (0..<length).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
        }
        func encode(_ value: String?) -> String {
            guard let value else { return "" }
            // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            let mustQuote = value.isEmpty || value.utf8.contains(where: { Array(",\"\n\r".utf8).contains($0) })
            if mustQuote || Bool.random(using: &generator) {
                return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return value
        }

        header = (0..<columns).map { "c\($0)" }
        let paddedHeader = header.map { name in
            [" ", "", "\t", "  "].randomElement(using: &generator)! + name
                + [" ", "", "\t"].randomElement(using: &generator)!
        }
        text += paddedHeader.map(encode).joined(separator: ",")

        for _ in 0..<rowCount {
            text += lineEnding()
            line += 1
            while Int.random(in: 0..<4, using: &generator) == 0 {
                text += lineEnding()
                line += 1
            }
            var row: [String?] = []
            for _ in 0..<columns {
                // A one-column row whose only field is missing would be a blank line.
                if columns > 1 && Int.random(in: 0..<5, using: &generator) == 0 {
                    row.append(nil)
                } else {
                    row.append(randomText(maxLength: 8))
                }
            }
            rows.append(row)
            lines.append(line)
            let encoded = row.map(encode).joined(separator: ",")
            text += encoded
            line += encoded.utf8.filter { $0 == 0x0A }.count
        }
        if Bool.random(using: &generator) { text += lineEnding() }
        bytes = Array(text.utf8)
    }
}
