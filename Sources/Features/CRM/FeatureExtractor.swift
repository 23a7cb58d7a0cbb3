import Foundation
import LinearAlgebra

/// A text feature's raw values: per lead, a code into `levels` (-1 = missing).
public struct TextValues: Sendable {
    public var codes: [Int32]
    public var levels: [String]

    /// Lead `row`'s value, `nil` when missing.
    public func value(at row: Int) -> String? { codes[row] < 0 ? nil : levels[Int(codes[row])] }
}

/// Every declared feature's raw value for every lead, as of each lead's cut-off, before
/// encoding: numbers (NaN = missing) or text.
public struct RawFeatures: Sendable {
    /// The instant each lead's values are computed as of; NaN for leads not extracted.
    public let cutoffs: [Double]
    /// Numeric features by feature index (the spec's order).
    public var numbers: [Int: [Double]]
    /// Text features by feature index.
    public var texts: [Int: TextValues]
    /// Event rows skipped as invalid, when skipping was chosen.
    public var skipped: SkippedRows
    /// The number of event rows read.
    public var eventCount: Int
    /// The latest event time in the events file: the maximum over every event row with a
    /// readable time, whatever its lead's cut-off (rows skipped for an unknown contact or lead
    /// count too); -infinity when there were no event rows or no events table.
    ///
    /// A scoring instant far past it suggests the export is stale.
    public var latestEventTime: Double
}

/// Computes raw feature values from a `CRMDataSet` as of per-lead cut-offs: the single code
/// path training and scoring share.
///
/// Only data strictly before a lead's cut-off counts: events at or after it are ignored, and a
/// stage timestamp at or after it reads as missing. Outcome-time columns cannot be features
/// (the spec parser refuses them).
public enum FeatureExtractor {
    /// Extracts every feature of `data.spec` for the leads whose cut-off is not NaN.
    ///
    /// The same as `rawFeatures(_:cutoffSets:skipInvalidRows:threads:progress:)` with the one set
    /// `[cutoffs]`.
    ///
    /// - Parameters:
    ///   - cutoffs: One instant per lead (`CRMDataSet.cutoffs(openLeadsAsOf:)`).
    ///   - skipInvalidRows: Skip and count bad event rows instead of stopping.
    ///   - threads: Read the events file in this many parts at once.
    ///   - progress: Called every million events with the number read so far.
    /// - Throws: `CRMDataError` for a bad event row (unknown lead or contact, unreadable time).
    public static func rawFeatures(_ data: CRMDataSet, cutoffs: [Double], skipInvalidRows: Bool = false,
                                   threads: Int = 1, progress: (@Sendable (Int) -> Void)? = nil) throws(CRMDataError) -> RawFeatures
    {
        try rawFeatures(data, cutoffSets: [cutoffs], skipInvalidRows: skipInvalidRows, threads: threads, progress: progress)[0]
    }

