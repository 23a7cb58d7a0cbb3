import Features
import Foundation
import LinearAlgebra
import Testing

/// The error splitting `text` into label, weights and features throws, or `nil`.
private func labellingError(_ text: String, label: String, positive: String? = nil,
                            weight: String? = nil) throws -> FeatureError? {
    let table = try FlatTable(contentsOf: writeCSV(text))
    do throws(FeatureError) {
        _ = try LabelledFlatTable(table, label: label, positive: positive, weight: weight)
        return nil
    } catch {
        return error
    }
}

struct LabelledFlatTableTests {
    @Test func readsNumericZeroOneLabels() throws {
        let set = try LabelledFlatTable(FlatTable(contentsOf: writeCSV("won,amount\n1,3\n0,4\n1,5\n")), label: "won")
        #expect(set.labels == [1, 0, 1])
        #expect(set.weights == nil)
        #expect(set.encoding.featureNames == ["amount"])
        #expect(set.features == Matrix(rowArrays: [[3], [4], [5]]))
    }

    @Test func readsTrueAndFalseInAnyCase() throws {
        // Text column (one number among four values), so `0` is read as text and still a loss.
        let table = try FlatTable(contentsOf: writeCSV("won,amount\nTRUE,1\nfalse,2\nTrue,3\n0,4\n"))
        let set = try LabelledFlatTable(table, label: "won")
        #expect(set.labels == [1, 0, 1, 0])
    }

    @Test func aPositiveValueMarksWinsInATextColumn() throws {
        let text = "stage,plan,amount\nwon,basic,1\nlost,pro,2\nopen,basic,3\nwon,pro,4\n"
        let set = try LabelledFlatTable(FlatTable(contentsOf: writeCSV(text)), label: "stage", positive: "won")
        #expect(set.labels == [1, 0, 0, 1])
        #expect(set.encoding.featureNames == ["plan=pro", "amount"])
        #expect(set.features == Matrix(rowArrays: [[0, 1], [1, 2], [0, 3], [1, 4]]))
        // Exact match: `Won` is not `won`.
        let other = try LabelledFlatTable(FlatTable(contentsOf: writeCSV("stage,amount\nWon,1\nwon,2\n")),
                                          label: "stage", positive: "won")
        #expect(other.labels == [0, 1])
    }

    @Test func aNumericPositiveValueMarksWinsInANumericColumn() throws {
        let table = try FlatTable(contentsOf: writeCSV("tier,amount\n1,10\n2,20\n3,30\n2,40\n"))
        #expect(try LabelledFlatTable(table, label: "tier", positive: "2").labels == [0, 1, 0, 1])
        #expect(try LabelledFlatTable(table, label: "tier", positive: "2.0").labels == [0, 1, 0, 1])
    }

    @Test func readsWeightsAndLeavesThemOutOfTheFeatures() throws {
        let set = try LabelledFlatTable(FlatTable(contentsOf: writeCSV("won,w,amount\n1,2,10\n0,0.5,20\n1,0,30\n")),
                                        label: "won", weight: "w")
        #expect(set.weights == [2, 0.5, 0])
        #expect(set.encoding.featureNames == ["amount"])
        #expect(set.features == Matrix(rowArrays: [[10], [20], [30]]))
    }

