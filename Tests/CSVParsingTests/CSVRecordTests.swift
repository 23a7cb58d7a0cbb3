import Foundation
import Testing
import TestSupport

@testable import CSVParsing

/// The record of a two-column table whose first field is `field` as written (quoted or not).
private func record(_ field: String) throws -> CSVRecord {
    let reader = try CSVReader(text: "x,y\n\(field),1\n", name: "t.csv")
    return try #require(try reader.nextRecord())
}

struct CSVRecordTests {
    @Test func parsesDecimalNumbers() throws {
        let cases: [(String, Double)] = [
            ("0", 0), ("42", 42), ("-7", -7), ("+3", 3), ("12.5", 12.5), ("0.1", 0.1), (".5", 0.5),
            ("5.", 5), ("-0.25", -0.25), ("1e3", 1000), ("1E+3", 1000), ("2.5e-3", 0.0025),
            ("000123.4500", 123.45), ("9007199254740993", 9_007_199_254_740_992),
            ("1e22", 1e22), ("1e23", 1e23), ("4.9e-324", .leastNonzeroMagnitude), ("1e400", .infinity),
            ("1e-400", 0), ("\"3.75\"", 3.75), ("0x1p3", 8), ("-inf", -.infinity),
            ("0.30000000000000004", 0.30000000000000004),
        ]
        for (text, expected) in cases {
            #expect(try record(text).double(at: 0) == expected, "\(text)")
        }
        #expect(try record("-0").double(at: 0)?.sign == .minus)
        #expect(try record("nan").double(at: 0)?.isNaN == true)
    }

    @Test func rejectsTextThatIsNotANumber() throws {
        for text in ["abc", " 1", "1 ", "\"1,5\"", "1e", "1e+", ".", "+", "-", "1..2", "1e5.5", "\"\"", "\"1\"\"\"", "١"] {
            #expect(try record(text).double(at: 0) == nil, "\(text)")
        }
        let reader = try CSVReader(text: "x,y\n,1\n", name: "t.csv")
        #expect(try #require(try reader.nextRecord()).double(at: 0) == nil)
    }

    @Test func parsesLikeDoubleFromStringOnRandomText() throws {
        var generator = SeededGenerator(seed: 7)
        let alphabet = Array("0123456789000.eE+-")
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...24, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let parsed = Array(text.utf8).withUnsafeBufferPointer { CSVNumberParser.double(from: $0) }
            let expected = Double(text)
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(text)")
        }
    }

    @Test func roundTripsPrintedDoubles() throws {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            for text in [value.description, String(format: "%.6f", value), String(format: "%.3e", value)] {
                let parsed = Array(text.utf8).withUnsafeBufferPointer { CSVNumberParser.double(from: $0) }
                #expect(parsed?.bitPattern == Double(text)?.bitPattern, "\(text)")
            }
            let printed = Array(value.description.utf8).withUnsafeBufferPointer { CSVNumberParser.double(from: $0) }
            #expect(printed?.bitPattern == value.bitPattern)
        }
    }

    @Test func validatesUTF8LikeTheStandardLibrary() {
        var generator = SeededGenerator(seed: 3)
        let interesting: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xA0, 0xED, 0x9F, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF]
        for _ in 0..<50_000 {
            let bytes = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                interesting.randomElement(using: &generator)!
            }
            let isValid = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset(in: $0) == nil }
            #expect(isValid == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }
}

/// Views read exactly what records read.
struct CSVRecordViewTests {
    static let text = "id,amount,note\n"
        + "1,12.5,plain\n"
        + ",\"\",\"a, \"\"quoted\"\" one\"\n"
        + "3,-0.25,\"two\nlines\"\r\n"
        + "4,x,é\n"
        + "\n"
        + "5,1e3,\n"

    @Test("a view of each record gives the record's line, fields, missing fields, numbers and bytes")
    func sameAsRecords() throws {
        var expected: [[String]] = []
        try CSVReader(text: Self.text, name: "t.csv").forEachRecord { record in
            expected.append(Self.describe(line: record.line, count: record.count, missing: record.isMissing,
                                          value: record.value, double: record.double,
                                          bytes: { i in record.withBytes(at: i) { Array($0) } }))
        }
        var viewed: [[String]] = []
        try CSVReader(text: Self.text, name: "t.csv").forEachRecordView { record in
            viewed.append(Self.describe(line: record.line, count: record.count, missing: { record.isMissing($0) },
                                        value: { record.value(at: $0) }, double: { record.double(at: $0) },
                                        bytes: { i in record.withBytes(at: i) { Array($0) } }))
        }
        #expect(viewed == expected)
        #expect(expected.count == 5 && expected[1][0] == "line 3")
        #expect(expected[2][3] == "note: Optional(\"two\\nlines\") nil [116, 119, 111, 10, 108, 105, 110, 101, 115] present")
    }

    @Test("a ragged row stops a view pass with the record pass's error")
    func raggedRow() {
        let text = "a,b\n1,2\n3\n"
        #expect(throws: CSVError.raggedRow(file: "t.csv", line: 3, expected: 2, found: 1)) {
            try CSVReader(text: text, name: "t.csv").forEachRecordView { _ in }
        }
        #expect(throws: CSVError.raggedRow(file: "t.csv", line: 3, expected: 2, found: 1)) {
            try CSVReader(text: text, name: "t.csv").forEachRecord { _ in }
        }
    }

    /// One line of text per field: its value, number, bytes and whether it is missing.
    static func describe(line: Int, count: Int, missing: (Int) -> Bool, value: (Int) -> String?,
                         double: (Int) -> Double?, bytes: (Int) -> [UInt8]) -> [String] {
        ["line \(line)"] + (0..<count).map { i in
            let name = ["id", "amount", "note"][i]
            return "\(name): \(String(describing: value(i))) \(String(describing: double(i))) \(bytes(i)) "
                + (missing(i) ? "missing" : "present")
        }
    }
}
