import Features
import Foundation
import LinearAlgebra
import Testing

/// A table read in batches (`FlatTableFile`, `LabelledFlatTableFile`) gives what the whole
/// table gives in memory: the same encoding, the same rows, the same errors.
struct LabelledFlatTableFileTests {
    /// Eleven rows: a categorical column whose reference (`web`) is not its first level, an
    /// empty cell in it, a numeric column, a text label and weights.
    static let table = """
        source,amount,w,stage,note
        event,10,1,won,a
        web,20,2,lost,b
        web,15,0.5,won,c
        partner,30,1,open,a
        ,25,1,lost,b
        web,12,3,won,c
        event,18,1,lost,a
        web,22,0,won,b
        partner,40,1,lost,c
        web,35,2,won,a
        event,11,1,open,b

        """

    /// Every batch of `file`, `rows` at a time, put back together.
    func concatenated(_ file: LabelledFlatTableFile, rows: Int) throws -> (features: [[Double]], labels: [Double], weights: [Double]?, batches: Int) {
        var features: [[Double]] = [], labels: [Double] = [], weights: [Double]?, batches = 0
        try file.forEachBatch(rows: rows) { batch in
            #expect(batch.features.rows == min(rows, file.table.rowCount - labels.count))
            features += (0..<batch.features.rows).map { i in (0..<batch.features.columns).map { batch.features[i, $0] } }
            labels += batch.labels
            if let part = batch.weights { weights = (weights ?? []) + part }
            batches += 1
        }
        return (features, labels, weights, batches)
    }

    @Test("Batches of any size give the encoding, rows, labels and weights of the whole table", arguments: [1, 2, 3, 4, 11, 1000])
    func batchesMatchTheWholeTable(rows: Int) throws {
        let url = try writeCSV(Self.table)
        let whole = try LabelledFlatTable(FlatTable(contentsOf: url), label: "stage", positive: "won", weight: "w", excluding: ["note"])
        let file = try LabelledFlatTableFile(contentsOf: url, label: "stage", positive: "won", weight: "w", excluding: ["note"])
        #expect(file.encoding == whole.encoding)
        #expect(file.encoding.featureNames == ["source=(missing)", "source=event", "source=partner", "amount"])
        #expect(file.table.rowCount == 11)
        let parts = try concatenated(file, rows: rows)
        #expect(parts.batches == (11 + rows - 1) / rows)
        #expect(parts.features == (0..<11).map { i in (0..<4).map { whole.features[i, $0] } })
        #expect(parts.labels == whole.labels)
        #expect(parts.weights == whole.weights)
    }

    @Test("A column forced to be categorical stays categorical in every batch")
    func forcedCategoricalColumn() throws {
        let url = try writeCSV("won,zip\n1,02139\n0,10001\n1,02139\n0,94105\n")
        let file = try LabelledFlatTableFile(contentsOf: url, label: "won", categorical: ["zip"])
        #expect(file.encoding == (try LabelledFlatTable(FlatTable(contentsOf: url, categorical: ["zip"]), label: "won").encoding))
        #expect(try concatenated(file, rows: 1).features == [[0, 0], [1, 0], [0, 0], [0, 1]])
    }

    @Test("A bad cell in a later batch is named by its line, as in memory")
    func badCellInALaterBatch() throws {
        let rows = (1...40).map { $0 == 33 ? "1,12.5.0" : "\($0 % 2),\($0)" }.joined(separator: "\n")
        let url = try writeCSV("won,amount\n" + rows + "\n")
        #expect(throws: FeatureError.notANumber(file: "leads.csv", line: 34, column: "amount", value: "12.5.0")) {
            _ = try FlatTable(contentsOf: url)
        }
        let file = try LabelledFlatTableFile(contentsOf: url, label: "won")
        var batches = 0
        #expect(throws: FeatureError.notANumber(file: "leads.csv", line: 34, column: "amount", value: "12.5.0")) {
            try file.forEachBatch(rows: 8) { _ in batches += 1 }
        }
        #expect(batches == 4)   // the rows before line 34, in batches of 8
    }

    @Test("Labels and weights are checked on opening when a pass learns levels, before any batch")
    func labelsCheckedOnOpening() throws {
        let rows = (1...30).map { "\($0 == 27 ? "yes" : $0 % 2 == 0 ? "true" : "false"),\($0 % 3 == 0 ? "web" : "event"),1" }.joined(separator: "\n")
        #expect(throws: FeatureError.unrecognizedLabel(file: "leads.csv", line: 28, column: "won", value: "yes")) {
            _ = try LabelledFlatTableFile(contentsOf: try writeCSV("won,source,w\n" + rows + "\n"), label: "won")
        }
        let weights = (1...30).map { "\($0 % 2),\($0 % 3 == 0 ? "web" : "event"),\($0 == 29 ? "-2" : "1")" }.joined(separator: "\n")
        #expect(throws: FeatureError.invalidWeight(file: "leads.csv", line: 30, column: "w", value: "-2")) {
            _ = try LabelledFlatTableFile(contentsOf: try writeCSV("won,source,w\n" + weights + "\n"), label: "won", weight: "w")
        }
    }

    @Test("A positive value that occurs only in a late batch is found; one that never occurs is named with the values seen")
    func positiveValueAcrossBatches() throws {
        let late = (1...20).map { "\($0 == 20 ? "won" : "lost"),\($0)" }.joined(separator: "\n")
        let file = try LabelledFlatTableFile(contentsOf: try writeCSV("stage,amount\n" + late + "\n"), label: "stage", positive: "won")
        #expect(try concatenated(file, rows: 3).labels == [Double](repeating: 0, count: 19) + [1])

        let never = "stage,amount\nlost,1\nopen,2\nlost,3\n"
        let expected = FeatureError.positiveValueAbsent(file: "leads.csv", column: "stage", positive: "won", seen: ["lost", "open"])
        #expect(throws: expected) {
            _ = try LabelledFlatTable(FlatTable(contentsOf: try writeCSV(never)), label: "stage", positive: "won")
        }
        #expect(throws: expected) {
            _ = try LabelledFlatTableFile(contentsOf: try writeCSV(never), label: "stage", positive: "won")
        }
    }

    @Test("Missing columns are named before any row is read")
    func missingColumns() throws {
        let url = try writeCSV("won,amount\n1,3\n0,4\n")
        #expect(throws: FeatureError.missingColumn(file: "leads.csv", column: "outcome", role: "label", available: ["won", "amount"])) {
            _ = try LabelledFlatTableFile(contentsOf: url, label: "outcome")
        }
        #expect(throws: FeatureError.missingColumn(file: "leads.csv", column: "w", role: "weight", available: ["won", "amount"])) {
            _ = try LabelledFlatTableFile(contentsOf: url, label: "won", weight: "w")
        }
        #expect(throws: FeatureError.missingColumn(file: "leads.csv", column: "id", role: "--exclude column", available: ["won", "amount"])) {
            _ = try LabelledFlatTableFile(contentsOf: url, label: "won", excluding: ["id"])
        }
        #expect(throws: FeatureError.noFeatureColumns(file: "leads.csv")) {
            _ = try LabelledFlatTableFile(contentsOf: url, label: "won", excluding: ["amount"])
        }
        #expect(throws: FeatureError.noRows(file: "leads.csv")) {
            _ = try FlatTableFile(contentsOf: try writeCSV("won,amount\n"))
        }
    }
}
