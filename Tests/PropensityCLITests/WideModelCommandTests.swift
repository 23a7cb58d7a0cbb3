import Foundation
import TestSupport
import Testing

/// A model fitted without the Hessian (`train --hessian-free-width`), through every command
/// that reads a model: the same coefficients as the Newton fit, and no standard errors or
/// ranges anywhere, said plainly instead of printed as numbers.
struct WideModelCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")
    static let spec = crm.appending(path: "spec.yaml").path

    /// Trains on the bundled export with `extra` options; returns the model's path and the summary.
    func train(_ directory: URL, _ name: String, _ extra: [String]) throws -> (path: String, summary: String) {
        let model = directory.appending(path: name).path
        let run = try runPropensity(["train", "--spec", Self.spec, "--data", Self.crm.path, "--out", model] + extra)
        #expect(run.status == 0, "\(run.standardError)")
        return (model, run.standardOutput)
    }

    @Test("Above the width, train uses L-BFGS: Newton's coefficients, no covariance, and score, explain, inspect and report say so")
    func lbfgsModel() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let newton = try train(directory, "newton.json", ["--l2", "1"])
        let wide = try train(directory, "wide.json", ["--l2", "1", "--hessian-free-width", "20"])
        #expect(newton.summary.contains("Converged:            yes, after 9 Newton iterations\n"))
        #expect(try #require(wide.summary.firstMatch(of: /Converged: +yes, after \d+ L-BFGS iterations\n/)) != nil)
        #expect(wide.summary.contains("No standard errors: with 145 features, more than the 20 for which the\n"
            + "Hessian is formed, the fit used only gradients and has no covariance (and scores have no range).\n"))

        let a = try inspectReport(newton.path), b = try inspectReport(wide.path)
        #expect(b.standardErrors.isEmpty && a.standardErrors.count == 146)
        #expect(abs(a.intercept - b.intercept) <= 1e-6 * max(1, abs(a.intercept)))
        for (name, value) in a.coefficients {
            #expect(abs(b.coefficients[name]! - value) <= 1e-6 * max(1, abs(value)), "\(name)")
        }
        let file = try JSONDecoder().decode(FormatHeader.self, from: Data(contentsOf: URL(fileURLWithPath: wide.path)))
        #expect(file.formatVersion == 4 && file.fit.covariance.isEmpty && file.fit.settings.hessianFreeWidth == 20)

        // Scores: the same probabilities, and empty range fields.
        var scores: [[String: [String]]] = []
        for (model, name) in [(newton.path, "newton.csv"), (wide.path, "wide.csv")] {
            let out = directory.appending(path: name)
            let run = try runPropensity(["score", "--model", model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                         "--out", out.path])
            #expect(run.status == 0, "\(run.standardError)")
            scores.append(try ScoreCommandTests.rows(out).byID)
        }
        #expect(scores[0].count == 659 && scores[1].count == 659)
        for (id, row) in scores[1] {
            let reference = try #require(scores[0][id])
            #expect(abs(Double(row[1])! - Double(reference[1])!) <= 2e-6, "\(id)")
            #expect(row[2] == "" && row[3] == "" && !reference[2].isEmpty, "\(id)")
        }
        let jsonl = directory.appending(path: "wide.jsonl")
        _ = try runPropensity(["score", "--model", wide.path, "--data", Self.crm.path, "--as-of", "2025-07-01",
                               "--format", "jsonl", "--out", jsonl.path])
        let first = try String(contentsOf: jsonl, encoding: .utf8).split(separator: "\n")[0]
        #expect(first.contains(#""probability_low":null,"probability_high":null,"#))

        let explain = try runPropensity(["explain", "--model", wide.path, "--data", Self.crm.path, "--lead", "L1967",
                                         "--as-of", "2025-07-01"])
        #expect(explain.status == 0, "\(explain.standardError)")
        #expect(try #require(explain.standardOutput.firstMatch(of: /\nProbability 0\.\d{4} \(no range: the model has no covariance\), score \d+, grade [A-D]\n/)) != nil)
        let explainJSON = try runPropensity(["explain", "--model", wide.path, "--data", Self.crm.path, "--lead", "L1967",
                                             "--as-of", "2025-07-01", "--json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(explainJSON.standardOutput.utf8)) as? [String: Any])
        #expect(object["probability"] is Double && object["probabilityLow"] == nil && object["probabilityHigh"] == nil)

        let html = directory.appending(path: "wide.html")
        let report = try runPropensity(["report", "--model", wide.path, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                        "--out", html.path])
        #expect(report.status == 0, "\(report.standardError)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("the model was fitted from gradients alone (L-BFGS): it has no covariance, so no standard "
            + "errors, intervals or p-values, and its scores have no range."))
        #expect(page.firstMatch(of: /(?i)\bnan\b/) == nil)
    }

    @Test("Without a penalty above the width, train refuses and says what to do")
    func unpenalizedRefused() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runPropensity(["train", "--spec", Self.spec, "--data", Self.crm.path, "--hessian-free-width", "20",
                                     "--out", directory.appending(path: "m.json").path])
        #expect(run.status == 1)
        #expect(run.standardError == "Error: 145 features are more than the 20 for which the Hessian is formed, and without it "
            + "a fit cannot check for collinear columns or give standard errors; set a penalty (an L2 penalty or the "
            + "elastic net) for this many features.\n")
        #expect(!FileManager.default.fileExists(atPath: directory.appending(path: "m.json").path))
    }

    /// The parts of a model file this test reads.
    struct FormatHeader: Decodable {
        struct Fit: Decodable {
            struct Settings: Decodable { let hessianFreeWidth: Int? }
            let covariance: [Double]
            let settings: Settings
        }
        let formatVersion: Int
        let fit: Fit
    }

    @Test("A hashed feature with more buckets than companies: empty buckets are constant, left out with a coefficient of 0")
    func emptyHashBuckets() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The bundled spec plus 3,000 hash buckets of the company id (1,000 companies).
        let bundled = try String(contentsOfFile: Self.spec, encoding: .utf8)
        let spec = directory.appending(path: "spec.yaml")
        try bundled.replacingOccurrences(of: "\nfeatures:\n", with: "\nfeatures:\n  - {name: company, hashed: company_id, buckets: 3000}\n")
            .write(to: spec, atomically: true, encoding: .utf8)
        let model = directory.appending(path: "hashed.json").path
        let run = try runPropensity(["train", "--spec", spec.path, "--data", Self.crm.path, "--l2", "5",
                                     "--hessian-free-width", "500", "--out", model])
        #expect(run.status == 0, "\(run.standardError)")
        let constant = try #require(run.standardOutput.firstMatch(of: /3145 model columns \((\d+) constant in training, left out of the fit\)/))
        let constantCount = Int(constant.1)!
        #expect(constantCount > 1000 && constantCount < 3000)
        #expect(run.standardOutput.contains("\ncompany[1]                                 0.0000   constant\n")
            || run.standardOutput.contains("\ncompany[2]                                 0.0000   constant\n"))
        #expect(run.standardOutput.contains("No standard errors: with \(3145 - constantCount) features, more than the 500"))
        #expect(try #require(run.standardOutput.firstMatch(of: /Converged: +yes, after \d+ L-BFGS iterations\n/)) != nil)
        let report = try inspectReport(model)
        #expect(report.coefficients.count == 3145 && report.standardErrors.isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(try runPropensity(["inspect", model, "--json"]).standardOutput.utf8))
        let constants = try #require((json as? [String: Any])?["constantFeatures"] as? [String])
        #expect(constants.count == constantCount && constants.allSatisfy { report.coefficients[$0] == 0 })

        let out = directory.appending(path: "scores.csv")
        let score = try runPropensity(["score", "--model", model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                       "--out", out.path])
        #expect(score.status == 0, "\(score.standardError)")
        #expect(try ScoreCommandTests.rows(out).byID.count == 659)

        // The report's table lists the 200 largest effects of the non-zero coefficients, not all.
        let html = directory.appending(path: "hashed.html")
        let reported = try runPropensity(["report", "--model", model, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                          "--out", html.path])
        #expect(reported.status == 0, "\(reported.standardError)")
        let page = try String(contentsOf: html, encoding: .utf8)
        let nonzero = report.coefficients.values.filter { $0 != 0 }.count
        #expect(nonzero > 200)
        #expect(page.contains("\(constantCount) columns were constant in training and left out of the fit (coefficient 0). "
            + "The table lists the 200 of the \(nonzero) non-zero coefficients with the largest effect per standard deviation "
            + "of their column, in column order; `propensity inspect --json` gives every one."))
        let table = try #require(page.range(of: "<caption>Coefficient table</caption>"))
        let rest = page[table.upperBound...]
        let tableText = rest[..<(rest.range(of: "</table>")?.lowerBound ?? rest.endIndex)]
        #expect(tableText.components(separatedBy: "<tr>").count - 1 == 1 + 1 + 200)   // header, intercept, 200 columns

        // Without a penalty a constant column still stops training, named.
        let plain = try runPropensity(["train", "--spec", spec.path, "--data", Self.crm.path,
                                       "--out", directory.appending(path: "plain.json").path])
        #expect(plain.status == 1)
        #expect(plain.standardError.hasPrefix("Error: Columns `company[1]` (always 0)")
            || plain.standardError.hasPrefix("Error: Columns `company[2]` (always 0)"))
    }
}
