import CSVParsing
import Features
import Foundation
import Testing

/// The error reading `text` as a table throws, or `nil` if it reads.
private func readingError(_ text: String, categorical: Set<String> = []) throws -> FeatureError? {
    let url = try writeCSV(text)
    do throws(FeatureError) {
        _ = try FlatTable(contentsOf: url, categorical: categorical)
        return nil
    } catch {
        return error
    }
}

struct FlatTableTests {
    @Test func readsNumericAndTextColumnsWithEmptyCellsAsNil() throws {
        let table = try FlatTable(contentsOf: writeCSV("amount,plan,note\n1,basic,x\n2.5,,y\n,pro,\n-4e2,basic,z\n"))
        #expect(table.file == "leads.csv")
        #expect(table.rowCount == 4)
        #expect(table.lines == [2, 3, 4, 5])
        #expect(table.columns.map(\.name) == ["amount", "plan", "note"])
        #expect(table.column(named: "amount")?.values == .numeric([1, 2.5, nil, -400]))
        #expect(table.column(named: "plan")?.values == .text(["basic", nil, "pro", "basic"]))
        #expect(table.column(named: "note")?.values == .text(["x", "y", nil, "z"]))
        #expect(table.column(named: "missing") == nil)
    }

    @Test func aColumnIsNumericOnlyWhenMoreThanHalfOfItsValuesAreNumbers() throws {
        // `half`: 2 numbers of 4 values (not more than half) → text.
        // `most`: 3 numbers of 4 values, the empty cell not counted → numeric, so `n/a` is an error.
        let half = try FlatTable(contentsOf: writeCSV("half\n1\n2\nx\ny\n"))
        #expect(half.column(named: "half")?.values == .text(["1", "2", "x", "y"]))

        let allEmpty = try FlatTable(contentsOf: writeCSV("a,b\n,1\n,2\n"))
        #expect(allEmpty.column(named: "a")?.values == .text([nil, nil]))

        let error = try readingError("id,amount\n1,10\n2,\n3,n/a\n4,20\n5,30\n")
        #expect(error == .notANumber(file: "leads.csv", line: 4, column: "amount", value: "n/a"))
        #expect(
            error?.description
                == "Column `amount` on line 4 of leads.csv is not a number: `n/a`. "
                + "Fix the value (write numbers like 12500 or 0.25, without thousands separators), "
                + "or pass --categorical amount if the column holds text.")
    }

    @Test func aValueWithAThousandsSeparatorIsNotANumber() throws {
        let error = try readingError("amount\n12500\n\"12,500\"\n300\n")
        #expect(error == .notANumber(file: "leads.csv", line: 3, column: "amount", value: "12,500"))
    }

    @Test func categoricalForcesANumericColumnToText() throws {
        let url = try writeCSV("zip,amount\n02139,1\n10001,2\n")
        let inferred = try FlatTable(contentsOf: url)
        #expect(inferred.column(named: "zip")?.values == .numeric([2139, 10001]))
        let forced = try FlatTable(contentsOf: url, categorical: ["zip"])
        #expect(forced.column(named: "zip")?.values == .text(["02139", "10001"]))
        #expect(forced.column(named: "amount")?.values == .numeric([1, 2]))
    }

    @Test func categoricalNamingAnUnknownColumnIsAnError() throws {
        let error = try readingError("zip,amount\n02139,1\n", categorical: ["region", "amount"])
        #expect(
            error == .missingColumn(file: "leads.csv", column: "region", role: "--categorical column",
                                    available: ["zip", "amount"]))
        #expect(
            error?.description
                == "leads.csv has no column `region` (named as the --categorical column). Its columns are: `zip`, `amount`.")
    }

    @Test("Infinite and NaN values in a numeric column are errors", arguments: ["inf", "-inf", "nan", "1e999"])
    func nonFiniteValues(_ value: String) throws {
        let error = try readingError("id,score\n1,0.5\n2,\(value)\n3,0.25\n")
        #expect(error == .nonFiniteValue(file: "leads.csv", line: 3, column: "score", value: value))
        #expect(
            error?.description
                == "Column `score` on line 3 of leads.csv is `\(value)`, which is not a finite number. "
                + "Replace it with a real value or remove the row.")
    }

    @Test func aHeaderWithoutRowsIsAnError() throws {
        for text in ["a,b\n", "a,b", "a,b\n\n\n"] {
            let error = try readingError(text)
            #expect(error == .noRows(file: "leads.csv"))
            #expect(error?.description == "leads.csv has a header but no data rows.")
        }
    }

    @Test func malformedCSVIsWrapped() throws {
        let ragged = try readingError("a,b\n1,2\n3\n")
        #expect(ragged == .csv(.raggedRow(file: "leads.csv", line: 3, expected: 2, found: 1)))
        #expect(
            ragged?.description
                == "leads.csv, line 3: expected 2 fields as in the header, found 1. "
                + "Every row needs one value per column; quote values that contain commas.")
        #expect(try readingError("") == .csv(.noHeader(file: "leads.csv")))
        #expect(
            try readingError("a,b\n1,x\"y\n")
                == .csv(.quoteInUnquotedField(file: "leads.csv", line: 2, column: CSVColumn(number: 2, name: "b"))))
    }

    @Test func aMissingFileIsWrappedAsUnreadable() throws {
        let url = try writeCSV("a\n1\n").deletingLastPathComponent().appendingPathComponent("absent.csv")
        #expect(throws: FeatureError.csv(.unreadableFile(path: url.path, reason: "No such file or directory"))) {
            try FlatTable(contentsOf: url)
        }
    }

    @Test func linesCountLineBreaksInsideQuotedFields() throws {
        // Line 1 header; the first row spans lines 2–4; a blank line 6 is skipped.
        let text = "note,amount\n\"first\nsecond\nthird\",1\nplain,2\n\nlast,3\n"
        let table = try FlatTable(contentsOf: writeCSV(text))
        #expect(table.lines == [2, 5, 7])
        #expect(table.column(named: "note")?.values == .text(["first\nsecond\nthird", "plain", "last"]))

        let error = try readingError("note,amount\n\"first\nsecond\",1\nplain,2\nbad,x\n")
        #expect(error == .notANumber(file: "leads.csv", line: 5, column: "amount", value: "x"))
    }

    @Test func aByteOrderMarkAndSpacesAroundHeaderNamesAreDropped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(" age ,\tplan\n30,basic\n41,pro\n".utf8)
        let table = try FlatTable(contentsOf: writeCSV(bytes))
        #expect(table.columns.map(\.name) == ["age", "plan"])
        #expect(table.column(named: "age")?.values == .numeric([30, 41]))
        #expect(table.column(named: "plan")?.values == .text(["basic", "pro"]))
    }
}
