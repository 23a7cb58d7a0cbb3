import Foundation
import Propensity
import TestSupport
import Testing

/// The forecaster on the bundled export and model: the library example, and the backtest's
/// actuals recomputed from leads.csv by hand.
struct ForecastBacktestTests {
    /// leads.csv of the bundled export (no quoted fields) as rows by column name.
    static func leads() throws -> [[String: String]] {
        let text = try String(contentsOf: repositoryRoot.appending(path: "datasets/crm/leads.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    @Test("The README's forecasting example runs as written, and the backtest's actuals match leads.csv")
    func readmeExampleAndActuals() throws {
        let root = repositoryRoot
        // From the README, with the paths made absolute:
        let model = try ModelFile.read(from: root.appending(path: "models/crm.json"))
        let forecaster = PipelineForecaster(scorer: try CRMScorer(model: model, threads: 2))
        let spec = forecaster.scorer.pipeline.spec
        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        let forecast = try forecaster.forecast(root.appending(path: "datasets/crm"), asOf: asOf,
                                               groupings: [try ForecastGrouping(parsing: "source", spec: spec)])
        let total = forecast.pipeline.total
        print(total.expectedWins, total.wins.p10, total.wins.p90, total.revenue.p50)
        try ForecastFile.write(forecast, format: .json, to: URL(fileURLWithPath: NSTemporaryDirectory() + "forecast-example.json"))

        #expect(total.leads == 659)
        let backtest = try #require(forecast.backtest)
        #expect(backtest.quarter == "2025Q2" && backtest.automatic && backtest.leadsInTraining == 0)

        // By hand: the leads that were SQLs at 2025-04-01 and had not closed, and what they did by 2025-07-01.
        let start = Timestamp.seconds(from: "2025-04-01")!, end = asOf.timeIntervalSince1970
        let rows = try Self.leads().filter { row in
            Timestamp.seconds(from: row["sql_at"]!)! <= start
                && (row["outcome"]!.isEmpty || Timestamp.seconds(from: row["closed_at"]!)! > start)
        }
        func won(_ row: [String: String]) -> Bool {
            row["outcome"] == "won" && Timestamp.seconds(from: row["closed_at"]!)! <= end
        }
        func lost(_ row: [String: String]) -> Bool {
            row["outcome"] == "lost" && Timestamp.seconds(from: row["closed_at"]!)! <= end
        }
        func revenue(_ rows: [[String: String]]) -> Double {
            rows.filter(won).map { Double($0["final_amount"]!) ?? Double($0["amount"]!)! }.reduce(0, +)
        }
        let actual = try #require(backtest.pipeline.total.actual)
        #expect(backtest.pipeline.total.leads == rows.count)
        #expect(actual.won == rows.filter(won).count && actual.lost == rows.filter(lost).count)
        #expect(actual.unresolved == rows.count - actual.won - actual.lost && actual.unresolved > 0)
        #expect(abs(actual.wonRevenue - revenue(rows)) <= 1e-6)
        #expect(actual.winsInBand == (backtest.pipeline.total.wins.p10 <= Double(actual.won) && Double(actual.won) <= backtest.pipeline.total.wins.p90))
        for group in backtest.pipeline.breakdowns[0].groups {
            let members = rows.filter { $0["source"] == group.group }
            #expect(group.leads == members.count && group.actual?.won == members.filter(won).count, "\(group.group)")
            #expect(abs((group.actual?.wonRevenue ?? -1) - revenue(members)) <= 1e-6)
        }
        let coverage = backtest.coverage[1]
        #expect(coverage.field == "source" && coverage.groups == backtest.pipeline.breakdowns[0].groups.count)
        #expect(coverage.winsInBand == backtest.pipeline.breakdowns[0].groups.filter { $0.actual!.winsInBand }.count)
    }

    @Test("A quarter whose pipeline closed partly before the model's last training close is flagged with the count")
    func leadsInTraining() throws {
        let root = repositoryRoot
        let model = try ModelFile.read(from: root.appending(path: "models/crm.json"))
        let forecaster = PipelineForecaster(scorer: try CRMScorer(model: model, threads: 2))
        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        let forecast = try forecaster.forecast(root.appending(path: "datasets/crm"), asOf: asOf,
                                               backtest: .quarter(ForecastQuarter(year: 2025, quarter: 1)))
        let backtest = try #require(forecast.backtest)
        let start = Timestamp.seconds(from: "2025-01-01")!, trainedTo = Timestamp.seconds(from: model.trainingData.closedTo!)!
        let expected = try Self.leads().filter { row in
            guard Timestamp.seconds(from: row["sql_at"]!)! <= start, let closed = Timestamp.seconds(from: row["closed_at"]!)
            else { return false }
            return closed > start && closed <= trainedTo
        }.count
        #expect(expected > 100)
        #expect(backtest.leadsInTraining == expected && !backtest.automatic)
        #expect(forecast.tableText.contains("Partly in training: \(expected) of these leads closed by \(model.trainingData.closedTo!)"))
    }
}
