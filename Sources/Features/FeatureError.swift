import CSVParsing

/// Why a table could not be turned into features: where the problem is and what to do.
///
/// Messages name the file, the line (1-based, the header is line 1) and the column, or, for
/// encodings fitted on training leads, the feature of the spec and its option.
public enum FeatureError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The CSV itself is malformed or unreadable.
    case csv(CSVError)
    /// A column named on the command line or in a model is not in the file.
    case missingColumn(file: String, column: String, role: String, available: [String])
    /// A value in a numeric column is not a number.
    case notANumber(file: String, line: Int, column: String, value: String)
    /// A numeric value is NaN or infinite.
    case nonFiniteValue(file: String, line: Int, column: String, value: String)
    /// A cell that must hold a value is empty.
    case missingValue(file: String, line: Int, column: String, role: String)
    /// A label that is neither 0/1 nor true/false, and no positive value was named.
    case unrecognizedLabel(file: String, line: Int, column: String, value: String)
    /// The named positive label value never occurs.
    case positiveValueAbsent(file: String, column: String, positive: String, seen: [String])
    /// A sample weight that is negative or not a finite number.
    case invalidWeight(file: String, line: Int, column: String, value: String)
    /// The file has a header but no data rows.
    case noRows(file: String)
    /// Apart from the label and weight, the file has no columns.
    case noFeatureColumns(file: String)
    /// A feature column has a name that reports use for something else.
    case reservedColumnName(file: String, column: String)
    /// A feature's values include an infinity, which no encoding can place.
    case infiniteValue(feature: String, value: Double)
    /// A training value of a `log1p` feature is -1 or less, where log1p is undefined.
    case log1pOutOfDomain(feature: String, value: Double)
    /// A feature is missing for every training lead.
    case allValuesMissing(feature: String)
    /// A clip range whose lower end is above its upper end, or not a number.
    case invalidClip(feature: String, lower: Double?, upper: Double?)
    /// Quantile bins with fewer than 2 bins.
    case invalidBinCount(feature: String, bins: Int)
    /// A natural spline with fewer than 3 knots.
    case invalidKnotCount(feature: String, knots: Int)
    /// The training quantiles of a quantile-binned feature leave a single bin.
    case singleQuantileBin(feature: String, bins: Int, distinctValues: Int, largest: Double)
    /// The training quantiles of a natural spline give fewer than 3 distinct knots.
    case tooFewDistinctKnots(feature: String, requested: Int, knots: [Double])
    /// An encoding was given no training leads to fit on.
    case noTrainingValues(feature: String)
    /// A categorical minimum count below 1.
    case invalidMinCount(feature: String, minCount: Int)
    /// A categorical feature left with a single level, so it has no column.
    case singleLevel(feature: String, level: String, minCount: Int)
    /// Feature hashing into fewer than 2 buckets.
    case invalidBucketCount(feature: String, buckets: Int)

    public var description: String {
        switch self {
        case .csv(let error):
            return error.description
        case .missingColumn(let file, let column, let role, let available):
            return "\(file) has no column `\(column)` (named as the \(role)). "
                + "Its columns are: \(available.map { "`\($0)`" }.joined(separator: ", "))."
        case .notANumber(let file, let line, let column, let value):
            return "Column `\(column)` on line \(line) of \(file) is not a number: `\(value)`. "
                + "Fix the value (write numbers like 12500 or 0.25, without thousands separators), "
                + "or pass --categorical \(column) if the column holds text."
        case .nonFiniteValue(let file, let line, let column, let value):
            return "Column `\(column)` on line \(line) of \(file) is `\(value)`, which is not a finite number. "
                + "Replace it with a real value or remove the row."
        case .missingValue(let file, let line, let column, let role):
            return "Column `\(column)` on line \(line) of \(file) is empty; every \(role) needs a value. "
                + "Fill it in or remove the row."
        case .unrecognizedLabel(let file, let line, let column, let value):
            return "The label `\(column)` on line \(line) of \(file) is `\(value)`; labels must be 0/1 or true/false. "
                + "For text outcomes, name the winning value with --positive (for example --positive \(value))."
        case .positiveValueAbsent(let file, let column, let positive, let seen):
            return "The positive value `\(positive)` never occurs in column `\(column)` of \(file). "
                + "Values seen: \(seen.map { "`\($0)`" }.joined(separator: ", "))."
        case .invalidWeight(let file, let line, let column, let value):
            return "The weight `\(column)` on line \(line) of \(file) is `\(value)`; weights must be finite numbers ≥ 0."
        case .noRows(let file):
            return "\(file) has a header but no data rows."
        case .noFeatureColumns(let file):
            return "\(file) has no feature columns besides the label and weight."
        case .reservedColumnName(let file, let column):
            return "\(file) has a feature column named `\(column)`, which reports use for the model's own \(column). "
                + "Rename the column."
        case .infiniteValue(let feature, let value):
            return "Feature `\(feature)` is \(value < 0 ? "-infinity" : "infinity") for a training lead. "
                + "Leave the value empty when it is unknown, or clip it in the spec (clip: [low, high])."
        case .log1pOutOfDomain(let feature, let value):
            return "Feature `\(feature)` has the value \(plainNumber(value)) for a training lead, "
                + "but log1p needs values above -1. Use `transform: none` for this feature, "
                + "or check why its values go down to \(plainNumber(value))."
        case .allValuesMissing(let feature):
            return "Feature `\(feature)` is missing for every training lead, so it cannot be fitted. "
                + "Check the column it reads, or remove the feature from the spec."
        case .invalidClip(let feature, let lower, let upper):
            return "Feature `\(feature)` has clip: [\(lower.map(plainNumber) ?? "null"), \(upper.map(plainNumber) ?? "null")]; "
                + "the lower end must be a number at most the upper end. Swap or fix them."
        case .invalidBinCount(let feature, let bins):
            return "Feature `\(feature)` asks for quantile_bins: \(bins); quantile bins need at least 2 bins. "
                + "Use 2 or more, or `basis: linear`."
        case .invalidKnotCount(let feature, let knots):
            return "Feature `\(feature)` asks for natural_spline: \(knots); a natural spline needs at least 3 knots. "
                + "Use 3 or more, or `basis: linear`."
        case .singleQuantileBin(let feature, let bins, let distinctValues, let largest):
            if distinctValues == 1 {
                return "Feature `\(feature)` is \(plainNumber(largest)) for every training lead that has it, "
                    + "so quantile_bins: \(bins) has no second bin. Check the column it reads, "
                    + "or remove the feature from the spec."
            }
            return "Feature `\(feature)` cannot be cut into quantile_bins: \(bins): every cut at its training quantiles "
                + "falls on its largest value, \(plainNumber(largest)), which leaves a single bin. "
                + "Ask for more bins, or use `basis: linear`."
        case .tooFewDistinctKnots(let feature, let requested, let knots):
            return "Feature `\(feature)` asks for natural_spline: \(requested), but its training quantiles give only "
                + "\(knots.count) distinct knot\(knots.count == 1 ? "" : "s") (\(knots.map(plainNumber).joined(separator: ", "))) "
                + "and a natural spline needs 3. Use quantile_bins or `basis: linear` for this feature."
        case .noTrainingValues(let feature):
            return "Feature `\(feature)` has no training leads to be fitted on. "
                + "Check that the leads file has closed leads (won or lost)."
        case .invalidMinCount(let feature, let minCount):
            return "Feature `\(feature)` has min_count: \(minCount); it must be at least 1 (the default is 10)."
        case .singleLevel(let feature, let level, let minCount):
            return "Feature `\(feature)` has a single level (`\(level)`) among training leads once levels with fewer than "
                + "\(minCount) leads are pooled into `other`, so it has nothing to compare. "
                + "Lower min_count, or remove the feature from the spec."
        case .invalidBucketCount(let feature, let buckets):
            return "Feature `\(feature)` asks for buckets: \(buckets); feature hashing needs at least 2 buckets (the default is 32)."
        }
    }
}

/// `value` as people write it: `-3` rather than `-3.0`, `0.25`, `1e+20`.
func plainNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
