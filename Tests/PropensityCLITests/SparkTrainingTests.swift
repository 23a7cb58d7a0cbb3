import Foundation
import TestSupport
import Testing

/// `scripts/spark_train.py` on Spark, on `local[2]` and through a Spark Connect server
/// (`scripts/with-spark-connect.sh`), against `propensity train` on the same file; and the
/// partition step's refusals.
struct SparkTrainingTests {
    /// 100,000 weighted rows of six numeric features on different scales and a label drawn from
    /// a known model: written once for the tests of this suite.
    static let data: URL = {
        let directory = try! makeTemporaryDirectory()
        let url = directory.appending(path: "rows.csv")
        var random = SeededGenerator(seed: 2026)
        var text = "tenure,visits,revenue,inbound,score,discount,won,weight\n"
        for _ in 0..<100_000 {
            let x = [random.nextGaussian(), 5 + 2 * random.nextGaussian(), 1000 * -log(Double.random(in: 0.0001..<1, using: &random)),
                     Double(Int.random(in: 0...1, using: &random)), random.nextGaussian(), Double.random(in: -3..<3, using: &random)]
            let eta = -0.5 + 0.8 * x[0] - 0.2 * x[1] + 0.0005 * x[2] + 0.7 * x[3] + 0.3 * x[4] - 0.1 * x[5]
            let won = Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(-eta)) ? 1 : 0
            let weight = [0.5, 1, 2][Int.random(in: 0...2, using: &random)]
            text += x.map { "\($0)" }.joined(separator: ",") + ",\(won),\(weight)\n"
        }
        try! text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }()

    /// The fit of a model file.
    private func fit(_ url: URL) throws -> [String: Any] {
        let model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(model["fit"] as? [String: Any])
    }

    /// Runs the Spark job; a failure is an error carrying its output.
    private func sparkTrain(_ arguments: [String], environment: [String: String] = [:]) throws {
        let result = try sparkJob(arguments, environment: environment)
        try #require(result.status == 0, "scripts/spark_train.py failed: \(result.standardError.suffix(3000))")
    }

    private func sparkJob(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try runCommand(URL(fileURLWithPath: "/usr/bin/env"),
                       ["python3", repositoryRoot.appending(path: "scripts/spark_train.py").path] + arguments
                           + ["--propensity", propensityExecutable.path],
                       environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    @Test("a missing value stops the job with the partition's message, naming the column, and writes no model")
    func missingValue() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appending(path: "rows.csv")
        try "tenure,visits,won\n1.5,2,1\n0.5,,0\n-1,4,1\n2,1,0\n".write(to: data, atomically: true, encoding: .utf8)
        let out = directory.appending(path: "model.json")
        let result = try sparkJob(["--data", data.path, "--label", "won", "--out", out.path, "--master", "local[1]"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("\(data.path), in a Spark partition (rows counted from 1 within it): "
            + "Column `visits` of row 2 is NaN; every feature value must be a finite number."))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("on local[2] and over Spark Connect, the Spark fit equals propensity train to 1e-10")
    func sparkEqualsSingleMachine() throws {
        let directory = Self.data.deletingLastPathComponent()
        // The driver takes Newton steps on all rows from the start; so does propensity train
        // with --hessian-sample-rows 0. By default it starts from a sample's fit on this many
        // rows, and reaches the same minimum by other steps.
        let single = directory.appending(path: "single.json")
        let train = try runPropensity(["train", "--data", Self.data.path, "--label", "won", "--weight", "weight", "--l2", "1",
                                       "--hessian-sample-rows", "0", "--out", single.path])
        try #require(train.status == 0, "\(train.standardError)")
        let sampled = directory.appending(path: "sampled.json")
        let sampledTrain = try runPropensity(["train", "--data", Self.data.path, "--label", "won", "--weight", "weight",
                                              "--l2", "1", "--out", sampled.path])
        try #require(sampledTrain.status == 0, "\(sampledTrain.standardError)")
        let (exactFit, sampledFit) = (try fit(single), try fit(sampled))
        for key in ["intercept", "coefficients", "logLikelihood"] {
            let a = exactFit[key] as? [Double] ?? [(exactFit[key] as? Double)!]
            let b = sampledFit[key] as? [Double] ?? [(sampledFit[key] as? Double)!]
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($0)) }, "\(key)")
        }
        #expect(sampledFit["iterations"] as? Int != exactFit["iterations"] as? Int)
        let common = ["--data", Self.data.path, "--label", "won", "--weight", "weight", "--l2", "1"]
        let local = directory.appending(path: "local.json")
        try sparkTrain(common + ["--out", local.path, "--master", "local[2]", "--partitions", "4"])
        let remote = try #require(ProcessInfo.processInfo.environment["PROPENSITY_TEST_SPARK_REMOTE"],
                                  """
                                  PROPENSITY_TEST_SPARK_REMOTE is not set: run the tests beside a Spark Connect server, \
                                  as the README says: bash scripts/with-spark-connect.sh swift test
                                  """)
        let connect = directory.appending(path: "connect.json")
        try sparkTrain(common + ["--out", connect.path, "--partitions", "3"], environment: ["SPARK_REMOTE": remote])

        let reference = try fit(single)
        for url in [local, connect] {
            let spark = try fit(url)
            func close(_ key: String, scale: Double = 1) -> Bool {
                let a = reference[key] as? [Double] ?? [(reference[key] as? Double)!]
                let b = spark[key] as? [Double] ?? [(spark[key] as? Double)!]
                return a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-10 * max(scale, abs($0)) }
            }
            #expect(close("intercept") && close("coefficients"), "\(url.lastPathComponent)")
            #expect(close("covariance", scale: 1e-12), "\(url.lastPathComponent)")
            #expect(close("logLikelihood") && close("nullLogLikelihood"), "\(url.lastPathComponent)")
            #expect(spark["iterations"] as? Int == reference["iterations"] as? Int)
            #expect(spark["featureNames"] as? [String] == ["tenure", "visits", "revenue", "inbound", "score", "discount"])
            let models = try [single, url].map { try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any] }
            #expect(models[0]["grades"] as? [String: Int] == models[1]["grades"] as? [String: Int])
            let data = models.map { $0["trainingData"] as! [String: Any] }
            #expect(data[0]["rows"] as? Int == data[1]["rows"] as? Int && data[0]["positives"] as? Int == data[1]["positives"] as? Int)
        }
        // The Spark model scores like any other: inspect reads it.
        let inspect = try runPropensity(["inspect", connect.path])
        #expect(inspect.status == 0 && inspect.standardOutput.contains("none: the rows were read in parts, not as one file"))
    }

    @Test("train-driver stops with the pass it was waiting for when the driver goes away or answers nonsense, writing no model")
    func trainDriverRefusals() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["train-driver", "--features", "tenure,visits", "--label", "won", "--source", "rows.csv",
                         "--out", "model.json"]
        let closed = directory.appending(path: "closed.txt")
        try Data().write(to: closed)
        let gone = try runPropensity(arguments, in: directory, stdin: closed)
        #expect(gone.status != 0)
        #expect(gone.standardOutput == #"{"pass":{"kind":"moments"}}"# + "\n")
        #expect(gone.standardError.contains("Error: A pass over the rows failed: the driver closed standard input instead "
            + "of naming the results of a moments pass."))
        let results = directory.appending(path: "results.jsonl")
        try "not json\n".write(to: results, atomically: true, encoding: .utf8)
        let answer = directory.appending(path: "answer.txt")
        try (results.path + "\n").write(to: answer, atomically: true, encoding: .utf8)
        let nonsense = try runPropensity(arguments, in: directory, stdin: answer)
        #expect(nonsense.status != 0)
        #expect(nonsense.standardError.contains("Error: A pass over the rows failed: the results of the moments pass could "
            + "not be read:"))
        #expect(!FileManager.default.fileExists(atPath: directory.appending(path: "model.json").path))
    }

    @Test("partition-pass refuses partial rows, bad values and bad requests, naming the problem")
    func partitionPassRefusals() throws {
        let request = #"{"kind":"moments"}"#
        func pass(_ values: [Double], request: String = request) throws -> CommandResult {
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let input = directory.appending(path: "rows.bin")
            var bytes = Data()
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            try bytes.write(to: input)
            return try runPropensity(["partition-pass", "--request", request, "--features", "tenure,visits"], stdin: input)
        }
        let good = try pass([1, 2, 1, 3, 4, 0])
        #expect(good.status == 0)
        #expect(good.standardOutput.contains(#""positiveRows":1"#))
        let partial = try pass([1, 2, 1, 3])
        #expect(partial.status != 0)
        #expect(partial.standardError.contains("standard input holds 32 bytes, not a whole number of rows of 3 64-bit floats"))
        let label = try pass([1, 2, 0.5])
        #expect(label.status != 0 && label.standardError.contains("0.5"))
        let nan = try pass([1, 2, 1, .nan, 2, 1])
        #expect(nan.status != 0)
        #expect(nan.standardError.contains("Column `tenure` of row 2 is NaN"))
        let wrong = try pass([1, 2, 1], request: #"{"kind":"logistic","order":2}"#)
        #expect(wrong.status != 0)
        #expect(wrong.standardError.contains("a logistic pass needs an intercept and 2 coefficients, centers and scales"))
    }
}
