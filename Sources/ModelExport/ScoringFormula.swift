import Features
import Scoring
import Training

/// A saved model as formulas: its inputs, the formula of every model column over them, the
/// coefficients and the calibration. What `SQLExport` and `PMMLExport` write out.
///
/// The probability of a row is
///
///     η = intercept + Σⱼ coefficients[j] · columns[j](row),   p = c(η)
///
/// where `c` is the model's calibration, or `1 / (1 + exp(−η))` without one. The column
/// formulas reproduce the model's encodings: transform, clip and imputation of numeric
/// features (with their missing indicators, quantile bins and spline terms), one-hot levels
/// with their `other` pooling and missing level, hashed buckets and interactions.
///
/// Inputs are what the model reads per row: for a CRM model, one per spec feature (its raw
/// value as of the scoring instant, as `propensity score --features` writes it), except a
/// hashed feature, whose input is its signed bucket columns (`NAME[0]` …, as no two SQL
/// engines share MurmurHash3) and an interaction, which has none; for a flat-table model, the
/// table's feature columns.
///
///     let formula = ScoringFormula(model: model)
///     let p = formula.probability(FormulaRow(numbers: ["employees": 120], texts: ["source": "referral"]))
public struct ScoringFormula: Sendable {
    /// A column the model reads.
    public struct Input: Equatable, Sendable {
        /// Whether the column holds numbers or text.
        public enum Kind: String, Sendable {
            case number, text
        }

        /// The column's name.
        public let name: String
        public let kind: Kind
        /// What the column holds, in words, for the documentation of an export.
        public let meaning: String

        public init(name: String, kind: Kind, meaning: String) {
            self.name = name
            self.kind = kind
            self.meaning = meaning
        }
    }

    /// A formula with a name: an intermediate value or a model column.
    public struct NamedFormula: Equatable, Sendable {
        public let name: String
        public let formula: Formula

        public init(name: String, formula: Formula) {
            self.name = name
            self.formula = formula
        }
    }

    /// The columns the model reads, in the order of its features.
    public let inputs: [Input]
    /// Intermediate values, each used by several columns: a numeric feature's value after
    /// transform, clip and imputation, named `NAME:value`. Each reads inputs and earlier
    /// intermediate values only.
    public let derived: [NamedFormula]
    /// The model's columns, in the order of its coefficients, named as in the model.
    public let columns: [NamedFormula]
    /// The fitted intercept and coefficients (original scale).
    public let intercept: Double
    public let coefficients: [Double]
    /// The model's calibration; `nil` for the model's own probability.
    public let calibration: Calibrator?

    /// Formulas from their parts: `inputs` read by `derived` and `columns`, one coefficient a
    /// column.
    public init(inputs: [Input], derived: [NamedFormula], columns: [NamedFormula], intercept: Double,
                coefficients: [Double], calibration: Calibrator?) {
        precondition(columns.count == coefficients.count, "One coefficient a column.")
        self.inputs = inputs
        self.derived = derived
        self.columns = columns
        self.intercept = intercept
        self.coefficients = coefficients
        self.calibration = calibration
    }

    /// The formulas of a saved model.
    public init(model: PropensityModel) {
        var builder = Builder()
        switch model.input {
        case .crm(let pipeline): builder.add(pipeline)
        case .flatTable(_, _, let encoding): builder.add(encoding)
        }
        self.init(inputs: builder.inputs, derived: builder.derived, columns: builder.columns, intercept: model.fit.intercept,
                  coefficients: model.fit.coefficients, calibration: model.calibration?.calibrator)
    }

    /// The intermediate values of `row`, by name.
    public func derivedValues(_ row: FormulaRow) -> [String: Double] {
        var values: [String: Double] = [:]
        for item in derived { values[item.name] = item.formula.value(row, derived: values) }
        return values
    }