    @Test func aMissingLabelColumnListsTheColumns() throws {
        let error = try labellingError("won,amount\n1,3\n", label: "outcome")
        #expect(error == .missingColumn(file: "leads.csv", column: "outcome", role: "label", available: ["won", "amount"]))
        #expect(
            error?.description
                == "leads.csv has no column `outcome` (named as the label). Its columns are: `won`, `amount`.")
    }

    @Test func aMissingWeightColumnListsTheColumns() throws {
        let error = try labellingError("won,amount\n1,3\n", label: "won", weight: "w")
        #expect(error == .missingColumn(file: "leads.csv", column: "w", role: "weight", available: ["won", "amount"]))
        #expect(error?.description == "leads.csv has no column `w` (named as the weight). Its columns are: `won`, `amount`.")
    }

    @Test func anUnrecognizedTextLabelSuggestsPositive() throws {
        let error = try labellingError("won,amount\nyes,1\nno,2\n", label: "won")
        #expect(error == .unrecognizedLabel(file: "leads.csv", line: 2, column: "won", value: "yes"))
        #expect(
            error?.description
                == "The label `won` on line 2 of leads.csv is `yes`; labels must be 0/1 or true/false. "
                + "For text outcomes, name the winning value with --positive (for example --positive yes).")
    }

    @Test func anUnrecognizedNumericLabelIsWrittenAsAPersonWould() throws {
        #expect(
            try labellingError("won,amount\n1,1\n0,2\n2,3\n", label: "won")
                == .unrecognizedLabel(file: "leads.csv", line: 4, column: "won", value: "2"))
        #expect(
            try labellingError("won,amount\n1,1\n0.5,2\n", label: "won")
                == .unrecognizedLabel(file: "leads.csv", line: 3, column: "won", value: "0.5"))
    }

    @Test func anEmptyLabelIsAnError() throws {
        let error = try labellingError("won,amount\n1,1\n,2\n0,3\n", label: "won")
        #expect(error == .missingValue(file: "leads.csv", line: 3, column: "won", role: "label"))
        #expect(
            error?.description
                == "Column `won` on line 3 of leads.csv is empty; every label needs a value. Fill it in or remove the row.")
        #expect(
            try labellingError("stage,amount\nwon,1\n,2\n", label: "stage", positive: "won")
                == .missingValue(file: "leads.csv", line: 3, column: "stage", role: "label"))
    }

    @Test func aPositiveValueThatNeverOccursListsTheValuesSeen() throws {
        let error = try labellingError("stage,amount\nlost,1\nopen,2\nlost,3\n", label: "stage", positive: "won")
        #expect(error == .positiveValueAbsent(file: "leads.csv", column: "stage", positive: "won", seen: ["lost", "open"]))
        #expect(
            error?.description
                == "The positive value `won` never occurs in column `stage` of leads.csv. Values seen: `lost`, `open`.")
        #expect(
            try labellingError("tier,amount\n3,1\n1,2\n2.5,3\n", label: "tier", positive: "5")
                == .positiveValueAbsent(file: "leads.csv", column: "tier", positive: "5", seen: ["1", "2.5", "3"]))
    }

    @Test func aPositiveValueThatNeverOccursListsAtMostTenValues() throws {
        // Levels l00 … l11: twelve values, of which the first ten in order are listed.
        let rows = (0..<12).map { "l" + ($0 < 10 ? "0" : "") + "\($0),\($0)" }.joined(separator: "\n")
        let error = try labellingError("stage,amount\n" + rows + "\n", label: "stage", positive: "won")
        #expect(
            error == .positiveValueAbsent(file: "leads.csv", column: "stage", positive: "won",
                                          seen: ["l00", "l01", "l02", "l03", "l04", "l05", "l06", "l07", "l08", "l09"]))
    }

    @Test func aNegativeWeightIsAnError() throws {
        let error = try labellingError("won,w,amount\n1,1,1\n0,-1,2\n", label: "won", weight: "w")
        #expect(error == .invalidWeight(file: "leads.csv", line: 3, column: "w", value: "-1"))
        #expect(
            error?.description
                == "The weight `w` on line 3 of leads.csv is `-1`; weights must be finite numbers ≥ 0.")
        #expect(
            try labellingError("won,w,amount\n1,-0.25,1\n", label: "won", weight: "w")
                == .invalidWeight(file: "leads.csv", line: 2, column: "w", value: "-0.25"))
    }

    @Test func anEmptyWeightIsAnError() throws {
        let error = try labellingError("won,w,amount\n1,1,1\n0,,2\n", label: "won", weight: "w")
        #expect(error == .missingValue(file: "leads.csv", line: 3, column: "w", role: "weight"))
        #expect(
            error?.description
                == "Column `w` on line 3 of leads.csv is empty; every weight needs a value. Fill it in or remove the row.")
    }

    @Test func aTextWeightColumnNamesItsFirstNonNumber() throws {
        let error = try labellingError("won,w,amount\n1,1,1\n0,heavy,2\n1,light,3\n", label: "won", weight: "w")
        #expect(error == .invalidWeight(file: "leads.csv", line: 3, column: "w", value: "heavy"))
        #expect(
            error?.description
                == "The weight `w` on line 3 of leads.csv is `heavy`; weights must be finite numbers ≥ 0.")
    }

    @Test func anEmptyFirstCellOfATextWeightColumnIsAMissingWeight() throws {
        let table = try FlatTable(contentsOf: writeCSV("x,won,w\n1,0,\n2,1,heavy\n3,0,light\n", named: "w.csv"))
        #expect(throws: FeatureError.missingValue(file: "w.csv", line: 2, column: "w", role: "weight")) {
            try LabelledFlatTable(table, label: "won", weight: "w")
        }
    }
}
