import Foundation
import TestSupport
import Testing

/// `propensity train --row-cache`: a flat table written to the chunked row cache and fitted by
/// streaming it gives the model the table gives in memory.
struct RowCacheTrainCommandTests {
    /// Where two decoded JSON values differ: numbers by more than 1e-12 relative (absolute below
    /// 1), anything else at all.
    func differences(_ a: Any?, _ b: Any?, at path: String = "") -> [String] {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            return Set(x.keys).union(y.keys).sorted().flatMap { differences(x[$0], y[$0], at: path + "/" + $0) }
        case let (x as [Any], y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) against \(y.count) entries"] }
            return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, at: path + "[\($0)]") }
        case let (x as NSNumber, y as NSNumber) where !(x is Bool):
            let u = x.doubleValue, v = y.doubleValue
            return abs(u - v) <= 1e-12 * max(1, abs(u)) ? [] : ["\(path): \(u) against \(v)"]
        case let (x as String, y as String):
            return x == y ? [] : ["\(path): \(x) against \(y)"]
        default:
            return String(describing: a) == String(describing: b) ? [] : ["\(path): \(String(describing: a)) against \(String(describing: b))"]
        }
    }

    func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }

    @Test("The model fitted by streaming the row cache equals the in-memory model in every number to 1e-12", arguments: [
        // Categorical columns and a text label, in chunks of 97 rows on two threads.
        ("datasets/flat/sqls.csv", ["--label", "outcome", "--positive", "won", "--l2", "1", "--threads", "2"], 97),
        // Sample weights and no penalty (statsmodels' weighted fit), in chunks of 13 rows.
        ("Tests/Fixtures/data/weighted_logit.csv", ["--label", "y", "--weight", "w"], 13),
    ])
    func streamedEqualsInMemory(data: String, options: [String], chunkRows: Int) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let memory = directory.appending(path: "memory.json"), streamed = directory.appending(path: "streamed.json")
        let cache = directory.appending(path: "rows.cache")
        let path = repositoryRoot.appending(path: data).path
        let environment = ["SOURCE_DATE_EPOCH": "0"]
        let inMemory = try runPropensity(["train", "--data", path, "--out", memory.path] + options, environment: environment)
        #expect(inMemory.status == 0, "\(inMemory.standardError)")
        let viaCache = try runPropensity(["train", "--data", path, "--out", streamed.path, "--row-cache", cache.path,
                                          "--row-cache-chunk-rows", "\(chunkRows)", "--progress"] + options, environment: environment)
        #expect(viaCache.status == 0, "\(viaCache.standardError)")
        #expect(viaCache.standardError.contains("Fitting ") && viaCache.standardError.contains("Hashing "),
                "progress lines: \(viaCache.standardError)")
        #expect(viaCache.standardOutput.contains("Model written to \(streamed.path)\nRows cached in \(cache.path) ("))
        #expect(differences(try json(memory), try json(streamed)) == [])
        // The cache holds every row in chunks of the size asked for.
        let rows = try inspectReport(memory.path).observations
        #expect(viaCache.standardOutput.hasSuffix("(\(rows) rows, \((rows + chunkRows - 1) / chunkRows) chunks).\n"))
    }

    @Test("A float32 cache is half the bytes of features and fits within float32's rounding of the values")
    func float32Cache() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = repositoryRoot.appending(path: "datasets/flat/sqls.csv").path
        let options = ["--label", "outcome", "--positive", "won", "--l2", "1"]
        var sizes: [Int] = [], reports: [InspectReport] = []
        for (name, extra) in [("memory", [String]()), ("float64", ["--row-cache", "64.cache"]), ("float32", ["--row-cache", "32.cache", "--row-cache-float32"])] {
            let model = directory.appending(path: name + ".json").path
            let arguments = ["train", "--data", path, "--out", model] + options + extra.map { $0.hasSuffix(".cache") ? directory.appending(path: $0).path : $0 }
            let result = try runPropensity(arguments)
            #expect(result.status == 0, "\(result.standardError)")
            reports.append(try inspectReport(model))
            if let cache = extra.dropFirst().first {
                sizes.append(try FileManager.default.attributesOfItem(atPath: directory.appending(path: cache).path)[.size] as! Int)
            }
        }
        // 5,000 rows of 26 features: 8 bytes a feature against 4, the same header and labels.
        #expect(sizes[0] - sizes[1] == 5_000 * 26 * 4)
        let names = reports[0].coefficients.keys.sorted()
        #expect(maxRelativeError(names.map { reports[2].coefficients[$0]! }, names.map { reports[0].coefficients[$0]! }) <= 1e-6)
        #expect(maxRelativeError(names.map { reports[2].coefficients[$0]! }, names.map { reports[0].coefficients[$0]! }) > 0)
        #expect(maxRelativeError(names.map { reports[1].coefficients[$0]! }, names.map { reports[0].coefficients[$0]! }) <= 1e-12)
    }

    @Test("A bad cell in the last chunk stops the run with its line; neither a model nor a cache is left")
    func badCellInALateChunk() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appending(path: "leads.csv")
        let rows = (1...500).map { "\($0 % 2),\($0 == 487 ? "n/a" : "\($0 % 17)"),\($0 % 3 == 0 ? "web" : "event")" }
        try ("won,amount,source\n" + rows.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8)
        let result = try runPropensity(["train", "--data", csv.path, "--label", "won", "--out", directory.appending(path: "m.json").path,
                                        "--row-cache", directory.appending(path: "rows.cache").path, "--row-cache-chunk-rows", "50"])
        #expect(result.status != 0)
        #expect(result.standardError == "Error: Column `amount` on line 488 of leads.csv is not a number: `n/a`. Fix the value "
            + "(write numbers like 12500 or 0.25, without thousands separators), or pass --categorical amount if the column holds text.\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["leads.csv"])
    }

    @Test("Degenerate tables get the in-memory run's message; a failed fit leaves the finished cache and no model", arguments: [
        ("bad_number.csv", false), ("ragged.csv", false), ("nonfinite.csv", false), ("separated.csv", true),
        ("quasi_separated.csv", true), ("collinear.csv", true), ("constant.csv", true), ("single_class.csv", true),
        ("few_rows.csv", true),
    ])
    func degenerateTables(file: String, readable: Bool) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = TrainCommandTests.degenerate.appending(path: file).path
        let model = directory.appending(path: "model.json").path
        let inMemory = try runPropensity(["train", "--data", data, "--label", "won", "--out", model])
        let streamed = try runPropensity(["train", "--data", data, "--label", "won", "--out", model,
                                          "--row-cache", directory.appending(path: "rows.cache").path, "--row-cache-chunk-rows", "2"])
        #expect(inMemory.status != 0 && streamed.status != 0)
        #expect(streamed.standardError == inMemory.standardError)
        #expect(streamed.standardOutput.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == (readable ? ["rows.cache"] : []))
    }

    @Test("The row cache options are refused where they do not apply")
    func invalidOptions() throws {
        let withSpec = try runPropensity(["train", "--spec", "s.yaml", "--data", "crm", "--out", "m.json", "--row-cache", "r.cache"])
        #expect(withSpec.status != 0)
        #expect(withSpec.standardError.hasPrefix("Error: --row-cache is for flat tables; with --spec, the spec defines the label and the features.\n"))
        let withoutCache = try runPropensity(["train", "--data", "x.csv", "--label", "y", "--out", "m.json", "--row-cache-float32"])
        #expect(withoutCache.standardError.hasPrefix("Error: --row-cache-float32 and --row-cache-chunk-rows describe the row cache: add --row-cache FILE.\n"))
        let noRows = try runPropensity(["train", "--data", "x.csv", "--label", "y", "--out", "m.json", "--row-cache", "r.cache",
                                        "--row-cache-chunk-rows", "0"])
        #expect(noRows.standardError.hasPrefix("Error: --row-cache-chunk-rows must be at least 1, not 0.\n"))
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = try runPropensity(["train", "--data", repositoryRoot.appending(path: "datasets/flat/sqls.csv").path,
                                        "--label", "outcome", "--positive", "won", "--out", directory.appending(path: "m.json").path,
                                        "--row-cache", directory.path])
        #expect(folder.status != 0)
        #expect(folder.standardError.hasPrefix("Error: --row-cache \(directory.path) is a folder; name the file to write the rows to, "
            + "such as \(directory.appending(path: "rows.cache").path).\nUsage: propensity train [<options>] --data <path|url> --out <model.json>\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