    /// `η` of `row`, evaluated in Swift: the sum of the intercept and each column times its
    /// coefficient, in column order.
    public func logOdds(_ row: FormulaRow) -> Double {
        let values = derivedValues(row)
        var eta = intercept
        for (column, beta) in zip(columns, coefficients) { eta += beta * column.formula.value(row, derived: values) }
        return eta
    }

    /// The model's probability for `row`, evaluated in Swift.
    public func probability(_ row: FormulaRow) -> Double {
        let eta = logOdds(row)
        return calibration?.probability(logOdds: eta) ?? LogisticLoss.probability(eta: eta)
    }
}

/// Collects inputs, intermediate values and columns feature by feature.
private struct Builder {
    var inputs: [ScoringFormula.Input] = []
    var derived: [ScoringFormula.NamedFormula] = []
    var columns: [ScoringFormula.NamedFormula] = []

    mutating func add(_ pipeline: FeaturePipeline) {
        // Each feature's column formulas, for the interactions that multiply them.
        var columnsOfFeature: [[Formula]] = []
        for (definition, feature) in zip(pipeline.spec.features, pipeline.features) {
            let formulas: [Formula]
            switch feature {
            case .numeric(let encoding):
                inputs.append(.init(name: encoding.name, kind: .number, meaning: definition.meaning))
                let (value, encoded) = ScoringFormula.columns(of: encoding)
                derived.append(value)
                formulas = encoded
            case .categorical(let encoding):
                inputs.append(.init(name: encoding.name, kind: .text, meaning: definition.meaning))
                formulas = ScoringFormula.columns(of: encoding)
            case .hashed(let encoding):
                formulas = encoding.columnNames.map { name in
                    inputs.append(.init(name: name, kind: .number, meaning: definition.meaning))
                    return .choose(.isMissing(name), .constant(0), .input(name))
                }
            case .interaction(let first, let second, _):
                formulas = columnsOfFeature[first].flatMap { a in columnsOfFeature[second].map { b in .product([a, b]) } }
            }
            columnsOfFeature.append(formulas)
            columns += zip(feature.columnNames, formulas).map { .init(name: $0, formula: $1) }
        }
    }

    mutating func add(_ encoding: FlatTableEncoding) {
        for column in encoding.columns {
            switch column {
            case .numeric(let name):
                // `score` refuses a row without the value; here it makes the probability missing.
                inputs.append(.init(name: name, kind: .number, meaning: "the number in column `\(name)`"))
                columns.append(.init(name: name, formula: .input(name)))
            case .categorical(let name, _, let levels):
                inputs.append(.init(name: name, kind: .text, meaning: "the text in column `\(name)`"))
                for level in levels {
                    columns.append(.init(name: "\(name)=\(level)", formula: ScoringFormula.levelIndicator(name, level)))
                }
            }
        }
    }
}

extension ScoringFormula {
    /// 1 when text input `name` is `level` (a missing value being the level `(missing)`), else 0.
    static func levelIndicator(_ name: String, _ level: String) -> Formula {
        .choose(.isMissing(name), .constant(level == FlatTable.missingLevel ? 1 : 0),
                .choose(.isOneOf(name, [level]), .constant(1), .constant(0)))
    }

    /// The columns of a categorical feature, as `CategoricalEncoding.encode(_:into:at:)` writes
    /// them: the level's column, the `other` column for a level the encoding does not know (a
    /// missing value being the level `(missing)`), none for the reference.
    static func columns(of encoding: CategoricalEncoding) -> [Formula] {
        var known = [encoding.reference] + encoding.levels
        let pools = encoding.levels.last == CategoricalEncoding.otherLevel
        if pools { known.removeLast() }
        return encoding.levels.enumerated().map { column, level in
            pools && column == encoding.levels.count - 1
                ? .choose(.isMissing(encoding.name), .constant(known.contains(FlatTable.missingLevel) ? 0 : 1),
                          .choose(.isOneOf(encoding.name, known), .constant(0), .constant(1)))
                : levelIndicator(encoding.name, level)
        }
    }

