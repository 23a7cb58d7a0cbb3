import Features
import Foundation
import Training

/// A trained propensity model: everything needed to score new rows, and the record of how it
/// was trained.
///
/// The model owns its preprocessing: the label definition and the column encoding travel
/// with the coefficients, so scoring cannot drift from training.
public struct PropensityModel: Codable, Equatable, Sendable {
    /// The newest model file format this version of Propensity writes and reads.
    public static let currentFormatVersion = 4
    /// The format versions this version of Propensity reads. A model is written in the lowest
    /// version that holds it: 4 when its fit has no covariance (a wide fit, which readers of
    /// version 3 would call corrupted), 3 when it has a calibration (which a reader of
    /// version 2 would ignore, giving uncalibrated probabilities without a word), else 2.
    public static let readableFormatVersions = 2...4
    /// The value of `format`, which identifies a Propensity model file.
    public static let formatName = "propensity-model"

    /// Always `propensity-model`.
    public let format: String
    /// The file format version: 4 for a fit without covariance, 3 for a model with a
    /// calibration, else 2.
    public let formatVersion: Int
    /// The version of Propensity that trained the model.
    public let packageVersion: String
    /// When the model was trained (ISO 8601, UTC).
    public let trainedAt: String
    /// What the model reads and how it becomes features: a flat table or a CRM export.
    public let input: ModelInput
    /// The fitted coefficients, covariance and statistics.
    public let fit: LogisticRegressionFit
    /// AUC, log-loss and Brier score on the training rows.
    public let trainingMetrics: ClassificationMetrics?
    /// How the model did on the most recently closed leads, held out of the fit; `nil` when
    /// nothing was held out.
    public let validation: Evaluation?
    /// How `--l2 auto` chose the penalty, when it did.
    public let penaltySearch: PenaltySearchResult?
    /// The cut points of the A–D grades.
    public let grades: GradeScale
    /// What the model was trained on.
    public let trainingData: DataFingerprint
    /// The calibration of its probabilities (`--calibration`), fitted on the held-out leads;
    /// `nil` when the model's own probabilities are used, and in files written before models
    /// could be calibrated.
    public let calibration: ModelCalibration?

    /// Assembles a model.
    ///
    /// - Parameters:
    ///   - grades: The grade cut points; by default fitted on the probabilities of the rows the
    ///     model was trained on, which needs `trainingProbabilities`.
    ///   - calibration: The calibration of the probabilities; default none.
    ///   - trainedAt: When; default now.
    public init(input: ModelInput, fit: LogisticRegressionFit, trainingMetrics: ClassificationMetrics?,
                validation: Evaluation? = nil, penaltySearch: PenaltySearchResult? = nil, grades: GradeScale,
                trainingData: DataFingerprint, calibration: ModelCalibration? = nil, trainedAt: Date = Date()) {
        self.format = Self.formatName
        self.formatVersion = !fit.hasCovariance ? 4 : calibration != nil ? 3 : 2
        self.packageVersion = PropensityVersion.current
        self.trainedAt = Timestamp.string(from: trainedAt.timeIntervalSince1970.rounded(.down))
        self.input = input
        self.fit = fit
        self.trainingMetrics = trainingMetrics
        self.validation = validation
        self.penaltySearch = penaltySearch
        self.grades = grades
        self.trainingData = trainingData
        self.calibration = calibration
    }

    /// The probability the model gives a row with log-odds `η`: calibrated when the model has
    /// a calibration, else `1 / (1 + exp(−η))`.
    @inline(__always)
    public func probability(logOdds eta: Double) -> Double {
        calibration?.calibrator.probability(logOdds: eta) ?? LogisticLoss.probability(eta: eta)
    }

    /// Assembles a model of a flat table.
    public init(label: LabelDefinition, weightColumn: String?, encoding: FlatTableEncoding, fit: LogisticRegressionFit,
                trainingMetrics: ClassificationMetrics?, grades: GradeScale, trainingData: DataFingerprint,
                trainedAt: Date = Date()) {
        self.init(input: .flatTable(label: label, weightColumn: weightColumn, encoding: encoding), fit: fit,
                  trainingMetrics: trainingMetrics, grades: grades, trainingData: trainingData, trainedAt: trainedAt)
    }
}

/// What a model reads, and how it turns that into its feature columns.
public enum ModelInput: Codable, Equatable, Sendable {
    /// One CSV table: the label column, an optional weight column, and the column encoding.
    case flatTable(label: LabelDefinition, weightColumn: String?, encoding: FlatTableEncoding)
    /// A CRM export read through a feature spec, with every feature's encoding fitted.
    case crm(FeaturePipeline)

    /// The feature columns this input produces, in the model's order.
    public var featureNames: [String] {
        switch self {
        case .flatTable(_, _, let encoding): return encoding.featureNames
        case .crm(let pipeline): return pipeline.columnNames
        }
    }

    /// What is modelled, for summaries: `outcome = won`, or the flat label.
    public var outcomeDescription: String {
        switch self {
        case .flatTable(let label, _, _):
            return label.positive.map { "\(label.column) = \($0)" } ?? label.column
        case .crm(let pipeline):
            return "\(pipeline.spec.tables.leads.outcome) ∈ {\(pipeline.spec.label.won.joined(separator: ", "))}"
        }
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
    /// The number of rows trained on.
    public let rows: Int
    /// The number of rows labelled a win.
    public let positives: Int
    /// The file's size in bytes.
    public let bytes: Int
    /// The 64-bit FNV-1a hash of the file's bytes, as 16 hexadecimal digits.
    public let fnv1a64: String
    /// The earliest and latest close date of the rows trained on (ISO 8601), when known.
    public var closedFrom: String?
    public var closedTo: String?

    /// Fingerprints a file.
    ///
    /// - Throws: The file system's error if it cannot be read.
    public init(file url: URL, rows: Int, positives: Int) throws {
        try self.init(CRMTableReference(entry: "tables.leads", file: url.lastPathComponent, table: nil),
                      in: CRMFolder(url.deletingLastPathComponent()), rows: rows, positives: positives)
    }

    /// The fingerprint of rows that were never one file (the partitions of a Spark DataFrame):
    /// the source's name and counts, with no size and an empty hash.
    public init(source: String, rows: Int, positives: Int) {
        self.file = source
        self.rows = rows
        self.positives = positives
        self.bytes = 0
        self.fnv1a64 = ""
    }

    /// Fingerprints a table of a source (a file of a folder, a database table as streamed).
    ///
    /// - Throws: The source's error if the table cannot be read.
    public init(_ table: CRMTableReference, in source: any CRMTableSource, rows: Int, positives: Int) throws {
        let (bytes, hash) = try source.fingerprint(table)
        self.file = source.name(of: table)
        self.rows = rows
        self.positives = positives
        self.bytes = bytes
        self.fnv1a64 = hash
    }
}

/// The version of the Propensity package.
public enum PropensityVersion {
    /// The current version, as written into model files.
    public static let current = "0.1.0"
}

