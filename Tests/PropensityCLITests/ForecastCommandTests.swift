import CSVParsing
import Foundation
import TestSupport
import Testing

/// `propensity forecast` run as a user runs it, on the bundled export and model, and the files it writes.
struct ForecastCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")
    static let model = repositoryRoot.appending(path: "models/crm.json").path

    /// A CSV file's records as dictionaries by header name.
    static func records(_ url: URL) throws -> [[String: String]] {
        let reader = try CSVReader(contentsOf: url)
        var result: [[String: String]] = []
        try reader.forEachRecord { record in
            var row: [String: String] = [:]
            for (i, name) in reader.header.enumerated() { row[name] = record[i] }
            result.append(row)
        }
        return result
    }

    @Test("CSV: expected wins are the sum of the probabilities score writes, groups add up to the total, P10 ≤ P50 ≤ P90")
    func csv() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "forecast.csv"), scores = directory.appending(path: "scores.csv")
        let run = try runPropensity(["forecast", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                     "--by", "source", "--by", "month:sql_at", "--by", "companies.region", "--out", out.path])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("Forecast of the pipeline as of 2025-07-01T00:00:00Z: 659 open SQLs\n"))
        #expect(run.standardOutput.contains("Backtest: the pipeline at the start of 2025Q2 (2025-04-01T00:00:00Z)"))
        #expect(run.standardOutput.hasSuffix("Forecast written to \(out.path)\n"))
        let scored = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                        "--out", scores.path])
        #expect(scored.status == 0)
        let probabilities = try Self.records(scores).map { Double($0["probability"]!)! }

        let rows = try Self.records(out)
        for section in ["forecast", "backtest"] {
            let part = rows.filter { $0["section"] == section }
            let total = try #require(part.first { $0["breakdown"] == "total" })
            if section == "forecast" {
                #expect(Int(total["leads"]!) == probabilities.count)
                // score writes 6 decimals: the sum of 659 rounded values is within 659 · 5e-7.
                let expectedWins = Double(total["expected_wins"]!)!, sum = probabilities.reduce(0, +)
                let bound = 659 * 5e-7 + 1e-6
                #expect(abs(expectedWins - sum) <= bound)
                #expect(total["as_of"] == "2025-07-01T00:00:00Z" && total["won"] == "")
            } else {
                #expect(total["as_of"] == "2025-04-01T00:00:00Z")
                let outcomes = ["won", "lost", "unresolved"].map { Int(total[$0]!)! }
                #expect(outcomes.reduce(0, +) == Int(total["leads"]!)!)
            }
            for breakdown in ["source", "month:sql_at", "companies.region"] {
                let groups = part.filter { $0["breakdown"] == breakdown }
                #expect(groups.count >= 3, "\(section) \(breakdown)")
                #expect(groups.map { Int($0["leads"]!)! }.reduce(0, +) == Int(total["leads"]!)!)
                let wins = groups.map { Double($0["expected_wins"]!)! }.reduce(0, +)
                #expect(abs(wins - Double(total["expected_wins"]!)!) <= 1e-5)
                let revenue = groups.map { Double($0["expected_revenue"]!)! }.reduce(0, +)
                #expect(abs(revenue - Double(total["expected_revenue"]!)!) <= 0.01 * Double(groups.count))
                if section == "backtest" {
                    for column in ["won", "lost", "unresolved"] {
                        #expect(groups.map { Int($0[column]!)! }.reduce(0, +) == Int(total[column]!)!)
                    }
                }
            }
            for row in part {
                for quantity in ["wins", "revenue"] {
                    let (p10, p50, p90) = (Double(row["\(quantity)_p10"]!)!, Double(row["\(quantity)_p50"]!)!,
                                           Double(row["\(quantity)_p90"]!)!)
                    #expect(p10 <= p50 && p50 <= p90, "\(row)")
                }
                // The expected number of wins lies in the band between the 10th and 90th percentiles, give or take one.
                #expect(Double(row["wins_p10"]!)! - 1 <= Double(row["expected_wins"]!)!)
                #expect(Double(row["expected_wins"]!)! <= Double(row["wins_p90"]!)! + 1)
                #expect(row["revenue_method"] == "exact" && row["revenue_p10_se"] == "")
            }
        }
        // Months sort in time; the whole pipeline's months are those of its SQL dates.
        let months = rows.filter { $0["section"] == "forecast" && $0["breakdown"] == "month:sql_at" }.map { $0["group"]! }
        #expect(months == months.sorted() && months.allSatisfy { $0.count == 7 && $0.hasPrefix("202") })
    }

    @Test("JSON holds the same forecast as the CSV, with the notes and the backtest's coverage")
    func json() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appending(path: "forecast.json"), csv = directory.appending(path: "forecast.csv")
        let arguments = ["forecast", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01", "--by", "owner",
                         "--backtest", "2025Q1"]
        #expect(try runPropensity(arguments + ["--out", json.path]).status == 0)
        let run = try runPropensity(arguments + ["--out", csv.path, "--format", "csv"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("Backtest: the pipeline at the start of 2025Q1 (2025-01-01T00:00:00Z)"))
        // 2025Q1's pipeline partly closed before the model's last training close (2025-03-25).
        #expect(run.standardOutput.contains("Partly in training: "))

        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let pipeline = object["pipeline"] as! [String: Any], total = pipeline["total"] as! [String: Any]
        let csvTotal = try Self.records(csv).first { $0["section"] == "forecast" && $0["breakdown"] == "total" }!
        #expect(DecimalTextCheck.sixDecimals(total["expectedWins"] as! Double) == csvTotal["expected_wins"])
        #expect((total["wins"] as! [String: Double])["p90"] == Double(csvTotal["wins_p90"]!))
        let backtest = object["backtest"] as! [String: Any]
        #expect(backtest["quarter"] as? String == "2025Q1" && backtest["automatic"] as? Bool == false)
        #expect((backtest["leadsInTraining"] as! Int) > 0)
        let coverage = backtest["coverage"] as! [[String: Any]]
        #expect(coverage.map { $0["field"] as! String } == ["total", "owner"])
        #expect((object["notes"] as! [String])[0].hasPrefix("Leads are treated as independent"))
    }

    @Test("Bad arguments exit non-zero with the exact message and write nothing")
    func badArguments() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = ["forecast", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01"]
        let cases: [([String], String)] = [
            (["--backtest", "2025Q5"], "Error: --backtest must name a quarter such as 2025Q1, not `2025Q5`."),
            (["--backtest", "2025Q1", "--no-backtest"], "Error: Give --backtest or --no-backtest, not both."),
            (["--backtest", "2025Q3"], "Error: The backtest quarter 2025Q3 does not start before 2025-07-01T00:00:00Z, so nothing "
                + "about its pipeline is known yet. Choose an earlier quarter, or --no-backtest."),
            (["--out", directory.appending(path: "f.txt").path], "Error: Cannot tell the format of `\(directory.appending(path: "f.txt").path)` "
                + "from its extension; add --format csv or --format json."),
            (["--by", "month:lead_id"], "Error: Column `lead_id` of lead L1 is not an ISO 8601 timestamp: `L1`. Fix the value, or "
                + "group by another column."),
            (["--simulations", "0"], "Error: --simulations must be at least 1."),
        ]
        for (extra, message) in cases {
            let run = try runPropensity(base + extra)
            #expect(run.status != 0)
            #expect(run.standardError.hasPrefix(message), "\(run.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}

enum DecimalTextCheck {
    /// `value` with six decimals, as the CSV writes it (independently of the product's formatter).
    static func sixDecimals(_ value: Double) -> String { String(format: "%.6f", value) }
}
