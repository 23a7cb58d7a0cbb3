import Foundation
import TestSupport
import Testing

/// `propensity train --penalty elasticnet`, on a flat table against the reference and on the
/// bundled CRM export with `--lambda auto`, and its option errors.
struct ElasticNetCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")

    @Test("A flat table with --penalty elasticnet matches the scikit-learn reference, dropped columns and all")
    func flatTableMatchesReference() throws {
        let fixture = try ElasticNetFixture.load("wide_enet_raw")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appending(path: "enet.json").path
        let train = try runPropensity(["train", "--data", fixturesDirectory.appending(path: fixture.data).path,
                                       "--label", "y", "--penalty", "elasticnet", "--alpha", "\(fixture.l1Ratio)",
                                       "--lambda", "\(fixture.lambda)", "--no-standardize", "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.contains(
            "Penalty:              elastic net, λ = \(String(format: "%g", fixture.lambda)), α = 0.3 on raw coefficients; "
            + "\(fixture.zeroCoefficients.count) of 24 dropped\n"))
        #expect(train.standardOutput.contains("\nx1                          0.0000    dropped\n")
            == fixture.zeroCoefficients.contains("x1"))
        let report = try inspectReport(model)
        #expect(report.l1Ratio == fixture.l1Ratio)
        #expect(report.droppedFeatures == fixture.zeroCoefficients)
        for (name, value) in zip(fixture.featureNames, fixture.coefficients) {
            #expect(abs(report.coefficients[name]! - value) <= 1e-5 * max(1, abs(value)))
            // A dropped column has a coefficient of exactly 0 and no standard error.
            #expect((report.standardErrors[name] == nil) == fixture.zeroCoefficients.contains(name))
        }
        #expect(abs(report.intercept - fixture.intercept) <= 1e-5 * max(1, abs(fixture.intercept)))
    }

    @Test("--lambda auto cross-validates a path on the CRM export; --one-se picks a larger penalty")
    func crossValidatedPath() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = Self.crm.appending(path: "spec.yaml").path
        var chosen: [Double] = []
        for extra in [[], ["--one-se"]] {
            let model = directory.appending(path: "auto\(extra.count).json").path
            let train = try runPropensity(["train", "--spec", spec, "--data", Self.crm.path, "--penalty", "elasticnet",
                                           "--alpha", "0.5", "--lambda", "auto", "--path-length", "12", "--out", model] + extra)
            #expect(train.status == 0, "\(train.standardError)")
            #expect(train.standardOutput.contains("by time-ordered cross-validation over a path of 12 penalties\n"
                + "                      (5 folds, 2228 leads scored; log-loss "))
            // JSONDecoder, as the product reads models (Foundation's JSONSerialization may round
            // a double's last bit differently).
            let search = try JSONDecoder().decode(SavedSearch.self, from: Data(contentsOf: URL(fileURLWithPath: model))).penaltySearch
            #expect(search.l1Ratio == 0.5)
            let candidates = search.candidates
            #expect(candidates.count == 12)
            let lambdas = candidates.map(\.l2)
            #expect(lambdas == lambdas.sorted(by: >))
            // The top of the path drops every column; the bottom keeps more than the middle.
            let kept = candidates.compactMap(\.nonzeroCount)
            #expect(kept.count == 12 && kept[0] == 0 && kept[11] > kept[5])
            #expect(candidates.allSatisfy { ($0.standardError ?? 0) > 0 })
            let value = search.chosen
            #expect(lambdas.contains(value))
            let report = try inspectReport(model)
            #expect(report.l2 == value && report.l1Ratio == 0.5)
            #expect(!(report.droppedFeatures ?? []).isEmpty)
            chosen.append(value)
        }
        #expect(chosen[1] >= chosen[0])
    }

    /// The part of a model file the search writes.
    struct SavedSearch: Decodable {
        struct Search: Decodable {
            struct Candidate: Decodable {
                let l2: Double
                let logLoss: Double?
                let standardError: Double?
                let nonzeroCount: Int?
            }
            let chosen: Double
            let l1Ratio: Double?
            let candidates: [Candidate]
        }
        let penaltySearch: Search
    }

    @Test("Option mistakes are refused before any work, naming what to give instead", arguments: [
        (["--penalty", "elasticnet", "--lambda", "1"],
         "Error: --penalty elasticnet needs --alpha, the L1 share of the penalty from 0 (ridge) to 1 (lasso)."),
        (["--penalty", "elasticnet", "--alpha", "0.5"],
         "Error: --penalty elasticnet needs --lambda: a strength λ ≥ 0, or `auto` (with --spec) to cross-validate it."),
        (["--penalty", "elasticnet", "--alpha", "0.5", "--lambda", "1", "--l2", "1"],
         "Error: --l2 is for --penalty l2; with --penalty elasticnet, give the strength as --lambda and the L1 share as --alpha."),
        (["--alpha", "0.5"], "Error: --alpha and --lambda are for --penalty elasticnet; the L2 penalty's strength is --l2."),
        (["--penalty", "elasticnet", "--alpha", "2", "--lambda", "1"], "Error: --alpha must be between 0 and 1, not 2.0."),
        (["--penalty", "elasticnet", "--alpha", "1", "--lambda=-1"], "Error: --lambda must be a finite number ≥ 0 or `auto`, not -1."),
        (["--penalty", "elasticnet", "--alpha", "1", "--lambda", "auto"],
         "Error: --lambda auto needs --spec: it cross-validates in time order, which a flat table does not have."),
        (["--l2", "1", "--one-se"], "Error: --one-se chooses among cross-validated penalties: use it with --l2 auto or --lambda auto."),
        (["--penalty", "ridge"], "Error: The value 'ridge' is invalid for '--penalty <l2|elasticnet>'. Please provide one of 'l2' and 'elasticnet'."),
        (["--l2", "1", "--hessian-free-width=-1"], "Error: --hessian-free-width must be at least 0, not -1."),
        (["--l2", "1", "--hessian-sample-rows=-5"], "Error: --hessian-sample-rows must be at least 0, not -5."),
        (["--l2", "1", "--hessian-sample-rows", "many"],
         "Error: The value 'many' is invalid for '--hessian-sample-rows <n>'"),
    ])
    func optionErrors(_ options: [String], _ message: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appending(path: "model.json")
        let result = try runPropensity(["train", "--data", "x.csv", "--label", "y", "--out", model.path] + options)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix(message), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: model.path))
    }
}
