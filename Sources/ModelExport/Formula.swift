import Foundation

/// A numeric expression over a model's inputs: the shape in which a model's encodings leave
/// Propensity, to be written as SQL or PMML.
///
/// The operations are the few that SQL engines and PMML share with the same meaning, so a
/// formula means one thing wherever it is written out. A formula never reads a missing value
/// without first asking whether it is missing (`Condition.isMissing`): the encodings say what
/// a missing value becomes, and the writers need not agree on how missing values propagate.
///
///     // log1p, clipped to [0, 5], missing values imputed by 0.7:
///     .choose(.isMissing("x"), .constant(0.7),
///             .choose(.greaterThan(.input("x"), -1),
///                     .minimum(.maximum(.log1p(.input("x")), .constant(0)), .constant(5)),
///                     .constant(0.7)))
public indirect enum Formula: Equatable, Sendable {
    /// A number.
    case constant(Double)
    /// A numeric input column, by name.
    case input(String)
    /// A named intermediate value of the `ScoringFormula` (`ScoringFormula.derived`), defined
    /// before the formula that reads it.
    case derived(String)
    /// The terms added left to right.
    case sum([Formula])
    /// The first minus the second.
    case difference(Formula, Formula)
    /// The factors multiplied left to right.
    case product([Formula])
    /// The first divided by the second.
    case quotient(Formula, Formula)
    /// `log(1 + x)`, accurate for small x; asked of values above -1 only.
    case log1p(Formula)
    /// The larger of the two.
    case maximum(Formula, Formula)
    /// The smaller of the two.
    case minimum(Formula, Formula)
    /// The second formula where the condition holds, else the third.
    case choose(Condition, Formula, Formula)
}

/// A yes-or-no question about a row, for `Formula.choose`.
public indirect enum Condition: Equatable, Sendable {
    /// Whether the input column, numeric or text, is missing (SQL's NULL).
    case isMissing(String)
    /// Whether the formula's value is greater than the number; asked of present values only.
    case greaterThan(Formula, Double)
    /// Whether the text input equals one of the values; asked of present values only.
    case isOneOf(String, [String])
}

/// The values of one row's inputs, for evaluating formulas in Swift.
public struct FormulaRow: Sendable {
    /// Numeric inputs by name; NaN or absent means missing.
    public var numbers: [String: Double]
    /// Text inputs by name; absent means missing.
    public var texts: [String: String]

    public init(numbers: [String: Double] = [:], texts: [String: String] = [:]) {
        self.numbers = numbers
        self.texts = texts
    }
}

extension Formula {
    /// The formula's value for `row`, with the intermediate values `derived` already computed:
    /// what a SQL engine or a PMML evaluator computes, in Swift, to check a formula against the
    /// encodings it was built from.
    ///
    /// - Returns: The value; NaN when the formula reads a missing input without asking first.
    public func value(_ row: FormulaRow, derived: [String: Double] = [:]) -> Double {
        switch self {
        case .constant(let x): return x
        case .input(let name): return row.numbers[name] ?? .nan
        case .derived(let name): return derived[name] ?? .nan
        case .sum(let terms): return terms.reduce(0) { $0 + $1.value(row, derived: derived) }
        case .difference(let a, let b): return a.value(row, derived: derived) - b.value(row, derived: derived)
        case .product(let factors): return factors.reduce(1) { $0 * $1.value(row, derived: derived) }
        case .quotient(let a, let b): return a.value(row, derived: derived) / b.value(row, derived: derived)
        case .log1p(let a): return Foundation.log1p(a.value(row, derived: derived))
        case .maximum(let a, let b): return Swift.max(a.value(row, derived: derived), b.value(row, derived: derived))
        case .minimum(let a, let b): return Swift.min(a.value(row, derived: derived), b.value(row, derived: derived))
        case .choose(let condition, let a, let b):
            return condition.holds(row, derived: derived) ? a.value(row, derived: derived) : b.value(row, derived: derived)
        }
    }
}

extension Condition {
    /// Whether the condition holds for `row`.
    public func holds(_ row: FormulaRow, derived: [String: Double] = [:]) -> Bool {
        switch self {
        case .isMissing(let name):
            if row.texts[name] != nil { return false }
            return row.numbers[name].map(\.isNaN) ?? true
        case .greaterThan(let formula, let bound): return formula.value(row, derived: derived) > bound
        case .isOneOf(let name, let values): return row.texts[name].map(values.contains) ?? false
        }
    }
}