    /// Extracts every feature of `data.spec` as of several sets of cut-offs, in one pass over
    /// the events file.
    ///
    /// Reading the events is the expensive part of extraction; each further set adds only the
    /// work of adding events to its leads. For example the features of the open leads now and a
    /// week ago, for a trend:
    ///
    /// ```swift
    /// let now = data.cutoffs(openLeadsAsOf: instant)
    /// let weekAgo = data.cutoffs(openLeadsAsOf: instant - 7 * Timestamp.secondsPerDay)
    /// let raw = try FeatureExtractor.rawFeatures(data, cutoffSets: [now, weekAgo])
    /// // raw[0] and raw[1] equal separate `rawFeatures(data, cutoffs:)` runs.
    /// ```
    ///
    /// - Parameters:
    ///   - cutoffSets: Any number of sets, each one instant per lead (NaN = lead not extracted
    ///     in that set). A set's values are exactly those one `rawFeatures(_:cutoffs:…)` run
    ///     with it and the same `threads` gives: each virtual copy of a lead takes its events in
    ///     the same order.
    ///   - skipInvalidRows: Skip and count bad event rows instead of stopping; default `false`.
    ///   - threads: Read the events file in this many parts at once; default 1.
    ///   - progress: Called every million events with the number read so far.
    /// - Returns: One `RawFeatures` per set, in order; they share `skipped`, `eventCount` and
    ///   `latestEventTime`.
    /// - Throws: `CRMDataError` for a bad event row (unknown lead or contact, unreadable time).
    /// - Complexity: One pass over the events; memory proportional to sets × leads × features,
    ///   per thread.
    public static func rawFeatures(_ data: CRMDataSet, cutoffSets: [[Double]], skipInvalidRows: Bool = false,
                                   threads: Int = 1, progress: (@Sendable (Int) -> Void)? = nil)
        throws(CRMDataError) -> [RawFeatures]
    {
        precondition(cutoffSets.allSatisfy { $0.count == data.leadCount }, "one cut-off per lead in every set")
        let events = try EventAggregator(data: data).run(cutoffSets: cutoffSets, skipInvalidRows: skipInvalidRows,
                                                        threads: threads, progress: progress)
        let leads = data.leads
        let leadCount = data.leadCount

        func companyColumn<T>(_ values: [T], missing: T) -> [T] {
            (0..<leadCount).map { lead in data.leadCompany[lead] < 0 ? missing : values[Int(data.leadCompany[lead])] }
        }
        // Columns that do not depend on the cut-off are built once and shared by every set.
        var sharedNumbers: [Int: [Double]] = [:]
        var texts: [Int: TextValues] = [:]
        for (index, feature) in data.spec.features.enumerated() {
            switch feature.kind {
            case .numeric(let reference):
                sharedNumbers[index] = reference.table == .leads ? leads.numbers[reference.column]!
                    : companyColumn(data.companies!.numbers[reference.column]!, missing: .nan)
            case .categorical(let reference, _), .hashed(let reference, _):
                let column = reference.table == .leads ? leads.texts[reference.column]! : data.companies!.texts[reference.column]!
                let codes = reference.table == .leads ? column.codes : companyColumn(column.codes, missing: -1)
                texts[index] = TextValues(codes: codes, levels: column.levels.keys)
            default:
                break
            }
        }
        return zip(cutoffSets, events.values).map { cutoffs, eventValues in
            func stamp(_ column: String, _ lead: Int) -> Double {
                let value = leads.timestamps[column]![lead]
                return value < cutoffs[lead] ? value : .nan  // NaN when missing, at or after the cut-off
            }
            var numbers = eventValues.merging(sharedNumbers) { event, _ in event }
            for (index, feature) in data.spec.features.enumerated() {
                if case .daysBetween(let from, let to) = feature.kind {
                    numbers[index] = (0..<leadCount).map { lead in (stamp(to, lead) - stamp(from, lead)) / Timestamp.secondsPerDay }
                }
            }
            return RawFeatures(cutoffs: cutoffs, numbers: numbers, texts: texts, skipped: events.skipped,
                               eventCount: events.eventCount, latestEventTime: events.latestEventTime)
        }
    }
}

/// How a feature's raw values become model columns, as fitted on training leads.
public enum FittedFeature: Codable, Equatable, Sendable {
    case numeric(NumericEncoding)
    case categorical(CategoricalEncoding)
    case hashed(HashedEncoding)
    /// Products of the output columns of two earlier features (by index) and their names.
    case interaction(first: Int, second: Int, columnNames: [String])

    /// The output column names.
    public var columnNames: [String] {
        switch self {
        case .numeric(let encoding): return encoding.columnNames
        case .categorical(let encoding): return encoding.columnNames
        case .hashed(let encoding): return encoding.columnNames
        case .interaction(_, _, let names): return names
        }
    }
}

/// A feature spec with every feature's encoding fitted: saved in the model, it turns raw
/// feature values into the model's columns exactly as training did.
///
/// ```swift
/// let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil))
/// let training = (0..<data.leadCount).filter { data.outcomes[$0].isClosed }
/// let pipeline = try FeaturePipeline(spec: data.spec, fitting: raw, rows: training)
/// let x = pipeline.matrix(raw, rows: training)
/// ```
public struct FeaturePipeline: Codable, Equatable, Sendable {
    /// The spec, as read.
    public let spec: FeatureSpec
    /// One fitted encoding per spec feature, in spec order.
    public let features: [FittedFeature]

    /// The model's column names, in order.
    public var columnNames: [String] { features.flatMap(\.columnNames) }

