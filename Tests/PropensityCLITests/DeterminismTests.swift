import Foundation
import TestSupport
import Testing

/// The same data, spec and settings give the same model file and the same score file, byte for
/// byte: on every run, on one or two threads, whatever `OPENBLAS_NUM_THREADS` says.
struct DeterminismTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm").path
    static let spec = repositoryRoot.appending(path: "datasets/crm/spec.yaml").path

    /// The settings runs differ in: `--threads` and `OPENBLAS_NUM_THREADS`, one of them twice.
    static let variants: [(threads: String, blas: String)] = [("1", "1"), ("2", "2"), ("1", "2"), ("2", "2")]

    /// Runs `arguments` (ending before `--out`) once per variant and returns each file written.
    func files(_ arguments: [String], in directory: URL, epoch: String = "1795439708",
               variants: [(threads: String, blas: String)] = variants) throws -> [Data] {
        try variants.enumerated().map { index, variant in
            let out = directory.appending(path: "run\(index)")
            let run = try runPropensity(arguments + ["--threads", variant.threads, "--out", out.path],
                                        environment: ["SOURCE_DATE_EPOCH": epoch, "OPENBLAS_NUM_THREADS": variant.blas])
            try #require(run.status == 0, "\(run.standardError)")
            return try Data(contentsOf: out)
        }
    }

    @Test("train --spec: the README's model, byte for byte, on every run and any thread count")
    func crmModel() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let models = try files(["train", "--spec", Self.spec, "--data", Self.crm, "--l2", "1"], in: directory)
        // models/crm.json was trained by the README's first command at 2026-11-23T13:15:08Z.
        let bundled = try Data(contentsOf: repositoryRoot.appending(path: "models/crm.json"))
        for model in models { #expect(model == bundled) }
    }

    @Test("train --l2 auto (cross-validation, holdout): the same bytes on every run and any thread count")
    func penaltySearch() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let models = try files(["train", "--spec", Self.spec, "--data", Self.crm, "--l2", "auto"], in: directory,
                               variants: [("1", "1"), ("2", "2")])
        #expect(Set(models).count == 1)
        #expect(String(decoding: models[0], as: UTF8.self).contains("\"trainedAt\" : \"2026-11-23T13:15:08Z\""))
    }

    @Test("train on a flat table: the bundled model, byte for byte, on every run and any thread count")
    func flatModel() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let models = try files(["train", "--data", repositoryRoot.appending(path: "datasets/flat/sqls.csv").path,
                                "--label", "outcome", "--positive", "won", "--l2", "1"], in: directory, epoch: "1795439709")
        let bundled = try Data(contentsOf: repositoryRoot.appending(path: "models/flat-sqls.json"))
        for model in models { #expect(model == bundled) }
    }

    @Test("score: the same bytes on every run and any thread count, in both formats")
    func scores() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for format in ["csv", "jsonl"] {
            let files = try files(["score", "--model", repositoryRoot.appending(path: "models/crm.json").path, "--data", Self.crm,
                                   "--as-of", "2025-07-01", "--format", format], in: directory)
            #expect(Set(files).count == 1)
            #expect(files[0].count > 100_000)
        }
    }

    @Test("models trained at different times (SOURCE_DATE_EPOCH, else the clock) differ only in trainedAt")
    func trainedAt() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let flat = repositoryRoot.appending(path: "datasets/flat/sqls.csv").path
        var lines: [[Substring]] = []
        for (index, epoch) in ["1000000000", "2000000000"].enumerated() {
            let out = directory.appending(path: "m\(index).json")
            let run = try runPropensity(["train", "--data", flat, "--label", "outcome", "--positive", "won", "--out", out.path],
                                        environment: ["SOURCE_DATE_EPOCH": epoch])
            try #require(run.status == 0, "\(run.standardError)")
            lines.append(try String(contentsOf: out, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false))
        }
        let differing = zip(lines[0], lines[1]).filter { $0 != $1 }
        #expect(lines[0].count == lines[1].count)
        #expect(differing.map { [$0, $1] } == [["  \"trainedAt\" : \"2001-09-09T01:46:40Z\",", "  \"trainedAt\" : \"2033-05-18T03:33:20Z\","]])
    }
}
