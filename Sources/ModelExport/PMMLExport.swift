import Training

/// A model as a PMML 4.4 document: a `RegressionModel` with `normalizationMethod="logit"`, for
/// scoring in any PMML evaluator (JPMML, and the engines built on it).
///
/// - `DataDictionary`: one `DataField` per input (`double` and continuous, or `string` and
///   categorical with no fixed values, so that an unseen level is valid and scored as the model
///   scores it), and the target `won` with values `0` and `1`.
/// - `LocalTransformations`: one `DerivedField` per intermediate value (`NAME:value`) and one
///   per model column, named `column:NAME`, each an `Apply` tree of `if`, `isMissing`,
///   `greaterThan`, `isIn`, `ln1p`, `max`, `min` and arithmetic over the inputs.
/// - `RegressionTable`s: for target `1` the intercept and one `NumericPredictor` per column with
///   a non-zero coefficient; for target `0` an empty one, so that `P(1) = 1 / (1 + exp(−η))`.
/// - `Output`: `probability`, the calibrated probability. Platt scaling is linear in `η` and is
///   folded into the table (`η′ = −Aη − B`); isotonic calibration maps the uncalibrated
///   probability through a `NormContinuous` with one `LinearNorm` per threshold, whose
///   extreme values it keeps outside them.
public enum PMMLExport {
    /// The name of the target field.
    public static let targetName = "won"