    /// Fits every feature's encoding on the raw values of `rows` (the training leads).
    ///
    /// - Throws: `CRMDataError` naming the spec entry when a feature cannot be fitted (for
    ///   example every value missing, or log1p of a value ≤ −1).
    public init(spec: FeatureSpec, fitting raw: RawFeatures, rows: [Int]) throws(CRMDataError) {
        self.spec = spec
        var features: [FittedFeature] = []
        for (index, definition) in spec.features.enumerated() {
            let entry = "features[\(index)] (\(definition.name))"
            do throws(FeatureError) {
                switch definition.kind {
                case .categorical(_, let minCount):
                    let values = raw.texts[index]!
                    features.append(.categorical(try CategoricalEncoding(name: definition.name, minCount: minCount,
                                                                         fitting: rows.map(values.value(at:)))))
                case .hashed(_, let buckets):
                    features.append(.hashed(try HashedEncoding(name: definition.name, buckets: buckets)))
                case .interaction(let a, let b):
                    let first = spec.features.firstIndex { $0.name == a }!
                    let second = spec.features.firstIndex { $0.name == b }!
                    let names = features[first].columnNames.flatMap { x in features[second].columnNames.map { "\(x)*\($0)" } }
                    features.append(.interaction(first: first, second: second, columnNames: names))
                default:
                    let values = raw.numbers[index]!
                    features.append(.numeric(try NumericEncoding(name: definition.name, options: definition.numeric,
                                                                 fitting: rows.map { values[$0] })))
                }
            } catch {
                throw CRMDataError(file: spec.tables.leads.file, entry: entry, message: error.description)
            }
        }
        self.features = features
    }

    /// The model matrix of `rows`: one row per lead, `columnNames.count` columns.
    public func matrix(_ raw: RawFeatures, rows: [Int]) -> Matrix {
        let widths = features.map(\.columnNames.count)
        let width = widths.reduce(0, +)
        var offsets = [Int](repeating: 0, count: features.count)
        for k in 1..<max(1, features.count) { offsets[k] = offsets[k - 1] + widths[k - 1] }
        var x = [Double](repeating: 0, count: rows.count * width)

        for (index, feature) in features.enumerated() {
            let offset = offsets[index]
            switch feature {
            case .numeric(let encoding):
                let values = raw.numbers[index]!
                for (r, lead) in rows.enumerated() { encoding.encode(values[lead], into: &x, at: r * width + offset) }
            case .categorical, .hashed:
                // Encode each distinct level once, then copy.
                let values = raw.texts[index]!
                let w = widths[index]
                var table = [Double](repeating: 0, count: (values.levels.count + 1) * w)
                for code in -1..<values.levels.count {
                    let text = code < 0 ? nil : values.levels[code]
                    let at = (code + 1) * w
                    if case .categorical(let encoding) = feature { encoding.encode(text, into: &table, at: at) }
                    if case .hashed(let encoding) = feature { encoding.encode(text, into: &table, at: at) }
                }
                for (r, lead) in rows.enumerated() {
                    let source = (Int(values.codes[lead]) + 1) * w
                    for k in 0..<w { x[r * width + offset + k] = table[source + k] }
                }
            case .interaction(let first, let second, _):
                let (a, wa) = (offsets[first], widths[first])
                let (b, wb) = (offsets[second], widths[second])
                for r in 0..<rows.count {
                    let base = r * width
                    for i in 0..<wa {
                        for j in 0..<wb { x[base + offset + i * wb + j] = x[base + a + i] * x[base + b + j] }
                    }
                }
            }
        }
        return Matrix(rows: rows.count, columns: width, elements: x)
    }
}

extension FeaturePipeline {
    /// Why the fitted encodings do not belong to the spec, as in a damaged or hand-edited model
    /// file; `nil` when they do: one encoding per spec feature, of the feature's kind, its
    /// columns named for it, and interactions of the features the spec names.
    public var inconsistency: String? {
        guard features.count == spec.features.count else {
            return "the spec declares \(spec.features.count) features but \(features.count) encodings are fitted"
        }
        for (index, (definition, fitted)) in zip(spec.features, features).enumerated() {
            let entry = "features[\(index)] (\(definition.name))"
            switch (definition.kind, fitted) {
            case (.categorical, .categorical), (.hashed, .hashed):
                break
            case (.interaction(let a, let b), .interaction(let first, let second, _)):
                guard first < index, second < index, spec.features[first].name == a, spec.features[second].name == b else {
                    return "\(entry): the fitted interaction does not multiply the features the spec names"
                }
                continue
            case (.categorical, _), (.hashed, _), (.interaction, _), (_, .categorical), (_, .hashed), (_, .interaction):
                return "\(entry): the fitted encoding is not of the kind the spec declares"
            default:
                break
            }
            if !fitted.columnNames.allSatisfy({ $0.hasPrefix(definition.name) }) {
                return "\(entry): its fitted columns are named for another feature"
            }
        }
        return nil
    }
}