    /// The columns of a numeric feature, as `NumericEncoding.encode(_:into:at:)` writes them,
    /// and the intermediate value they read: the value after transform, clip and imputation.
    static func columns(of encoding: NumericEncoding) -> (value: NamedFormula, columns: [Formula]) {
        let name = encoding.name
        let options = encoding.options
        let imputed = Formula.constant(encoding.missingValue)
        var transformed = options.transform == .log1p ? Formula.log1p(.input(name)) : .input(name)
        if let lower = options.clipLower { transformed = .maximum(transformed, .constant(lower)) }
        if let upper = options.clipUpper { transformed = .minimum(transformed, .constant(upper)) }
        // log1p turns a value of -1 or less into a missing one.
        let inDomain: (Formula, Formula) -> Formula = { present, outside in
            options.transform == .log1p ? .choose(.greaterThan(.input(name), -1), present, outside) : present
        }
        let named = NamedFormula(name: "\(name):value", formula: .choose(.isMissing(name), imputed, inDomain(transformed, imputed)))
        let value = Formula.derived(named.name)

        var formulas: [Formula]
        switch options.basis {
        case .linear:
            formulas = [value]
        case .quantileBins:
            // Bin j + 1 (column j) holds (edges[j], edges[j + 1]]; the last one everything above.
            let edges = encoding.binEdges
            formulas = edges.indices.map { j in
                let below: Formula = j + 1 < edges.count
                    ? .choose(.greaterThan(value, edges[j + 1]), .constant(0), .constant(1)) : .constant(1)
                return .choose(.greaterThan(value, edges[j]), below, .constant(0))
            }
        case .naturalSpline:
            let knots = encoding.knots
            let k = knots.count
            let last = knots[k - 1], nextToLast = knots[k - 2]
            let tailSpan = last - nextToLast
            let scale = (last - knots[0]) * (last - knots[0])
            func cube(above knot: Double) -> Formula {
                let d = Formula.difference(value, .constant(knot))
                return .choose(.greaterThan(d, 0), .product([d, d, d]), .constant(0))
            }
            formulas = [value]
            for t in knots[0..<(k - 2)] {
                let term = Formula.sum([
                    .difference(cube(above: t), .product([cube(above: nextToLast), .constant((last - t) / tailSpan)])),
                    .product([cube(above: last), .constant((nextToLast - t) / tailSpan)]),
                ])
                formulas.append(.quotient(term, .constant(scale)))
            }
        }
        if encoding.hasMissingIndicator {
            formulas.append(.choose(.isMissing(name), .constant(1), inDomain(.constant(0), .constant(1))))
        }
        return (named, formulas)
    }
}

extension FeatureDefinition {
    /// What the feature's input column holds, in words.
    var meaning: String {
        switch kind {
        case .numeric(let column): return "the number in \(column.table == .leads ? "leads" : "companies") column `\(column.column)`"
        case .categorical(let column, _): return "the text in \(column.table == .leads ? "leads" : "companies") column `\(column.column)`"
        case .hashed(let column, let buckets):
            return "±1 in bucket |h| mod \(buckets) of the MurmurHash3 h of `\(column)`, 0 in the others"
        case .daysBetween(let from, let to): return "days from leads `\(from)` to `\(to)`, both before the scoring instant"
        case .eventCount: return "the number of matching events before the scoring instant (event_count)"
        case .daysSinceLastEvent: return "days from the last matching event to the scoring instant (days_since_last_event)"
        case .decayedEngagement: return "the half-life-weighted sum of matching events (decayed_engagement)"
        case .velocity: return "the log ratio of recent to earlier matching events (velocity)"
        case .distinctContacts: return "the number of contacts with a matching event (distinct_contacts)"
        case .consumed: return "1 when a matching event exists, else 0 (consumed)"
        case .speedToLead(let from): return "hours from leads `\(from)` to the first sales touch (speed_to_lead)"
        case .salesTouches: return "the number of sales touches (sales_touches)"
        case .interaction(let a, let b): return "the product of `\(a)` and `\(b)`"
        }
    }
}
