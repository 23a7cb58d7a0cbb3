import CSVParsing
import Foundation
import TestSupport
import Testing

/// `propensity score`, `evaluate` and `explain` run as a user runs them, on the bundled export
/// and model, and the files they write.
struct ScoreCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")
    static let model = repositoryRoot.appending(path: "models/crm.json").path

    /// A CSV file's rows by their first column.
    static func rows(_ url: URL) throws -> (header: [String], byID: [String: [String]], order: [String]) {
        let reader = try CSVReader(contentsOf: url)
        var byID: [String: [String]] = [:]
        var order: [String] = []
        try reader.forEachRecord { record in
            let fields = (0..<reader.header.count).map { record[$0] }
            byID[fields[0]] = fields
            order.append(fields[0])
        }
        return (reader.header, byID, order)
    }

    /// The open leads of the bundled export and their SQL dates, from the leads file.
    static func openLeads() throws -> [(id: String, sqlAt: String)] {
        let reader = try CSVReader(contentsOf: crm.appending(path: "leads.csv"))
        let outcome = reader.column(named: "outcome")!, sql = reader.column(named: "sql_at")!
        var result: [(String, String)] = []
        try reader.forEachRecord { record in
            if record[outcome] != "won" && record[outcome] != "lost" { result.append((record[0], record[sql])) }
        }
        return result
    }

    @Test("CSV: one row per open lead in file order, ranges around the probability, grades by the model's cut points")
    func csv() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "scores.csv")
        let run = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                     "--out", out.path])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("Scored 659 open leads as of 2025-07-01T00:00:00Z (grades: A "))
        #expect(run.standardError.isEmpty)
        let (header, byID, order) = try Self.rows(out)
        #expect(header == ["lead_id", "probability", "probability_low", "probability_high", "score", "grade", "score_7d_ago",
                           "score_change", "raising_1", "raising_2", "raising_3", "lowering_1", "lowering_2", "lowering_3"])
        let open = try Self.openLeads()
        #expect(order == open.map(\.id))

        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.model))) as! [String: Any]
        let grades = model["grades"] as! [String: Int]
        let factor = try Regex(#"^.+: [+-]\d+\.\d\d$"#)
        for (id, sqlAt) in open {
            let row = try #require(byID[id])
            let (p, low, high) = (Double(row[1])!, Double(row[2])!, Double(row[3])!)
            #expect(low <= p && p <= high && 0 <= low && high <= 1, "\(id)")
            let score = Int(row[4])!
            #expect(score == Int((100 * p).rounded()) || abs(100 * p - Double(score)) <= 0.5 + 1e-4)
            let expected = score >= grades["a"]! ? "A" : score >= grades["b"]! ? "B" : score >= grades["c"]! ? "C" : "D"
            #expect(row[5] == expected)
            // The trend is empty exactly for leads that became SQLs in the last 7 days.
            let isNew = sqlAt >= "2025-06-24"
            #expect(row[6].isEmpty == isNew, "\(id) \(sqlAt)")
            if !isNew { #expect(Int(row[7])! == score - Int(row[6])!) }
            for text in row[8...13] where !text.isEmpty { #expect(text.wholeMatch(of: factor) != nil, "\(text)") }
            #expect(row[8...10].allSatisfy { !$0.contains(": -") } && row[11...13].allSatisfy { !$0.contains(": +") })
        }
        #expect(byID.values.contains { $0[8].hasPrefix("6 buying-team members engaged in the 14 days after SQL: +") })
    }

    @Test("the trend column is the score of a run as of 7 days earlier")
    func trend() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let now = directory.appending(path: "now.csv"), before = directory.appending(path: "before.csv")
        for (instant, out) in [("2025-07-01", now), ("2025-06-24", before)] {
            let run = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", instant,
                                         "--out", out.path])
            #expect(run.status == 0, "\(run.standardError)")
        }
        let current = try Self.rows(now).byID, earlier = try Self.rows(before).byID
        var compared = 0
        for (id, row) in current where !row[6].isEmpty {
            #expect(row[6] == earlier[id]?[4], "\(id)")
            compared += 1
        }
        #expect(compared > 500)
        // Scores move as engagement decays and events arrive: some leads fall, some rise.
        #expect(current.values.contains { Int($0[7]) ?? 0 < 0 } && current.values.contains { Int($0[7]) ?? 0 > 0 })
    }

    @Test("JSON Lines hold the same numbers as the CSV, with factor objects")
    func jsonLines() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appending(path: "s.csv"), jsonl = directory.appending(path: "s.jsonl")
        for (format, out) in [("csv", csv), ("jsonl", jsonl)] {
            let run = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                         "--format", format, "--out", out.path])
            #expect(run.status == 0, "\(run.standardError)")
        }
        let byID = try Self.rows(csv).byID
        let lines = try String(contentsOf: jsonl, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 659)
        var compared = 0
        for line in lines {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let row = try #require(byID[object["lead_id"] as! String])
            for (k, key) in ["probability", "probability_low", "probability_high"].enumerated() {
                #expect(String(format: "%.6f", object[key] as! Double) == row[1 + k])
            }
            #expect("\(object["score"] as! Int)" == row[4] && object["grade"] as? String == row[5])
            #expect((object["score_7d_ago"] as? Int).map(String.init) ?? "" == row[6])
            #expect((object["score_change"] as? Int).map(String.init) ?? "" == row[7])
            for (key, first) in [("raising", 8), ("lowering", 11)] {
                let factors = object[key] as! [[String: Any]]
                for k in 0..<3 {
                    guard k < factors.count else {
                        #expect(row[first + k].isEmpty)
                        continue
                    }
                    let text = "\(factors[k]["words"] as! String): " + String(format: "%+.2f", factors[k]["contribution"] as! Double)
                    #expect(text == row[first + k])
                }
                compared += factors.count
            }
        }
        #expect(compared > 659 * 4, "the factors must not be empty")
    }

    @Test("leads whose SQL date is after --as-of are left out; with none left the file still has every column")
    func asOfBeforeSQLs() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let open = try Self.openLeads()
        let out = directory.appending(path: "june.csv")
        let june = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-06-01",
                                      "--out", out.path])
        #expect(june.status == 0, "\(june.standardError)")
        let later = open.filter { $0.sqlAt > "2025-06-01" }
        #expect(later.count > 0 && later.count < open.count)
        #expect(june.standardOutput.contains("\nLeft out \(later.count) open leads whose SQL date is after 2025-06-01T00:00:00Z.\n"))
        #expect(try Self.rows(out).order == open.filter { $0.sqlAt <= "2025-06-01" }.map(\.id))

        let none = directory.appending(path: "none.csv")
        let early = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2023-01-01",
                                       "--out", none.path])
        #expect(early.status == 0, "\(early.standardError)")
        #expect(early.standardOutput.hasPrefix("Scored 0 open leads as of 2023-01-01T00:00:00Z"))
        #expect(try String(contentsOf: none, encoding: .utf8) == "lead_id,probability,probability_low,probability_high,score,"
            + "grade,score_7d_ago,score_change,raising_1,raising_2,raising_3,lowering_1,lowering_2,lowering_3\n")
    }

    @Test("the same file, byte for byte, on one thread and on two (the events file read in two parts)")
    func threads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [Data] = []
        for threads in ["1", "2"] {
            let out = directory.appending(path: "s\(threads).jsonl")
            let run = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                         "--format", "jsonl", "--threads", threads, "--out", out.path])
            #expect(run.status == 0, "\(run.standardError)")
            files.append(try Data(contentsOf: out))
        }
        #expect(files[0] == files[1])
        #expect(files[0].count > 100_000)
    }

    @Test("explain splits the log-odds exactly and agrees with the score file")
    func explain() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "s.csv")
        _ = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01", "--out", out.path])
        let row = try #require(try Self.rows(out).byID["L1967"])
        let run = try runPropensity(["explain", "--model", Self.model, "--data", Self.crm.path, "--lead", "L1967",
                                     "--as-of", "2025-07-01", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let e = try #require(JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let features = e["features"] as! [[String: Any]]
        #expect(features.count == 20)
        let total = features.reduce(0.0) { $0 + ($1["contribution"] as! Double) }
        #expect(abs((e["baseline"] as! Double) + total - (e["logOdds"] as! Double)) <= 1e-9)
        #expect(String(format: "%.6f", e["probability"] as! Double) == row[1])
        #expect(String(format: "%.6f", e["probabilityLow"] as! Double) == row[2])
        #expect(e["grade"] as? String == row[5])
        // The top raising factor of the score file is the largest positive contribution here.
        let top = features.max { ($0["contribution"] as! Double) < ($1["contribution"] as! Double) }!
        #expect(row[8] == "\(top["words"] as! String): " + String(format: "%+.2f", top["contribution"] as! Double))

        let text = try runPropensity(["explain", "--model", Self.model, "--data", Self.crm.path, "--lead", "L1967",
                                      "--as-of", "2025-07-01"])
        #expect(text.standardOutput.hasPrefix("Lead L1967 (open), as of 2025-07-01T00:00:00Z\nProbability "))
        let closed = try runPropensity(["explain", "--model", Self.model, "--data", Self.crm.path, "--lead", "L1"])
        #expect(closed.standardOutput.hasPrefix("Lead L1 (lost), as of 2023-07-16T02:26:54Z\n"))
        let unknown = try runPropensity(["explain", "--model", Self.model, "--data", Self.crm.path, "--lead", "nope"])
        #expect(unknown.status != 0)
        #expect(unknown.standardError == "Error: No lead has the id `nope` in leads.csv. Check the id (ids are matched exactly).\n")
    }

    @Test("evaluate: the held-out part of the bundled export gives the model card's validation numbers")
    func evaluate() throws {
        // The bundled export's closed leads: the model saw 80% of them, so only the consistency
        // of the tables is checked here; the held-out figures are compared below.
        let run = try runPropensity(["evaluate", "--model", Self.model, "--data", Self.crm.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let e = try #require(JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(e["rows"] as? Int == 3341)
        #expect(e["wins"] as? Int == 1036)
        let lift = e["lift"] as! [String: Any]
        let deciles = lift["deciles"] as! [[String: Any]]
        #expect(deciles.count == 10)
        #expect(deciles.reduce(0) { $0 + ($1["rows"] as! Int) } == 3341)
        #expect(abs((deciles.last!["gain"] as! Double) - 1) <= 1e-12)
        let calibration = e["calibration"] as! [String: Any]
        #expect((calibration["groups"] as! [[String: Any]]).reduce(0) { $0 + ($1["wins"] as! Int) } == 1036)

        #expect(run.standardError.hasPrefix("Note: this is the leads file the model was trained on"))
        let text = try runPropensity(["evaluate", "--model", Self.model, "--data", Self.crm.path])
        #expect(text.standardOutput.contains("\nLeads:                3341, closed 2023-07-09 to 2025-06-30; 1036 won\n"))
        #expect(text.standardOutput.contains("\nLift on these leads: deciles of the predicted probability, highest first\n"))

        // A later export from the same process: no note, and a model that still ranks.
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generate = try runPropensity(["generate", "--out", directory.path, "--leads", "2000", "--seed", "77"])
        #expect(generate.status == 0, "\(generate.standardError)")
        let later = try runPropensity(["evaluate", "--model", Self.model, "--data", directory.path, "--json"])
        #expect(later.status == 0, "\(later.standardError)")
        #expect(later.standardError.isEmpty)
        let fresh = try #require(JSONSerialization.jsonObject(with: Data(later.standardOutput.utf8)) as? [String: Any])
        let auc = try #require((fresh["metrics"] as? [String: Any])?["auc"] as? Double)
        #expect(auc > 0.7 && auc < 0.9, "\(auc)")
    }

    @Test("failures write nothing: a flat model, a missing column, a bad instant")
    func failures() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "scores.csv")
        try Data("earlier scores\n".utf8).write(to: out)

        let flat = try runPropensity(["score", "--model", repositoryRoot.appending(path: "models/flat-sqls.json").path,
                                      "--data", Self.crm.path, "--out", out.path])
        #expect(flat.status != 0)
        #expect(flat.standardError.hasPrefix("Error: This model was trained on a flat table; scoring"))

        // A copy of the export whose leads file lacks a column the spec reads.
        let broken = directory.appending(path: "crm")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        for file in ["companies.csv", "contacts.csv", "events.csv"] {
            try FileManager.default.copyItem(at: Self.crm.appending(path: file), to: broken.appending(path: file))
        }
        let leads = try String(contentsOf: Self.crm.appending(path: "leads.csv"), encoding: .utf8)
        try Data(leads.replacingOccurrences(of: ",bant_budget,", with: ",budget,").utf8).write(to: broken.appending(path: "leads.csv"))
        let missing = try runPropensity(["score", "--model", Self.model, "--data", broken.path, "--out", out.path])
        #expect(missing.status != 0)
        #expect(missing.standardError.hasPrefix("Error: leads.csv, column `bant_budget`"))

        let instant = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "July 1",
                                         "--out", out.path])
        #expect(instant.status != 0)
        #expect(instant.standardError.hasPrefix(
            "Error: --as-of must be an ISO 8601 date or instant, such as 2025-07-01 or 2025-07-01T09:00:00Z, not `July 1`."))

        #expect(try String(contentsOf: out, encoding: .utf8) == "earlier scores\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["crm", "scores.csv"])
    }

    @Test("scoring an old export as of today warns that its engagement reads as none")
    func staleWarning() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path,
                                     "--out", directory.appending(path: "s.csv").path])
        #expect(run.status == 0)
        #expect(run.standardError.hasPrefix("Warning: the newest event is from 2025-06-30T23:59:52Z, "))
        #expect(run.standardError.contains("score as of its date with --as-of."))
    }
}
