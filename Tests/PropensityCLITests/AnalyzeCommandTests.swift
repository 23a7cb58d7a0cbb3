import CSVParsing
import Foundation
import TestSupport
import Testing

/// `propensity analyze` run as a user runs it, on the bundled export and model.
struct AnalyzeCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")
    static let model = repositoryRoot.appending(path: "models/crm.json").path

    /// The fields of the JSON report that the tests read.
    struct Report: Decodable {
        struct Interval: Decodable { let lower: Double, upper: Double }
        struct Check: Decodable {
            struct Test: Decodable { let leads: Int, observedWins: Int, predictedWins: Double }
            let sample: String
            let test: Test
            let adjustedPValue: Double
            let flag: String?
        }
        struct Group: Decodable {
            let name: String
            let sqls: Int, wins: Int
            let winRate: Double
            let interval: Interval
            let predictions: [Check]
        }
        struct Cell: Decodable {
            let rep: String, source: String
            let sqls: Int, wins: Int, otherSQLs: Int, otherWins: Int
            let winRate: Double
            let interval: Interval
            let pValue: Double?, adjustedPValue: Double?
            let flag: String?
        }
        struct Split: Decodable { let rule: String, trainingLeads: Int, heldOutLeads: Int }
        let overall: Group
        let sources: [Group], reps: [Group]
        let repSources: [Cell]
        let smallCellLeads: Int
        let split: Split?
    }

    /// Closed leads per source and per rep, (leads, wins), read from leads.csv directly.
    static func closedCounts() throws -> (sources: [String: (Int, Int)], reps: [String: (Int, Int)], total: Int) {
        let reader = try CSVReader(contentsOf: crm.appending(path: "leads.csv"))
        let outcome = reader.column(named: "outcome")!, source = reader.column(named: "source")!
        let rep = reader.column(named: "owner_rep")!
        var sources: [String: (Int, Int)] = [:], reps: [String: (Int, Int)] = [:], total = 0
        try reader.forEachRecord { record in
            guard record[outcome] == "won" || record[outcome] == "lost" else { return }
            let won = record[outcome] == "won" ? 1 : 0
            total += 1
            sources[record[source], default: (0, 0)].0 += 1
            sources[record[source], default: (0, 0)].1 += won
            reps[record[rep], default: (0, 0)].0 += 1
            reps[record[rep], default: (0, 0)].1 += won
        }
        return (sources, reps, total)
    }

    @Test("JSON: counts per source, rep and cell add up to the closed leads of leads.csv; rates inside their intervals")
    func json() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "analysis.json")
        let result = try runPropensity(["analyze", "--data", Self.crm.path, "--model", Self.model, "--out", out.path,
                                        "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasSuffix("Left out 659 open SQLs, which have no outcome yet.\nAnalysis written to \(out.path)\n"))
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: out))
        let counts = try Self.closedCounts()
        #expect(counts.total == 3341)
        #expect(report.overall.sqls == counts.total && report.sources.map(\.sqls).reduce(0, +) == counts.total)
        #expect(report.reps.map(\.sqls).reduce(0, +) == counts.total)
        #expect(report.repSources.map(\.sqls).reduce(0, +) + report.smallCellLeads == counts.total)
        for group in report.sources { #expect(counts.sources[group.name]! == (group.sqls, group.wins), "\(group.name)") }
        for group in report.reps { #expect(counts.reps[group.name]! == (group.sqls, group.wins), "\(group.name)") }
        for group in report.sources + report.reps + [report.overall] {
            #expect(group.interval.lower < group.winRate && group.winRate < group.interval.upper, "\(group.name)")
        }
        for cell in report.repSources {
            #expect(cell.interval.lower <= cell.winRate && cell.winRate <= cell.interval.upper)
            // The cell and the rep's other sources make up the rep.
            let rep = report.reps.first { $0.name == cell.rep }!
            #expect(cell.sqls + cell.otherSQLs == rep.sqls && cell.wins + cell.otherWins == rep.wins)
            if let flag = cell.flag {
                #expect(cell.adjustedPValue! <= 0.05)
                #expect((flag == "higher") == (Double(cell.wins) / Double(cell.sqls) > Double(cell.otherWins) / Double(cell.otherSQLs)))
            } else {
                #expect(cell.adjustedPValue! > 0.05)
            }
        }
        // The very file the model was trained on: its own split, 668 held-out leads as its card says.
        let split = try #require(report.split)
        #expect(split.rule == "training-file" && split.heldOutLeads == 668 && split.trainingLeads == 2673)
        let heldOut = report.sources.compactMap { $0.predictions.first { $0.sample == "held-out" } }
        #expect(heldOut.map(\.test.leads).reduce(0, +) == 668)
        // In-sample, one-hot sources with an unpenalized intercept match their predictions within a win.
        for source in report.sources {
            let training = try #require(source.predictions.first { $0.sample == "training" })
            #expect(abs(Double(training.test.observedWins) - training.test.predictedWins) < 1, "\(source.name)")
        }
    }

    @Test("CSV: one row for all leads, then one per source, rep and shown cell")
    func csv() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "analysis.csv")
        let result = try runPropensity(["analyze", "--data", Self.crm.path, "--spec", Self.crm.appending(path: "spec.yaml").path,
                                        "--min-cell-size", "25", "--out", out.path])
        #expect(result.status == 0, "\(result.standardError)")
        let reader = try CSVReader(contentsOf: out)
        #expect(Array(reader.header.prefix(5)) == ["table", "source", "rep", "sqls", "wins"])
        #expect(reader.header.count == 38)
        var tables: [String: Int] = [:]
        let table = reader.column(named: "table")!, predicted = reader.column(named: "held_out_predicted_wins")!
        try reader.forEachRecord { record in
            tables[record[table], default: 0] += 1
            #expect(record[predicted] == "")  // no model, no predictions
        }
        // 16 reps × 7 sources = 112 cells, 53 of them below 25 leads (as the terminal table says).
        #expect(tables == ["all": 1, "source": 7, "rep": 16, "rep_source": 59])
        #expect(result.standardOutput.contains("Cells with fewer than 25 closed leads are not shown or tested (53 cells, 1,044 leads,"))
    }

    @Test("Bad input: neither or both of --spec and --model, a spec without a source column")
    func errors() throws {
        let message = "Error: Give either --spec (to read the tables) or --model (to read them with its spec and compare with its predictions).\n"
        let neither = try runPropensity(["analyze", "--data", Self.crm.path])
        #expect(neither.status != 0 && neither.standardError.hasPrefix(message))
        let both = try runPropensity(["analyze", "--data", Self.crm.path, "--model", Self.model, "--spec", "spec.yaml"])
        #expect(both.status != 0 && both.standardError.hasPrefix(message))
        let level = try runPropensity(["analyze", "--data", Self.crm.path, "--model", Self.model, "--level", "5"])
        #expect(level.standardError.hasPrefix("Error: --level must be between 0 and 1, such as 0.05.\n"))

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = try String(contentsOf: Self.crm.appending(path: "spec.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    source: source\n", with: "")
        let specURL = directory.appending(path: "spec.yaml")
        try spec.write(to: specURL, atomically: true, encoding: .utf8)
        let noSource = try runPropensity(["analyze", "--data", Self.crm.path, "--spec", specURL.path])
        #expect(noSource.status == 1)
        #expect(noSource.standardError == "Error: The spec maps no lead source for leads.csv: name its column under tables.leads, as `source: lead_source`.\n")
    }
}