    /// The PMML document of `formula`.
    ///
    /// - Parameters:
    ///   - formula: The model's formulas.
    ///   - modelName: The `modelName` attribute.
    ///   - description: The header's description.
    ///   - version: The version of Propensity, for the header's `Application`.
    ///   - timestamp: When the model was trained, for the header's `Timestamp`.
    /// - Complexity: O(size of the formulas).
    public static func document(_ formula: ScoringFormula, modelName: String, description: String, version: String,
                                timestamp: String) -> String {
        var xml = XMLText()
        xml.line(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        xml.open("PMML", [("xmlns", "http://www.dmg.org/PMML-4_4"), ("version", "4.4")])
        xml.open("Header", [("description", description)])
        xml.empty("Application", [("name", "Propensity"), ("version", version)])
        xml.element("Timestamp", text: timestamp)
        xml.close("Header")

        xml.open("DataDictionary", [("numberOfFields", String(formula.inputs.count + 1))])
        for input in formula.inputs {
            xml.empty("DataField", [("name", input.name), ("optype", input.kind == .number ? "continuous" : "categorical"),
                                    ("dataType", input.kind == .number ? "double" : "string"), ("displayName", input.meaning)])
        }
        xml.open("DataField", [("name", targetName), ("optype", "categorical"), ("dataType", "string")])
        xml.empty("Value", [("value", "0")])
        xml.empty("Value", [("value", "1")])
        xml.close("DataField")
        xml.close("DataDictionary")

        xml.open("RegressionModel", [("modelName", modelName), ("functionName", "classification"),
                                     ("normalizationMethod", "logit")])
        xml.open("MiningSchema")
        for input in formula.inputs { xml.empty("MiningField", [("name", input.name)]) }
        xml.empty("MiningField", [("name", targetName), ("usageType", "target")])
        xml.close("MiningSchema")

        xml.open("Output")
        if case .isotonic(let isotonic)? = formula.calibration {
            xml.empty("OutputField", [("name", "uncalibrated_probability"), ("optype", "continuous"),
                                      ("dataType", "double"), ("feature", "probability"), ("value", "1")])
            xml.open("OutputField", [("name", "probability"), ("optype", "continuous"), ("dataType", "double"),
                                     ("feature", "transformedValue")])
            if isotonic.thresholds.count == 1 {
                xml.element("Constant", [("dataType", "double")], text: number(isotonic.values[0]))
            } else {
                xml.open("NormContinuous", [("field", "uncalibrated_probability"), ("outliers", "asExtremeValues")])
                for (t, v) in zip(isotonic.thresholds, isotonic.values) {
                    xml.empty("LinearNorm", [("orig", number(t)), ("norm", number(v))])
                }
                xml.close("NormContinuous")
            }
            xml.close("OutputField")
        } else {
            xml.empty("OutputField", [("name", "probability"), ("optype", "continuous"), ("dataType", "double"),
                                      ("feature", "probability"), ("value", "1")])
        }
        xml.close("Output")

        xml.open("LocalTransformations")
        for item in formula.derived { derivedField(item.name, item.formula, into: &xml) }
        for column in formula.columns { derivedField("column:" + column.name, column.formula, into: &xml) }
        xml.close("LocalTransformations")

        // Platt scaling, 1 / (1 + exp(Aη + B)), is the logistic of −Aη − B.
        var (scale, shift) = (1.0, 0.0)
        if case .platt(let platt)? = formula.calibration { (scale, shift) = (-platt.a, -platt.b) }
        xml.open("RegressionTable", [("intercept", number(scale * formula.intercept + shift)), ("targetCategory", "1")])
        for (column, beta) in zip(formula.columns, formula.coefficients) where beta != 0 {
            xml.empty("NumericPredictor", [("name", "column:" + column.name), ("coefficient", number(scale * beta))])
        }
        xml.close("RegressionTable")
        xml.empty("RegressionTable", [("intercept", "0"), ("targetCategory", "0")])
        xml.close("RegressionModel")
        xml.close("PMML")
        return xml.text
    }

    private static func derivedField(_ name: String, _ formula: Formula, into xml: inout XMLText) {
        xml.open("DerivedField", [("name", name), ("optype", "continuous"), ("dataType", "double")])
        expression(formula, into: &xml)
        xml.close("DerivedField")
    }

    /// Writes a formula as a PMML expression; sums and products of more than two become
    /// nested binary `+` and `*`, applied left to right as `Formula.value` does.
    private static func expression(_ formula: Formula, into xml: inout XMLText) {
        switch formula {
        case .constant(let x): xml.element("Constant", [("dataType", "double")], text: number(x))
        case .input(let name): xml.empty("FieldRef", [("field", name)])
        case .derived(let name): xml.empty("FieldRef", [("field", name)])
        case .sum(let terms): leftFold("+", terms, into: &xml)
        case .product(let factors): leftFold("*", factors, into: &xml)
        case .difference(let a, let b): apply("-", [a, b], into: &xml)
        case .quotient(let a, let b): apply("/", [a, b], into: &xml)
        case .log1p(let a): apply("ln1p", [a], into: &xml)
        case .maximum(let a, let b): apply("max", [a, b], into: &xml)
        case .minimum(let a, let b): apply("min", [a, b], into: &xml)
        case .choose(let condition, let a, let b):
            xml.open("Apply", [("function", "if")])
            self.condition(condition, into: &xml)
            expression(a, into: &xml)
            expression(b, into: &xml)
            xml.close("Apply")
        }
    }

    private static func condition(_ condition: Condition, into xml: inout XMLText) {
        switch condition {
        case .isMissing(let name):
            xml.open("Apply", [("function", "isMissing")])
            xml.empty("FieldRef", [("field", name)])
            xml.close("Apply")
        case .greaterThan(let formula, let bound):
            apply("greaterThan", [formula, .constant(bound)], into: &xml)
        case .isOneOf(let name, let values):
            xml.open("Apply", [("function", values.count == 1 ? "equal" : "isIn")])
            xml.empty("FieldRef", [("field", name)])
            for value in values { xml.element("Constant", [("dataType", "string")], text: value) }
            xml.close("Apply")
        }
    }

    private static func apply(_ function: String, _ arguments: [Formula], into xml: inout XMLText) {
        xml.open("Apply", [("function", function)])
        for argument in arguments { expression(argument, into: &xml) }
        xml.close("Apply")
    }

    private static func leftFold(_ function: String, _ operands: [Formula], into xml: inout XMLText) {
        guard operands.count > 1 else {
            expression(operands.first ?? .constant(function == "*" ? 1 : 0), into: &xml)
            return
        }
        xml.open("Apply", [("function", function)])
        leftFold(function, Array(operands.dropLast()), into: &xml)
        expression(operands[operands.count - 1], into: &xml)
        xml.close("Apply")
    }

    /// A double with the shortest digits that read back as it.
    static func number(_ x: Double) -> String {
        precondition(x.isFinite, "A model's numbers are finite.")
        return x == x.rounded() && x.magnitude < 1e15 ? String(Int64(x)) : x.description
    }
}

/// An XML document under construction, indented two spaces per level.
private struct XMLText {
    private(set) var text = ""
    private var depth = 0

    mutating func line(_ content: String) {
        text += String(repeating: "  ", count: depth) + content + "\n"
    }

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        line("<" + name + Self.attributes(attributes) + ">")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</" + name + ">")
    }

    mutating func empty(_ name: String, _ attributes: [(String, String)] = []) {
        line("<" + name + Self.attributes(attributes) + "/>")
    }

    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text content: String) {
        line("<" + name + Self.attributes(attributes) + ">" + Self.escaped(content, quotes: false) + "</" + name + ">")
    }

    private static func attributes(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escaped($0.1, quotes: true))\"" }.joined()
    }

    /// Text with XML's special characters as entities; line breaks and tabs as character
    /// references in attributes, where a parser would otherwise turn them into spaces.
    private static func escaped(_ text: String, quotes: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "\n" where quotes: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where quotes: out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
