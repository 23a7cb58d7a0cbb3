import Features
import Foundation
import Training

/// A trained propensity model: everything needed to score new rows, and the record of how it
/// was trained.
///
/// The model owns its preprocessing: the label definition and the column encoding travel
/// with the coefficients, so scoring cannot drift from training.
public struct PropensityModel: Codable, Equatable, Sendable {
    /// The model file format this version of Propensity writes and reads.
    public static let currentFormatVersion = 1
    /// The value of `format`, which identifies a Propensity model file.
    public static let formatName = "propensity-model"

    /// Always `propensity-model`.
    public let format: String
    /// The file format version.
    public let formatVersion: Int
    /// The version of Propensity that trained the model.
    public let packageVersion: String
    /// The label column and its positive value.
    public let label: LabelDefinition
    /// The sample-weight column, if one was used.
    public let weightColumn: String?
    /// How table columns become features.
    public let encoding: FlatTableEncoding
    /// The fitted coefficients, covariance and statistics.
    public let fit: LogisticRegressionFit
    /// AUC, log-loss and Brier score on the training rows.
    public let trainingMetrics: ClassificationMetrics?
    /// What the model was trained on.
    public let trainingData: DataFingerprint

    /// Assembles a model.
    public init(label: LabelDefinition, weightColumn: String?, encoding: FlatTableEncoding, fit: LogisticRegressionFit,
                trainingMetrics: ClassificationMetrics?, trainingData: DataFingerprint) {
        self.format = Self.formatName
        self.formatVersion = Self.currentFormatVersion
        self.packageVersion = PropensityVersion.current
        self.label = label
        self.weightColumn = weightColumn
        self.encoding = encoding
        self.fit = fit
        self.trainingMetrics = trainingMetrics
        self.trainingData = trainingData
    }
}

/// Which column holds the outcome and which value means a win.
public struct LabelDefinition: Codable, Equatable, Sendable {
    /// The label column.
    public let column: String
    /// The value that marks a win, or `nil` when the column holds 0/1 or true/false.
    public let positive: String?

    public init(column: String, positive: String?) {
        self.column = column
        self.positive = positive
    }
}

/// A fingerprint of a training file: enough to tell whether two models saw the same data.
public struct DataFingerprint: Codable, Equatable, Sendable {
    /// The file's name.
    public let file: String
    /// The number of data rows.
    public let rows: Int
    /// The number of rows labelled a win.
    public let positives: Int
    /// The file's size in bytes.
    public let bytes: Int
    /// The 64-bit FNV-1a hash of the file's bytes, as 16 hexadecimal digits.
    public let fnv1a64: String

    /// Fingerprints a file.
    ///
    /// - Throws: The file system's error if it cannot be read.
    public init(file url: URL, rows: Int, positives: Int) throws {
        let data = try Data(contentsOf: url)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        self.file = url.lastPathComponent
        self.rows = rows
        self.positives = positives
        self.bytes = data.count
        self.fnv1a64 = String(hash, radix: 16).leftPadded(to: 16)
    }
}

/// The version of the Propensity package.
public enum PropensityVersion {
    /// The current version, as written into model files.
    public static let current = "0.1.0"
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
