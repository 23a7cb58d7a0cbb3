import ArgumentParser
import Foundation
import Propensity

/// `propensity partition-pass`: one pass of a distributed fit over the rows of one partition.
struct PartitionPassCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition-pass",
        abstract: "Run one pass of a distributed fit over rows on standard input (run by scripts/spark_train.py).",
        discussion: """
            Reads rows from standard input as little-endian 64-bit floats, row after row: one \
            value per --features column, the label (0 or 1), and with --weighted the sample weight \
            (at least 0). Runs the pass that --request asks for (JSON, as `propensity \
            train-driver` writes it: the column moments, a logistic pass at a point with its \
            gradient and Hessian, or the histogram of whole-percent probabilities) and prints its \
            sums as one line of JSON, which the sums of the other partitions add to.

            A row with a non-finite value, a label other than 0 and 1 or a negative weight is an \
            error naming the row (counted from 1 within the partition) and the column.
            """
    )

    @Option(help: ArgumentHelp("The pass, as JSON.", valueName: "json"))
    var request: String

    @Option(help: ArgumentHelp("The feature columns of each row, in order, separated by commas (for messages).",
                               valueName: "names"))
    var features: String

    @Flag(help: "Each row ends with a sample weight after its label.")
    var weighted = false

    func validate() throws {
        guard !featureNames.contains("") else { throw ValidationError("--features needs one or more names, separated by commas.") }
    }

    var featureNames: [String] { features.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    func run() throws {
        let pass: PassRequest
        do {
            pass = try JSONDecoder.passes.decode(PassRequest.self, from: Data(request.utf8))
        } catch {
            throw ValidationError("--request is not a pass request: \(error)")
        }
        let names = featureNames
        let features = names.count
        if let problem = pass.problem(featureCount: features) { throw ValidationError("--request: \(problem).") }

        let width = features + (weighted ? 2 : 1)
        let bytes = FileHandle.standardInput.readDataToEndOfFile()
        guard bytes.count % (8 * width) == 0 else {
            throw PartitionInputError(message: "standard input holds \(bytes.count) bytes, not a whole number of rows of "
                + "\(width) 64-bit floats (\(features) features, the label\(weighted ? ", the weight" : "")).")
        }
        let rows = bytes.count / (8 * width)
        var x = [Double](repeating: 0, count: rows * features)
        var labels = [Double](repeating: 0, count: rows)
        var weights = [Double](repeating: 1, count: weighted ? rows : 0)
        bytes.withUnsafeBytes { raw in
            for i in 0..<rows {
                for j in 0..<width {
                    let value = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * (i * width + j),
                                                                                           as: UInt64.self)))
                    if j < features { x[i * features + j] = value } else if j == features { labels[i] = value } else { weights[i] = value }
                }
            }
        }
        let result: PassResult
        if rows == 0 {
            result = PartitionPass.run(pass, over: NoRows(featureCount: features))
        } else {
            let data = try TrainingData(features: Matrix(rows: rows, columns: features, elements: x), labels: labels,
                                        weights: weighted ? weights : nil, featureNames: names)
            result = PartitionPass.run(pass, over: data)
        }
        var line = try JSONEncoder.passes.encode(result)
        line.append(0x0A)
        FileHandle.standardOutput.write(line)
    }
}

/// An empty partition.
private struct NoRows: RowBlockSource {
    let featureCount: Int
    var rowCount: Int { 0 }
    func forEachBlock(_ body: (RowBlock) throws -> Void) rethrows {}
}

/// Input that is not whole rows.
struct PartitionInputError: Error, CustomStringConvertible {
    let message: String
    var description: String { "partition-pass: " + message }
}
