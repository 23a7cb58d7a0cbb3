import ArgumentParser
import Foundation
import Propensity

/// `propensity train-driver`: the solver of a distributed fit, asking its driver for passes.
struct TrainDriver: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-driver",
        abstract: "Fit a model to rows held elsewhere, asking for each pass on standard output (run by scripts/spark_train.py).",
        discussion: """
            The solver side of a distributed fit: the same Newton–Cholesky fit as `propensity \
            train` on a flat table of numeric features, whose passes over the rows another \
            process runs (scripts/spark_train.py runs them on a Spark DataFrame's partitions with \
            `propensity partition-pass`).

            Protocol: for each pass the command prints one line, {"pass": REQUEST}, and reads one \
            line from standard input: the path of a file holding the partitions' results of that \
            pass, one JSON line each, which it adds in file order. When the fit is done it writes \
            the model to --out (atomically), prints {"done": "--out"}, and exits. Progress and \
            the fit summary go to standard error.
            """
    )

    @Option(help: ArgumentHelp("The feature columns, in order, separated by commas.", valueName: "names"))
    var features: String

    @Option(help: ArgumentHelp("The label column (0 or 1), for the model file.", valueName: "name"))
    var label: String

    @Option(help: ArgumentHelp("The sample-weight column, when the rows carry weights.", valueName: "name"))
    var weight: String?

    @Option(help: ArgumentHelp("The L2 penalty λ ≥ 0 (as for `propensity train`).", valueName: "lambda"))
    var l2: Double = 0

    @Flag(help: "Penalize the raw coefficients instead of the standardized ones.")
    var noStandardize = false

    @Option(help: ArgumentHelp("What the rows are, for the model's card (a path or table name).", valueName: "name"))
    var source: String

    @Option(help: ArgumentHelp("The model file to write.", valueName: "file"))
    var out: String

    func validate() throws {
        guard !featureNames.isEmpty, !featureNames.contains("") else {
            throw ValidationError("--features needs one or more column names, separated by commas.")
        }
        guard Set(featureNames).count == featureNames.count else {
            throw ValidationError("--features names a column twice.")
        }
    }

    var featureNames: [String] { features.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    func run() throws {
        let runner = DriverPassRunner()
        let regression = LogisticRegression(l2: l2, standardize: !noStandardize)
        let names = featureNames
        let fit = try regression.fit(passes: runner, featureNames: names) { step in
            runner.report("Newton step \(step.iteration): objective \(step.value), max |gradient| \(step.maxAbsGradient)")
        }
        let histogram = try runner.run(.percentHistogram(intercept: fit.intercept, coefficients: fit.coefficients))
        guard let counts = histogram.percentHistogram, counts.count == 101, counts.contains(where: { $0 > 0 }) else {
            throw TrainingError.passFailed("the answer to the histogram pass is not 101 counts.")
        }
        let model = PropensityModel(
            label: LabelDefinition(column: label, positive: nil), weightColumn: weight,
            encoding: FlatTableEncoding(columns: names.map { .numeric(name: $0) }), fit: fit, trainingMetrics: nil,
            grades: GradeScale(scoreCounts: counts),
            // The histogram counts every row once, whatever its weight.
            trainingData: DataFingerprint(source: source, rows: counts.reduce(0, +), positives: runner.positiveRows),
            trainedAt: Train.trainingTime())
        try ModelFile.write(model, to: URL(fileURLWithPath: out))
        FileHandle.standardError.write(Data(ModelSummary.text(model).utf8))
        var done = try JSONEncoder().encode(["done": out])
        done.append(0x0A)
        FileHandle.standardOutput.write(done)
    }
}

/// Asks the driver for each pass over standard output and reads where its results are.
final class DriverPassRunner: RowPassRunner {
    /// The rows labelled 1, from the moments pass, for the model's card.
    private(set) var positiveRows = 0

    func run(_ request: PassRequest) throws(TrainingError) -> PassResult {
        let total = try ask(request)
        if request.kind == .moments { positiveRows = total.positiveRows ?? 0 }
        return total
    }

    private func ask(_ request: PassRequest) throws(TrainingError) -> PassResult {
        do {
            var line = try JSONEncoder.passes.encode(["pass": request])
            line.append(0x0A)
            FileHandle.standardOutput.write(line)
            guard let path = readLine(strippingNewline: true), !path.isEmpty else {
                throw TrainingError.passFailed("the driver closed standard input instead of naming the results of a "
                    + "\(request.kind.rawValue) pass.")
            }
            let text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
            var total: PassResult?
            for part in text.split(separator: "\n") where !part.isEmpty {
                let result = try JSONDecoder.passes.decode(PassResult.self, from: Data(part.utf8))
                if total == nil { total = result } else { total!.merge(result) }
            }
            guard let total else {
                throw TrainingError.passFailed("\(path) holds no partition results of the \(request.kind.rawValue) pass.")
            }
            return total
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .passFailed("the results of the \(request.kind.rawValue) pass could not be read: \(error)")
        }
    }

    /// A progress line on standard error.
    func report(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
