import Foundation
import Testing

@testable import CSVParsing

/// The error that reading all of `bytes` throws, at the default and at a 3-byte buffer size,
/// which must agree.
private func readingError(_ bytes: [UInt8], name: String = "data.csv") -> CSVError? {
    var errors: [CSVError?] = []
    for size in [CSVReader.defaultBufferSize, 3] {
        do throws(CSVError) {
            let reader = try CSVReader(bytes: bytes, name: name, bufferSize: size)
            _ = try reader.readAll()
            errors.append(nil)
        } catch {
            errors.append(error)
        }
    }
    #expect(errors[0] == errors[1], "A small buffer changed the error.")
    return errors[0]
}

private func readingError(_ text: String, name: String = "data.csv") -> CSVError? {
    readingError(Array(text.utf8), name: name)
}

struct CSVErrorTests {
    @Test func reportsAnInputWithoutHeader() {
        for input: [UInt8] in [[], [0xEF, 0xBB, 0xBF], Array("\n\r\n\n".utf8)] {
            #expect(readingError(input) == .noHeader(file: "data.csv"))
        }
        #expect(
            CSVError.noHeader(file: "data.csv").description
                == "data.csv has no header row. Put the column names on the first line, separated by commas.")
    }

    @Test func reportsAnEmptyHeaderName() {
        let error = readingError("id,,name\n1,2,3\n")
        #expect(error == .emptyHeaderName(file: "data.csv", line: 1, column: 2))
        #expect(readingError("\nid, \t ,name\n") == .emptyHeaderName(file: "data.csv", line: 2, column: 2))
        #expect(readingError("id,\"\"\n") == .emptyHeaderName(file: "data.csv", line: 1, column: 2))
        #expect(
            error?.description
                == "data.csv, line 1: column 2 of the header has no name. Give every column a name in the header row.")
    }

    @Test func reportsADuplicateHeaderNameAfterTrimming() {
        let error = readingError("id,age,name, age \n")
        #expect(
            error == .duplicateHeaderName(file: "data.csv", line: 1, name: "age", firstColumn: 2, secondColumn: 4))
        #expect(
            error?.description
                == "data.csv, line 1: the header names columns 2 and 4 both `age`. Give every column a distinct name.")
    }

    @Test func reportsARaggedRow() {
        let short = readingError("a,b,c,d,e\n1,2,3,4,5\n\n\"x\ny\",2,3,4,5\n1,2,3,4\n")
        #expect(short == .raggedRow(file: "data.csv", line: 6, expected: 5, found: 4))
        #expect(
            short?.description
                == "data.csv, line 6: expected 5 fields as in the header, found 4. "
                + "Every row needs one value per column; quote values that contain commas.")
        let long = readingError("amount\n1\n1,5\n")
        #expect(long == .raggedRow(file: "data.csv", line: 3, expected: 1, found: 2))
        #expect(
            long?.description
                == "data.csv, line 3: expected 1 field as in the header, found 2. "
                + "Every row needs one value per column; quote values that contain commas.")
    }

    @Test func keepsThrowingTheFirstError() throws {
        let reader = try CSVReader(text: "a,b\n1,2\n3\n4,5\n", name: "data.csv")
        #expect(try reader.nextRecord()?.values == ["1", "2"])
        let ragged = CSVError.raggedRow(file: "data.csv", line: 3, expected: 2, found: 1)
        #expect(throws: ragged) { try reader.nextRecord() }
        #expect(throws: ragged) { try reader.nextRecord() }
        #expect(throws: ragged) { try reader.readAll() }
    }

    @Test func reportsAnUnterminatedQuoteWhereItOpens() {
        let error = readingError("id,note\n1,ok\n2,\"never closed\n3,more\n4,\"\"\n")
        #expect(error == .unterminatedQuote(file: "data.csv", line: 3, column: CSVColumn(number: 2, name: "note")))
        #expect(
            error?.description
                == "data.csv, line 3, field 2 (`note`): the quoted field that opens here is never closed. "
                + "End it with a quote, and write a quote inside a quoted field as two quotes (\"\").")
        #expect(readingError("id,\"note") == .unterminatedQuote(file: "data.csv", line: 1, column: CSVColumn(number: 2)))
    }

    @Test func reportsAQuoteInsideAnUnquotedField() {
        let error = readingError("id,name\n1,\"a\nb\"\n2,say \"hi\"\n")
        #expect(
            error == .quoteInUnquotedField(file: "data.csv", line: 4, column: CSVColumn(number: 2, name: "name")))
        #expect(
            error?.description
                == "data.csv, line 4, field 2 (`name`): a quote appears inside a field that does not start with one. "
                + "Enclose the whole field in quotes and write each quote inside it as two quotes (\"\").")
        // A space before the opening quote makes the field unquoted.
        #expect(
            readingError("id,name\n1, \"x\"\n")
                == .quoteInUnquotedField(file: "data.csv", line: 2, column: CSVColumn(number: 2, name: "name")))
        // A surplus field has no header name.
        #expect(
            readingError("id\n1,x\"\n")
                == .quoteInUnquotedField(file: "data.csv", line: 2, column: CSVColumn(number: 2)))
    }

    @Test func reportsTextAfterAClosingQuote() {
        let error = readingError("id,name\n1,\"multi\nline\" x,3\n")
        #expect(
            error == .textAfterClosingQuote(file: "data.csv", line: 3, column: CSVColumn(number: 2, name: "name")))
        #expect(
            error?.description
                == "data.csv, line 3, field 2 (`name`): text follows the closing quote of a quoted field. "
                + "Put a comma or a line break right after the closing quote, "
                + "and write a quote inside a quoted field as two quotes (\"\").")
        #expect(
            readingError("\"a\"b,c\n") == .textAfterClosingQuote(file: "data.csv", line: 1, column: CSVColumn(number: 1)))
    }

    @Test("a quote or an invalid byte at any position of a long unquoted field is found in that field")
    func reportsProblemsAnywhereInALongField() {
        for position in 0..<20 {
            var field = Array("abcdefghijklmnopqrst".utf8)
            if position > 0 {  // a quote first opens a quoted field
                field[position] = 0x22
                #expect(readingError(Array("id,name,x\n1,".utf8) + field + Array(",y\n".utf8))
                    == .quoteInUnquotedField(file: "data.csv", line: 2, column: CSVColumn(number: 2, name: "name")))
            }
            field[position] = 0xFF
            #expect(readingError(Array("id,name,x\n1,ok,x\n2,".utf8) + field + Array(",y\n".utf8))
                == .invalidUTF8(file: "data.csv", line: 3, column: CSVColumn(number: 2, name: "name")))
        }
    }

    @Test func reportsInvalidUTF8AtTheLineOfTheBadByte() {
        let text = Array("id,note\n1,ok\n2,\"fine\nstill fine\n".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        let error = readingError(text)
        #expect(error == .invalidUTF8(file: "data.csv", line: 5, column: CSVColumn(number: 2, name: "note")))
        #expect(
            error?.description
                == "data.csv, line 5, field 2 (`note`): the text is not valid UTF-8. "
                + "Save the file as UTF-8 (with or without a byte order mark).")
        // Latin-1 "é" in the header; a truncated sequence at the end of the input.
        #expect(readingError([0x61, 0x2C, 0xE9, 0x0A]) == .invalidUTF8(file: "data.csv", line: 1, column: CSVColumn(number: 2)))
        #expect(
            readingError(Array("a,b\n1,".utf8) + [0xE6, 0x9D])
                == .invalidUTF8(file: "data.csv", line: 2, column: CSVColumn(number: 2, name: "b")))
    }

    @Test func reportsAMissingFileWithTheSystemReason() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).csv")
        #expect {
            _ = try CSVReader(contentsOf: url)
        } throws: { error in
            (error as? CSVError) == .unreadableFile(path: url.path, reason: "No such file or directory")
        }
        #expect(
            CSVError.unreadableFile(path: "/data/leads.csv", reason: "No such file or directory").description
                == "Cannot read /data/leads.csv: No such file or directory. Check that the path names a readable file.")
    }

    @Test func reportsADirectoryAsUnreadable() {
        let url = FileManager.default.temporaryDirectory
        #expect {
            _ = try CSVReader(contentsOf: url)
        } throws: { error in
            (error as? CSVError) == .unreadableFile(path: url.path, reason: "Is a directory")
        }
    }

    @Test func namesColumnsInMessages() {
        #expect(CSVColumn(number: 3, name: "age").description == "field 3 (`age`)")
        #expect(CSVColumn(number: 3).description == "field 3")
    }
}
