import Features
import Foundation
import LinearAlgebra
import Testing

struct FlatTableEncodingTests {
    // `plan`: basic ×3, pro ×1, enterprise ×1 → reference `basic` although `enterprise` sorts first.
    // `region`: west ×2, east ×2, empty ×1 → a tie, so the reference is `east`, the first in order.
    static let training = """
        plan,region,amount
        basic,west,1.5
        pro,east,2
        basic,east,-3
        enterprise,,4
        basic,west,0.25

        """

    @Test func choosesTheMostFrequentLevelAsReferenceAndBreaksTiesByOrder() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        #expect(
            encoding.columns == [
                .categorical(name: "plan", reference: "basic", levels: ["enterprise", "pro"]),
                .categorical(name: "region", reference: "east", levels: ["(missing)", "west"]),
                .numeric(name: "amount"),
            ])
        #expect(encoding.columns.map(\.name) == ["plan", "region", "amount"])
    }

    @Test func namesDummiesColumnEqualsLevel() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        #expect(encoding.featureNames == ["plan=enterprise", "plan=pro", "region=(missing)", "region=west", "amount"])
        let withoutRegion = try FlatTableEncoding(
            learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: ["region"])
        #expect(withoutRegion.featureNames == ["plan=enterprise", "plan=pro", "amount"])
    }

    @Test func encodesTheTrainingTable() throws {
        let table = try FlatTable(contentsOf: writeCSV(Self.training))
        let encoding = try FlatTableEncoding(learningFrom: table, excluding: [])
        // plan=enterprise, plan=pro, region=(missing), region=west, amount — written out by hand.
        let expected = Matrix(rowArrays: [
            [0, 0, 0, 1, 1.5],
            [0, 1, 0, 0, 2],
            [0, 0, 0, 0, -3],
            [1, 0, 1, 0, 4],
            [0, 0, 0, 1, 0.25],
        ])
        #expect(try encoding.encode(table) == expected)
    }

    @Test func anUnseenLevelEncodesAsTheReference() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        let scoring = try FlatTable(contentsOf: writeCSV("amount,region,plan\n7,north,startup\n8,,basic\n9,west,pro\n"))
        let expected = Matrix(rowArrays: [
            [0, 0, 0, 0, 7],
            [0, 0, 1, 0, 8],
            [0, 1, 0, 1, 9],
        ])
        #expect(try encoding.encode(scoring) == expected)
    }

    @Test
    func aCategoricalColumnThatIsAllNumbersAtScoringTimeKeepsItsLevels() throws {
        // `code` is text in training (one number among four values); the scoring file holds only
        // `7`, so it reads as numeric. The row must still encode as `code=7`.
        let training = try FlatTable(contentsOf: writeCSV("code,amount\nA,1\nB,2\n7,3\nA,4\n"))
        let encoding = try FlatTableEncoding(learningFrom: training, excluding: [])
        #expect(encoding.featureNames == ["code=7", "code=B", "amount"])
        let scoring = try FlatTable(contentsOf: writeCSV("code,amount\n7,5\n"))
        #expect(try encoding.encode(scoring) == Matrix(rowArrays: [[1, 0, 5]]))
    }

    @Test func anEmptyNumericCellAtEncodeTimeIsAnError() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        let scoring = try FlatTable(contentsOf: writeCSV("plan,region,amount\nbasic,west,1\npro,east,\n", named: "score.csv"))
        let error = FeatureError.missingValue(file: "score.csv", line: 3, column: "amount", role: "numeric feature")
        #expect(throws: error) { try encoding.encode(scoring) }
        #expect(
            error.description
                == "Column `amount` on line 3 of score.csv is empty; every numeric feature needs a value. "
                + "Fill it in or remove the row.")
    }

    @Test func aNumericColumnThatIsNowTextIsAnError() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        let scoring = try FlatTable(contentsOf: writeCSV("plan,region,amount\nbasic,west,1\npro,east,high\nbasic,,low\n",
                                                         named: "score.csv"))
        #expect(throws: FeatureError.notANumber(file: "score.csv", line: 3, column: "amount", value: "high")) {
            try encoding.encode(scoring)
        }
    }

    @Test
    func aNumericColumnThatIsAllEmptyAtEncodeTimeIsAMissingValue() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        let scoring = try FlatTable(contentsOf: writeCSV("plan,region,amount\nbasic,west,\n", named: "score.csv"))
        #expect(throws: FeatureError.missingValue(file: "score.csv", line: 2, column: "amount", role: "numeric feature")) {
            try encoding.encode(scoring)
        }
    }

    @Test func aMissingColumnAtEncodeTimeIsAnError() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        let scoring = try FlatTable(contentsOf: writeCSV("plan,amount\nbasic,1\n", named: "score.csv"))
        let error = FeatureError.missingColumn(file: "score.csv", column: "region", role: "model's feature",
                                               available: ["plan", "amount"])
        #expect(throws: error) { try encoding.encode(scoring) }
        #expect(
            error.description
                == "score.csv has no column `region` (named as the model's feature). Its columns are: `plan`, `amount`.")
    }

    @Test func excludingEveryColumnIsAnError() throws {
        let table = try FlatTable(contentsOf: writeCSV("won,weight\n1,2\n0,1\n"))
        let error = FeatureError.noFeatureColumns(file: "leads.csv")
        #expect(throws: error) { try FlatTableEncoding(learningFrom: table, excluding: ["won", "weight"]) }
        #expect(error.description == "leads.csv has no feature columns besides the label and weight.")
    }

    @Test func decodesFromAndRoundTripsThroughJSON() throws {
        // The encoding as a model file stores it, written by hand.
        let json = """
            {"columns": [
              {"categorical": {"name": "plan", "reference": "basic", "levels": ["enterprise", "pro"]}},
              {"numeric": {"name": "amount"}}
            ]}
            """
        let decoded = try JSONDecoder().decode(FlatTableEncoding.self, from: Data(json.utf8))
        let learned = try FlatTableEncoding(
            learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: ["region"])
        #expect(decoded == learned)
        #expect(try JSONDecoder().decode(FlatTableEncoding.self, from: JSONEncoder().encode(learned)) == learned)
    }

    @Test func aFeatureNamedInterceptIsRefused() throws {
        let table = try FlatTable(contentsOf: writeCSV("intercept,won\n1,0\n2,1\n", named: "odd.csv"))
        #expect(throws: FeatureError.reservedColumnName(file: "odd.csv", column: "intercept")) {
            try FlatTableEncoding(learningFrom: table, excluding: ["won"])
        }
        #expect(FeatureError.reservedColumnName(file: "odd.csv", column: "intercept").description
            == "odd.csv has a feature column named `intercept`, which reports use for the model's own intercept. Rename the column.")
    }

    @Test func categoricalColumnsAreListedForReadingLaterFiles() throws {
        let encoding = try FlatTableEncoding(learningFrom: FlatTable(contentsOf: writeCSV(Self.training)), excluding: [])
        #expect(encoding.categoricalColumns == ["plan", "region"])
    }
}
